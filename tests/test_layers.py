"""The code's layers import downwards only, checked by import-linter's contracts in pyproject.toml."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "pyproject.toml"


def _contracts() -> list[dict]:
    return tomllib.loads(CONFIG.read_text())["tool"]["importlinter"]["contracts"]


def test_no_module_imports_a_layer_above_it_and_no_handler_imports_another():
    # its own process: import-linter reconfigures logging, which would silence this one's loggers
    linted = subprocess.run(
        [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports; "
         f"sys.exit(lint_imports(config_filename={str(CONFIG)!r}, no_cache=True, no_logo=True))"],
        cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_every_part_of_bot_belongs_to_a_layer():
    """A new folder or module under bot/ must be placed in the layers, or it escapes the check."""
    [layers] = [contract["layers"] for contract in _contracts() if contract["type"] == "layers"]
    parts = {
        f"bot.{path.stem if path.is_file() else path.name}"
        for path in (ROOT / "bot").iterdir()
        if (path.suffix == ".py" and path.stem != "__init__") or (path / "__init__.py").exists()
    }
    assert parts <= set(layers), parts - set(layers)

