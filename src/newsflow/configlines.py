"""Where in the config file a config error is, and what was likely meant (docs/security.md, "Local 31").

A config error names its key (`fetch.timeout`, `feeds[3].url`); in a config of 10,000 feeds, or one whose key
was misspelt, the key alone left the user to search the file. `located` adds the line the key is written on and
the file; `did_you_mean` names the setting a misspelt key is closest to (`timout`: `timeout`). The line is
found by reading the file's lines as TOML writes tables and keys (headers, `key =`, dotted keys, text inside a
multi-line string skipped): where it cannot be told (an inline table, a key left at its default), no line is said.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
from collections.abc import Iterable
from pathlib import Path

from newsflow.errors import ConfigError

# `feeds[3].url`, `fetch.allowed_networks[0]`, `fecth`: the table, the array index and the key an error names
_KEY = re.compile(r"(?P<table>[A-Za-z0-9_-]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<key>[^.\[]+))?(?:\[\d+\])?")
_ARRAY_HEADER = re.compile(r"\[\[\s*(?P<name>[A-Za-z0-9_\"'-]+)\s*\]\]")
_HEADER = re.compile(r"\[\s*(?P<name>[A-Za-z0-9_\"'-]+)\s*\]")
_ASSIGNED = re.compile(r"(?P<key>[A-Za-z0-9_\"'. -]+?)\s*=")
# tomllib's words for a key or table given twice: said with what to do
_TWICE = ("Cannot overwrite a value", "Cannot declare")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`did you mean 'timeout'? ` for a misspelt key, or nothing when no choice is close."""
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""


def located(exc: ConfigError, text: str, config_shown: str) -> ConfigError:
    """`exc` with the line its key is on and the file, when the key is written in the file."""
    line = key_line(text, exc.key)
    if line is None:
        return exc
    return ConfigError(exc.key, f"{exc.message} (line {line} of {config_shown})")


def key_line(text: str, dotted: str) -> int | None:
    """The line (from 1) where `dotted` is written: its `key =` in its table, or its table's header."""
    wanted = _KEY.fullmatch(dotted)
    if wanted is None:
        return None
    table, index, key = wanted["table"], wanted["index"], wanted["key"]
    arrays: dict[str, int] = {}
    here: tuple[str, int | None] = ("", None)
    open_string: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if open_string is not None:  # inside a multi-line string: no key is written here
            open_string = None if line.count(open_string) % 2 else open_string
            continue
        if found := _ARRAY_HEADER.match(stripped):
            name = _unquoted(found["name"])
            arrays[name] = arrays.get(name, -1) + 1
            here = (name, arrays[name])
            if key is None and (table, index) == (name, str(arrays[name])):
                return number
        elif found := _HEADER.match(stripped):
            here = (_unquoted(found["name"]), None)
            if key is None and index is None and here[0] == table:
                return number
        elif (found := _ASSIGNED.match(stripped)) and _is_the_key(found["key"], here, table, index, key):
            return number
        open_string = next((q for q in ('"""', "'''") if stripped.count(q) % 2), None)
    return None


def _is_the_key(written: str, here: tuple[str, int | None], table: str, index: str | None, key: str | None) -> bool:
    parts = [_unquoted(part.strip()) for part in written.split(".")]
    at = (here[0], None if here[1] is None else str(here[1]))
    if at == (table, index):
        return key is not None and parts[0] == key
    if here == ("", None):  # a dotted key at the top: `fetch.timeout = 5`, or a table's name as a key
        return parts[0] == table and (key is None or parts[1:2] == [key])
    return False


def _unquoted(name: str) -> str:
    return name.strip("\"'")


def toml_hint(message: str) -> str:
    """What to do, for tomllib's errors that say only where: a key or table given twice."""
    if message.startswith(_TWICE):
        return "; a key or a table is given twice: keep one of the two (the first is above this line)"
    return ""


def unreadable(path: Path, exc: OSError) -> str:
    """Why this user may not read the config, and what to do: the file's owner and mode, as for the warehouse."""
    try:
        found = os.stat(path)
    except OSError:
        return f"cannot be read: {exc.strerror or exc}"
    return (f"cannot be read: {exc.strerror or exc}: this user (uid {os.geteuid()}) may not read it (owner uid "
            f"{found.st_uid}, mode {stat.filemode(found.st_mode)}); fix its owner or mode (`chmod u+r`), run "
            "newsflow as its owner, or pass --config PATH of a copy it can read")
