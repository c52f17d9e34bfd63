"""The Bot API reference as data: which methods exist and which parameters they take.

The package ships ``bot_api.json``, a trimmed copy (names, types and required flags) of the
official reference that the project's ``shared/telegram-bot-api/api.json`` holds, so the
emulator works from an installed package. Regenerate it with
``python -m bot.demo.emulator.spec path/to/api.json`` when the reference moves; a test checks
the copy matches it whenever the reference sits next to the checkout.
"""

from __future__ import annotations

import functools
import json
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

# python-telegram-bot 22.8 adds its ``Defaults`` parse mode to every method it sends through
# ``Bot._send_message``, sendPoll included, which takes no ``parse_mode``. Telegram ignores
# unknown parameters, so this one, added by the client and not by our code, is not reported.
_CLIENT_ADDED = {"sendPoll": frozenset({"parse_mode"})}


class ApiViolation(Exception):
    """A call or an object that real Telegram would reject or never send."""


@dataclass(frozen=True)
class Signature:
    fields: frozenset[str]
    required: frozenset[str]
    types: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, hash=False)

    def is_plain_string(self, name: str) -> bool:
        """True when the reference types the field as ``String`` and nothing else.

        Over HTTP every other field arrives JSON-encoded (python-telegram-bot sends
        ``json.dumps(value)`` for anything that is not a ``str``), so only these stay raw.
        """
        return self.types.get(name) == ("String",)


@dataclass(frozen=True)
class BotApiSpec:
    version: str
    methods: dict[str, Signature]
    types: dict[str, Signature]

    def check_call(self, method: str, params: dict[str, object]) -> None:
        signature = self.methods.get(method)
        if signature is None:
            raise ApiViolation(f"unknown method {method!r}")
        missing = signature.required - params.keys()
        if missing:
            raise ApiViolation(f"{method}: missing required parameter(s) {sorted(missing)}")
        unknown = params.keys() - signature.fields - _CLIENT_ADDED.get(method, frozenset())
        if unknown:
            raise ApiViolation(f"{method}: unknown parameter(s) {sorted(unknown)}")

    def check_object(self, type_name: str, value: dict[str, object]) -> None:
        """Shallow check that an object the emulator returns has every required field."""
        signature = self.types[type_name]
        missing = signature.required - value.keys()
        if missing:
            raise ApiViolation(f"{type_name}: missing required field(s) {sorted(missing)}")
        unknown = value.keys() - signature.fields
        if unknown:
            raise ApiViolation(f"{type_name}: unknown field(s) {sorted(unknown)}")


def trim(reference: dict) -> dict:
    """Keep only what validation needs from the full reference."""

    def signatures(section: dict) -> dict:
        return {
            name: {
                "fields": sorted(field["name"] for field in entry.get("fields", [])),
                "required": sorted(
                    field["name"] for field in entry.get("fields", []) if field["required"]
                ),
                "types": {field["name"]: field["types"] for field in entry.get("fields", [])},
            }
            for name, entry in section.items()
        }

    return {
        "version": reference["version"],
        "methods": signatures(reference["methods"]),
        "types": signatures(reference["types"]),
    }


def _from_trimmed(data: dict) -> BotApiSpec:
    def signatures(section: dict) -> dict[str, Signature]:
        return {
            name: Signature(
                frozenset(entry["fields"]),
                frozenset(entry["required"]),
                {field: tuple(types) for field, types in entry.get("types", {}).items()},
            )
            for name, entry in section.items()
        }

    return BotApiSpec(data["version"], signatures(data["methods"]), signatures(data["types"]))


@functools.cache
def load(path: str | None = None) -> BotApiSpec:
    """The shipped trimmed reference, or a full ``api.json`` when a path is given."""
    if path is None:
        text = resources.files("bot.demo.emulator").joinpath("bot_api.json").read_text("utf-8")
        return _from_trimmed(json.loads(text))
    return _from_trimmed(trim(json.loads(Path(path).read_text("utf-8"))))


if __name__ == "__main__":
    source = Path(sys.argv[1])
    target = Path(__file__).with_name("bot_api.json")
    target.write_text(json.dumps(trim(json.loads(source.read_text("utf-8"))), indent=0) + "\n")
    print(f"wrote {target}")
