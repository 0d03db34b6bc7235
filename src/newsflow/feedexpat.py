"""expat for feedparser's strict parser, its text handed over in runs rather than pieces (red team 39b).

`feeds` names this module first in feedparser's `PREFERRED_XML_PARSERS`, which feedparser hands to
`xml.sax.make_parser`: a module with a `create_parser`. The parser is the standard library's expat reader, with
pyexpat's `buffer_text` on. Without it expat hands text over a piece at a time, a feedparser handler call each: every
line, every entity or character reference, every CDATA section's start. So 100 guids of 12 KB of `ab&amp;` cost
10x a plain feed of the same bytes, of 12 KB of `x` lines 30x, whatever element holds them (red teams 36b-38
bounded some places one by one). Buffered, expat joins each run of text between two other events (a tag, a
comment, a processing instruction) into one call of up to `TEXT_BUFFER_BYTES`. feedparser appends each call's
text to its element's pieces and joins them at the element's end, so it reads the same characters in the same
order; `tests/hostile/test_redteam39b.py` checks the readings equal.

The loose parser (an ill-formed feed) is feedparser's own SGML reader, untouched here: `feedpieces` joins its text
elements' pieces.
"""

from __future__ import annotations

from typing import Any
from xml.sax import expatreader

__all__ = ["TEXT_BUFFER_BYTES", "create_parser"]

TEXT_BUFFER_BYTES = 1 << 16
"""The longest run of text (UTF-8 bytes) handed over in one call: the SAX reader feeds expat 64 KB at a time and
pyexpat hands its buffer over at the end of each, so a larger one is never filled (review of red team 39b: at 1 MB,
a 1 MB guid was still 16 calls, and each parse allocated 1 MB); expat's default 8 KB would make it 128."""


class BufferedExpatParser(expatreader.ExpatParser):
    """The standard library's SAX reader over expat, its character data buffered."""

    def reset(self) -> None:
        super().reset()
        parser: Any = getattr(self, "_parser", None)  # the pyexpat parser `reset` made (a private attribute since 2.0)
        if parser is not None:
            parser.buffer_text = True
            parser.buffer_size = TEXT_BUFFER_BYTES


def create_parser(*args: Any, **kwargs: Any) -> BufferedExpatParser:
    """What `xml.sax.make_parser` calls on each module it is given."""
    return BufferedExpatParser(*args, **kwargs)
