"""Read elements past the bound, kept few: what `feedbounds` does to the elements newsflow reads in a feed of very
many tags. Pure functions on UTF-8 bytes (stdlib and `urls`).

- `read_repeats_capped`: each item (or the channel before its first item) keeps of each read name the first
  `KEPT_REPEATS` of each kind of value, the last, and the first value newsflow would use (red team 30; red team 32:
  a good link after ten unusable ones of its kind was dropped, the entry lost);
- `tight=BY_NAME`, when the feed holds over MANY_FEED_TAGS / 2 read leaves (repeats spread over items, prefixes,
  names and kinds, none past the cap of one: 11.7 MB over 113 items cost 5.7 s; or a real feed of 200 items of
  64-photo galleries): each item keeps, of each read name (its prefix one of `_OWN_PREFIXES` or any other) and
  whatever its kind, the first, the last and the first used, HTML links apart from links of other types;
- `unnested_read_elements`, when the feed still holds over MANY_FEED_TAGS tags once the unread elements went: a
  read element that holds others keeps its own text, up to the first element inside it (9.5 MB of `<link>`s nested
  in one another: 14.8 s); then `tight=BY_LOCAL_NAME`, each local name whatever its prefix: about 26 names, so an
  item hands feedparser at most some 80 elements.
Real feeds of up to 25,000 read leaves meet only the first (the corpus's 489 files parse the same; a real item holds
some 10 read leaves); the second keeps what feedparser reads of a real item (review of red team 32); the last two
are for hostile feeds only.
"""

from __future__ import annotations

import re
from html import unescape

from newsflow.urls import MAX_URL_CHARS, resolve_url

MANY_FEED_TAGS = 50_000
"""`<` in a feed above which its markup is bounded: 13 times the corpus's most (3,796, TechCrunch's 200 KB); a
feed of 50,000 elements costs feedparser about a second."""
KEPT_REPEATS = 10
"""Elements of one name newsflow reads kept in an item (or in the channel before the first item), past the bound: the
first KEPT_REPEATS and the last, and the first value newsflow would use. newsflow stores one link (the first of
`link`, the `rel="alternate"` links and the guid that resolves), one title, guid, summary and date; feedparser keeps
the first of some (`title`) and the last of others (`link`, `guid`, `id`, `dc:date`), so the first and the last are
both kept."""

NAME = rb"[A-Za-z_][\w.-]*"
READ = (rb"(?:" + NAME + rb":)?(?:title|link|guid|id|pubDate|published|updated|date|issued|modified|created|"
        rb"description|summary|content|encoded|item|entry|channel|feed|rss|RDF|ttl|updatePeriod|updateFrequency)")
_CONTAINERS = frozenset((b"item", b"entry", b"channel", b"feed", b"rss", b"rdf"))
_TEXTS = frozenset((b"title", b"description", b"summary", b"content", b"encoded"))
_SCOPE_OR_READ_LEAF = re.compile(
    rb"(<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z))"  # 1: text: never looked into
    rb"|<(?:" + NAME + rb":)?(?:item|entry)[\s/>]"  # an item: the counts start again
    rb"|<(" + READ + rb")(?:\s[^<>]*)?(?:/>|(?<!/)>(?:[^<]++|<!\[CDATA\[.*?\]\]>)*+</\2\s*>)",  # 2: a read leaf
    re.DOTALL | re.IGNORECASE)  # feedparser reads names in any case: `<Item>` is an item
_TEXT_OR_READ_TAG = re.compile(
    rb"(<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z))"  # 1: text
    rb"|<(/?)(" + READ + rb")(?:\s[^<>]*)?(/?)>",  # 2: an end tag's slash, 3: the name, 4: a self-closed one's slash
    re.DOTALL | re.IGNORECASE)
