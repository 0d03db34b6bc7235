"""Where in the config file a config error is, and what was likely meant (docs/security.md, "Local 31").

A config error names its key (`fetch.timeout`, `feeds[3].url`); in a config of 10,000 feeds, or one whose key
was misspelt, the key alone left the user to search the file. `located` adds the line the key is written on and
the file; `did_you_mean` names the setting a misspelt key is closest to (`timout`: `timeout`). The line is
found by reading the file's lines as TOML writes tables and keys (headers, `key =`, dotted keys, text inside a
multi-line string skipped; an inline table's keys are on its line). A key not written (a feed's required `name`,
a setting left at its default) is said with its table's line; a key whose table is not written either, and an
error of no key (TOML that does not parse: tomllib says its line itself), have none.
"""

from __future__ import annotations

import difflib
import os
import re
import stat
import tomllib
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

from newsflow.errors import ConfigError

# One part of a TOML key: bare, "basic" (escapes read) or 'literal'. No class holds a space, and the parts are told
# apart by their first character: a line is matched in linear time (review of Local 31: a lazy class with a space,
# then `\s*=`, took quadratic time on a line of spaces, minutes of CPU before the error's one line)
_PART = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\]|\\.)*"|'[^']*')"""
_PARTS = re.compile(_PART)
_BARE = re.compile(r"[A-Za-z0-9_-]+")
_NAME = rf"(?P<name>{_PART}(?:[ \t]*\.[ \t]*{_PART})*)"
_ARRAY_HEADER = re.compile(rf"\[\[[ \t]*{_NAME}[ \t]*\]\]")
_HEADER = re.compile(rf"\[[ \t]*{_NAME}[ \t]*\]")
_ASSIGNED = re.compile(rf"{_NAME}[ \t]*=")
_SHOWN_KEY_CHARS = 100
_INDEX = re.compile(r"\[\d+\]$")
# tomllib's words for a key or table given twice: said with what to do
_TWICE = ("Cannot overwrite a value", "Cannot declare")
_AT_LINE = re.compile(r"\(at line (\d+), column \d+\)")


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`did you mean 'timeout'? ` for a misspelt key, or nothing when no choice is close."""
    close = difflib.get_close_matches(word.lower(), list(choices), n=1, cutoff=0.6)
    return f"did you mean {close[0]!r}? " if close else ""


def located(exc: ConfigError, text: str, config_shown: str) -> ConfigError:
    """`exc` with the line its key is on and the file, when the key is written in the file."""
    if (line := key_line(text, exc.key)) is not None:
        return ConfigError(exc.key, f"{exc.message} (line {line} of {config_shown})")
    table = exc.key.rpartition(".")[0]  # a key not written (`feeds[3].name` is required): where it would go
    if table and (line := key_line(text, table)) is not None:
        return ConfigError(exc.key, f"{exc.message} (not written; its table is on line {line} of {config_shown})")
    return exc


def key_line(text: str, dotted: str) -> int | None:
    """The line (from 1) where `dotted` is written: its `key =` in its table, or its table's header (the first that
    starts it: `[[feed]]` for `feed`, `[fetch.sub]` for `fetch.sub`). Keys are named as errors name them (a part
    that is no plain name as `key_shown` says it), so both are compared as written."""
    keys = {dotted, _INDEX.sub("", dotted) if "." in dotted else dotted}  # `fetch.allowed_networks[0]`: its key
    wanted = _Wanted(keys, tuple(f"{key}{mark}" for key in keys for mark in ".["))
    arrays: dict[str, int] = {}
    table = ""
    open_string: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if open_string is not None:  # inside a multi-line string: no key is written here
            open_string = None if line.count(open_string) % 2 else open_string
            continue
        if found := _ARRAY_HEADER.match(stripped):
            name = _named(found["name"])
            arrays[name] = arrays.get(name, -1) + 1
            table = f"{name}[{arrays[name]}]"
            if _starts(table, wanted) or (arrays[name] == 0 and _starts(name, wanted)):
                return number
        elif found := _HEADER.match(stripped):
            table = _in_array(_named(found["name"]), arrays)
            if _starts(table, wanted):
                return number
        elif (found := _ASSIGNED.match(stripped)) and _is_the_key(table, found, wanted):
            return number
        open_string = next((q for q in ('"""', "'''") if stripped.count(q) % 2), None)
    return None


def _is_the_key(table: str, found: re.Match[str], wanted: _Wanted) -> bool:
    """`key = …` in `table` is the error's key, inside it, or an inline table holding it (`fetch = {timout = 5}`:
    TOML writes one on one line)."""
    name = ".".join(filter(None, (table, _named(found["name"]))))
    if _starts(name, wanted):
        return True
    inline = found.string[found.end():].lstrip().startswith("{")
    return inline and any(w.startswith((f"{name}.", f"{name}[")) for w in wanted.keys)


