"""A feed whose channel makes feedparser raise, read again without the channel's elements that do (red team 35b).

Pure functions (stdlib); `feedapart.read_apart` runs `channel_read_apart` first, before the items are read apart,
only after feedparser raised on the whole feed. feedparser 6.0.14 raises out of `parse` on many nests in a channel
(or a feed, an image, a textInput, RDF's channel) of elements that switch its context between an element's start and
its end:
`<title><media:player/></title>` (`KeyError: 'media_player'`), `<tagline><width>x</width></tagline>` (`TypeError`
from `int(None)`), `<textInput><link><lastBuildDate/></link></textInput>` (`KeyError: 'links'`), a generator over
nests of three of 110 names in six contexts found 27 kinds. Before, the feed was a `parse_error` every run, its
items never fetched.

The channel's outer elements (those around the items, each not inside another one, an RDF channel among them) are
halved as the items are (`feedapart`), with the items left out of each parse; each raising element keeps its tags
and those of its children that do not raise (found the same way, a few levels down), else is dropped. The parses are
bounded as the items' are, in the channel's bytes (a budget in the feed's let 400 raising elements of a 9.5 MB feed's
channel cost 13.9 s of small parses); when no element alone is to blame, or past the budget, every outer element
goes.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable

Span = tuple[int, int]
PARSE_CHARGE = 4_096
"""Bytes a parse is counted beside its own: feedparser's fixed cost (0.18 ms) is what some 4 KB of a feed cost."""
DEPTH = 3
"""Levels of an element's children read apart before the element goes whole."""

_TAG = re.compile(rb"<(?:(!\[CDATA\[.*?(?:\]\]>|\Z)|!--.*?(?:-->|\Z)|[?!][^>]*>)"
                  rb"|(/?)([^\s/<>!?]+)(?:\s[^<>]*?)?(/?)>)", re.DOTALL)
"""A tag, or (group 1) CDATA, a comment or a declaration; the leading `<` outside the groups lets the scan skip
text at C speed (inside them: 0.12 s over a 9.7 MB feed's descriptions)."""


def outer_elements(utf8: bytes, start: int, end: int) -> list[Span]:
    """The spans of the complete elements in utf8[start:end] that no other complete one holds, in order. An end tag
    closes the nearest open element of its name (the ones opened after it left unclosed); one closing nothing open
    is an ancestor's."""
    opened = _OpenElements()
    closed: list[Span] = []
    for tag in _TAG.finditer(utf8, start, end):
        if tag.group(1) is not None:
            continue
        if tag.group(4):
            closed.append(tag.span())
        elif not tag.group(2):
            opened.open(tag.group(3), tag.start())
        elif (started := opened.close(tag.group(3))) is not None:
            closed.append((started, tag.end()))
    outer: list[Span] = []
    for span in sorted(closed, key=lambda span: (span[0], -span[1])):
        if not outer or span[0] >= outer[-1][1]:
            outer.append(span)
    return outer


def items_in_the_open(utf8: bytes, items: list[Span]) -> list[Span]:
    """The items that no channel element holds (an item inside `<image><media:player>…` is the element's, and split
    the channel around it: review), or all of them when none is in the open (an element left unclosed before them).
    One pass over the tags."""
    starts = {start for start, _ in items}
    opened = _OpenElements()
    held: set[int] = set()
    for tag in _TAG.finditer(utf8):
        if tag.group(1) is not None:
            continue
        if tag.start() in starts and opened.others:
            held.add(tag.start())
        name = tag.group(3).rpartition(b":")[2].lower()
        if tag.group(4):
            continue
        if not tag.group(2):
            opened.open(name, tag.start())
        else:
            opened.close(name)
    kept = [span for span in items if span[0] not in held]
    return kept or items


_CONTAINERS = (b"rss", b"channel", b"feed", b"rdf")


class _OpenElements:
    """The open elements, an end tag closing the nearest open one of its name and those opened after it; each
    element opened is closed once, so stray end tags under a deep nest cost no step of its depth each."""

    def __init__(self) -> None:
        self.names: list[bytes] = []
        self.starts: list[int] = []
        self.where: dict[bytes, list[int]] = {}
        self.others = 0  # open elements that are no container (`items_in_the_open`)

    def open(self, name: bytes, start: int) -> None:
        self.where.setdefault(name, []).append(len(self.names))
        self.names.append(name)
        self.starts.append(start)
        self.others += name.rpartition(b":")[2].lower() not in _CONTAINERS

    def close(self, name: bytes) -> int | None:
        """Where the element the end tag closes started; None when it closes none."""
        if not self.where.get(name):
            return None
        at = self.where[name][-1]
        started = self.starts[at]
        for closed in self.names[at:]:
            self.where[closed].pop()
            self.others -= closed.rpartition(b":")[2].lower() not in _CONTAINERS
        del self.names[at:], self.starts[at:]
        return started


