"""Snippets (`newsflow search --articles --snippets`): the words around an article's first match, each
matching word between « and », as Feedbin shows its results; docs/search.md, "Analyst 20".

A word of the text matches when one of its search tokens is a word the query asks for (not one it
excludes), as the index reads it in the article's language: stemmed (`floods` for `flood`), without accents
when the query word has none (`noi` for `nội`), an acronym in capitals (`US` for `U.S.`), a word starting with
a prefix the query asks for (`syria*`: `Syrian`). A phrase's words are marked one by one; in a run without
spaces (Chinese, Japanese, Thai and the other unspaced scripts) the query's words are marked where their
characters (units) stand together. Pure: no I/O.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection, Sequence
from itertools import pairwise

from newsflow.search_acronyms import acronym_terms
from newsflow.search_apostrophes import apostrophe_terms
from newsflow.search_query import Query
from newsflow.search_text import (
    UNIT_PATTERN,
    UNSPACED_CLASS,
    analyser_language,
    is_separator,
    search_tokens,
    stem,
    unaccented,
)
from newsflow.text import CJK_RANGES

SNIPPET_CHARS = 200
"""About this many characters of text around the first match (whole words)."""
WORDS_BEFORE = 6
"""Words shown before the first match."""
CHARACTERS_BEFORE = 10
"""Characters shown before the first match inside a run of Chinese or Japanese (written without spaces)."""
_RUN = re.compile(r"\S+")
# A Chinese or Japanese character, or a unit of an unspaced script (Thai: a character with its marks), is a piece
# of a run without spaces: a word there is a sequence of pieces
_UNSPACED_PIECE = f"[{CJK_RANGES}]|{UNIT_PATTERN}|[{UNSPACED_CLASS}]"
_CJK = re.compile(f"[{CJK_RANGES}{UNSPACED_CLASS}]")
_CJK_PIECE = re.compile(f"{_UNSPACED_PIECE}|[^{CJK_RANGES}{UNSPACED_CLASS}]+")
_ONE_PIECE = re.compile(_UNSPACED_PIECE)


def query_words(query: Query) -> list[str]:
    """The tokens of the words and phrases `query` asks for (not those it excludes), in order. A phrase's
    Chinese or Japanese characters, or units of an unspaced script, next to each other are one word (`北京`,
    `ตลาด`): search finds them together. A prefix search is its token (`syria*`)."""
    return list(dict.fromkeys(word for clause in query.clauses for phrase in clause for word in _joined(phrase)
                              if not is_separator(word)))


def _joined(phrase: Sequence[str]) -> list[str]:
    words: list[str] = []
    for token, next_to in zip(phrase, [False, *(_is_cjk(a) and _is_cjk(b) for a, b in pairwise(phrase))],
                              strict=True):
        if next_to:
            words[-1] += token
        else:
            words.append(token)
    return words


def _is_cjk(token: str) -> bool:
    """Whether `token` is one piece of a run without spaces: a CJK character or a unit of an unspaced script."""
    return _ONE_PIECE.fullmatch(token) is not None


def _sequence(word: str) -> tuple[str, ...]:
    return tuple(match.group() for match in _ONE_PIECE.finditer(word))


def snippet(text: str, language: str | None, words: Sequence[str]) -> str:
    """About SNIPPET_CHARS characters of `text` from a little before its first word matching `words`
    (or from its start, when none does), the matching words marked «so»; `…` where text was left out."""
    lang = analyser_language(language)
    sequences = [_sequence(word) for word in words if _CJK.search(word)]
    prefixes = tuple(word[:-1] for word in words if word.endswith("*"))
    wanted = _Wanted(word for word in words if not _CJK.search(word) and not word.endswith("*"))
    wanted |= {term for word in wanted if (term := stem(lang, word)) is not None}
    wanted.prefixes = prefixes
    runs = list(_RUN.finditer(text))
    first = next((i for i, run in enumerate(runs) if _run_matches(run.group(), lang, wanted, sequences)), None)
    start = 0 if first is None else max(first - WORDS_BEFORE, 0)
    shown: list[str] = []
    length = 0
    end = start
    while end < len(runs) and (length < SNIPPET_CHARS or end <= (first or 0)):
        word = runs[end].group()
        shown.append(_cut(word) if first is None else _marked(word, lang, wanted, sequences))
        length += len(word) + 1
        end += 1
    return ("… " if start > 0 else "") + " ".join(shown) + (" …" if end < len(runs) else "")


def _run_matches(word: str, lang: str, wanted: Collection[str], sequences: Sequence[tuple[str, ...]]) -> bool:
    if _CJK.search(word) is None:
        return _matches(word, lang, wanted)
    return _first_hit(_composed(word), lang, wanted, sequences) is not None


def _first_hit(word: str, lang: str, wanted: Collection[str], sequences: Sequence[tuple[str, ...]]) -> int | None:
    """Where the first match of a run with CJK characters starts: the run is searched for the characters a
    sequence starts with (and runs of other characters, when the query has other words), not read piece by
    piece, since it can be a whole article (and the same run of other characters is looked up once)."""
    missed: set[str] = set()
    others = bool(wanted) or bool(getattr(wanted, "prefixes", ()))  # `syria*` alone: `Syrian` inside `在Syrian的`
    for match in _candidates(tuple(sequences), others).finditer(word):
        piece, at = match.group(), match.start()
        if not _is_cjk(piece):
            if piece not in missed and _matches(piece, lang, wanted):
                return at
            missed.add(piece)
        elif any(_spells(word, at, sequence) for sequence in sequences):
            return at
    return None


def _spells(word: str, at: int, sequence: Sequence[str]) -> bool:
    """Whether the pieces of `word` from `at` are the search tokens of `sequence`, one by one."""
    for token in sequence:
        piece = _ONE_PIECE.match(word, at)
        if piece is None or _character_token(piece.group()) != token:
            return False
        at = piece.end()
    return True


def _composed(word: str) -> str:
    """A run as search reads it (NFC): a kana with its voicing mark apart (`か` and U+3099) is one (`が`)."""
    return word if unicodedata.is_normalized("NFC", word) else unicodedata.normalize("NFC", word)


@functools.lru_cache(maxsize=64)
def _candidates(sequences: tuple[tuple[str, ...], ...], others: bool) -> re.Pattern[str]:
    """Where a match can start in a composed run: a character a sequence starts with, or other characters."""
    starts = "".join(re.escape(c) for c in sorted({sequence[0][0] for sequence in sequences if sequence}))
    return re.compile("|".join(([f"[{starts}]"] if starts else [])
                               + ([f"[^{CJK_RANGES}{UNSPACED_CLASS}]+"] if others else [])) or "(?!)")


def _marked(word: str, lang: str, wanted: Collection[str], sequences: Sequence[tuple[str, ...]]) -> str:
    """A run of the text with its matching words marked: the run whole, or in Chinese and Japanese (a run
    without spaces is a sentence there, each character a word) the query's words in it, with the run cut
    around the first of them."""
    if _CJK.search(word) is None:
        return f"«{_cut(word)}»" if _matches(word, lang, wanted) else _cut(word)
    word = _composed(word)
    at = _first_hit(word, lang, wanted, sequences)
    if at is None:
        return _cut(word)
    before = max(at - CHARACTERS_BEFORE, 0)
    pieces, hits, more = _pieces(word[before:], lang, wanted, sequences, SNIPPET_CHARS + CHARACTERS_BEFORE)
    first = hits.index(True)
    start = end = max(first - CHARACTERS_BEFORE, 0)
    shown, length = "", 0
    while end < len(pieces) and (length < SNIPPET_CHARS or end <= first):
        piece = _cut(pieces[end])
        opens, closes = hits[end] and not (end > start and hits[end - 1]), hits[end] and not (
            end + 1 < len(pieces) and hits[end + 1])
        shown += ("«" if opens else "") + piece + ("»" if closes else "")
        length += len(piece)
        end += 1
    if hits[end - 1] and end < len(pieces) and hits[end]:
        shown += "»"  # a match cut off at the end
    return ("…" if before + start > 0 else "") + shown + ("…" if end < len(pieces) or more else "")


def _pieces(word: str, lang: str, wanted: Collection[str], sequences: Sequence[tuple[str, ...]],
            after: int) -> tuple[list[str], list[bool], bool]:
    """The pieces of a run with CJK characters (a character, or a run of other characters), whether each is
    part of a match (a piece of other characters matching `wanted`, or characters spelling one of
    `sequences`), read to `after` pieces past the first match (and the longest sequence), and whether the run
    goes on: a run can be a whole article, so it is read only as far as a snippet shows."""
    longest = max(map(len, sequences), default=1)
    pieces: list[str] = []
    keys: list[str | None] = []
    hits: list[bool] = []
    first: int | None = None
    for match in _CJK_PIECE.finditer(word):
        if first is not None and len(pieces) > first + after + longest:
            return pieces, hits, True
        piece = match.group()
        pieces.append(piece)
        keys.append(_character_token(piece) if _is_cjk(piece) else None)
        hits.append(not _is_cjk(piece) and _matches(piece, lang, wanted))
        for sequence in sequences:
            if tuple(keys[-len(sequence):]) == sequence:
                hits[-len(sequence):] = [True] * len(sequence)
        if first is None and any(hits[-longest:]):
            first = hits.index(True, max(len(hits) - longest, 0))
    return pieces, hits, False


@functools.lru_cache(maxsize=1 << 14)
def _character_token(character: str) -> str | None:
    """The search token of one Chinese or Japanese character (a compatibility ideograph is its unified
    one), None for punctuation; a language has a few thousand, so a run's are looked up once."""
    tokens = search_tokens(character)
    return tokens[0] if tokens else None


