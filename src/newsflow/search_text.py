# ruff: noqa: RUF001, RUF003 - Arabic, Greek and full-width letters on purpose
"""Text analysis for search: tokens, stems and stop words by the article's language.

The one module that imports snowballstemmer. Tokens are `search_tokens`: `text.word_tokens`'
casefolded letter/digit runs, one token per CJK character, except that a word keeps its combining
marks and loses the optional ones (`_FOLDED`), letters written for one another are one
(`LETTER_VARIANTS`), and each character of a script written without spaces (`UNSPACED`: Thai, Lao,
Myanmar, Khmer, the Tai scripts) is a token with its marks, indexed as overlapping bigrams with the
next (`index_words`). A language with a Snowball stemmer is
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
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import snowballstemmer

from newsflow.search_acronyms import acronym_terms, is_acronym_term
from newsflow.search_apostrophes import MODIFIER_APOSTROPHES, apostrophe_terms
from newsflow.search_numbers import numbers_joined
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


def _ranges_class(codes: list[int]) -> tuple[str, str]:
    """Code points as two regex class bodies of ranges: those in the Basic Multilingual Plane, and those above it."""
    ranges: list[tuple[int, int]] = []
    for code in codes:
        if ranges and ranges[-1][1] == code - 1 and (code < 0x10000) == (ranges[-1][0] < 0x10000):
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    bodies = ("".join(chr(lo) if lo == hi else f"{chr(lo)}-{chr(hi)}" for lo, hi in ranges if (lo < 0x10000) == bmp)
              for bmp in (True, False))
    return next(bodies), next(bodies)


# Scripts written without spaces between words: Thai, Lao, Myanmar (and its extensions), Khmer (and its
# symbols), Tai Le, New Tai Lue, Tai Tham, Tai Viet. A run of them is a sentence, not a word, so a word
# inside it could not be looked up. Without a dictionary (ICU's), search does what engines do for CJK:
# each character with its marks is a unit, units are indexed as overlapping bigrams (`index_words`),
# and a query word is the phrase of its units, checked against the text (Lucene's CJKBigramFilter).
UNSPACED = ((0x0E00, 0x0EFF), (0x1000, 0x109F), (0x1780, 0x17FF), (0x1950, 0x19FF), (0x1A20, 0x1AAF),
            (0xA9E0, 0xA9FF), (0xAA60, 0xAADF))
_UNSPACED_RANGES = "".join(f"{chr(lo)}-{chr(hi)}" for lo, hi in UNSPACED)


def _unspaced(code: int) -> bool:
    return any(lo <= code <= hi for lo, hi in UNSPACED)


def _mark_codes() -> list[int]:
    """Every combining mark (Unicode categories Mn, Mc, Me)."""
    # Unicode puts marks nowhere else (checked over every code point by tests/test_search_hostile.py);
    # scanning only these planes keeps the cost at import ~20 ms, not ~200.
    planes = (*range(0x300, 0x1F000), *range(0xE0100, 0xE01F0))
    return [c for c in planes if unicodedata.category(chr(c))[0] == "M"]


# A word keeps its combining marks: Python's \w does not match them, so `text.word_tokens` cuts
# Hindi, Tamil or Thai words at every vowel sign (हिन्दी -> ह, न, द) and Hindi's stemmer never saw
# a whole word. Marks that writers may leave out are folded away, on both sides of a search, so
# an unvocalised query finds vocalised text: Arabic harakat and tatweel, Hebrew points, and the dot
# that casefolding `İ` leaves (`i̇stanbul`). Dotless i (U+0131) is `i`, since `I` casefolds to `i`:
# Turkish `IĞDIR` is found by its lower-case spelling. views/search.sql's search_phrase_body does
# the same in SQL. The default-ignorable marks are nothing too: U+034F COMBINING GRAPHEME JOINER, the variation
# selectors of the BMP and Mongolian's free ones, invisible, were kept inside a word (`O͏Brien` was `o͏brien`, which
# no query found: "Analyst 44"); the astral variation selectors (U+E0100 on) are not (a class reaching above the BMP
# is ~60x slower to scan, see _ASTRAL_MARK).
_IGNORABLE_CHARS = "\u034f\u180b\u180c\u180d\u180f" + "".join(map(chr, range(0xFE00, 0xFE10)))
_IGNORABLE = re.compile(f"[{_IGNORABLE_CHARS}]")
_FOLDED = re.compile(f"[{_IGNORABLE_CHARS}"
                     "\u0307\u0640\u064b-\u065f\u0670\u0591-\u05bd\u05bf\u05c1\u05c2\u05c4\u05c5\u05c7]")
# Letters writers use for one another, folded on both sides like the marks above (Lucene's Arabic and
# Persian normalizers do the same): Persian yeh and alef maksura are Arabic yeh, keheh is kaf, the
# alef with hamza or madda (or wasla) is bare alef, heh with yeh is heh; a Greek vowel with tonos or
# dialytika is the bare vowel (capitals are written without tonos: `ΑΘΗΝΑ` is `Αθήνα`; Greek's stemmer
# drops them too, Lucene's GreekLowerCaseFilter as well); and the full-width Latin
# letters and digits of CJK text (`Ｓｙｒｉａ`, `２０２６`) are ASCII ones. Not taa marbuta: Arabic's
# stemmer strips `ة` after the article and not `ه` (الحكومة -> حكوم, الحكومه -> حكومه), so folding
# it would part an Arabic article's forms of one word.
_FULL_WIDTH = "".join(chr(c) for c in (*range(0xFF10, 0xFF1A), *range(0xFF21, 0xFF3B), *range(0xFF41, 0xFF5B)))
_ASCII_WIDTH = "".join(chr(ord(c) - 0xFEE0) for c in _FULL_WIDTH).lower()
LETTER_VARIANTS = ("\u0131\u06cc\u0649\u06a9\u0623\u0625\u0622\u0671\u06c0άέήίόύώϊϋ" + _FULL_WIDTH
                   + MODIFIER_APOSTROPHES + "\uff0d\uff0f\uff1a",
                   "i\u064a\u064a\u0643\u0627\u0627\u0627\u0627\u0647αεηιουωιυ" + _ASCII_WIDTH
                   + "'" * len(MODIFIER_APOSTROPHES) + "-/:")
"""Each character of the first string is searched as the one at its place in the second
(views/search.sql's search_unvaried holds the same two strings); the modifier letters written as apostrophes
(`Hawaiʻi`, Ukrainian `мʼясо`) are `'`, which cuts a word as any apostrophe does (search_apostrophes); a full-width
dash, slash and colon are `-`, `/`, `:`, separators between numbers as typeset in CJK text (`５－１`, `９／１１`:
search_separators); they cut words as before, so the index is unchanged."""
_UNVARIED = dict(zip(LETTER_VARIANTS[0], LETTER_VARIANTS[1], strict=True))
_VARIANT = re.compile(f"[{LETTER_VARIANTS[0]}]")
_MARKS = _mark_codes()
_BMP_MARKS, _ASTRAL_MARKS = _ranges_class(_MARKS)
# A unit of an unspaced script: a letter, digit or mark of it, with the marks after it except the kana
# voicing marks, which the CJK ranges set apart (views/search.sql sets CJK characters apart first).
_UNIT_START, _ = _ranges_class([c for lo, hi in UNSPACED for c in range(lo, hi + 1)
                                if unicodedata.category(chr(c))[0] in "LNM"])
_UNIT_MARKS, _ = _ranges_class([c for c in _MARKS if c < 0x10000 and not 0x3099 <= c <= 0x309A])
# A word of another script goes on through the marks of other scripts: a Thai vowel sign after a
# Latin letter starts a unit, and a kana voicing mark is a CJK character, as they are in SQL.
_WORD_MARKS, _ = _ranges_class([c for c in _MARKS if c < 0x10000 and not _unspaced(c) and not 0x3099 <= c <= 0x309A])
# A class of characters all in the BMP is a bitmap to `re`; one reaching above it is a list of
# ranges tried in turn, ~60x slower. Texts are searched for a mark with the first, and with the
# second only when they hold a character above the BMP at all.
_BMP_MARK = re.compile(f"[{_BMP_MARKS}]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
_ASTRAL_MARK = re.compile(f"[{_ASTRAL_MARKS}]")
# A CJK character is a token only when it is a letter, digit or mark: `・` between the words of a
# Japanese name (`ドナルド・トランプ`), `゛` `゜` `゠` are punctuation, which the phrase check's text drops.
_CJK_WORD, _ = _ranges_class([c for lo, hi in ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
                              for c in range(lo, hi + 1) if unicodedata.category(chr(c))[0] in "LNM"])
_CJK_OR_UNIT = f"[{_CJK_WORD}]|[{_UNIT_START}]"
_OTHER = f"{CJK_RANGES}{_UNSPACED_RANGES}"
# Most texts have no mark left: the plain pattern gives the same words ~4x faster than the one
# that lets a word go on through marks (an alternation inside a repeat).
_PLAIN_TOKEN = re.compile(f"{_CJK_OR_UNIT}|[^\\W{_OTHER}]+")
_MARKED_TOKEN = re.compile(f"[{_CJK_WORD}]|[{_UNIT_START}](?:[{_UNIT_MARKS}]|[{_ASTRAL_MARKS}])*"
                           f"|(?:[^\\W{_OTHER}]|[{_WORD_MARKS}]|[{_ASTRAL_MARKS}])+")
_UNIT = re.compile(f"[{_UNIT_START}]")
UNIT_PATTERN = f"[{_UNIT_START}](?:[{_UNIT_MARKS}]|[{_ASTRAL_MARKS}])*"
"""A unit of an unspaced script with its marks, as `search_tokens` cuts one (search_snippets marks them)."""
UNSPACED_CLASS = _UNSPACED_RANGES
"""The class body of the unspaced scripts' characters."""
_UNSPACED_CHAR = re.compile(f"[{_UNSPACED_RANGES}]")
# Casefolding `ΐ` and `ΰ` gives iota and upsilon with dialytika and tonos as two marks: they go with them.
_GREEK_TWO_MARKS = (("\u03b9\u0308\u0301", "\u03b9"), ("\u03c5\u0308\u0301", "\u03c5"))
_SPECIAL = re.compile(f"[{LETTER_VARIANTS[0]}{_UNSPACED_RANGES}\u0308]")
# A word written with accents is also indexed without them (`analyse`): a query typed without accents
# (`ha noi`, `cafe`, `sao paulo`, `lodz`) finds the accented words, and one typed with them only those
# (`año` is not `ano`). Latin letters only: a letter with a diacritic is its base letter (NFD less its
# marks: German `ü` is `u`, not `ue`), and the letters with no decomposition that writers type bare:
# đ ð ø ł ħ ŧ, and æ œ as two letters. views/search.sql's search_unaccented holds the same strings.
_LATIN_BLOCKS = (*range(0xC0, 0x250), *range(0x1E00, 0x1F00))
_DECOMPOSED = {letter: base for letter in map(chr, _LATIN_BLOCKS) if letter == letter.casefold()
               and (base := "".join(c for c in unicodedata.normalize("NFD", letter) if not unicodedata.combining(c)))
               != letter and len(base) == 1 and base.isascii() and base.isalpha()}
UNACCENTED = ("".join(_DECOMPOSED) + "đðøǿłħŧ", "".join(_DECOMPOSED.values()) + "ddoolht")
"""Each letter of the first string is the one at its place in the second, in a word's bare form."""
UNACCENTED_PAIRS = {"æ": "ae", "ǽ": "ae", "ǣ": "ae", "œ": "oe"}
"""Letters whose bare form is two."""
_UNACCENTED = str.maketrans({**dict(zip(*UNACCENTED, strict=True)), **UNACCENTED_PAIRS})


def unaccented(word: str) -> str:
    """`word` (a token: casefolded) with its Latin letters' accents left out: `nội` -> `noi`, `œuvre` -> `oeuvre`."""
    return word if word.isascii() else word.translate(_UNACCENTED)


def _has_mark(text: str) -> bool:
    return bool(_BMP_MARK.search(text) or (_ASTRAL.search(text) and _ASTRAL_MARK.search(text)))


def search_tokens(text: str) -> list[str]:
    """The words search indexes and looks for: NFC, casefolded, marks kept, optional marks folded away."""
    return _tokens(text)[0]


# A phrase of numbers typed with a separator between two of them (`9/11`) keeps it as a token (search_separators).
SEPARATORS = "/.:-"
"""The separators kept between two digits, as tokens of a phrase (never a word: punctuation)."""
WORD_CHAR = f"(?:[^\\W{_OTHER}]|[{_WORD_MARKS}])"
"""A character of a word that is no CJK character nor unit of an unspaced script."""


def is_separator(token: str) -> bool:
    """Whether a phrase's token is a separator between two numbers (`search_separators`), not a word."""
    return len(token) == 1 and token in SEPARATORS


def folded(text: str) -> str:
    """`text` as `search_tokens` reads it before cutting it into words, its letter variants too (`Αθήνα 9/11` is
    `αθηνα 9/11`, as search_separators must see it to cut it as `search_tokens` does)."""
    return _folded(text)[0]


def _tokens(text: str) -> tuple[list[str], bool]:
    """`search_tokens(text)`, and whether the text holds a letter variant or an unspaced script: one
    scan for both (a scan of a 3 KB text is ~5% of analysing it), none for a text all ASCII."""
    folded, special = _folded(text)
    return (_MARKED_TOKEN if _has_mark(folded) else _PLAIN_TOKEN).findall(folded), special


def _folded(text: str) -> tuple[str, bool]:
    composed = text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)
    folded = _FOLDED.sub("", composed.casefold())
    special = not folded.isascii() and _SPECIAL.search(folded) is not None
    if special:
        for marked, bare in _GREEK_TWO_MARKS:
            folded = folded.replace(marked, bare)
        # str.translate looks every character up (~2x an Arabic text's analysis): replace only those present
        for variant in set(_VARIANT.findall(folded)):
            folded = folded.replace(variant, _UNVARIED[variant])
    return numbers_joined(folded), special