class _Parts:
    """The feed as fixed text between replaceable parts; a parse of it with some parts replaced, against a budget."""

    def __init__(self, utf8: bytes, spans: list[Span], parses: Callable[[bytes], bool], budget: list[int]) -> None:
        self.fixed = [utf8[end:start] for end, start in zip([0, *(s[1] for s in spans)],
                                                            [*(s[0] for s in spans), len(utf8)], strict=True)]
        self.parts = [utf8[start:end] for start, end in spans]
        self.parses, self.budget = parses, budget
        self.sound: set[int] = set()  # parts seen whole in a parse that succeeded (kept past the budget: red team 36b)
        self.best: list[bytes] = []  # the parse that succeeded with the most parts whole, and those parts
        self.sound_together: list[int] = []

    def joined(self, parts: list[bytes]) -> bytes:
        pieces = [self.fixed[0]]
        for part, fixed in zip(parts, self.fixed[1:], strict=True):
            pieces += [part, fixed]
        return b"".join(pieces)

    def parses_with(self, parts: list[bytes]) -> bool:
        feed = self.joined(parts)
        self.budget[0] -= len(feed) + PARSE_CHARGE
        if self.budget[0] < 0:
            raise OverBudget
        if not self.parses(feed):
            return False
        whole = [index for index, part in enumerate(parts) if part and part is self.parts[index]]
        self.sound.update(whole)
        if len(whole) > len(self.sound_together):
            self.best, self.sound_together = list(parts), whole
        return True

    def known_sound(self) -> tuple[list[bytes], int] | None:
        """What is left when the budget runs out (red team 36b: every part went, the channel's title with it), and
        how many parts were dropped: the parts seen whole in a parse that succeeded if they parse together (one more
        parse, the size of one already made), else the most of them from the channel's start that parse (by
        halving, in two more such parses' bytes and their charges), or the parse that succeeded with the most of
        them if it has more (parts that raise only together); None when none did."""
        sound = sorted(self.sound)
        kept = self._only(sound)
        allowance = 2 * len(self.joined(kept)) + PARSE_CHARGE * len(sound).bit_length()  # the search below
        if sound and self.parses(self.joined(kept)):
            return kept, len(self.parts) - len(sound)
        passes, raises = 0, len(sound)  # review: the best parse is where the halving went (3 parts mid-channel)
        while raises - passes > 1:
            middle = (passes + raises) // 2
            feed = self.joined(self._only(sound[:middle]))
            allowance -= len(feed) + PARSE_CHARGE
            if allowance < 0:
                break
            passes, raises = (middle, raises) if self.parses(feed) else (passes, middle)
        if passes and passes >= len(self.sound_together):
            return self._only(sound[:passes]), len(self.parts) - passes
        if self.sound_together:
            return self.best, len(self.parts) - len(self.sound_together)
        return None

    def _only(self, indexes: list[int]) -> list[bytes]:
        chosen = set(indexes)
        return [part if index in chosen else b"" for index, part in enumerate(self.parts)]

    def raising(self, low: int, high: int, kept: list[bytes]) -> list[int]:
        """Indexes in [low, high) of the parts that raise alone (the others as in `kept`, those of the run empty),
        the run known to raise: when its first half parses, the second is not parsed alone (review: it raises, or
        raises only with the first, and either way its element is one to read apart)."""
        if high - low == 1:
            return [low]
        middle = (low + high) // 2
        first = not self.parses_with(self._trial(low, middle, low, high, kept))
        found = self.raising(low, middle, kept) if first else []
        if not first or not self.parses_with(self._trial(middle, high, low, high, kept)):
            found += self.raising(middle, high, kept)
        return found

    def _trial(self, first: int, last: int, low: int, high: int, kept: list[bytes]) -> list[bytes]:
        return [part if first <= index < last else b"" if low <= index < high else kept[index]
                for index, part in enumerate(self.parts)]


class OverBudget(Exception):
    """A reading apart's parses passed their budget (the channel's here, the items' in `feedapart`)."""


def channel_read_apart(utf8: bytes, items: list[Span], parses: Callable[[bytes], bool],
                       budget: tuple[int, int]) -> tuple[bytes, int] | None:
    """The feed with the channel's outer elements on which `parses` is false (read with no item) read apart, and how
    many were; None when the channel without its items parses, or still raises with none of them. The channel is
    the text around every item, between them too (review: an element among the items was left out of it, and the
    feed stayed its error). The parses read at most `budget[0]` times the channel's bytes and `budget[1]` (each
    parse counted PARSE_CHARGE bytes more)."""
    gaps = list(zip([0, *(end for _, end in items)], [*(start for start, _ in items), len(utf8)], strict=True))
    bare = b"".join(utf8[start:end] for start, end in gaps)
    if parses(bare):
        return None
    spans: list[Span] = []  # in the feed
    bare_spans: list[Span] = []  # the same in `bare`
    position = 0
    for start, end in gaps:  # each gap alone: an end tag past an item (`</channel>`) closes nothing in it
        for span in outer_elements(utf8, start, end):
            spans.append(span)
            bare_spans.append((span[0] - start + position, span[1] - start + position))
        position += end - start
    parts = _Parts(bare, bare_spans, parses, [budget[0] * len(bare) + budget[1]])
    try:
        read = read_apart(parts, DEPTH)
    except OverBudget:  # many raising elements: those seen sound stay (red team 36b), else every one goes, the
        read = parts.known_sound() or ([b""] * len(spans), len(spans))  # caller's parse telling if that was enough
    if read is None:
        return None
    kept, count = read
    pieces, position = [], 0
    for (start, end), part in zip(spans, kept, strict=True):
        pieces += [utf8[position:start], part]
        position = end
    return b"".join([*pieces, utf8[position:]]), count