def key_shown(key: str) -> str:
    """A key as an error line names it: a terminal escape or a line end in it shown escaped, never raw (as
    `warehouse.path` is: red team 12), and a key of thousands of characters cut."""
    text = repr(key)[1:-1]
    return text if len(text) <= _SHOWN_KEY_CHARS else f"{text[:_SHOWN_KEY_CHARS]}… ({len(key):,} characters)"


def _named(written: str) -> str:
    """`fetch . "a.b"` as errors name it: its parts unquoted and shown, joined with dots."""
    if _BARE.fullmatch(written):  # nearly every key: a bare name is as errors name it (half the time on 10,000 feeds)
        return written
    return ".".join(key_shown(_unquoted(part)) for part in _PARTS.findall(written))


def _unquoted(part: str) -> str:
    if part.startswith("'"):
        return part[1:-1]
    if part.startswith('"'):
        try:  # a basic string's escapes (`\u001b`) as tomllib reads them
            return str(tomllib.loads(f"k = {part}")["k"])
        except tomllib.TOMLDecodeError:
            return part[1:-1]
    return part


def _in_array(name: str, arrays: dict[str, int]) -> str:
    """`[feeds.extra]` after a `[[feeds]]` is a table inside that feed: `feeds[0].extra`."""
    head, _, rest = name.partition(".")
    return f"{head}[{arrays[head]}].{rest}" if rest and head in arrays else name


class _Wanted(NamedTuple):
    keys: set[str]  # the key an error names, and without its index (`fetch.allowed_networks[0]`)
    inside: tuple[str, ...]  # what starts a key inside one of them: `fecth.`, `feeds[0].`, `feeds[`


def _starts(name: str, wanted: _Wanted) -> bool:
    """Whether `name` is a key the error names, or is inside it (`fecth.timeout = 5` for the section `fecth`)."""
    return name in wanted.keys or name.startswith(wanted.inside)


def toml_hint(message: str, text: str = "") -> str:
    """What to do, for tomllib's errors that say only where: a key or table given twice, the key named as its line
    writes it (Local 32: `timeout` then `"timeout"` are one key, and tomllib names neither)."""
    if not message.startswith(_TWICE):
        return ""
    if (key := _key_on_line(text, _AT_LINE.search(message))) is not None:
        return f"; {key} is given twice (here, and above this line: quoted or not, it is one key): keep one of the two"
    return "; a key or a table is given twice: keep one of the two (the first is above this line)"


def _key_on_line(text: str, at: re.Match[str] | None) -> str | None:
    """The dotted key assigned on the line `at` names (`fetch.timeout`, as errors name keys), in its table."""
    if at is None:
        return None
    lines = text.splitlines()[:int(at[1])]
    if not lines or not (found := _ASSIGNED.match(lines[-1].strip())):
        return None
    arrays: dict[str, int] = {}
    table = ""
    assigned: set[tuple[str, str]] = set()  # (table, key) of each value set above
    for line in lines[:-1]:  # the table the line is in (a multi-line string holding a header is not told apart)
        if header := _ARRAY_HEADER.match(line.strip()):
            name = _named(header["name"])
            arrays[name] = arrays.get(name, -1) + 1
            table = f"{name}[{arrays[name]}]"
        elif header := _HEADER.match(line.strip()):
            table = _in_array(_named(header["name"]), arrays)
        elif value := _ASSIGNED.match(line.strip()):
            assigned.add((table, _named(value["name"])))
    return ".".join(filter(None, (table, _given_twice(found["name"], table, assigned))))


def _given_twice(written: str, table: str, assigned: set[tuple[str, str]]) -> str:
    """Of `timeout.x` after `timeout = 5`, the key given twice: `timeout`, the part a value was set to above
    (review of Local 32, F8: the hint named `timeout.x`); the whole key when no shorter one was."""
    parts = [key_shown(_unquoted(part)) for part in _PARTS.findall(written)]
    for length in range(1, len(parts)):
        if (table, ".".join(parts[:length])) in assigned:
            return ".".join(parts[:length])
    return _named(written)


def unreadable(path: Path, exc: OSError) -> str:
    """Why this user may not read the config, and what to do: the file's owner and mode, as for the warehouse."""
    try:
        found = os.stat(path)
    except OSError:
        return f"cannot be read: {exc.strerror or exc}"
    return (f"cannot be read: {exc.strerror or exc}: this user (uid {os.geteuid()}) may not read it (owner uid "
            f"{found.st_uid}, mode {stat.filemode(found.st_mode)}); fix its owner or mode (`chmod u+r`), run "
            "newsflow as its owner, or pass --config PATH of a copy it can read")
