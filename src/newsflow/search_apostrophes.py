# ruff: noqa: RUF001, RUF002 - typographic apostrophes on purpose
"""Words written with an apostrophe inside, joined (docs/search.md, "Analyst 41"): `obrien` finds `O'Brien`.

The tokens of search cut a word at its apostrophe (`O'Brien` is `o brien`, a phrase), so a query typed without
it (`obrien`, as URLs, hashtags and many outlets write the name) found nothing, and `O'Brien` missed `OBrien`.
A word whose apostrophe (`'`, `’`, `‘`, `´`, `＇`, a backtick: `APOSTROPHES`; and the modifier letters written for
one, `ʼ`, the ʻokina..., read as `'`: `MODIFIER_APOSTROPHES`, "Analyst 42") stands between letters is also indexed
as the word joined, an extra term outside the article's length (as acronyms are, `search_acronyms`), when the join
makes a word an analyst types:

- the part before has 1-2 letters, and is no lower-case elision (`ELISIONS`: `l'Inde` is no `Linde`), and the
  part after starts with a capital and is no English contraction (`CONTRACTIONS`: capitals' `WE'LL`, `IT'S` are
  not `well`, `its`): a name (`O'Brien`, `D'Angelo`, `L'Oréal`); or both parts are in lower case and the part after
  has 3 letters or more, as a query typed so is read (`pat o'brien`, `o'clock`; "Analyst 44");
- the part before has 3 letters or more and is not an elided Romance word (`dell'`, `nell'`, `quell'`,
  `jusqu'`: `ELIDED`), and the part after is not an English contraction or possessive (`CONTRACTIONS`: `'s`,
  `'t`, `'ll`, `'re`, `'ve`, `'d`, `'m`): `aujourd'hui`, `Qur'an`, `Shi'ite`;
- it has two apostrophes or more: `rock'n'roll`.

Not `it's` (`its`), `we'll` (`well`), `she'll` (`shell`), `can't`, `l'économie`, `qu'il`: joining them would
make other words, or a word nobody types. A possessive (`McDonald's`) is found by its stem (`mcdonalds` is
English's `mcdonald`). views/search.sql does not need this (the SQL macro looks the joined word up in the forms
the index holds); migration 0096's test finds the texts it changes, the same rule in SQL.
"""

from __future__ import annotations

import re
from collections import Counter

APOSTROPHES = "'\u2019\u2018\u00b4\uff07`"
"""Written or typed as an apostrophe: a typewriter one, a right quote, and a left quote, an acute accent, a
full-width one and a backtick, which keyboards and autocorrection put there (`O´Neill` in Spanish-language outlets,
`O‘Neal`, `O＇Brien` from a CJK keyboard, `O`Neal`); and `MODIFIER_APOSTROPHES`, read as `'`."""
MODIFIER_APOSTROPHES = "\u02b9\u02bb\u02bc\u02bd\u02be\u02bf"
"""Modifier letters written as apostrophes (docs/search.md, "Analyst 42"): `ʼ` (Ukrainian's and Belarusian's
apostrophe, and their transliterations), the Hawaiian ʻokina `ʻ`, transliteration's hamza and ayin `ʾ` `ʿ`
(`Qurʾan`, `Shiʿite`), `ʽ`, and the prime `ʹ` (`Lʹviv`). Unicode calls them letters, so a word held one
(`Hawaiʻi` was the word `hawaiʻi`, which neither `hawaii` nor `Hawai'i` found): search reads each as `'`
(`search_text.LETTER_VARIANTS`, views/search.sql's search_unvaried), and so does this rule."""
LETTER_MARKS = "\u02b9\u02bb\u02bd\u02be\u02bf"
"""Of `MODIFIER_APOSTROPHES`, those that write a sound of the word (the ʻokina, ayin, hamza, the prime of a soft
sign), never an elision or a contraction: a word with these alone between its letters is always joined, after a
part of any length (`Oʻahu`, `Niʻihau`, `al-Qaʿida`, `Baʿath`, `Lʹviv` are written `Oahu`, `Qaida`, `Lviv`), where
`'` and `ʼ` join after 1-2 letters only before a capital (`l'aide`, `O'ahu` typed as `'` is read as written)."""
_AS_APOSTROPHE = str.maketrans(dict.fromkeys(MODIFIER_APOSTROPHES, "'"))
_MODIFIER = re.compile(f"[{MODIFIER_APOSTROPHES}]")
CONTRACTIONS = frozenset({"s", "t", "d", "m", "ll", "re", "ve"})
"""The part after an apostrophe that makes an English contraction or possessive: not joined."""
ELIDED = frozenset({"dell", "dall", "nell", "sull", "coll", "pell", "all", "quell", "quest", "bell", "sant",
                    "tutt", "buon", "nessun", "qualcun", "ciascun", "lorsqu", "puisqu", "quoiqu", "jusqu", "presqu",
                    "quelqu", "entr"})
