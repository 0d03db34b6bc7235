"""OPML in and out: bring a feed reader's subscriptions into the config, and give ours back.

Import edits the config as TEXT: it appends `[[feeds]]` blocks at the end of the file, so the
user's comments and layout stay as they were. Feeds whose URL or name is already configured are
skipped. The new text is validated like any config before it is written.

OPML comes from anywhere, so a document with a DOCTYPE or an entity declaration is refused before
parsing (the billion-laughs and external-entity family); xml.etree never fetches anything.
"""

from __future__ import annotations

import json
import re
import tomllib
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from urllib.parse import urlsplit

from newsflow.config import Config, parse_config
from newsflow.errors import ConfigError

_FEED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")  # the rule config.py enforces
_NAME_LENGTH = 60
_HOSTILE = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)


class OpmlError(ValueError):
    """An OPML document newsflow will not read, or an import the config cannot take."""


@dataclass(frozen=True)
class OpmlFeed:
    """One subscription: an `<outline>` with an `xmlUrl`."""

    title: str
    url: str
    tags: tuple[str, ...] = ()


@dataclass(frozen=True)
class ImportSummary:
    added: tuple[tuple[str, str], ...] = ()  # (name, url) appended to the config
    skipped: tuple[tuple[str, str], ...] = ()  # (url, why)
    config_path: Path | None = None


@dataclass
class _Taken:
    names: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)


# --- reading OPML -------------------------------------------------------------------------


def parse_opml(opml_bytes: bytes) -> list[OpmlFeed]:
    """The subscriptions in an OPML document; enclosing outlines (folders) become tags."""
    if _HOSTILE.search(opml_bytes):
        raise OpmlError("the OPML declares a DOCTYPE or entities; refused (they can expand without limit)")
    try:
        root = ET.fromstring(opml_bytes)
    except ET.ParseError as exc:
        raise OpmlError(f"not valid OPML: {exc}") from None
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise OpmlError("not an OPML document: expected <opml> with a <body>")
    return list(_walk(body, ()))


def _walk(parent: ET.Element, folders: tuple[str, ...]) -> Iterator[OpmlFeed]:
    for outline in parent.findall("outline"):
        label = (outline.get("title") or outline.get("text") or "").strip()
        url = (outline.get("xmlUrl") or "").strip()
        if url:
            categories = [c.strip() for c in (outline.get("category") or "").split(",") if c.strip()]
            tags = tuple(dict.fromkeys(slugify(t) for t in (*folders, *categories) if slugify(t)))
            yield OpmlFeed(label, url, tags)
        yield from _walk(outline, (*folders, label) if label and not url else folders)


# --- names --------------------------------------------------------------------------------


def slugify(text: str) -> str:
    """`Le Monde — International` -> `le-monde-international`: ASCII letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:_NAME_LENGTH].strip("-")


def feed_name(title: str, url: str, taken: Iterable[str]) -> str:
    """A config name for a feed: its title as is when already a valid name, else slugified; unique."""
    used = set(taken)
    base = title if _FEED_NAME.match(title) and len(title) <= _NAME_LENGTH else slugify(title)
    base = base or slugify(urlsplit(url).hostname or "") or "feed"
    name, counter = base, 2
    while name in used:
        name, counter = f"{base}-{counter}", counter + 1
    return name


# --- import -------------------------------------------------------------------------------


def import_opml(config_path: Path, opml_bytes: bytes) -> ImportSummary:
    """Append the OPML's new feeds to the config file as `[[feeds]]` blocks; comments are kept."""
    original = config_path.read_text(encoding="utf-8")
    taken = _taken(original, config_path)
    added: list[tuple[str, str]] = []
    skipped: list[tuple[str, str]] = []
    blocks: list[str] = []
    for feed in parse_opml(opml_bytes):
        problem = _skip_reason(feed, taken)
        if problem:
            skipped.append((feed.url, problem))
            continue
        name = feed_name(feed.title, feed.url, taken.names)
        taken.names.add(name)
        taken.urls.add(feed.url)
        added.append((name, feed.url))
        blocks.append(feed_block(name, feed.url, feed.tags))
    if blocks:
        _write_checked(config_path, original, blocks)
    return ImportSummary(tuple(added), tuple(skipped), config_path)


def _taken(text: str, config_path: Path) -> _Taken:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(str(config_path), f"not valid TOML: {exc}") from exc
    feeds = [f for f in raw.get("feeds", []) if isinstance(f, dict)]
    return _Taken({str(f.get("name")) for f in feeds}, {str(f.get("url")) for f in feeds})


def _skip_reason(feed: OpmlFeed, taken: _Taken) -> str | None:
    parts = urlsplit(feed.url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return "not an http(s) URL"
    if feed.url in taken.urls:
        return "already configured"
    if feed.title in taken.names:
        return f"a feed named {feed.title!r} is already configured"
    return None


def feed_block(name: str, url: str, tags: tuple[str, ...] = ()) -> str:
    """One `[[feeds]]` table as TOML text. JSON strings without ASCII escaping are TOML basic strings."""
    lines = ["[[feeds]]", f"name = {_toml_string(name)}", f"url = {_toml_string(url)}"]
    if tags:
        lines.append("tags = [" + ", ".join(_toml_string(t) for t in tags) + "]")
    return "\n".join(lines) + "\n"


def _toml_string(text: str) -> str:
    return json.dumps("".join(c for c in text if c.isprintable()), ensure_ascii=False)


def _write_checked(config_path: Path, original: str, blocks: list[str]) -> None:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d")
    separator = "" if original.endswith("\n") or not original else "\n"
    new_text = original + separator + f"\n# Imported from OPML on {stamp}\n" + "\n".join(blocks)
    try:
        parse_config(tomllib.loads(new_text), config_path)
    except (tomllib.TOMLDecodeError, ConfigError) as exc:
        raise OpmlError(f"the imported feeds would make {config_path} invalid, so it was left alone: {exc}") from exc
    config_path.write_text(new_text, encoding="utf-8")


# --- export -------------------------------------------------------------------------------


def export_opml(config: Config) -> bytes:
    """The configured feeds as OPML 2.0, one outline each; tags go to the `category` attribute."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = "newsflow feeds"
    ET.SubElement(head, "dateCreated").text = format_datetime(datetime.now(UTC), usegmt=True)
    body = ET.SubElement(root, "body")
    for feed in config.feeds:
        outline = ET.SubElement(body, "outline", type="rss", text=feed.name, title=feed.name, xmlUrl=feed.url)
        if feed.tags:
            outline.set("category", ",".join(feed.tags))
    ET.indent(root)
    document: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return document + b"\n"
