"""The public pages' files: Jinja2 templates (autoescaped) rendered to one folder per group.

A group's folder is ``COPROD_SITE_DIR/<token>``, where the token is the group's unguessable
hex name, never anything a member wrote, so no title can lead a path out of the site
folder. Every file is written to a temporary file beside it and renamed over the old one,
so a reader sees the old page or the new one, never half of one; a file whose bytes did
not change is left alone, and files the new build no longer has are removed.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import Any

_TOKEN = re.compile(r"^[0-9a-f]{32}$")
_FILE = re.compile(r"^[a-z0-9-]+\.(html|css|svg)$")


class SiteError(Exception):
    """A folder or file name the site refuses to write."""


def group_folder(site_dir: Path, token: str) -> Path:
    if not _TOKEN.match(token):
        raise SiteError(f"not a site token: {token!r}")
    return site_dir / token


@cache
def _environment():  # noqa: ANN202 - a jinja2.Environment, imported lazily
    import jinja2

    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "site_templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )


def render(template: str, **context: Any) -> str:
    return _environment().get_template(template).render(**context)


def stylesheet() -> bytes:
    return (Path(__file__).parent / "site_templates" / "style.css").read_bytes()


def write_atomically(path: Path, data: bytes) -> bool:
    """Write ``data`` to ``path`` via a temporary file and a rename; False if unchanged."""
    try:
        if path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    descriptor, temporary = tempfile.mkstemp(prefix=".tmp-", dir=path.parent)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
        os.chmod(temporary, 0o644)  # served by a web server running as another user
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return True


def publish(folder: Path, files: Mapping[str, bytes], owns: Callable[[str], bool] | None = None) -> int:
    """Make ``folder`` hold exactly ``files``; the number of files written or removed.

    With ``owns``, the build covers only part of the folder: files it does not own are
    left as they are, and only owned files missing from ``files`` are removed."""
    for name in files:
        if not _FILE.match(name):
            raise SiteError(f"not a site file name: {name!r}")
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o755)
    changed = sum(write_atomically(folder / name, data) for name, data in files.items())
    for stale in folder.iterdir():
        if stale.name not in files and stale.is_file() and (owns is None or owns(stale.name)):
            stale.unlink()
            changed += 1
    return changed


def remove(folder: Path) -> bool:
    """Remove the group's folder and every file in it; False if there was none."""
    if not folder.exists():
        return False
    shutil.rmtree(folder)
    return True
