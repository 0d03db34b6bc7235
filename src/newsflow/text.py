"""Pure text helpers: the one normal form of article text, its hash, and token counts.

Everything stored in `articles.text` has been through `normalize_text`, so two extractions of
the same story hash alike no matter how the publisher spaced or wrapped it. No third-party
imports: this module is shared by extraction, dedup and the quality tests.

The normal form (see docs/extraction.md):
- one paragraph per line, paragraphs separated by `PARAGRAPH_SEPARATOR` (a single "\\n");
  there are never blank lines, nor leading or trailing newlines;
- Unicode NFC; zero-width spaces, word joiners, byte-order marks and soft hyphens removed;
- every run of spaces, tabs, no-break spaces and other Unicode spaces inside a line becomes
  one ASCII space, and each line is stripped at both ends;
- every line-break convention (CRLF, CR, U+2028, form feed ...) counts as a line break.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from functools import lru_cache
from itertools import chain, repeat
from typing import Any

PARAGRAPH_SEPARATOR = "\n"
"""Between two paragraphs. Extraction cannot tell a paragraph from a hard line break (<br>),
so every non-empty line is a paragraph and blank lines carry no meaning; a single newline
keeps the text compact and the hash independent of how many blank lines a page had."""

# Invisible characters that change a hash without changing what a reader sees. ZWJ and ZWNJ
# are kept: they change how Indic, Persian and emoji text is written.
INVISIBLE_CHARACTERS = "\u00ad\u200b\u2060\ufeff"  # soft hyphen, zero-width space, word joiner, BOM
_INVISIBLE = re.compile(f"[{INVISIBLE_CHARACTERS}]")
_INLINE_SPACE = re.compile(r"[^\S\n]+")

# Ideographs and kana are written without spaces, so each one counts as a word; every other
# script counts runs of letters and digits.
CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK = CJK_RANGES
_TOKEN = re.compile(f"[{_CJK}]|[^\\W{_CJK}]+")


def normalize_text(text: str) -> str:
    """The normal form described in the module docstring; idempotent."""
    visible = unicodedata.normalize("NFC", _INVISIBLE.sub("", text))
    if _OTHER_SPACE.search(visible) is None:
        return visible if _spaced_normally(visible) else _normal_lines(visible)
    lines = (_INLINE_SPACE.sub(" ", line).strip() for line in visible.splitlines())
    return PARAGRAPH_SEPARATOR.join(line for line in lines if line)


# Every character `str.splitlines` breaks at, and every Unicode space, is white space (`\s`): a text
# with none but " " and "\n" is split at "\n" only, and each line's runs of spaces are what
# `str.split` splits at. Most texts are so (and whole in normal form when they come out of
# extraction): these two ways give the general one's result 1.6x and 3x faster (perf15).
_OTHER_SPACE = re.compile(r"[^\S\n ]")


def _spaced_normally(text: str) -> bool:
    """Whether a text whose only white space is " " and "\n" is spaced as the normal form is: no
    blank line, no space at a line's ends, no two spaces in a row."""
    return not (
        "  " in text or " \n" in text or "\n " in text or "\n\n" in text
        or text.startswith((" ", "\n")) or text.endswith((" ", "\n"))
    )


def _normal_lines(text: str) -> str:
    """`normalize_text`'s lines of a text whose only white space is " " and "\n"."""
    return PARAGRAPH_SEPARATOR.join(filter(None, map(" ".join, map(str.split, text.split("\n")))))


def normalized_line(text: str) -> str:
    """`normalize_text(text)` with its lines joined by spaces, in one pass: every character that
    ends a line is white space, so this is its words (runs of non-space) joined by one space
    (3x faster on whole pages' text; perf9). A short text's is kept: the rules read the same elements' texts
    again (45% of the calls on the corpora; perf51)."""
    return _short_normalized_line(text) if len(text) < REUSED_TOKENS_CHARS else _normalized_line(text)


