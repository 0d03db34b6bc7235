"""Acronyms for search: `U.S.`, `US` and `u.s.` are one thing to look for, and not the pronoun `us`.

The index is casefolded, so `US` was the word `us`: `US` found every article saying "told us", and
`U.S.` (the phrase `u s`) missed the articles writing `US`. Worse, `UN` was the French and Spanish
article `un`, a stop word there, which counts as present in every French and Spanish article, so
`UN accord` found every French article with `accord`; `WHO` and `IT` were English stop words:
refused alone, and `WHO vaccine` found every English article with `vaccine`.

- **In the text**, an acronym is written in capitals: a word of two or more capital letters A-Z
  (`US`, `NYC`), or capital letters each followed by a dot (`U.S.`, `N.Y.C.`, the last dot optional).
  A dotted one is also indexed as the word its letters make (`U.K.` counts for `uk`, as `UK` does).
  One whose letters make a common word (`ACRONYM_WORDS`: the stop words of every language search
  knows, and `us`) is indexed as well under its *acronym term*, the letters in capitals (`US`), which
  no casefolded word can be. These extra terms add nothing to the article's length.
- **In a query**, an unquoted word in capitals (`US`) or of letters and dots in any case (`U.S.`,
  `u.s.`) is the acronym: `US`, `U.S.` and `u.s.` look up the acronym term when their letters make
  a common word, and the plain word (`uk`) otherwise, which every spelling of the acronym and the
  word in lower case also carry. Quoted (`"US"`, `"u.s."`), a word is the plain word(s), as before;
  `us` in lower case is the word, pronoun and country alike.

views/search.sql's search_acronym() does the query side in SQL, with `search_acronym_words()`, this
list; migration 0090's pattern finds the texts the index side changes.
"""

from __future__ import annotations

import re
from collections import Counter

from newsflow.search_stopwords import STOP_WORDS

ACRONYM_WORDS = frozenset({"us"} | {word for words in STOP_WORDS.values() for word in words
                                    if len(word) >= 2 and word.isascii() and word.isalpha()})
"""Common words that an acronym in capitals also spells: `US` is not `us`, `UN` not French `un`,
`WHO` not `who`, `IT` not `it`. `us` is no stop word, but the commonest such word in English news
(docs/search.md, "Analyst 20")."""
# Capitals in a row, or capitals each followed by a dot: the characters around are checked in Python
# (`_alone`), since a pattern that starts with a look-behind is tried at every character of the text, and
# one that starts with a letter class only at capitals: 1.3x against ~1.05x of analysing a text.
_CAPITALS = re.compile(r"[A-Z](?:[A-Z]+|(?:\.[A-Z])+)")
_IN_QUERY = re.compile(r"([A-Za-z](?:\.[A-Za-z])+)\.?|([A-Z]{2,})")


def _word_char(text: str, at: int) -> bool:
    return 0 <= at < len(text) and (text[at].isalnum() or text[at] == "_")


def acronym_terms(text: str) -> Counter[str]:
    """The extra terms of `text`'s acronyms, with their counts: the word a dotted one's letters make
    (`uk` for `U.K.`), and the acronym term (`US`) of one whose letters make a common word. An acronym
    has no letter, digit or `_` right before it (nor a dot, when dotted) or right after its last letter
    (`U.S.-led`, `the U.S.`, `USA` is not `US`)."""
    found: Counter[str] = Counter()
    for match in _CAPITALS.finditer(text):
        acronym = match.group()
        dotted = acronym[1] == "."
        letters = acronym.replace(".", "") if dotted else acronym
        word = letters.lower()
        if not dotted and word not in ACRONYM_WORDS:  # most capitals in a row: `AI`, `FBI`, `NATO`
            continue
        start, end = match.span()
        if _word_char(text, start - 1) or _word_char(text, end) or (dotted and text[start - 1:start] == "."):
            continue
        if dotted:
            found[word] += 1
        if word in ACRONYM_WORDS:
            found[letters] += 1
    return found


def query_acronym(word: str) -> str | None:
    """The token an unquoted query word stands for when it is an acronym (`US`, `U.S.`, `u.s.` -> `US`;
    `UK`, `U.K.` -> `uk`), else None."""
    match = _IN_QUERY.fullmatch(word)
    if match is None:
        return None
    letters = (match[1] or match[2]).replace(".", "")
    return letters.upper() if letters.lower() in ACRONYM_WORDS else letters.lower()


def is_acronym_term(word: str) -> bool:
    """Whether `word` is an acronym term (`US`): capitals, which no casefolded word holds."""
    return word.isascii() and word.isupper()
