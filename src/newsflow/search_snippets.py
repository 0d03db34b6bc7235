"""Snippets (`newsflow search --articles --snippets`): the words around an article's first match, each
matching word between « and », as Feedbin shows its results; docs/search.md, "Analyst 20".

A word of the text matches when one of its search tokens is a word the query asks for (not one it
excludes), as the index reads it in the article's language: stemmed (`floods` for `flood`), without accents
when the query word has none (`noi` for `nội`), an acronym in capitals (`US` for `U.S.`). A phrase's words
are marked one by one. Pure: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence

from newsflow.search_acronyms import acronym_terms
from newsflow.search_query import Query
from newsflow.search_text import analyser_language, is_unit, search_tokens, stem, unaccented
from newsflow.text import CJK_RANGES

SNIPPET_CHARS = 200
"""About this many characters of text around the first match (whole words)."""
WORDS_BEFORE = 6
"""Words shown before the first match."""
CHARACTERS_BEFORE = 10
"""Characters shown before the first match inside a run of Chinese or Japanese (written without spaces)."""
_RUN = re.compile(r"\S+")
_CJK = re.compile(f"[{CJK_RANGES}]")
_CJK_PIECE = re.compile(f"[{CJK_RANGES}]|[^{CJK_RANGES}]+")


def query_words(query: Query) -> list[str]:
    """The tokens of the words and phrases `query` asks for (not those it excludes), in order; not the units
    of an unspaced script (a word of the text there is a whole sentence: one unit would mark it)."""
    return list(dict.fromkeys(token for clause in query.clauses for phrase in clause for token in phrase
                              if not is_unit(token)))


def snippet(text: str, language: str | None, words: Sequence[str]) -> str:
    """About SNIPPET_CHARS characters of `text` from a little before its first word matching `words`
    (or from its start, when none does), the matching words marked «so»; `…` where text was left out."""
    lang = analyser_language(language)
    wanted = set(words) | {term for word in words if (term := stem(lang, word)) is not None}
    runs = list(_RUN.finditer(text))
    first = next((i for i, run in enumerate(runs) if _matches(run.group(), lang, wanted)), None)
    start = 0 if first is None else max(first - WORDS_BEFORE, 0)
    shown: list[str] = []
    length = 0
    end = start
    while end < len(runs) and (length < SNIPPET_CHARS or end <= (first or 0)):
        word = runs[end].group()
        shown.append(_cut(word) if first is None else _marked(word, lang, wanted))
        length += len(word) + 1
        end += 1
    return ("… " if start > 0 else "") + " ".join(shown) + (" …" if end < len(runs) else "")


def _marked(word: str, lang: str, wanted: Collection[str]) -> str:
    """A run of the text with its matching words marked: the run whole, or in Chinese and Japanese (a run
    without spaces is a sentence there, each character a word) the characters that match, with the run cut
    around the first of them."""
    if _CJK.search(word) is None:
        return f"«{_cut(word)}»" if _matches(word, lang, wanted) else _cut(word)
    pieces = _CJK_PIECE.findall(word)
    hits = [_matches(piece, lang, wanted) for piece in pieces]
    if not any(hits):
        return _cut(word)
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
    return ("…" if start > 0 else "") + shown + ("…" if end < len(pieces) else "")


def _cut(word: str) -> str:
    """A run of SNIPPET_CHARS characters at most: in Chinese, Japanese or Thai a run without spaces can be a
    whole paragraph or article, which a snippet would otherwise print whole."""
    return word if len(word) <= SNIPPET_CHARS else word[:SNIPPET_CHARS] + "…"


def _matches(word: str, lang: str, wanted: Collection[str]) -> bool:
    if any(term in wanted for term in acronym_terms(word)):
        return True
    for token in search_tokens(word):
        if token in wanted or stem(lang, token) in wanted or unaccented(token) in wanted:
            return True
    return False
