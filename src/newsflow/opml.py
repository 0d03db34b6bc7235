"""OPML in: bring a feed reader's subscriptions into the config (reading the OPML is `opmldoc.py`'s).

Import edits the config as TEXT: it appends `[[feeds]]` blocks at the end of the file, so the
user's comments and layout stay as they were. Feeds whose URL (in any spelling, or differing only in
a trailing slash or letter case) or name is already configured are skipped; outlines of one import
that share a title get unique names. A URL's `user:password@` is left out of what is written. The
new text is validated like any config, then written to a temporary file beside the config, fsynced
and renamed over it: a full disk or a crash leaves the old config whole. Import time is linear in
the number of outlines.
"""

from __future__ import annotations

import json
import time
import tomllib
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from newsflow.config import Config, load_config, parse_config
from newsflow.configfeeds import MAX_FEED_URL_CHARS, loosely
from newsflow.configfile import read_config
from newsflow.configtext import ConfigText
from newsflow.credentials import has_credentials, url_without_credentials
from newsflow.errors import ConfigError, OutputError
from newsflow.files import held_open_for_writing, replace_file, rewriting, saved_meanwhile
from newsflow.opmldoc import (
    MAX_FOLDER_TAGS,
    MAX_OPML_BYTES,
    OpmlError,
    OpmlFeed,
    TakenNames,
    export_opml,
    feed_name,
    parse_opml,
    slugify,
)
from newsflow.urls import feed_key, fetch_problem

__all__ = ["IMPORT_TRIES", "MAX_FOLDER_TAGS", "MAX_OPML_BYTES", "ImportSummary", "OpmlError", "OpmlFeed",
           "export_opml", "feed_name", "import_opml", "parse_opml", "slugify"]

IMPORT_TRIES = 5  # saves by another program met, each between a read and a replace, before giving up


@dataclass(frozen=True)
class ImportSummary:
    added: tuple[tuple[str, str], ...] = ()  # (name, url) appended to the config
    skipped: tuple[tuple[str, str], ...] = ()  # (url, why)
    config_path: Path | None = None
    without_credentials: tuple[str, ...] = ()  # names of added feeds whose URL's user:password@ was left out


# --- import -------------------------------------------------------------------------------


def import_opml(config_path: Path, opml_bytes: bytes) -> ImportSummary:
    """Append the OPML's new feeds to the config file as `[[feeds]]` blocks; comments are kept. Another import
    of the same config waits (`files.rewriting`): each one's feeds are kept. An editor takes no lock: a save of
    it between the import's read and its replace is found (`replace_file(expected=)`), and the import is made
    again on the saved text, so neither side's change is lost (before, the editor's was, silently). A config some
    process holds open for writing (an editor saving in place, part way through) is neither read nor replaced: the
    import waits and tries again (`files.held_open_for_writing`; before, the rest of the save went to the replaced
    file, or the import was made on its first part)."""
    for attempt in range(IMPORT_TRIES):
        summary = _import_once(config_path, opml_bytes)
        if summary is not None:
            return summary
        if attempt + 1 < IMPORT_TRIES:
            wait_for_other_writers(attempt)
    raise _given_up(config_path)


def _import_once(config_path: Path, opml_bytes: bytes) -> ImportSummary | None:
    """One try; None when another program saved the config meanwhile. A config gone since it was loaded is one
    saving it (emacs renames it to its backup, then writes a new file): before, `newsflow: …/newsflow.toml: No such
    file or directory`, exit 1, or `does not exist; pass --config PATH`, exit 2 (review of Local 24)."""
    try:
        with rewriting(config_path):  # locked again each try: a save by rename put a new inode at the path
            # An editor saving in place, part way through: the file holds only the start of its save (Local 23)
            return None if held_open_for_writing(config_path) else _import_into(config_path, opml_bytes)
    except FileNotFoundError:  # rewriting's open: the name between an editor's two renames
        return None


def _given_up(config_path: Path) -> OutputError:
    return OutputError(f"cannot write {config_path}: another program saved it (or held it open to write) each of "
                       f"the {IMPORT_TRIES} times the import was about to replace it, so it was left as that program "
                       "saved it and nothing was imported; close the editor or stop the program writing it, and "
                       "import again")


def config_between_saves(config_path: Path) -> Config:
    """The config as `feeds import` checks it before importing, read only while no program holds it open to write:
    an editor part way through saving it in place has written only its first part, which, cut mid-line, is no
    config (a config error, exit 2, a moment before a valid save; review of Local 23). A read that fails while
    a save is in flight is waited on and made again (Local 24: the editor opened the file between the check and
    the read). A writer still there after the import's tries is the import's one line, exit 1."""
    for attempt in range(IMPORT_TRIES):
        if not held_open_for_writing(config_path):
            try:
                return load_config(config_path)
            except ConfigError:
                if not held_open_for_writing(config_path):
                    return load_config(config_path)  # again: a save that ended meanwhile is whole now
        if attempt + 1 < IMPORT_TRIES:
            wait_for_other_writers(attempt)
    raise _given_up(config_path)


def wait_for_other_writers(attempt: int) -> None:
    """Between two tries: an editor's save in place takes milliseconds; the tries' waits add up to 0.3 s."""
    time.sleep(0.02 * 2**attempt)


