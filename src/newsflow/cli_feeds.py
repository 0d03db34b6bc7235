"""`newsflow feeds`: the feeds' health, and OPML import and export, and feed discovery."""

from __future__ import annotations

import argparse
import codecs
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from newsflow.cli_output import fail, format_result
from newsflow.cli_run import print_config_warnings
from newsflow.config import Config, load_config
from newsflow.configfeeds import SHOWN_CHARS, shown
from newsflow.configfile import resolve_config_path
from newsflow.errors import InputError, OutputError
from newsflow.files import replace_file
from newsflow.opml import (
    MAX_OPML_BYTES,
    config_between_saves,
    export_opml,
    feed_block,
    import_opml,
)
from newsflow.runlock import DISK_FULL
from newsflow.urls import fetch_problem
from newsflow.warehouse import Warehouse, feed_health, removed_feeds

if TYPE_CHECKING:
    from newsflow.discover import Discovery

EXIT_USAGE = 2


def cmd_feeds(args: argparse.Namespace) -> int:
    actions = {"import": cmd_feeds_import, "export": cmd_feeds_export, "discover": cmd_feeds_discover}
    return actions.get(args.feeds_command, cmd_feeds_list)(args)


def cmd_feeds_import(args: argparse.Namespace) -> int:
    config = config_between_saves(resolve_config_path(args.config))  # not an editor's save half made
    try:
        with open(args.opml_file, "rb") as stream:  # /dev/zero or an endless pipe: read no more than is refused
            opml_bytes = stream.read(MAX_OPML_BYTES + 1)
    except OSError as exc:
        return fail(f"cannot read {args.opml_file}: {exc.strerror}", EXIT_USAGE)
    summary = import_opml(config.path, opml_bytes)
    for name, url in summary.added:
        note = "  (its user:password@ left out: newsflow never sends credentials)" \
            if name in summary.without_credentials else ""
        print(f"added    {name}  {url}{note}")
    for url, why in summary.skipped:
        print(f"skipped  {_as_shown(url)}  ({why})")
    print(f"{len(summary.added)} feeds added to {config.path}, {len(summary.skipped)} skipped")
    return 0


def _as_shown(url: str) -> str:
    """A URL the OPML gave, on one line: quoted when it holds a line end or a tab (`&#10;` in an xmlUrl
    split the skipped line in two), cut when it is longer than a line."""
    return url if url.isprintable() and len(url) <= SHOWN_CHARS else shown(url)


def cmd_feeds_export(args: argparse.Namespace) -> int:
    opml_bytes = export_opml(load_config(args.config))
    if args.output:
        _write_export(Path(args.output), opml_bytes)
    else:
        print(_as_the_output_encodes(opml_bytes), end="")
    return 0


def _as_the_output_encodes(opml_bytes: bytes) -> str:
    """The OPML as text stdout can encode: whole where it is UTF-8; elsewhere (`PYTHONIOENCODING=ascii`, a Latin-1
    locale) every other character as an XML character reference (`&#241;`), which any OPML reader reads back.
    Before, the JSON escapes stdout writes for text it cannot encode (`\\u00f1`) went into the XML: `feeds export >
    feeds.opml` wrote wrong feed URLs and titles, exit 0 (Local 24). A stdout that writes even that ASCII text as
    other bytes (UTF-16, UTF-32, UTF-7) gets a declaration naming UTF-16, which every XML reader must read, or
    else one line and nothing written: before, its bytes went out under `encoding='utf-8'`, which no reader
    parses (Local 25)."""
    text = opml_bytes.decode("utf-8")
    encoding = codecs.lookup(getattr(sys.stdout, "encoding", None) or "ascii").name
    if encoding in ("utf-8", "utf-8-sig"):
        return text
    if encoding.startswith("utf-16"):  # a BOM or none: expat reads `<?xml` in either order of bytes
        return text.replace(_UTF8_DECLARATION, _UTF16_DECLARATION, 1)
    referenced = text.encode("ascii", "xmlcharrefreplace").decode("ascii")
    if referenced.encode(encoding, "replace") != referenced.encode("ascii"):
        raise InputError(f"feeds export: stdout's encoding is {encoding} (PYTHONIOENCODING or the locale), in which "
                         "no OPML reader parses the export; nothing was written: unset PYTHONIOENCODING, or give "
                         "`feeds export -o FILE`")
    return referenced


_UTF8_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>"
_UTF16_DECLARATION = "<?xml version='1.0' encoding='UTF-16'?>"


