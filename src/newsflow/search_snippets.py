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

SNIPPET_CHARS = 200
"""About this many characters of text around the first match (whole words)."""
WORDS_BEFORE = 6
"""Words shown before the first match."""
_RUN = re.compile(r"\S+")


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
        shown.append(f"«{_cut(word)}»" if first is not None and _matches(word, lang, wanted) else _cut(word))
        length += len(word) + 1
        end += 1
    return ("… " if start > 0 else "") + " ".join(shown) + (" …" if end < len(runs) else "")


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
