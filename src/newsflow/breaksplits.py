"""A sentence that a `<br>` breaks in two, one line again (forty-sixth pass, text: docs/extraction.md).

The text's normal form is one paragraph a line, and extraction makes every `<br>` a line break (`newsflow.text`:
it cannot tell a paragraph from a hard line break). Some pages break their sentences with `<br>` to wrap them by
hand ("… as weather conditions<br>deteriorate," he stated."; a WordPress editor's soft break; a blog export that
breaks every line), so one paragraph was stored as two or more lines, the later ones opening mid-sentence.

A line is joined to the one above it when three things hold, in any script that has letter case: the page shows a
`<br>` with the line above's end right before it and the line's start right after it (in its parent, the text
node or inline element next to it); the line above is ABOVE_MIN_WORDS words or more and does not end a sentence or a
label (no ".", "!", "?", ":", ";" or "…", or a closing quote after one); and the line opens with a word of two
lowercase letters or more and nothing else (no list mark such as "a)", no name written in lowercase such as
"kath.net" or "iPhone", which open sentences). An address, a signature, a headline over its text open their lines
with a capital, a digit or a mark, and a list written over `<br>`s (a recipe's ingredients, "etwas Zitronenzeste")
has short lines: each keeps its lines. Scripts without case (Chinese, Japanese, Arabic, Hebrew) are left as they
are: nothing in their lines tells a wrapped sentence from a line of its own. A poem whose lines open in lowercase
and run to eight words is joined into one line (its words all kept): none was found in the corpora or the blind
set's tune half.

Over normalised text and the page's lxml elements (only their methods are used, so lxml is not imported).
"""

from __future__ import annotations

import re
from itertools import islice
from typing import Any

from newsflow.text import PARAGRAPH_SEPARATOR, normalized_line, word_count

EDGE_CHARS = 30
"""How much of each side of the `<br>` must be the line's end above and the line's start below."""
ABOVE_MIN_WORDS = 8
"""The line above a wrapped sentence's rest is a sentence's start of this many words or more: a list written over
`<br>`s (a recipe's "1 TL Absinthe<br>etwas Zitronenzeste", watson.ch) has short lines, each its own."""
MAX_BREAKS_READ = 5000
BUCKET_READ = 64
"""`<br>`s read for one line, at most: those whose text after starts with the line's first two letters."""
_CLOSING = ",;:.!?)]\"'»”’"  # noqa: RUF001 (typographic quotes close words)
_ENDS_SENTENCE = re.compile(r"[.!?:;…][\"'»”’)\]]*$")  # noqa: RUF001 (typographic quotes close sentences)
_CODE = frozenset(("pre", "code"))


def join_break_splits(text: str, page: Any) -> str:
    """`text` with each line that continues the sentence above it across a page's `<br>` joined to that line."""
    lines = text.split(PARAGRAPH_SEPARATOR)
    candidates = [index for index in range(1, len(lines)) if _continues(lines[index - 1], lines[index])]
    if not candidates or page is None:
        return text
    candidates_at = set(candidates)
    breaks = _break_edges(page)
    if not breaks:
        return text
    joined = [lines[0]]
    for index in range(1, len(lines)):
        line = lines[index]
        if index in candidates_at and _broken_at(lines[index - 1], line, breaks):
            joined[-1] = f"{joined[-1]} {line}"
        else:
            joined.append(line)
    return PARAGRAPH_SEPARATOR.join(joined)


def _broken_at(above: str, line: str, breaks: dict[str, list[tuple[str, str]]]) -> bool:
    """Whether a `<br>` of the page has `above`'s end right before it and `line`'s start right after it."""
    return any(above.endswith(before) and line.startswith(after)
               for before, after in islice(breaks.get(line[:2], ()), BUCKET_READ))


def _continues(above: str, line: str) -> bool:
    """Whether `line` reads as the rest of `above`'s sentence: `above` ends no sentence and `line` opens with a
    lowercase word (the cheap test, before the page is read)."""
    if not line or above.startswith("- ") or _ENDS_SENTENCE.search(above) or word_count(above) < ABOVE_MIN_WORDS:
        return False
    word = line.split(" ", 1)[0].rstrip(_CLOSING)
    return len(word) >= 2 and word.isalpha() and word.islower()


def _break_edges(page: Any) -> dict[str, list[tuple[str, str]]]:
    """For each `<br>` of the page outside code, the last EDGE_CHARS characters (at most) of the text right before
    it and the first ones of the text right after it, in its parent block; by the after side's first two
    characters (a line's first two letters, `_continues`)."""
    edges: dict[str, list[tuple[str, str]]] = {}
    for br in islice(page.iter("br"), MAX_BREAKS_READ):
        parent = br.getparent()
        if parent is None or any(node.tag in _CODE for node in br.iterancestors()):
            continue
        after = normalized_line(br.tail or "")[:EDGE_CHARS]
        before = _text_before(br, parent)[-EDGE_CHARS:]
        if len(after) >= 2 and len(before) >= 2:
            edges.setdefault(after[:2], []).append((before, after))
    return edges


def _text_before(br: Any, parent: Any) -> str:
    """The text right before the `<br>` in its parent: the previous sibling's tail, or that sibling's own text
    (an inline element closing the line: "<strong>…</strong><br>") with its tail, or the parent's text."""
    previous = br.getprevious()
    while previous is not None and not isinstance(previous.tag, str):  # comments, processing instructions
        previous = previous.getprevious()
    if previous is None:
        return normalized_line(parent.text or "")
    if previous.tag == "br":
        return normalized_line(previous.tail or "")
    return normalized_line("".join(previous.itertext()) + (previous.tail or ""))
