"""The OPML document: read a feed reader's subscriptions, name them as config feeds, and write ours.

OPML comes from anywhere, so a document with a DOCTYPE or an entity declaration is refused (the
billion-laughs and external-entity family), whatever its encoding: the text is decoded as the
parser would (BOM, else the declared encoding) and searched, and the parser itself stops at a
DOCTYPE. xml.etree never fetches anything. Documents over `MAX_OPML_BYTES` are refused; outlines
are walked without recursion, and folders deeper than `MAX_FOLDER_TAGS` add no more tags. Reading
is linear in the number of outlines. Editing the config with what was read is `opml.py`'s.
"""

from __future__ import annotations

import codecs
import re
import unicodedata
import xml.etree.ElementTree as ET
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from urllib.parse import urlsplit

from newsflow.codeclabels import names_no_charset
from newsflow.config import Config
from newsflow.configfeeds import MAX_FEED_TAGS, loosely
from newsflow.urls import feed_key

_FEED_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")  # the rule config.py enforces
_NAME_LENGTH = 60
_HOSTILE = re.compile(r"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_UNMARKED_UTF16 = ((b"<\x00", "utf-16-le"), (b"\x00<", "utf-16-be"))
MAX_OPML_BYTES = 20_000_000
MAX_FOLDER_TAGS = 8


class OpmlError(ValueError):
    """An OPML document newsflow will not read, or an import the config cannot take."""


@dataclass(frozen=True)
class OpmlFeed:
    """One subscription: an `<outline>` with an `xmlUrl`."""

    title: str
    url: str
    tags: tuple[str, ...] = ()


@dataclass
class TakenNames:
    """The feed names and URLs an import may not use again, growing as it names new feeds."""

    names: set[str] = field(default_factory=set)
    urls: set[str] = field(default_factory=set)
    next_suffix: dict[str, int] = field(default_factory=dict)  # base name -> the next `-N` to try
    # The names in the config before this import: a feed of that title is the configured one, where
    # two outlines of one import that share a title (`News`, `RSS`) are two feeds, each named uniquely.
    configured: frozenset[str] = frozenset()
    loose: dict[str, tuple[str, str]] = field(default_factory=dict)  # loosely(feed_key) -> (name, url)

    def claim(self, title: str, url: str, key: str) -> str:
        """A unique name for a new feed, recorded as taken; amortised O(1) however many share a base."""
        base = base_name(title, url)
        name, counter = base, self.next_suffix.get(base, 2)
        if name in self.names:
            name = f"{base}-{counter}"
            while name in self.names:
                counter += 1
                name = f"{base}-{counter}"
            self.next_suffix[base] = counter + 1
        self.names.add(name)
        self.urls.add(key)
        self.loose.setdefault(loosely(key), (name, url))
        return name


# --- reading OPML -------------------------------------------------------------------------


_REFUSED = "the OPML declares a DOCTYPE or entities; refused (they can expand without limit)"


class _RefusingTreeBuilder(ET.TreeBuilder):
    """The parser's own guard: it calls `doctype` as a DOCTYPE starts, before any entity is declared."""

    def doctype(self, name: str, pubid: str | None, system: str | None) -> None:
        raise OpmlError(_REFUSED)


def parse_opml(opml_bytes: bytes) -> list[OpmlFeed]:
    """The subscriptions in an OPML document; enclosing outlines (folders) become tags."""
    if len(opml_bytes) > MAX_OPML_BYTES:
        raise OpmlError(f"the OPML file is {len(opml_bytes):,} bytes; more than {MAX_OPML_BYTES:,} is refused")
    if _HOSTILE.search(decoded_text(opml_bytes)):
        raise OpmlError(_REFUSED)
    parser = ET.XMLParser(target=_RefusingTreeBuilder())
    try:
        parser.feed(opml_bytes)
        root = parser.close()
    except ET.ParseError as exc:
        raise OpmlError(f"not valid OPML: {exc}") from None
    except OpmlError:
        raise
    except ValueError as exc:  # an encoding expat cannot read, e.g. "multi-byte encodings are not supported"
        raise OpmlError(f"not valid OPML: {exc}") from None
    body = root.find("body")
    if root.tag != "opml" or body is None:
        raise OpmlError("not an OPML document: expected <opml> with a <body>")
    return list(_walk(body))


def decoded_text(opml_bytes: bytes) -> str:
    """The document as the XML parser reads it: by its BOM, else its declared encoding, else UTF-8."""
    encoding = next((name for bom, name in _BOMS if opml_bytes.startswith(bom)), None)
    encoding = encoding or next((name for start, name in _UNMARKED_UTF16 if opml_bytes.startswith(start)), None)
    if encoding is None:
        declared = _DECLARED_ENCODING.match(opml_bytes)
        encoding = declared.group(1).decode("ascii") if declared else "utf-8"
    if names_no_charset(encoding):  # punycode's decoder is O(n^2): 20 MB would take hours (red team 43)
        raise OpmlError(f"the OPML declares encoding {encoding!r}, which is no character set; save it as UTF-8")
    try:
        return opml_bytes.decode(encoding, errors="replace")
    except LookupError:
        raise OpmlError(f"the OPML declares an unknown encoding {encoding!r}") from None


def _walk(body: ET.Element) -> Iterator[OpmlFeed]:
    """Depth first, in document order, with a stack rather than recursion: nesting has no limit."""
    stack: list[tuple[Iterator[ET.Element], tuple[str, ...]]] = [(iter(body.findall("outline")), ())]
    while stack:
        outline = next(stack[-1][0], None)
        if outline is None:
            stack.pop()
            continue
        folders = stack[-1][1]
        label = (outline.get("title") or outline.get("text") or "").strip()
        url = (outline.get("xmlUrl") or "").strip()
        if url:
            categories = [c.strip() for c in (outline.get("category") or "").split(",") if c.strip()]
            # the config takes at most MAX_FEED_TAGS (a `category` of 100,000 names would make it refuse the import)
            tags = tuple(dict.fromkeys(slugify(t) for t in (*folders, *categories) if slugify(t)))[:MAX_FEED_TAGS]
            yield OpmlFeed(label, url, tags)
        elif label and len(folders) < MAX_FOLDER_TAGS:
            folders = (*folders, label)
        stack.append((iter(outline.findall("outline")), folders))


# --- names --------------------------------------------------------------------------------


def slugify(text: str) -> str:
    """`Le Monde — International` -> `le-monde-international`: ASCII letters, digits and dashes."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:_NAME_LENGTH].strip("-")


def base_name(title: str, url: str) -> str:
    """A config name for a feed before it is made unique: its title when already a valid name, else a slug."""
    base = title if _FEED_NAME.match(title) and len(title) <= _NAME_LENGTH else slugify(title)
    return base or slugify(_hostname(url)) or "feed"


def feed_name(title: str, url: str, taken: Collection[str]) -> str:
    """`base_name`, with `-2`, `-3`... appended until it is not in `taken`."""
    return TakenNames(names=set(taken)).claim(title, url, feed_key(url))


def _hostname(url: str) -> str:
    try:
        return urlsplit(url).hostname or ""
    except ValueError:  # e.g. "http://[::1/feed.xml": an unclosed IPv6 bracket
        return ""


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