def _write_export(path: Path, opml_bytes: bytes) -> None:
    """`-o FILE`, replaced whole. A failure names FILE, not the temporary file beside it that failed (before:
    `newsflow: /tmp/.out.opml.x1y2.partial: Read-only file system`, and for `-o DIR` a temporary file in
    the folder above, `Is a directory`)."""
    if path.is_dir():
        raise InputError(f"feeds export -o {path}: is a folder; give the name of the OPML file to write")
    try:
        replace_file(path, opml_bytes)
    except OSError as exc:
        room = "free space there, " if exc.errno in DISK_FULL else ""
        raise OutputError(f"cannot write {path}: {exc.strerror or exc}; {room}give -o a file in a folder this "
                          "user can write, or leave -o out to print the OPML") from exc


def cmd_feeds_discover(args: argparse.Namespace) -> int:
    import asyncio  # for this command only: not every command's start (session 37)
    from datetime import UTC, datetime

    from newsflow import hostholds
    from newsflow.discover import discover_feeds
    from newsflow.fetch import Fetcher

    config = load_config(args.config)
    if problem := fetch_problem(args.url):  # before any I/O: `http://[::1` raised ValueError, ftp: said "no feed"
        raise InputError(f"{args.url}: {problem}; give the http(s) URL of a site or a feed")

    store = Warehouse(config.warehouse_path)
    store.exists()  # a `.wal` a crash left without its warehouse: its line, exit 3, as for every command (it read none)
    pauses = hostholds.read_now(store, config.polling.max_interval)
    if (paused := hostholds.pause_of(args.url, pauses)) is not None:  # what a run would send it: nothing
        print(f"newsflow: {args.url}: its host asked to be left alone (Retry-After, heard by a run): "
              f"{hostholds.describe([paused])}; nothing was sent to it: run `feeds discover` again after that",
              file=sys.stderr)
        return 0

    async def discover() -> Discovery:
        async with Fetcher(config.fetch) as fetcher:
            fetcher.gate.hold(pauses, datetime.now(UTC))  # a feed link on a paused host is not fetched either
            return await discover_feeds(args.url, fetcher, [f.name for f in config.feeds],
                                        max_entries=config.polling.max_entries_per_feed)

    done = asyncio.run(discover())
    if not done.found and done.blocked and done.blocked[0][0] == args.url:
        raise InputError(f"{args.url} was blocked by the SSRF guard ({done.blocked[0][1]}); "
                         "to reach a private network on purpose, add it to fetch.allowed_networks")
    notes = discovery_notes(done)
    if not done.found:
        print("\n".join([*notes, f"newsflow: no feed found for {args.url} ({done.tried} URLs tried)"]),
              file=sys.stderr)
        return 0
    print(f"# {len(done.found)} feed{'s' if len(done.found) != 1 else ''} found for {args.url}; "
          f"paste into {config.path}")
    print("\n".join(notes), end="\n" if notes else "")
    for feed in done.found:
        print(f"\n# {feed.title or 'untitled'} ({feed.entries} entries)\n" + feed_block(feed.name, feed.url), end="")
    return 0


def discovery_notes(done: Discovery) -> list[str]:
    notes = [f"# blocked by the SSRF guard: {url} ({why})" for url, why in done.blocked]
    if done.left_out:
        notes.append(f"# {done.left_out} more advertised links were not tried ({done.tried} URLs tried at most)")
    return notes


def cmd_feeds_list(args: argparse.Namespace) -> int:
    config = load_config(args.config)
    print_config_warnings(config, "plain")
    store, names = Warehouse(config.warehouse_path), [f.name for f in config.feeds]
    print(format_result(feed_health(store, names), "table"))
    for name, url, pending in removed_feeds(store, names):
        print(f"feed {name} ({url}) is no longer in the config: its {pending} entries waiting for their article "
              "are kept, and fetched once a feed with this URL is configured again, under any name")
    print_paused(config, store)
    return 0


def print_paused(config: Config, store: Warehouse) -> None:
    """The feeds whose host asked to be left alone: no run polls them, nor fetches their articles, before then."""
    from newsflow import hostholds  # its spool and gate imports are for this listing only

    pauses = hostholds.read_now(store, config.polling.max_interval)
    for feed in config.feeds:
        if (paused := hostholds.pause_of(feed.url, pauses)) is not None:
            print(f"feed {feed.name}: its host asked to be left alone (Retry-After): {hostholds.describe([paused])}; "
                  "runs neither poll it nor fetch its articles before then")


