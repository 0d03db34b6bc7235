"""Text analysis for search: tokens, stems and stop words by the article's language.

The one module that imports snowballstemmer. Tokens are `search_tokens`: `text.word_tokens`'
casefolded letter/digit runs, one token per CJK character, except that a word keeps its combining
marks and loses the optional ones (`_FOLDED`). A language with a Snowball stemmer is
analysed in that language: its stop words (`search_stopwords`) are left out and the rest
stemmed; any other language, or none, is indexed under '' with words as they are.
Stems are cached per (language, word): a batch stems each distinct word once. snowballstemmer
hands out PyStemmer's Snowball in C when it is installed (a dependency): the same stems as its
pure-Python Snowball (tests/test_search_stemmer.py), ~20x faster, which was most of the cost of
indexing a run's articles at its end (docs/performance.md).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer

from newsflow.search_stopwords import STOP_WORDS
from newsflow.text import CJK_RANGES

STEMMERS = {
    "ar": "arabic", "ca": "catalan", "cs": "czech", "da": "danish", "de": "german", "el": "greek", "en": "english",
    "es": "spanish", "eu": "basque", "fi": "finnish", "fr": "french", "ga": "irish", "hi": "hindi",
    "hu": "hungarian", "hy": "armenian", "id": "indonesian", "it": "italian", "lt": "lithuanian", "ne": "nepali",
    "nl": "dutch", "no": "norwegian", "nb": "norwegian", "nn": "norwegian", "pl": "polish", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sr": "serbian", "sv": "swedish", "ta": "tamil", "tr": "turkish",
    "fa": "persian", "et": "estonian", "yi": "yiddish",
}
"""ISO 639-1 codes with a Snowball stemmer, and the stemmer's name."""
TITLE_WEIGHT = 2
"""A title word counts as this many occurrences: BM25F's field weight, the cheap way."""
MAX_TF = 65535


def _mark_classes() -> tuple[str, str]:
    """Every combining mark (Unicode categories Mn, Mc, Me) as two regex class bodies of ranges:
    those in the Basic Multilingual Plane, and those above it."""
    # Unicode puts marks nowhere else (checked over every code point by tests/test_search_hostile.py);
    # scanning only these planes keeps the cost at import ~20 ms, not ~200.
    planes = (*range(0x300, 0x1F000), *range(0xE0100, 0xE01F0))
    marks = [c for c in planes if unicodedata.category(chr(c))[0] == "M"]
    ranges: list[tuple[int, int]] = []
    for code in marks:
        if ranges and ranges[-1][1] == code - 1 and (code < 0x10000) == (ranges[-1][0] < 0x10000):
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    bodies = ("".join(chr(lo) if lo == hi else f"{chr(lo)}-{chr(hi)}" for lo, hi in ranges if (lo < 0x10000) == bmp)
              for bmp in (True, False))
    return next(bodies), next(bodies)