def index_words(tokens: Sequence[str]) -> list[str]:
    """The words indexed for `tokens` (a text's, or a query phrase's, in order): units of an unspaced
    script next to each other as overlapping bigrams (`ตลาด` -> `ตล`, `ลา`, `าด`), a unit with none
    next to it as itself; other tokens as they are. Units are next to each other across spaces and
    punctuation, as in the text a phrase is checked against (views/search.sql's search_index_words)."""
    if not any(_UNIT.match(token) for token in tokens):
        return list(tokens)
    unit = [bool(_UNIT.match(token)) for token in tokens] + [False]
    words = []
    for i, token in enumerate(tokens):
        if not unit[i]:
            words.append(token)
        elif unit[i + 1]:
            words.append(token + tokens[i + 1])
        elif i == 0 or not unit[i - 1]:
            words.append(token)
    return words


def _indexed(text: str) -> list[str]:
    """`index_words(search_tokens(text))`: only a text holding an unspaced script has bigrams to make."""
    tokens, special = _tokens(text)
    # a letter variant alone (most Arabic, Persian and Greek texts) has no unit: index_words' loop
    # over every token cost such a text ~3x its analysis
    return index_words(tokens) if special and _UNSPACED_CHAR.search(text) else tokens


def is_unit(token: str) -> bool:
    """Whether `token` is a unit of an unspaced script (`ณ`, `หุ้`): a character with its marks."""
    return _UNIT.match(token) is not None