def _import_into(config_path: Path, opml_bytes: bytes) -> ImportSummary | None:
    """The import made on the config as it is now; None when another program saved it before the replace."""
    between = _read_between_saves(config_path)
    if between is None:
        return None
    raw, read, taken = between
    added: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    blocks: list[str] = []
    stripped: list[str] = []
    for feed in parse_opml(opml_bytes):
        # never sent (newsflow.credentials), so written nowhere: the config warned at every run, `added` showed it
        url = url_without_credentials(feed.url)
        # keyed as written (`_toml_string` drops a zero-width space, U+2028...): keyed as read, such a twin of
        # a feed was added beside it, and the config check then refused the whole import
        written = _printable(url)
        key = feed_key(written)  # once: canonicalising is most of an outline's time (bench/opml_import.py)
        problem = _skip_reason(OpmlFeed(feed.title, url, feed.tags), key, taken)
        if problem:
            skipped.append((url, problem))
            continue
        name = taken.claim(feed.title, written, key)
        added.append((name, written))
        blocks.append(feed_block(name, written, feed.tags))
        if has_credentials(feed.url):
            stripped.append(name)
    if blocks and not _write_checked(config_path, raw, read, blocks):
        return None
    return ImportSummary(tuple(added), tuple(skipped), config_path, tuple(stripped))


def _read_between_saves(config_path: Path) -> tuple[bytes, ConfigText, TakenNames] | None:
    """The config's bytes (written back as they were read: its encoding, BOM and line ends), text and feeds; None
    when the read met an editor's save in place begun after the import's check (Local 24): its first part, cut
    mid-line, was a config error, exit 2. A read that fails with no writer left is made again, once: a save that
    ended meanwhile is whole now, and a config still bad says why."""
    try:
        raw, read = read_config(config_path)
        return raw, read, _taken(read.text, config_path)
    except ConfigError:
        if held_open_for_writing(config_path) or not config_path.exists():  # mid-save, or between its renames
            return None
    raw, read = read_config(config_path)
    return raw, read, _taken(read.text, config_path)


def _taken(text: str, config_path: Path) -> TakenNames:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(config_path), f"not valid TOML: {exc}") from exc
    feeds = [f for f in raw.get("feeds", []) if isinstance(f, dict)]
    names = {str(f.get("name")) for f in feeds}
    taken = TakenNames(set(names), configured=frozenset(names))
    for feed in feeds:
        url = str(feed.get("url"))
        key = feed_key(url)
        taken.urls.add(key)
        with suppress(ValueError):  # a URL urlsplit refuses: the config is refused when loaded, and says why
            taken.loose.setdefault(loosely(key), (str(feed.get("name")), url.strip()))
    return taken


def _skip_reason(feed: OpmlFeed, key: str, taken: TakenNames) -> str | None:
    try:
        parts = urlsplit(feed.url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return "not an http(s) URL"
    except ValueError as exc:
        return f"not a valid URL: {exc}"
    if problem := fetch_problem(feed.url):  # what config validation refuses (a port of 99999): skipped, not fatal
        return f"cannot be fetched: {problem}"
    if len(feed.url) > MAX_FEED_URL_CHARS:  # refused by the config too: it refused the whole import, all its feeds
        return f"longer than a feed URL may be ({MAX_FEED_URL_CHARS:,} characters: servers refuse longer ones)"
    if key in taken.urls:  # spelt another way too (host case, default port, ...)
        return "already configured"
    if twin := taken.loose.get(loosely(key)):  # the config would warn of the pair at every run
        return (f"differs from feed {twin[0]!r} ({url_without_credentials(twin[1])}) only in a trailing slash or "
                "letter case: nearly always one feed; add it by hand if the site serves two")
    if feed.title in taken.configured:
        return f"a feed named {feed.title!r} is already configured"
    return None


def feed_block(name: str, url: str, tags: tuple[str, ...] = ()) -> str:
    """One `[[feeds]]` table as TOML text. JSON strings without ASCII escaping are TOML basic strings."""
    lines = ["[[feeds]]", f"name = {_toml_string(name)}", f"url = {_toml_string(url)}"]
    if tags:
        lines.append("tags = [" + ", ".join(_toml_string(t) for t in tags) + "]")
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    return json.dumps(_printable(text), ensure_ascii=False)


def _printable(text: str) -> str:
    return text if text.isprintable() else "".join(c for c in text if c.isprintable())


def _write_checked(config_path: Path, raw: bytes, read: ConfigText, blocks: list[str]) -> bool:
    original = read.text
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    separator = "" if original.endswith("\n") or not original else "\n"
    added = separator + f"\n# Imported from OPML on {stamp}\n" + "\n".join(blocks)
    new_text = original + added
    try:
        parse_config(tomllib.loads(new_text), config_path)
    except (tomllib.TOMLDecodeError, ConfigError) as exc:
        if saved_meanwhile(config_path, raw):  # read mid-save: valid TOML, but a feed cut before its url (Local 24)
            return False
        raise OpmlError(f"the imported feeds would make {config_path} invalid, so it was left alone: {exc}") from exc
    try:
        return replace_file(config_path, raw + read.encode_added(added), expected=raw)
    except OSError as exc:
        raise OutputError(f"cannot write {config_path}: {exc.strerror or exc}; it was left as it was") from exc