# A word keeps its combining marks: Python's \w does not match them, so `text.word_tokens` cuts
# Hindi, Tamil or Thai words at every vowel sign (हिन्दी -> ह, न, द) and Hindi's stemmer never saw
# a whole word. Marks that writers may leave out are folded away, on both sides of a search, so
# an unvocalised query finds vocalised text: Arabic harakat and tatweel, Hebrew points, and the dot
# that casefolding `İ` leaves (`i̇stanbul`). Dotless i (U+0131) is `i`, since `I` casefolds to `i`:
# Turkish `IĞDIR` is found by its lower-case spelling. views/search.sql's search_phrase_body does
# the same in SQL.
_FOLDED = re.compile("[\u0307\u0640\u064b-\u065f\u0670\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7]")
_DOTLESS_I = "\u0131"
_BMP_MARKS, _ASTRAL_MARKS = _mark_classes()
# A class of characters all in the BMP is a bitmap to `re`; one reaching above it is a list of
# ranges tried in turn, ~60x slower. Texts are searched for a mark with the first, and with the
# second only when they hold a character above the BMP at all.
_BMP_MARK = re.compile(f"[{_BMP_MARKS}]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ASTRAL_MARK = re.compile(f"[{_ASTRAL_MARKS}]")
# Most texts have no mark left: the plain pattern gives the same words ~4x faster than the one
# that lets a word go on through marks (an alternation inside a repeat).
_PLAIN_TOKEN = re.compile(f"[{CJK_RANGES}]|[^\\W{CJK_RANGES}]+")
_MARKED_TOKEN = re.compile(f"[{CJK_RANGES}]|(?:[^\\W{CJK_RANGES}]|[{_BMP_MARKS}]|[{_ASTRAL_MARKS}])+")


def _has_mark(text: str) -> bool:
    return bool(_BMP_MARK.search(text) or (_ASTRAL.search(text) and _ASTRAL_MARK.search(text)))


def search_tokens(text: str) -> list[str]:
    """The words search indexes and looks for: NFC, casefolded, marks kept, optional marks folded away."""
    composed = text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
    folded = _FOLDED.sub("", composed.casefold())
    if _DOTLESS_I in folded:
        folded = folded.replace(_DOTLESS_I, "i")
    return (_MARKED_TOKEN if _has_mark(folded) else _PLAIN_TOKEN).findall(folded)


def analyser_language(language: str | None) -> str:
    """'en' for 'en', 'EN-gb' or 'en_US'; '' for a language without a stemmer, or none."""
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in STEMMERS else ""


@lru_cache(maxsize=64)
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(STEMMERS[language])


@lru_cache(maxsize=200_000)
def stem(language: str, word: str) -> str | None:
    """The word's term in `language`: its stem, the word itself under '', None for a stop word."""
    if not language:
        return word
    if word in STOP_WORDS.get(language, ()):
        return None
    return str(_stemmer(language).stemWord(word))


STEM_CACHE_ENTRIES = 200_000
"""Stems kept between articles (all languages together): a run's vocabulary fits, and when a long
process has stemmed more, the cache starts again rather than growing (~30 MB at the cap)."""
_STEMS: dict[str, dict[str, str | None]] = {}  # language -> word -> term (None for a stop word)


def _terms_of(language: str, words: Collection[str]) -> dict[str, str | None]:
    """The cache of `language`'s terms, holding every word of `words`: the words it lacks are
    stemmed in one call (C's loop, not one Python call and lru_cache lookup per word)."""
    cache = _STEMS.setdefault(language, {})
    missing = [word for word in words if word not in cache]
    if not missing:
        return cache
    if sum(map(len, _STEMS.values())) + len(missing) > STEM_CACHE_ENTRIES:
        _STEMS.clear()  # all words of this article are stemmed again: the cache holds them all after
        cache, missing = _STEMS.setdefault(language, {}), list(words)
    stop_words = STOP_WORDS.get(language, frozenset())
    kept = [word for word in missing if word not in stop_words]
    cache.update(zip(kept, _stemmer(language).stemWords(kept), strict=True))
    cache.update(dict.fromkeys(word for word in missing if word in stop_words))
    return cache


def is_stop_word(language: str, word: str) -> bool:
    return word in STOP_WORDS.get(language, ())


@dataclass(frozen=True)
class AnalysedDoc:
    language: str
    terms: dict[str, int]  # term -> tf
    forms: dict[str, str]  # surface form -> term
    length: int


def analyse(title: str | None, text: str, language: str | None) -> AnalysedDoc:
    """An article's terms with their frequencies: title words count TITLE_WEIGHT times."""
    lang = analyser_language(language)
    counts = Counter(search_tokens(text))
    for word, n in Counter(search_tokens(title or "")).items():
        counts[word] += TITLE_WEIGHT * n
    if not lang:  # no stemmer: every word is its own term
        return AnalysedDoc(lang, {t: min(n, MAX_TF) for t, n in counts.items()}, {w: w for w in counts},
                           sum(counts.values()))
    stems = _terms_of(lang, counts)
    terms: Counter[str] = Counter()
    forms: dict[str, str] = {}
    for word, n in counts.items():
        term = stems[word]
        if term is not None:
            terms[term] += n
            forms[word] = term
    return AnalysedDoc(lang, {t: min(n, MAX_TF) for t, n in terms.items()}, forms, sum(terms.values()))


def query_tokens(text: str) -> list[str]:
    """The tokens of a query word or phrase, as the index sees them (before stemming)."""
    return search_tokens(text)