_REL = re.compile(rb"""\srel\s*=\s*["']\s*([^"']*)["']""", re.IGNORECASE)
_TYPE = re.compile(rb"""\stype\s*=\s*["']\s*([^"']*)["']""", re.IGNORECASE)
_HTML_TYPES = frozenset((b"text/html", b"html", b"application/xhtml+xml", b"xhtml"))
"""A link's types feedparser makes an entry's `link` of (its `map_content_type`; no type is text/html)."""
_ADDRESS = re.compile(rb"""\s(?:href|url)\s*=\s*["']([^"']*)""", re.IGNORECASE)
_WEB = re.compile(rb"(?:https?:)?/", re.IGNORECASE)
_OTHER_SCHEME = re.compile(r"\s*(?!https?:)[A-Za-z][A-Za-z0-9+.-]*:", re.IGNORECASE)
_MEDIA = re.compile(rb"<\S*content\s[^<>]*\burl\s*=", re.IGNORECASE)
"""media:content (a `url`), as `feedbounds` tells it from a text element."""
_BLANK = re.compile(rb"\s+|&#0*(?:9|10|13|32|160);|&#[xX]0*(?:9|[aAdD]|20|[aA]0);|&nbsp;")
"""Space as feedparser reads it: `&#32;&#160;` is a blank text to it (and to `feeds._first_content`)."""
_OWN_PREFIXES = frozenset((b"", b"atom", b"dc", b"dcterms", b"media", b"content", b"itunes", b"rdf", b"rss"))
"""Prefixes counted apart; any other is one prefix to the cap, as a feed may bind a new one to Atom's namespace on
each of 100,000 links (all of them `link`s to feedparser: 4.6 s kept whole, review of red team 30)."""

Span = tuple[int, int]


BY_KIND, BY_NAME, BY_LOCAL_NAME = 0, 1, 2
"""How tight a cap is: KEPT_REPEATS of each name and kind; of each name (`media:description` apart from
`description`: feedparser reads an item's own summary, not its photos' captions, and a cut that merged them handed
it the caption); of each local name whatever its prefix (only when the feed is still past the bound)."""


def read_repeats_capped(utf8: bytes, base_url: str, *, tight: int = BY_KIND) -> bytes:
    """Each item's read leaves past the kept ones dropped (see the module). One pass over the feed, then one over
    each item's leaves; containers (item, entry, channel) are no leaves. `base_url` resolves relative links as the
    feed's URL does (`feeds._xml_entry_url`)."""
    capped = _capped(utf8, base_url, tight=tight, most_leaves=None)
    assert capped is not None  # with no limit on the leaves
    return capped