"""Romance words elided before a vowel (Italian `dell'anno`, French `jusqu'à`): the word after is the word."""
ELISIONS = frozenset({"l", "d", "s", "n", "j", "m", "t", "c", "qu", "un", "v", "gl", "ch", "ç", "b", "dh"})
"""French, Italian and Catalan elided words of 1-2 letters: written in lower case, the word after is not joined,
which would be another word (`l'Inde` is no `Linde`, `l'Est` no `lest`; typed `l'aide`, `d'une`, `qu'elle` are no
`laide`, `dune`, `quelle`); with a capital they begin a name (`L'Oréal`, `D'Angelo`, `O'Brien`, typed `o'brien`).
Italian `un'` (`un'altra`, `un'Europa`: the elided `una`) since "Analyst 44", when a text's lower-case part of 1-2
letters began to be joined before a lower-case word (`o'brien`); so too Italian `v'` (`v'era` is no `vera`), `gl'`
(`gl'italiani`), `ch'` (`ch'egli`), French `ç'` (`ç'aurait`), Irish `b'` (`b'fhéidir`) and Scottish Gaelic `dh'`
(`dh'fhalbh`)."""
# starting only where a run of letters starts: tried inside a long run too, `sub` took quadratic time (a query word of
# 100,000 letters, minutes: "Analyst 46")
_WORD = re.compile(f"(?<![^\\W\\d_])[^\\W\\d_]+(?:[{APOSTROPHES}][^\\W\\d_]+)+")
_APOSTROPHE = re.compile(f"[{APOSTROPHES}]")
_LETTER = re.compile(r"[^\W\d_]")
_NOT_LETTER_MARK = re.compile(f"[{APOSTROPHES}\u02bc]")


def as_apostrophes(text: str) -> str:
    """`text` with each of `MODIFIER_APOSTROPHES` written `'`."""
    return text if text.isascii() or _MODIFIER.search(text) is None else text.translate(_AS_APOSTROPHE)


def joined_word(word: str, *, typed: bool = False) -> str | None:
    """The joined form (as typed, not folded) of one word written with apostrophes between its letters, when the
    rule joins it (`O'Brien` -> `OBrien`), else None. `typed`: a query word, in which a name's capital is often
    left out (`o'brien`): a part after of 3 letters or more is joined too, after no elided `l'`, `d'`, `qu'`...
    (`ELISIONS`: `l'aide` is not `laide`; `j'ai` is not joined, nor any contraction)."""
    parts = _APOSTROPHE.split(word)
    if len(parts) > 2:
        return "".join(parts)
    before, after = parts
    if after.casefold() in CONTRACTIONS:  # in capitals too: `WE'LL` is not `well`, `HE'LL` not `hell`
        return None
    if len(before) <= 2:
        if before[:1].islower() and before.lower() in ELISIONS:  # `l'Inde` is no `Linde`, `l'Est` no `lest`
            return None
        # a text all in lower case joins as a query typed so (`pat o'brien`: "Analyst 44"); not `L'aide`, `O'neill`
        lower = typed or (before.islower() and after.islower())
        return before + after if after[:1].isupper() or (lower and len(after) >= 3) else None
    if before.casefold() in ELIDED:
        return None
    return before + after


def apostrophe_terms(text: str) -> Counter[str]:
    """The joined words of `text` (as written: `search_text` folds them as any word), with their counts."""
    found: Counter[str] = Counter()
    written, text = text, as_apostrophes(text)  # one character for one: a word's span is the same in both
    end = 0
    # from each apostrophe between letters back to its word's start: a scan of the text for the word pattern
    # tried it at every letter (~1.5x the cost of analysing an English text, most of which hold an apostrophe)
    for apostrophe in _APOSTROPHE.finditer(text):
        at = apostrophe.start()
        if at < end or at == 0 or not _LETTER.match(text, at - 1) or not _LETTER.match(text, at + 1):
            continue
        start = at - 1
        while start > 0 and _LETTER.match(text, start - 1):
            start -= 1
        word = _WORD.match(text, start)
        if word is not None:
            end = word.end()
            if (joined := _joined_as_written(word.group(), written[start:end])) is not None:
                found[joined] += 1
    return found


def query_joined(word: str) -> str | None:
    """An unquoted query word that is one word written with an apostrophe the rule joins (`O'Brien`, `o'brien`):
    the joined word as typed (`OBrien`), looked for beside the phrase of its parts; else None."""
    read = as_apostrophes(word)
    return _joined_as_written(read, word, typed=True) if _WORD.fullmatch(read) is not None else None


def _joined_as_written(word: str, written: str, *, typed: bool = False) -> str | None:
    """`joined_word` of `word` (its apostrophes read as `'`), or the word joined whatever its parts when `written`
    has `LETTER_MARKS` alone between its letters (`Oʻahu`)."""
    if written != word and _NOT_LETTER_MARK.search(written) is None:
        return "".join(_APOSTROPHE.split(word))
    return joined_word(word, typed=typed)


def phrase_joined(phrase: str) -> str | None:
    """A quoted query phrase with each word of it the rule joins written joined (`"Pat O'Brien"`: `Pat OBrien`), to
    be looked for beside the phrase as typed: a text writes the name one way or the other. None when none joins."""
    read = as_apostrophes(phrase)
    joined = _WORD.sub(lambda word: _joined_as_written(word.group(), phrase[word.start():word.end()], typed=True)
                       or word.group(), read)
    return joined if joined != read else None
