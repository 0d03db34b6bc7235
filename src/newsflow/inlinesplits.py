"""Paragraphs trafilatura's text splits into several lines, one line again.

Two causes, both making one paragraph several lines of the text (whose normal form is one paragraph a
line: `newsflow.text`), with the words right and the lines wrong (docs/extraction.md, "Twenty-third
pass, text"):

**The source's own line breaks.** HTML sources wrap long paragraphs over several lines, and put
links and emphasis on lines of their own ("… hat der bekannte Leaker\n  <a>Jon Prosser …</a>\n  ,
die …"). In HTML such a line break is a space; trafilatura's text keeps it, so the paragraph came out
as three lines. But trafilatura also flattens blocks into one text with a line break as the only
trace of their boundary (a reading-time label above the lead, a teaser's headline above its
summary), so a line break is made a space only where the page says the two pieces are one run of
text: one text node of the page holds both, or only inline elements stand between them
(`unwrapped_lines`, given the text as trafilatura read it and as it reads with every line break in
its output made a space by `unwrap_source_lines`, code blocks left alone).

**An inline element set apart.** A story written as text runs in one `<div>` (paragraphs apart by
`<br>`, no `<p>`) with a block of its own inside (a poll's or an ad's `<div>`) comes out of
trafilatura with every inline element of the div (a link, `<b>`, `<em>`, even a `<span>`) on a
line of its own: "NEW DELHI:" / "Pakistan" / "'s whole-of-system approach …" (the Times of India's
topic links). trafilatura's output holds such a
piece as loose text between two of its paragraphs (the tail of a `<p>`), and the page shows it as an
inline element whose text runs on, with no break, into the words before and after it. The words
are all there, but one paragraph is three lines, and a short piece may then be taken for furniture
by the rules after this one. Such a line is joined to its neighbours when the page's source says
they are one run of text: the text right before the element ends the line above, and the text right
after it (its tail) starts the line below (docs/extraction.md, "Twenty-third pass, text").

A link on a line of its own (`<p><a>Read more</a></p>`, or between two `<br>`) has no text running
into it and stays a line. Over normalised text and lxml elements (only their methods are used, so
lxml is not imported).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from newsflow.pageblocks import INLINE_TAGS, bounded_text
from newsflow.text import PARAGRAPH_SEPARATOR, normalized_line

_OUTPUT_INLINE = frozenset({"hi", "ref", "lb", "del"})
"""trafilatura's own inline elements, whose tails are text of the same paragraph, not loose text."""
_OUTPUT_CONTAINERS = frozenset({"body", "div"})
"""trafilatura's output elements that hold blocks: their own text is loose text, before the first block (a
story whose first run opens with `<strong>`, the div's first child: the twenty-fourth pass)."""
MATCHED_CHARS = 40
"""How much of the text on each side of the element must be the neighbouring line's end or start:
enough to name a place in a story, as the element's own text alone does not."""


_SOURCE_LINE_BREAK = re.compile(r"[ \t\f]*[\r\n][ \t\f\r\n]*")
"""A run of HTML white space with a line break in it (HTML's white space: space, tab, form feed, CR, LF)."""
_CODE_BLOCKS = frozenset({"code", "pre"})
"""trafilatura's code blocks (and a `<pre>` it kept), whose line breaks are lines of code."""


def unwrap_source_lines(body: Any) -> bool:
    """Every run of white space with a line break in trafilatura's output `body` made one space, outside
    code blocks, in place; whether any was."""
    return body is not None and _unwrap(body, in_code=False)


def _unwrap(element: Any, in_code: bool) -> bool:
    changed = False
    inside = in_code or element.tag in _CODE_BLOCKS
    if not inside and element.text and _SOURCE_LINE_BREAK.search(element.text):
        element.text = _SOURCE_LINE_BREAK.sub(" ", element.text)
        changed = True
    for child in element:
        changed = _unwrap(child, inside) or changed
        if not inside and child.tail and _SOURCE_LINE_BREAK.search(child.tail):
            child.tail = _SOURCE_LINE_BREAK.sub(" ", child.tail)
            changed = True
    return changed