def phrase_words(phrase: Sequence[str]) -> list[str]:
    """The distinct words a query word or phrase (its tokens) is looked up by, in order (not its separators)."""
    return list(dict.fromkeys(index_words([token for token in phrase if not is_separator(token)])))


def analyser_language(language: str | None) -> str:
    """'en' for 'en', 'EN-gb' or 'en_US'; '' for a language without a stemmer, or none."""
    code = (language or "").strip().lower().replace("_", "-").split("-")[0]
    return code if code in STEMMERS else ""


@lru_cache(maxsize=64)
def _stemmer(language: str) -> Any:
    return snowballstemmer.stemmer(STEMMERS[language])


@lru_cache(maxsize=200_000)
def stem(language: str, word: str) -> str | None:
    """The word's term in `language`: its stem, the word itself under '' (and for an acronym term, `US`),
    None for a stop word."""
    if not language or is_acronym_term(word):
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


_BARE: dict[str, str] = {}  # word -> its bare form: a language's words recur, and a lookup is ~5x a translate


def _bare_forms(words: Collection[str]) -> dict[str, str]:
    """The bare form of each of `words` that has accents (`unaccented`)."""
    if len(_BARE) > STEM_CACHE_ENTRIES:
        _BARE.clear()
    bare = {}
    for word in words:
        if not word.isascii():
            plain = _BARE.get(word)
            if plain is None:
                plain = _BARE[word] = word.translate(_UNACCENTED)
            if plain != word:
                bare[word] = plain
    return bare