def _normalized_line(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", _INVISIBLE.sub("", text)).split())


def content_hash(text: str) -> str:
    """SHA-256 (hex) of the UTF-8 normal form, so equal-after-normalising texts hash alike."""
    return hashlib.sha256(normalize_text(text).encode("utf-8")).hexdigest()


REUSED_TOKENS_CHARS = 2000
"""Texts this long have their tokens (and token bags) kept for the next call on the same text:
extraction's rules compare a page's whole text and its second opinions several times each."""


REUSED_LINES = 2048
"""Shorter texts (a page's lines) keep their tokens and word counts in a cache of this many: the
rules tokenize the same lines again (69% of the characters tokenized, 45% of those counted,
on the corpora; perf9)."""


_short_normalized_line = lru_cache(maxsize=REUSED_LINES)(_normalized_line)


def word_tokens(text: str) -> list[str]:
    """Lowercased (casefolded) word tokens: letter/digit runs, one token per CJK character."""
    if len(text) >= REUSED_TOKENS_CHARS:
        return list(_long_text_tokens(text))
    return list(_line_tokens(text))


@lru_cache(maxsize=6)
def _long_text_tokens(text: str) -> tuple[str, ...]:
    """A long text's tokens, its lines' put end to end: no token spans a line's end ("\n" is no word character,
    and casefolding maps each character alone), and the rules tokenize a page's lines already, whole texts being
    versions of one another a line apart (`_line_tokens` keeps them; perf51: 726 distinct long texts a corpus run)."""
    return tuple(chain.from_iterable(map(_line_tokens, text.split("\n"))))


@lru_cache(maxsize=REUSED_LINES)
def _line_tokens(text: str) -> tuple[str, ...]:
    return tuple(_TOKEN.findall(text.casefold()))


@lru_cache(maxsize=6)
def _long_text_bag(text: str) -> Counter[str]:
    """Never changed by its callers: token_f1 only reads it."""
    return Counter(_long_text_tokens(text))


def _token_bag(text: str) -> Counter[str]:
    return _long_text_bag(text) if len(text) >= REUSED_TOKENS_CHARS else Counter(_line_tokens(text))


def word_count(text: str) -> int:
    if len(text) < REUSED_TOKENS_CHARS:
        return _line_word_count(text)
    return sum(map(_line_word_count, text.split("\n")))  # its lines' counts, kept (`_long_text_tokens`)


@lru_cache(maxsize=REUSED_LINES)
def _line_word_count(text: str) -> int:
    return len(_TOKEN.findall(text))


def token_f1(candidate: str, reference: str) -> float:
    """Bag-of-tokens F1 between an extraction and a reference text (1.0 when both are empty)."""
    candidate_bag, reference_bag = _token_bag(candidate), _token_bag(reference)
    if not candidate_bag and not reference_bag:
        return 1.0
    overlap = _overlap(candidate_bag, reference_bag)
    if overlap == 0:
        return 0.0
    precision = overlap / sum(candidate_bag.values())
    recall = overlap / sum(reference_bag.values())
    return 2 * precision * recall / (precision + recall)


def _overlap(one: Counter[str], other: Counter[str]) -> int:
    """`sum((one & other).values())` counted in C: each token of the smaller bag as often as both bags have it."""
    small, large = (one, other) if len(one) <= len(other) else (other, one)
    return sum(map(min, small.values(), map(large.get, small.keys(), repeat(0))))


def covers_tokens(candidate: str, reference: str) -> bool:
    """Whether every token of a non-empty `reference` is in `candidate` (as many times)."""
    reference_bag = _token_bag(reference)
    return bool(reference_bag) and not reference_bag - _token_bag(candidate)


def literal_alternation(phrases: Iterable[str]) -> str:
    """A regular expression (no groups) that matches exactly the phrases, written as a tree of
    their common beginnings: `re` then tries each character of a position once, not once per
    phrase (a search for 37 notice phrases, 2.7x faster on the corpus texts' lines)."""
    tree: dict[str, dict[str, Any]] = {}
    for phrase in phrases:
        node = tree
        for character in phrase:
            node = node.setdefault(character, {})
        node[""] = {}
    return _branches(tree)


def _branches(node: dict[str, dict[str, Any]]) -> str:
    branches = [re.escape(character) + _branches(child) for character, child in node.items() if character]
    if not branches:
        return ""
    joined = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if "" not in node:
        return joined
    return joined + "?" if len(branches) == 1 and len(branches[0]) == 1 else "(?:" + "|".join(branches) + ")?"