def unwrapped_lines(text: str, unwrapped: str, page: Any) -> str:
    """`text` (normalised) with those line breaks made spaces that `unwrapped` (the same output read
    with every line break a space) lacks and that the page shows inside one run of text."""
    lines, joined = text.split(PARAGRAPH_SEPARATOR), unwrapped.split(PARAGRAPH_SEPARATOR)
    if page is None or len(joined) >= len(lines):
        return text
    runs = _PageRuns(page)
    out: list[list[str]] = []  # each output line as its pieces, joined once at the end (linear, not quadratic)
    index = 0
    for target in joined:
        first = index
        size = len(lines[index]) if index < len(lines) else -1
        index += 1
        while size < len(target) and index < len(lines):
            size, index = size + 1 + len(lines[index]), index + 1
        if size != len(target) or " ".join(lines[first:index]) != target:
            return text  # the two readings do not line up: keep trafilatura's
        out.append([lines[first]])
        edge = lines[first][-2 * MATCHED_EDGE:]
        for following in lines[first + 1:index]:
            separator = runs.one_run(edge, following)
            if separator is not None:
                out[-1].extend((separator, following))
                edge = f"{edge}{separator}{following}"[-2 * MATCHED_EDGE:]
            else:
                out.append([following])
                edge = following[-2 * MATCHED_EDGE:]
    return PARAGRAPH_SEPARATOR.join("".join(pieces) for pieces in out)


MATCHED_EDGE = 30
"""How much of each side of a line break the page's text must show, at most: a place in a story."""


class _PageRuns:
    """The page's text nodes (an element's text or tail), read once when first asked: all of them in one
    string (searched in C) and by their last characters, so each line break costs a search, not a walk over
    the page (a hostile page of thousands of wrapped lines and text nodes stays linear)."""

    def __init__(self, page: Any) -> None:
        self._page = page
        self._nodes: list[tuple[Any, bool, str]] = []
        self._all = ""
        self._by_tail: dict[str, list[int]] = {}  # by their last _TAIL_KEY characters (or all, when shorter)
        self._read = False

    def one_run(self, above: str, below: str) -> str | None:
        """The separator (a space, or none) where the page shows `above`'s end and `below`'s start in one
        run of text: in one text node, or in two with only inline elements (no `<br>`, no block) between
        them; None where it does not."""
        self._read_nodes()
        end, start = above[-MATCHED_EDGE:], below[:MATCHED_EDGE]
        return " " if self._in_one_node(end, start) else self._across_inline(above, end, below)

    def _in_one_node(self, end: str, start: str) -> bool:
        """One text node holds `end`, a space and the start of `start` (the source's own wrapping; the node
        may end before `start` does)."""
        at = self._all.find(f"{end} ")
        for _ in range(_MAX_NODES_A_WORD):  # a page repeating the words: a few places are enough
            if at < 0:
                return False
            after = at + len(end) + 1
            rest = self._all[after:after + len(start)].split(_SEPARATOR, 1)[0]
            if rest and start.startswith(rest):
                return True
            at = self._all.find(f"{end} ", at + 1)
        return False

    def _across_inline(self, above: str, end: str, below: str) -> str | None:
        """A text node ends `above`, and the page's next text, past inline elements only, starts `below`:
        a space between them where the page has white space there, none where it has none (a link in CJK
        text: "<a>北部村庄</a>的居民"); not two links with only white space between (a share bar, a list of tags)."""
        candidates = (self._by_tail.get(above[-size:], ()) for size in range(1, _TAIL_KEY + 1))
        for index in [index for found in candidates for index in found[:_MAX_NODES_A_WORD]]:
            element, is_tail, text = self._nodes[index]
            if not (above.endswith(text[-MATCHED_EDGE:]) and text[-MATCHED_EDGE:] in end):
                continue
            if _in_control(element.getparent() if is_tail else element):
                continue  # a button's labels ("Bild anzeigen", "Bild schließen": one shown at a time)
            found = _next_text(element, is_tail)
            if found is None or not below.startswith(normalized_line(found[1])[:MATCHED_EDGE]):
                continue
            owner, raw, spaced = found
            link, next_link = _link_of(element.getparent() if is_tail else element), _link_of(owner)
            if link is not None and next_link is not None and link is not next_link:
                continue  # one link, then another with only white space between: a list of links, not a sentence
            source = (element.tail if is_tail else element.text) or ""
            return " " if spaced or source[-1:].isspace() or raw[:1].isspace() else ""
        return None

    def _read_nodes(self) -> None:
        if self._read:
            return
        self._read = True
        texts: list[str] = []
        for element in self._page.iter():
            if isinstance(element.tag, str) and element.text and not element.text.isspace():
                self._nodes.append((element, False, normalized_line(element.text)))
            if element.tail and not element.tail.isspace():
                self._nodes.append((element, True, normalized_line(element.tail)))
        for index, (_, _, text) in enumerate(self._nodes):
            texts.append(text)
            self._by_tail.setdefault(text[-_TAIL_KEY:], []).append(index)
        self._all = _SEPARATOR.join(texts)


