"""The config file as a file: found, checked and read before any TOML is parsed (newsflow.config).

A config that is a folder, a FIFO, a device, a symlink loop, over `MAX_CONFIG_BYTES` or unreadable,
and a `warehouse.path` that cannot name a file, are each one ConfigError naming it (exit 2).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from newsflow.configlines import unreadable
from newsflow.configtext import MAX_KEY_PARTS, ConfigText, NotUnicode, decode_config, overlong_key_line
from newsflow.errors import ConfigError

DEFAULT_CONFIG_PATH = Path("config/newsflow.toml")
CONFIG_ENV_VAR = "NEWSFLOW_CONFIG"
MAX_CONFIG_BYTES = 32 * 2**20
# Linux's limits (PATH_MAX, NAME_MAX), in bytes: past them every open fails with "File name too long",
# which reached the user as exit 1 and a line as long as the path.
MAX_PATH_BYTES = 4095
MAX_NAME_BYTES = 255
SHOWN_PATH_CHARS = 120


def read_config_text(config_path: Path) -> str:
    """The config file's text; a ConfigError naming it when it is missing, not a file, huge or unreadable."""
    return read_config(config_path)[1].text


def read_config(config_path: Path) -> tuple[bytes, ConfigText]:
    """The config file's bytes and its text (`configtext`: UTF-8, UTF-16 or UTF-32 by its BOM, CR line ends)."""
    try:
        if not config_path.exists():
            raise ConfigError("--config", f"{shown_path(config_path)} does not exist; pass --config PATH")
        if config_path.is_dir():
            raise ConfigError("--config", f"{shown_path(config_path)} is a folder; pass --config PATH of the "
                              ".toml file in it")
        if not config_path.is_file():
            raise ConfigError("--config", f"{shown_path(config_path)} is not a regular file (a FIFO, a socket or a "
                              "device); pass --config PATH of a .toml file")
        size = config_path.stat().st_size
        if size > MAX_CONFIG_BYTES:
            raise ConfigError(shown_path(config_path), f"is {size // 2**20} MiB; a config is at most "
                              f"{MAX_CONFIG_BYTES // 2**20} MiB (10,000 feeds take about 1 MiB): is it the right file?")
        raw = config_path.read_bytes()
    except PermissionError as exc:  # was `cannot be read: Permission denied`, not saying whose or what to do
        raise ConfigError(shown_path(config_path), unreadable(config_path, exc)) from exc
    except OSError as exc:  # permission denied, an I/O error, a name too long
        raise ConfigError(shown_path(config_path), f"cannot be read: {exc.strerror or exc}") from exc
    try:
        decoded = decode_config(raw)
    except NotUnicode as exc:  # Latin-1 from an editor: say which byte, and what to do
        raise ConfigError(shown_path(config_path), str(exc)) from exc
    if (line := overlong_key_line(decoded.text)) is not None:  # before tomllib, whose cost is its parts squared
        raise ConfigError(shown_path(config_path), f"not a newsflow config: line {line} holds a dotted key of more "
                          f"than {MAX_KEY_PARTS} parts (newsflow's have two, as `fetch.timeout`); is it the right "
                          "file? Pass --config PATH of newsflow's config, or shorten the key")
    return raw, decoded


def shown_path(path: str | Path) -> str:
    """A path as an error line shows it: quoted when it holds a control character (a terminal escape
    in `--config` or $NEWSFLOW_CONFIG cleared the screen) or begins or ends in white space (unseen at a
    line's end), cut to SHOWN_PATH_CHARS with its length said."""
    text = str(path)
    text = text if text.isprintable() and text == text.strip() else repr(text)  # `NEWSFLOW_CONFIG=" "`: seen
    return text if len(text) <= SHOWN_PATH_CHARS else f"{text[:SHOWN_PATH_CHARS]}… ({len(text):,} characters)"


def expand_home(key: str, path: str) -> Path:
    """`~` and `~user` at the start of a path are that home folder, as in a shell; anything else as is.

    Without this `~/news.duckdb` was a folder named `~` beside the config (a relative path)."""
    if not path.startswith("~"):
        return Path(path)
    try:
        return Path(path).expanduser()
    except RuntimeError as exc:  # "Could not determine home directory": no such user, or no $HOME and no passwd
        user = path[1:].split("/", 1)[0]
        whose = f"no user {shown_path(user)} is known here" if user else "$HOME is not set and this user has none"
        raise ConfigError(key, f"{shown_path(path)} starts with a home folder, but {whose}; write the folder out "
                          "in full") from exc