def _cut(word: str) -> str:
    """A run of SNIPPET_CHARS characters at most: in Chinese, Japanese or Thai a run without spaces can be a
    whole paragraph or article, which a snippet would otherwise print whole."""
    return word if len(word) <= SNIPPET_CHARS else word[:SNIPPET_CHARS] + "…"


class _Wanted(set[str]):
    """The words (and their terms) a snippet marks, and the prefixes it marks the words of (`syria*`)."""

    prefixes: tuple[str, ...] = ()


def _matches(word: str, lang: str, wanted: Collection[str]) -> bool:
    if any(term in wanted for term in acronym_terms(word)):
        return True
    # a word the index also holds joined (`O'Brien`: `obrien`, search_apostrophes), as `analyse` folds it
    if any(_joined_in(joined, lang, wanted) for joined in apostrophe_terms(word)):
        return True
    prefixes = getattr(wanted, "prefixes", ())
    for token in search_tokens(word):
        if token in wanted or stem(lang, token) in wanted or unaccented(token) in wanted:
            return True
        if prefixes and (token.startswith(prefixes) or unaccented(token).startswith(prefixes)):
            return True
    return False


def _joined_in(joined: str, lang: str, wanted: Collection[str]) -> bool:
    tokens = search_tokens(joined)
    return len(tokens) == 1 and any(form in wanted for form in (tokens[0], stem(lang, tokens[0]),
                                                                unaccented(tokens[0])))
