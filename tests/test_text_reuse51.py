"""perf51: the token and key functions the text rules call on every line give what their one-pass forms give.

A long text's tokens and word count are now its lines' put end to end (the lines' are kept), token_f1's overlap is
counted over the smaller bag in C, and a short text's `normalized_line` and `paragraph_key` are kept. Each is checked
against the one-pass form it replaced, on generated texts of lines long and short, with the characters where a
line-by-line reading could differ: CJK (one token each), casefolding that grows a character ("ß" -> "ss", "İ" -> "i̇",
"ﬁ" -> "fi"), invisible characters, and line ends of every kind (`str.splitlines` breaks at more than "\n").
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsflow.continuation import paragraph_key
from newsflow.text import (
    _INVISIBLE,
    _TOKEN,
    INVISIBLE_CHARACTERS,
    REUSED_TOKENS_CHARS,
    normalized_line,
    token_f1,
    word_count,
    word_tokens,
)

_PIECES = st.sampled_from([
    "Wort", "word", " ", "  ", "\n", "\r\n", "\u2028", "\x85", "\t", "ß", "İstanbul", "ﬁve", "Σίσυφος", "東京都",
    "한국", "1,5", "x_y", "-", ".", "\u00ad", "\u200b", "e\u0301", "\u0307", "ǅ", *INVISIBLE_CHARACTERS,
])
_TEXTS = st.lists(_PIECES, max_size=40).map("".join)


def _long(text: str) -> str:
    """`text` grown past REUSED_TOKENS_CHARS (line ends kept inside), where the line-by-line forms apply."""
    return (text + "\n") * (REUSED_TOKENS_CHARS // (len(text) + 1) + 1)


def _one_pass_f1(candidate: str, reference: str) -> float:
    candidate_bag = Counter(_TOKEN.findall(candidate.casefold()))
    reference_bag = Counter(_TOKEN.findall(reference.casefold()))
    if not candidate_bag and not reference_bag:
        return 1.0
    overlap = sum((candidate_bag & reference_bag).values())
    if overlap == 0:
        return 0.0
    precision, recall = overlap / sum(candidate_bag.values()), overlap / sum(reference_bag.values())
    return 2 * precision * recall / (precision + recall)


@settings(max_examples=40, deadline=None)
@given(_TEXTS, _TEXTS)
@example("ß İ\nﬁ 東京", "ss i\u0307 fi 東京")
def test_long_and_short_texts_tokenize_compare_and_count_as_in_one_pass(one: str, other: str) -> None:
    for text in (one, _long(one)):
        assert word_tokens(text) == _TOKEN.findall(text.casefold())
        assert word_count(text) == len(_TOKEN.findall(text))
        for reference in (other, _long(other), text):
            assert token_f1(text, reference) == _one_pass_f1(text, reference)  # the same float, not a near one


@settings(max_examples=40, deadline=None)
@given(_TEXTS)
def test_kept_line_forms_are_the_computed_ones_and_each_texts_own(text: str) -> None:
    for line in (text, _long(text), text + "x"):
        for _ in range(2):  # the second read comes from the kept form
            assert normalized_line(line) == " ".join(unicodedata.normalize("NFC", _INVISIBLE.sub("", line)).split())
            key = re.sub("|".join(map(re.escape, INVISIBLE_CHARACTERS)), "", line)
            assert paragraph_key(line) == " ".join(unicodedata.normalize("NFC", key).split())