_SEPARATOR = "\x00"
_MAX_NODES_A_WORD = 50
"""Text nodes ending alike, or places holding the same words, tried for one line break, at most (a page's
repeated labels)."""
_TAIL_KEY = 8
"""A text node is found by its last characters: a node that ends a line may be a comma after a link, or
a run of CJK text with no space in it."""
_MAX_STEPS = 50


def _next_text(element: Any, is_tail: bool) -> tuple[Any, str, bool] | None:
    """The page's next text after an element's text (or tail), when only inline elements (and comments)
    stand between them, as (the element it is the text or a tail inside of, the raw text, whether white
    space stood between); None at a block's or a `<br>`'s edge."""
    parent, following = (element.getparent(), element.getnext()) if is_tail else (element, _first(element))
    spaced = False
    for _ in range(_MAX_STEPS):
        if following is not None:
            if isinstance(following.tag, str):
                if following.tag not in INLINE_TAGS:
                    return None
                if following.text and not following.text.isspace():
                    return following, following.text, spaced
                spaced = spaced or bool(following.text)
                if len(following):
                    parent, following = following, following[0]
                    continue
            if following.tail and not following.tail.isspace():
                return parent, following.tail, spaced
            spaced = spaced or bool(following.tail)
            following = following.getnext()
            continue
        if parent is None or parent.tag not in INLINE_TAGS:
            return None
        if parent.tail and not parent.tail.isspace():
            return parent.getparent(), parent.tail, spaced
        spaced = spaced or bool(parent.tail)
        parent, following = parent.getparent(), parent.getnext()
    return None


def _link_of(element: Any) -> Any:
    """The link (`<a>`) the element is, or is inside, if any."""
    while element is not None:
        if element.tag == "a":
            return element
        element = element.getparent()
    return None


def _in_control(element: Any) -> bool:
    """Whether the element is, or is inside, a button (`<button>`, or `role="button"`): a control whose
    labels sit side by side in the source and are shown one at a time."""
    while element is not None:
        if element.tag == "button" or element.get("role") == "button":
            return True
        element = element.getparent()
    return False


def _first(element: Any) -> Any:
    return element[0] if len(element) else None


def join_inline_splits(text: str, bodies: Iterable[Any], page: Any) -> str:
    """`text` with each line that the page shows as an inline element inside a run of text joined to
    the line before and after it that the run continues into; `bodies` are trafilatura's outputs the
    text came from, whose loose texts are the only candidates."""
    if not text or page is None:
        return text
    lines = text.split(PARAGRAPH_SEPARATOR)
    candidates = _loose_texts(bodies).intersection(lines)
    if not candidates:
        return text
    runs = _inline_runs(page, candidates)
    if not runs:
        return text
    return PARAGRAPH_SEPARATOR.join(_joined(lines, runs))