def read_repeats_capped_in_time(utf8: bytes, base_url: str) -> bytes:
    """`read_repeats_capped`, or, in a feed of over MANY_FEED_TAGS / 2 read leaves (a real one holds some 10 an item,
    at most 1,000 items before `feedprep.keep_newest_items` cuts them), the tight cap at once: the cap by kind costs
    some microseconds a leaf, 1.1 s for the 370,000 leaves of 11.7 MB spread over 113 items."""
    capped = _capped(utf8, base_url, tight=BY_KIND, most_leaves=MANY_FEED_TAGS // 2)
    return capped if capped is not None else read_repeats_capped(utf8, base_url, tight=BY_NAME)


def _capped(utf8: bytes, base_url: str, *, tight: int, most_leaves: int | None) -> bytes | None:
    dropped: list[Span] = []
    scope: dict[bytes, _Kept] = {}
    leaves = 0
    for found in _SCOPE_OR_READ_LEAF.finditer(utf8):
        if found.group(1) is not None:
            continue
        if found.group(2) is None:
            dropped += _past_the_kept(scope)
            scope = {}
            continue
        leaves += 1
        if most_leaves is not None and leaves > most_leaves:
            return None
        local = found.group(2).rpartition(b":")[2].lower()
        group = local if tight == BY_LOCAL_NAME else _repeat_name(found) if tight else _repeat_kind(found)
        if tight != BY_LOCAL_NAME and local == b"link" and _other_type(found):
            group += b" typed"  # feedparser's entry link is the last HTML one: a PDF's after it must not push it out
        kept = scope.get(group)
        if kept is None:
            kept = scope[group] = _Kept(local, 1 if tight else KEPT_REPEATS)
        kept.add(found, base_url)
    dropped += _past_the_kept(scope)
    return _without_spans(utf8, sorted(dropped))


class _Kept:
    """One name's (or kind's) leaves in a scope: the first `first` of them, the first used, and the last."""

    __slots__ = ("dropped", "first", "local", "spans", "used")

    def __init__(self, local: bytes, first: int) -> None:
        self.local, self.first = local, first
        self.spans: list[Span] = []
        self.dropped: list[Span] = []
        self.used = False

    def add(self, leaf: re.Match[bytes], base_url: str) -> None:
        if len(self.spans) < self.first:
            self.spans.append(leaf.span())
            self.used = self.used or used_value(self.local, leaf, base_url)
        elif not self.used and used_value(self.local, leaf, base_url):
            self.spans.append(leaf.span())
            self.used = True
        else:
            self.dropped.append(leaf.span())

    def past(self) -> list[Span]:
        """The dropped spans, the last leaf left out (kept)."""
        return self.dropped[:-1] if self.dropped and self.dropped[-1][0] > self.spans[-1][0] else self.dropped


def _past_the_kept(scope: dict[bytes, _Kept]) -> list[Span]:
    return [span for kept in scope.values() for span in kept.past()]


def used_value(local: bytes, leaf: re.Match[bytes], base_url: str) -> bool:
    """Whether newsflow would use the leaf's value: a link (no `rel`, or `alternate`) that resolves, as
    `feeds._xml_entry_url` resolves it; a text element's non-blank text. Other names are kept first and last."""
    start_tag, _, rest = leaf.group(0).partition(b">")
    if local in _TEXTS:
        return bool(_BLANK.sub(b"", _inner_text(rest))) and not start_tag.endswith(b"/")
    if local != b"link":
        return False
    rel = _REL.search(start_tag)
    if rel is not None and rel.group(1).strip().lower() != b"alternate":
        return False
    address = _ADDRESS.search(start_tag)
    raw = address.group(1) if address else _inner_text(rest)
    # the value feedparser is handed: `&#106;avascript:` is a scheme to it, a relative path to the raw bytes
    value = unescape(raw.decode("utf-8", "replace")).strip()
    if not value or len(value) > MAX_URL_CHARS or _OTHER_SCHEME.match(value):
        return False
    return resolve_url(value, base_url) is not None


def _inner_text(after_start_tag: bytes) -> bytes:
    return after_start_tag.rpartition(b"</")[0].replace(b"<![CDATA[", b"").replace(b"]]>", b"")


def _repeat_kind(leaf: re.Match[bytes]) -> bytes:
    """The leaf's name and which of four kinds its value is, each kind capped on its own: newsflow takes the first
    link that resolves, the first content that is not blank, and feedparser the alternate link (review of red team
    30: a dozen `rel="related"` links, blank contents, empty titles or `javascript:` links before the one read)."""
    name = _repeat_name(leaf)
    start_tag, _, rest = leaf.group(0).partition(b">")
    rel = _REL.search(start_tag)
    if rel is not None and rel.group(1).strip().lower() != b"alternate":
        return name + b" rel"
    address = _ADDRESS.search(start_tag)
    value = (address.group(1) if address else _inner_text(rest)).strip()
    kind = b" web" if _WEB.match(value) else b" text" if value else b" blank"
    return name + kind


def _other_type(leaf: re.Match[bytes]) -> bool:
    """Whether a link's `type` is one feedparser never makes an entry's `link` of (a PDF, audio)."""
    found = _TYPE.search(leaf.group(0).partition(b">")[0])
    return found is not None and found.group(1).strip().lower() not in _HTML_TYPES


def _repeat_name(leaf: re.Match[bytes]) -> bytes:
    name = leaf.group(2).lower()
    prefix, _, local = name.rpartition(b":")
    return name if prefix in _OWN_PREFIXES else b"*:" + local


def unnested_read_elements(utf8: bytes) -> bytes:
    """Each read element that is not a container (item, entry, channel, feed, rss, RDF) without what it holds from the
    first element inside it on (`_own_text`), so no read element holds another; end tags that close nothing open go
    too. 300,000
    `<link>`s nested in one another cost feedparser 8.3 s (red team 30), `<title>`s 8 s as stray end tags after red
    team 28 made the outer one's content CDATA. Run when the feed still holds over MANY_FEED_TAGS tags after the
    unread elements went, so only read tags are left; a read element's inside and a run of end tags are each cut
    by one regular expression, so deep nesting costs no Python step a tag."""
    pieces: list[bytes] = []
    containers = _Containers()
    kept_to = position = 0
    while (tag := _TEXT_OR_READ_TAG.search(utf8, position)) is not None:
        position = tag.end()
        if tag.group(1) is not None:
            continue
        local, closing, alone = tag.group(3).rpartition(b":")[2].lower(), bool(tag.group(2)), bool(tag.group(4))
        if closing:  # nothing open but containers: of a run of end tags, those that close one are kept
            run = _END_RUN.match(utf8, tag.start())
            end = run.end() if run else position
            pieces += [utf8[kept_to:tag.start()], containers.closed_by(utf8[tag.start():end])]
            kept_to = position = end
        elif local in _CONTAINERS or (local == b"content" and _MEDIA.match(tag.group(0))
                                      and not containers.counts.get(local)):
            containers.opened(local, alone)  # a media:content holds media:title, media:description: read as they are
        elif (leaves := _LEAF_RUN.match(utf8, tag.start())) is not None:  # leaves, one after another: kept
            position = leaves.end()
        elif not alone:  # a read element holding others: it keeps its own text, up to its end tag or its container's
            end_tag = containers.end_of(utf8, local, position)
            stop = end_tag.start() if end_tag else len(utf8)
            pieces += [utf8[kept_to:position], _own_text(utf8[position:stop])]
            kept_to = position = stop
            if end_tag is not None and end_tag.group(2).lower() == local:
                pieces.append(end_tag.group(0))
                kept_to = position = end_tag.end()
    return b"".join([*pieces, utf8[kept_to:]])


_TEXT = rb"(<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z))"
# only read tags are left here, so any tag is one
_LEAF_RUN = re.compile(
    rb"(?:<(" + NAME + rb"(?::" + NAME + rb")?)(?:\s[^<>]*)?"
    rb"(?:/>|(?<!/)>(?:[^<]++|<!\[CDATA\[.*?\]\]>)*+</\1\s*>)\s*)+", re.DOTALL)
_END_RUN = re.compile(rb"(?:</" + NAME + rb"(?::" + NAME + rb")?\s*>\s*)+")
_TEXT_OR_TAG = re.compile(_TEXT + rb"|<[^!]", re.DOTALL)


def _own_text(inside: bytes) -> bytes:
    """A read element's content up to the first element inside it: what follows is no value of its own (feedparser
    read `<link>https://a<link>b</link></link>` as `https://a`); CDATA and comments before it stay."""
    for found in _TEXT_OR_TAG.finditer(inside):
        if found.group(1) is None:
            return inside[:found.start()]
    return inside


class _Containers:
    """The containers open, innermost last; an end tag closes the innermost of its name and those inside it."""

    def __init__(self) -> None:
        self.names: list[bytes] = []
        self.counts: dict[bytes, int] = {}
        self.patterns: dict[tuple[bytes, ...], re.Pattern[bytes]] = {}

    def opened(self, name: bytes, alone: bool) -> None:
        if not alone:
            self.names.append(name)
            self.counts[name] = self.counts.get(name, 0) + 1

    def closed_by(self, end_tags: bytes) -> bytes:
        """Of a run of end tags, those that close an open container, in order (each closing those inside it)."""
        kept: list[bytes] = []
        found = self._end_tag(()).search(end_tags)
        while found is not None:
            kept.append(found.group(0))
            self._close(found.group(2).lower())
            found = self._end_tag(()).search(end_tags, found.end())
        return b"".join(kept)

    def end_of(self, utf8: bytes, name: bytes, position: int) -> re.Match[bytes] | None:
        """The first end tag of `name` or of an open container from `position`, outside CDATA and comments."""
        pattern = self._end_tag((name,))
        while (found := pattern.search(utf8, position)) is not None and found.group(1) is not None:
            position = found.end()
        return found

    def _end_tag(self, extra: tuple[bytes, ...]) -> re.Pattern[bytes]:
        names = tuple(sorted({*extra, *(name for name, count in self.counts.items() if count)}))
        if names not in self.patterns:
            alternatives = b"|".join(map(re.escape, names)) or rb"(?!)"
            self.patterns[names] = re.compile(
                _TEXT + rb"|</(?:" + NAME + rb":)?(" + alternatives + rb")\s*>", re.DOTALL | re.IGNORECASE)
        return self.patterns[names]

    def _close(self, name: bytes) -> None:
        while (innermost := self.names.pop()) != name:
            self.counts[innermost] -= 1
        self.counts[name] -= 1


def _without_spans(utf8: bytes, dropped: list[Span]) -> bytes:
    if not dropped:
        return utf8
    after, before = [(0, 0), *dropped], [*dropped, (len(utf8), 0)]
    return b"".join(utf8[end:start] for (_, end), (start, _) in zip(after, before, strict=True))
