# ruff: noqa: RUF002 - an en dash on purpose
"""Numbers typed with a separator between them (docs/search.md, "Analyst 41"): `9/11` is not `Oct. 9, 11`.

A phrase is its words with any punctuation between, so `"9/11"` (the phrase `9 11`) also found `Oct. 9, 11
people`. A phrase of numbers typed with a separator between two of them (`/`, `.`, `:`, a dash or hyphen: a date
`9/11`, `2001/02`, a score `3-2`, a time `10:30`, `24/7`, a decimal `2.5`) is looked for with that separator: the
phrase check's text keeps a separator between two digits as a token of its own (views/search.sql's
search_separated_body: `9 / 11`), and the query's phrase holds it too (`separated_tokens`). The index is
unchanged: its words are the numbers. Every dash is `-` (a score is written `3-2` or `3–2`), a fraction or
division slash `/`, and a comma between two digits a decimal point (`3.5` is German `3,5`; a number in groups,
`1,000`, is one word already), but in a list of three numbers or more written without spaces (`1,2,3`: `LIST`), read
as `1 2 3` ("Analyst 44"). Typed with a space (`"9 11"`), a phrase finds the numbers with any punctuation
between, as before.
"""

from __future__ import annotations

import re

from newsflow.search_text import SEPARATORS, WORD_CHAR, folded, search_tokens

_DASHES = str.maketrans(",\u2010\u2011\u2012\u2013\u2014\u2212\u2044\u2215", ".------//")
_SEPARATED_HINT = re.compile("[0-9][-/.:,\u2010\u2011\u2012\u2013\u2014\u2212\u2044\u2215][0-9]")
# A run of numbers with separators between (and the letters after its last digit, which are its last word's), or
# a word: the words views/search.sql's search_separated_body leaves, with a separator between two digits apart.
_SEPARATED = re.compile(f"[0-9]+(?:[{re.escape(SEPARATORS)}][0-9]+)+{WORD_CHAR}*|{WORD_CHAR}+")
_SEPARATOR = re.compile(f"([{re.escape(SEPARATORS)}])")
LIST = "[0-9]+(?:,[0-9]+){2,}"
"""A list of numbers written without spaces (`1,2,3`): its commas are no decimal points (views/search.sql's
search_list_commas holds the same pattern; "Analyst 44")."""
# only from a run's first digit: tried at each digit of a run, the pattern gave the run back one digit at a time, a
# quadratic read of a long run (60,000 digits: minutes); a match inside a run exists only if one from its start does
_LIST = re.compile(f"(?<![0-9]){LIST}")


def separated_tokens(text: str) -> tuple[str, ...] | None:
    """A query word or phrase's tokens with each separator between two of its numbers as a token of its own
    (`post-9/11` -> `post 9 / 11`), as views/search.sql's search_separated_body cuts a text; None when it has no
    such separator, or words this simple cut does not give as `search_tokens` does (CJK, a script's units)."""
    text_folded = folded(text)
    if _SEPARATED_HINT.search(text_folded) is None:
        return None
    listed = _LIST.sub(lambda numbers: numbers.group().replace(",", " "), text_folded)
    pieces = _SEPARATED.findall(listed.translate(_DASHES))
    tokens = tuple(t for piece in pieces for t in (_SEPARATOR.split(piece) if piece[0].isdigit() else [piece]) if t)
    if [t for t in tokens if t not in SEPARATORS] != search_tokens(text):
        return None
    return tokens if any(t in SEPARATORS for t in tokens) else None