def read_apart(parts: _Parts, depth: int) -> tuple[list[bytes], int] | None:
    """The parts, each on which the parse fails read apart: its children that raise too dropped (to `depth` levels,
    read with the other parts left out: review, each parse was the whole channel's), else dropped whole; every
    part that raises only beside others dropped when that still raises (red team 36b: every part was); and how many
    were. None when the feed with no part raises too."""
    empty = [b""] * len(parts.parts)
    if not parts.parts or not parts.parses_with(empty):
        return None
    count = len(parts.parts)
    raising = set(parts.raising(0, count, empty) if count > 1 else [0])
    without = [b"" if index in raising else part for index, part in enumerate(parts.parts)]
    read = list(without)
    for index in sorted(raising):
        read[index] = _children_read_apart(parts, empty, index, depth)
    if read != without and parts.parses_with(read):
        return read, len(raising)
    if parts.parses_with(without):
        return without, len(raising)
    # parts raise together: the halving may have blamed a sound one (whole again if it parses alone); the search
    # starts from the parts read apart (review: from every part whole, each raising alone cost it a search)
    start = [parts.parts[index] if index in raising and parts.parses_with(_run(parts.parts, index, index + 1))
             else part for index, part in enumerate(read)]
    kept, _ = _culprits_dropped(parts, start)
    return kept, sum(part is not whole for part, whole in zip(kept, parts.parts, strict=True))


def _culprits_dropped(parts: _Parts, read: list[bytes]) -> tuple[list[bytes], int]:
    """`read` (every part) with the parts that raise only beside others dropped one at a time, and how many were.
    Red team 36b: `<dc:rights><textInput><link><lastBuildDate/>…` raises only after another `<dc:rights>`, the
    halving then blamed the sound element after it, and the fallback, every part dropped, lost the channel's title
    and ttl. feedparser reads in order, so the shortest run of the parts from the first that raises ends where it
    raised, and the shortest run ending there starts with the part that set it up (both by halving); of that
    window, the inner parts are tried first (MAX_TRIED of them), each dropped if the run then parses; else its last."""
    kept, dropped = list(read), 0
    while not parts.parses_with(kept):
        kept[_culprit(parts, kept)], dropped = b"", dropped + 1
    return kept, dropped


def _culprit(parts: _Parts, kept: list[bytes]) -> int:
    end = _shortest(lambda size: parts.parses_with(_run(kept, 0, size)), len(kept))
    start = end - _shortest(lambda size: parts.parses_with(_run(kept, end - size, end)), end)
    inner = [index for index in range(start + 1, end - 1) if kept[index]][:MAX_TRIED]
    for index in inner:
        if parts.parses_with(_run([b"" if at == index else part for at, part in enumerate(kept)], 0, end)):
            return index
    return end - 1  # the run to it less it parses (`_shortest`): review, the cap cut it and the first off the window


MAX_TRIED = 8
"""Inner parts of a raising window tried one by one before its last (where feedparser raised) is dropped."""


def _run(kept: list[bytes], start: int, end: int) -> list[bytes]:
    return [part if start <= index < end else b"" for index, part in enumerate(kept)]


def _shortest(parses: Callable[[int], bool], raises: int) -> int:
    """The least size for which `parses` is false, known false at `raises` and true at 0."""
    passes = 0
    while raises - passes > 1:
        middle = (passes + raises) // 2
        passes, raises = (middle, raises) if parses(middle) else (passes, middle)
    return raises


def _children_read_apart(parts: _Parts, others: list[bytes], index: int, depth: int) -> bytes:
    element = parts.parts[index]
    inner = outer_elements(element, element.find(b">") + 1, element.rfind(b"<"))
    if depth == 0 or not inner:
        return b""

    def parses_as(candidate: bytes) -> bool:  # the feed with this element as `candidate`, the others as in `others`
        return parts.parses_with([candidate if at == index else part for at, part in enumerate(others)])

    children = _Parts(element, inner, parses_as, [sys.maxsize])  # each of its parses is the whole feed's, counted
    read = read_apart(children, depth - 1)
    return children.joined(read[0]) if read is not None else b""