def _dangles(resolved: Path, given: Path) -> bool:
    """`given`, or a folder on its way, is a link to nothing. os.path's tests, not Path's: in Python 3.11 these
    raise for a name too long (ENAMETOOLONG), which the length check below must name instead (review of Local 25:
    `feeds` ended `File name too long`, exit 1)."""
    return not os.path.exists(resolved) and any(
        os.path.islink(p) and not os.path.exists(p) for p in (given, *given.parents))


def resolve_warehouse_path(config_path: Path, path: str) -> Path:
    try:
        given = config_path.parent / expand_home("warehouse.path", path)
        resolved = given.resolve()
    except (RuntimeError, OSError) as exc:  # a symlink loop (RuntimeError in 3.11)
        raise ConfigError("warehouse.path", f"{shown_path(path)} cannot be followed ({exc.__class__.__name__}: "
                          f"{shown_path(str(exc))}); set it to the DuckDB file itself") from exc
    except UnicodeEncodeError as exc:  # `café` in the TOML under an ASCII locale (a ValueError too: not a NUL)
        raise ConfigError("warehouse.path", unspellable(path)) from exc
    except ValueError as exc:  # "\u0000" in TOML: no file has that name
        raise ConfigError("warehouse.path", f"{shown_path(repr(path))} holds a NUL character; set it to a file "
                          "name") from exc
    if _dangles(resolved, given):
        resolved = Path(os.path.abspath(given))  # kept as given: the warehouse names the link that leads nowhere
    _check_utf8(resolved)
    # the spool folder's name is the warehouse's and `-spool` (spoolfolders): room for both
    longest_name = max((len(os.fsencode(part)) for part in resolved.parts[:-1]), default=0)
    longest_name = max(longest_name, len(os.fsencode(resolved.name + "-spool")))
    if len(os.fsencode(str(resolved))) > MAX_PATH_BYTES - len("-spool/failed/") or longest_name > MAX_NAME_BYTES:
        raise ConfigError("warehouse.path", f"{shown_path(resolved)} is longer than a path may be ({MAX_PATH_BYTES} "
                          f"bytes, {MAX_NAME_BYTES} for one name, with room for its spool folder); set a shorter one")
    return resolved


def _check_utf8(resolved: Path) -> None:
    """DuckDB takes a path as UTF-8: a folder named in Latin-1 (`caf\xe9`), reached by `--config` or the
    working folder, made every command die on a C++ `std::bad_cast` traceback (exit 1); so did a UTF-8
    name (`café`) under a locale whose encoding is ASCII (LC_ALL=C with PYTHONUTF8=0)."""
    raw = os.fsencode(resolved)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError("warehouse.path", f"{shown_path(resolved)} is not UTF-8 (byte 0x{raw[exc.start]:02x}), "
                          "and DuckDB opens only UTF-8 paths: rename that folder, or set warehouse.path to a "
                          "path in UTF-8") from exc
    try:
        str(resolved).encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ConfigError("warehouse.path", unspellable(resolved)) from exc


def unspellable(path: Path | str) -> str:
    """What to say of a UTF-8 path this process's locale cannot spell (its encoding is ASCII)."""
    return (f"{shown_path(path)} holds letters this process's locale cannot spell (its encoding is "
            f"{sys.getfilesystemencoding()}: LC_ALL=C with PYTHONUTF8=0?); run newsflow under a UTF-8 locale "
            "(LC_ALL=C.UTF-8), or unset PYTHONUTF8")


def resolve_config_path(path: str | Path | None) -> Path:
    from_environment = not path and bool(os.environ.get(CONFIG_ENV_VAR))
    chosen = path or os.environ.get(CONFIG_ENV_VAR) or DEFAULT_CONFIG_PATH
    key = f"${CONFIG_ENV_VAR}" if from_environment else "--config"
    try:
        resolved = expand_home(key, str(chosen)).resolve()
    except (RuntimeError, OSError) as exc:  # a symlink loop (RuntimeError in 3.11), a name too long
        raise ConfigError(key, f"{chosen} cannot be followed ({exc}); pass --config PATH to the "
                          "config file itself") from exc
    except UnicodeEncodeError as exc:  # `café` under an ASCII locale: was a traceback from os.path.realpath
        raise ConfigError(key, unspellable(chosen)) from exc
    if from_environment and not resolved.is_file():  # said of `--config`, which the user never passed
        raise ConfigError(key, f"{shown_path(resolved)} {_not_a_config_file(resolved)}; set {CONFIG_ENV_VAR} to "
                          "newsflow's .toml file (or unset it), or pass --config PATH")
    return resolved


def _not_a_config_file(path: Path) -> str:
    if not path.exists():
        return "does not exist"
    return "is a folder" if path.is_dir() else "is not a regular file (a FIFO, a socket or a device)"