def _extra_terms(text: str) -> Counter[str]:
    """The terms `text` adds outside its length: its acronyms' (`search_acronyms`) and its words written with an
    apostrophe, joined (`search_apostrophes`: `obrien` for `O'Brien`), with their bare forms (`loreal`)."""
    extra = acronym_terms(text)
    # an invisible mark beside an apostrophe is nothing to the rule too (`O͏'Brien` is `OBrien`: the review)
    marked = not text.isascii() and any(mark in text for mark in _IGNORABLE_CHARS)  # ~3x a regex scan's speed
    for joined, n in apostrophe_terms(_IGNORABLE.sub("", text) if marked else text).items():
        words = search_tokens(joined)  # folded as any word (`İzmir'in`: `izmirin`, not casefolding's dotted i)
        if len(words) == 1:
            extra[words[0]] += n
            if (plain := unaccented(words[0])) != words[0]:
                extra[plain] += n
    return extra


def analyse(title: str | None, text: str, language: str | None) -> AnalysedDoc:
    """An article's terms with their frequencies: title words count TITLE_WEIGHT times; a word with
    accents counts for its bare form's term too (`unaccented`), and an acronym for its extra terms
    (`search_acronyms`: `U.S.` for `us` and `US`), neither in the length."""
    lang = analyser_language(language)
    counts = Counter(_indexed(text))
    for word, n in Counter(_indexed(title or "")).items():
        counts[word] += TITLE_WEIGHT * n
    bare = _bare_forms(counts)
    extra = _extra_terms(text)
    for word, n in _extra_terms(title or "").items():
        extra[word] += TITLE_WEIGHT * n
    if not lang:  # no stemmer: every word is its own term
        terms = Counter(counts)
        for word, plain in bare.items():
            terms[plain] += counts[word]
        terms.update(extra)
        return AnalysedDoc(lang, {t: min(n, MAX_TF) for t, n in terms.items()}, {w: w for w in terms},
                           sum(counts.values()))
    stems = _terms_of(lang, counts.keys() | bare.values() | {w for w in extra if not is_acronym_term(w)})
    terms = Counter()
    forms: dict[str, str] = {}
    for word, n in counts.items():
        term = stems[word]
        if term is not None:
            terms[term] += n
            forms[word] = term
    length = sum(terms.values())
    for word, plain in bare.items():  # a stop word's bare form is not indexed either
        term, bare_term = stems[word], stems[plain]
        if term is not None and bare_term is not None:
            forms[plain] = bare_term
            if bare_term != term:  # German's stemmer drops umlauts itself: `zürich` and `zurich` are one term
                terms[bare_term] += counts[word]
    for word, n in extra.items():  # `uk` for `U.K.` (not a stop word: `u.n.` in French), `US` as it is
        term = word if is_acronym_term(word) else stems[word]
        if term is not None:
            forms[word] = term
            terms[term] += n
    return AnalysedDoc(lang, {t: min(n, MAX_TF) for t, n in terms.items()}, forms, length)


def query_tokens(text: str) -> list[str]:
    """The tokens of a query word or phrase, as the index sees them (before stemming)."""
    return search_tokens(text)