def _loose_texts(bodies: Iterable[Any]) -> set[str]:
    """The texts trafilatura's outputs hold loose between two blocks (a block's tail) or before the first
    block of a container (its own text), normalised."""
    loose: set[str] = set()
    for body in bodies:
        for element in body.iter() if body is not None else ():
            if element.tail and element.tag not in _OUTPUT_INLINE and not element.tail.isspace():
                loose.add(normalized_line(element.tail))
            if element.tag in _OUTPUT_CONTAINERS and element.text and not element.text.isspace():
                loose.add(normalized_line(element.text))
    return loose


_Run = tuple[str, str, str, str]
"""An inline element in a run of text: the last `MATCHED_CHARS` of the text before it and the first of the
text after it (normalised once: a hostile page's text before a link may be its whole story), and the
separators where it meets them (a space where the source has one)."""


def _inline_runs(page: Any, candidates: set[str]) -> dict[str, list[_Run]]:
    """For each candidate, the page's inline elements showing it, as the run of text around it (`_Run`);
    only those with text running into them."""
    runs: dict[str, list[_Run]] = {}
    limit = _RAW_CHARS_A_CHAR * max(map(len, candidates)) + _RAW_CHARS_SLACK
    for element in page.iter(*INLINE_TAGS):
        own = bounded_text(element, limit)
        if own is None or (line := normalized_line(own)) not in candidates:
            continue
        previous = element.getprevious()
        before = (previous.tail if previous is not None else element.getparent().text) or ""
        after = element.tail or ""
        if before.strip() or after.strip():
            shown = runs.setdefault(line, [])
            if len(shown) < _MAX_RUNS_A_LINE:  # a hostile page's thousand links of one text: a few are enough
                shown.append((normalized_line(before)[-MATCHED_CHARS:], normalized_line(after)[:MATCHED_CHARS],
                              _space(before[-1:] + own[:1]), _space(own[-1:] + after[:1])))
    return runs


_MAX_RUNS_A_LINE = 20
_RAW_CHARS_A_CHAR, _RAW_CHARS_SLACK = 4, 200
"""An inline element's source text longer than this many characters a candidate's character (and a
slack for white space and invisible characters) is no candidate line: not read to its end (a page's
story nested in 200 `<span>`s was read 200 times whole: review of the pass)."""


def _joined(lines: Sequence[str], runs: dict[str, list[_Run]]) -> list[str]:
    """The lines, each piece whose run continues into its neighbours joined to them, left to right
    (a paragraph with several links is joined piece by piece)."""
    out: list[str] = []
    index = 0
    while index < len(lines):
        line, below = lines[index], lines[index + 1] if index + 1 < len(lines) else None
        up, down = _joins(out[-1] if out else None, line, below, runs)
        if up is not None:
            out[-1] += up + line
        else:
            out.append(line)
        if down is not None and below is not None:
            out[-1] += down + below
            index += 1
        index += 1
    return out


def _joins(above: str | None, line: str, below: str | None,
           runs: dict[str, list[_Run]]) -> tuple[str | None, str | None]:
    """The separators joining the line to the one above and to the one below (None where it is not
    joined), by the run of the page that shows the line running into both neighbours, else the first
    that shows it running into one. Why both first: a paragraph may show one link text twice ("dass
    die", a topic linked again), and the first place's text after it can open the second's too; taken
    alone it joined only the line below and left the paragraph split (the generated pages of the
    twenty-fourth pass)."""
    best: tuple[str | None, str | None] = (None, None)
    for tail, head, up_separator, down_separator in runs.get(line, ()):
        up = above is not None and bool(tail) and above.endswith(tail)
        down = below is not None and bool(head) and below.startswith(head)
        if up and down:
            return up_separator, down_separator
        if (up or down) and best == (None, None):
            best = (up_separator if up else None), (down_separator if down else None)
    return best


def _space(edge: str) -> str:
    """The separator where two pieces of one run meet: a space when the source has one there."""
    return " " if any(character.isspace() for character in edge) else ""
