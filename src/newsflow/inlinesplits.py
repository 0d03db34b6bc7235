"""Paragraphs trafilatura's text splits into several lines, one line again.

Two causes, both making one paragraph several lines of the text (whose normal form is one paragraph a
line: `newsflow.text`), with the words right and the lines wrong (docs/extraction.md, "Twenty-third
pass, text"):

**The source's own line breaks.** HTML sources wrap long paragraphs over several lines, and put
links and emphasis on lines of their own ("… hat der bekannte Leaker\n  <a>Jon Prosser …</a>\n  ,
die …"). In HTML such a line break is a space; trafilatura's text keeps it, so the paragraph came out
as three lines. `unwrap_source_lines` makes every run of white space with a line break in
trafilatura's output a space before its text is read, except in code blocks (whose lines are
lines). `newsflow.extract` reads the text again only when it changed something.

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

from newsflow.text import PARAGRAPH_SEPARATOR, normalized_line

INLINE_TAGS = (
    "a", "abbr", "b", "bdi", "bdo", "cite", "code", "data", "dfn", "em", "font", "i", "ins", "kbd",
    "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var",
)
"""The page's elements that sit inside a run of text: a browser sets them on the line they are in."""
_OUTPUT_INLINE = frozenset({"hi", "ref", "lb", "del"})
"""trafilatura's own inline elements, whose tails are text of the same paragraph, not loose text."""
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
    """The texts trafilatura's outputs hold loose between two blocks (a block's tail), normalised."""
    loose: set[str] = set()
    for body in bodies:
        for element in body.iter() if body is not None else ():
            if element.tail and element.tag not in _OUTPUT_INLINE and not element.tail.isspace():
                loose.add(normalized_line(element.tail))
    return loose


def _inline_runs(page: Any, candidates: set[str]) -> dict[str, list[tuple[str, str, str]]]:
    """For each candidate, the page's inline elements showing it, as (text before it, its own text,
    text after it) in the run of text around it; only those with text running into them."""
    runs: dict[str, list[tuple[str, str, str]]] = {}
    for element in page.iter(*INLINE_TAGS):
        own = "".join(element.itertext())
        line = normalized_line(own)
        if line not in candidates:
            continue
        previous = element.getprevious()
        before = (previous.tail if previous is not None else element.getparent().text) or ""
        after = element.tail or ""
        if before.strip() or after.strip():
            runs.setdefault(line, []).append((before, own, after))
    return runs


def _joined(lines: Sequence[str], runs: dict[str, list[tuple[str, str, str]]]) -> list[str]:
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
           runs: dict[str, list[tuple[str, str, str]]]) -> tuple[str | None, str | None]:
    """The separators joining the line to the one above and to the one below (None where it is not
    joined), by the first run of the page that shows the line running into either neighbour."""
    for before, own, after in runs.get(line, ()):
        up = above is not None and _ends_with(above, before)
        down = below is not None and _starts_with(below, after)
        if up or down:
            return (_space(before[-1:] + own[:1]) if up else None), (_space(own[-1:] + after[:1]) if down else None)
    return None, None


def _ends_with(line: str, before: str) -> bool:
    """Whether the text before an element (its last `MATCHED_CHARS`) ends the line."""
    tail = normalized_line(before)[-MATCHED_CHARS:]
    return bool(tail) and line.endswith(tail)


def _starts_with(line: str, after: str) -> bool:
    """Whether the text after an element (its first `MATCHED_CHARS`) starts the line."""
    head = normalized_line(after)[:MATCHED_CHARS]
    return bool(head) and line.startswith(head)


def _space(edge: str) -> str:
    """The separator where two pieces of one run meet: a space when the source has one there."""
    return " " if any(character.isspace() for character in edge) else ""
