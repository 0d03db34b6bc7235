"""A feed that makes feedparser raise, read again without the items that do (red team 33b).

Pure functions (stdlib, `feedchannel`, `feedprep` and `feedrepeats`); `feeds` calls `read_apart` with a predicate
that runs feedparser, only after feedparser raised on the whole feed: the channel's raising elements first
(`feedchannel`, red team 35b), then the items. feedparser 6.0.14 raises out of `parse` on some
nests of elements: `<link><item>…</item></link>` inside an item (`KeyError: 'links'`: the inner item starts a new
entry, which the outer link's end then looks up). Before, such an item made its whole feed a `parse_error` every
run, its good items never fetched.

The raising items are found by halving: the feed's head and tail around a half of the items, and again in the half
that raises, so one hostile item among n costs some 2 log2(n) parses of about half the feed each; the parses read
at most `READ_APART_BUDGET` times the feed's bytes (and a floor), past which (and when items raise only together)
every item is flattened instead (review: one item in ten lost a 1 MB feed's good ones). A raising item is kept
flattened (`feedrepeats.unnested_read_elements`: each read element keeps its own text, as past
the 50,000-tag bound), else dropped.
"""

from __future__ import annotations

from collections.abc import Callable

from newsflow.feedchannel import OverBudget, channel_read_apart, items_in_the_open
from newsflow.feedprep import top_level_item_spans
from newsflow.feedrepeats import unnested_read_elements

READ_APART_BUDGET = 4
READ_APART_FLOOR = 1_000_000
"""Bytes parsed while finding the raising items: READ_APART_BUDGET times the feed's and READ_APART_FLOOR (a small
feed's head is parsed with each half; a feed whose every item raises would otherwise cost a parse of its head for
each of them)."""

Span = tuple[int, int]


class _Reader:
    """The feed's head and tail around any run of its items, parsed against a budget of bytes."""

    def __init__(self, utf8: bytes, spans: list[Span], parses: Callable[[bytes], bool]) -> None:
        self.utf8, self.spans, self.parses = utf8, spans, parses
        self.head, self.tail = utf8[:spans[0][0]], utf8[spans[-1][1]:]
        self.budget = READ_APART_BUDGET * len(utf8) + READ_APART_FLOOR

    def parses_with(self, items: bytes) -> bool:
        feed = self.head + items + self.tail
        self.budget -= len(feed)
        if self.budget < 0:
            raise OverBudget
        return self.parses(feed)

    def raising(self, low: int, high: int) -> list[int]:
        """Indexes of the items in [low, high) that raise, the run known to raise."""
        if high - low == 1:
            return [low]
        middle = (low + high) // 2
        halves = [(low, middle), (middle, high)]
        return [index for first, last in halves if not self.parses_with(self._items(first, last))
                for index in self.raising(first, last)]

    def _items(self, first: int, last: int) -> bytes:
        return self.utf8[self.spans[first][0]:self.spans[last - 1][1]]


def read_apart(utf8: bytes, parses: Callable[[bytes], bool]) -> tuple[bytes, str] | None:
    """The feed with the channel's elements (`feedchannel`, red team 35b) then the items on which `parses` is false
    read apart, and what was; None when the feed has no item. The caller parses the result, which may still raise."""
    spans = top_level_item_spans(utf8)
    if not spans:
        return None
    said = []
    channel = channel_read_apart(utf8, items_in_the_open(utf8, spans), parses, (READ_APART_BUDGET, READ_APART_FLOOR))
    if channel is not None:
        utf8 = channel[0]
        said.append(f"{channel[1]} channel element(s) read apart")
        if parses(utf8):
            return utf8, "; ".join(said)
    items = without_raising_items(utf8, parses)
    if items is None:
        return (utf8, "; ".join(said)) if said else None
    return items[0], "; ".join([*said, f"{items[1]} item(s) read apart"])


def without_raising_items(utf8: bytes, parses: Callable[[bytes], bool]) -> tuple[bytes, int] | None:
    """The feed with each item on which `parses` is false flattened, or dropped if it still is, and how many were;
    every item flattened when no item alone is to blame (items raise only together) or past the budget; None when
    the feed has no item. The caller parses the result, which may still raise (the channel's own elements)."""
    spans = top_level_item_spans(utf8)
    if not spans:
        return None
    reader = _Reader(utf8, spans, parses)
    try:
        raising = reader.raising(0, len(spans)) if len(spans) > 1 else [0]
        replaced = {index: _flattened(reader, utf8[slice(*spans[index])]) for index in raising}
    except OverBudget:
        return _every_item_flattened(utf8, spans)
    if not raising:
        return _every_item_flattened(utf8, spans)
    pieces: list[bytes] = []
    position = 0
    for index, (start, end) in enumerate(spans):
        if index in replaced:
            pieces += [utf8[position:start], replaced[index]]
            position = end
    return b"".join([*pieces, utf8[position:]]), len(raising)


def _every_item_flattened(utf8: bytes, spans: list[Span]) -> tuple[bytes, int]:
    """Review of red team 33b: when the halving cannot name the raising items (many of them: one item in ten of a
    1 MB feed passed the budget, and its good items were lost with it; or items that raise only together), every
    item is read as past the tags' bound, in the one parse the caller makes."""
    start, end = spans[0][0], spans[-1][1]
    return utf8[:start] + unnested_read_elements(utf8[start:end]) + utf8[end:], len(spans)


def _flattened(reader: _Reader, item: bytes) -> bytes:
    flat = unnested_read_elements(item)
    return flat if reader.parses_with(flat) else b""
