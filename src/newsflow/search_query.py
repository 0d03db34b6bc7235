"""Search query syntax, parsed into clauses. Pure: no I/O.

    syria strikes             both words (every clause must match)
    "air strikes"             a phrase: its words in this order; one with a word the apostrophe rule joins
                              (`"Pat O'Brien"`) also as written joined (`"Pat OBrien"`)
    -iran  -"white house"     leave out articles with the word or phrase
    strikes OR raids          either (OR, in capitals, joins its neighbours into one clause)
    Erdoğan  Müller           a name (a capital first) typed with accents: its spellings without them too
                              (`erdogan`; `muller`, `mueller`: `name_spellings`)
    syria AND NOT iran        Boolean words in capitals, as Media Cloud writes them: AND is
                              implied (and ignored), NOT x is -x
    syria*                    a prefix: every word the index has seen that starts so (`prefix_of`); a
                              name's (`Erdoğ*`) with its spellings, as the name's

A word with punctuation inside (`covid-19`) is a phrase of its tokens; unquoted, a word in capitals
(`US`) or of letters and dots (`U.S.`, `u.s.`) is an acronym (`search_acronyms.query_acronym`). The query is
read in Unicode NFC, as stored texts are; a word or phrase given twice counts once.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from newsflow.search_acronyms import query_acronym
from newsflow.search_apostrophes import phrase_joined, query_joined
from newsflow.search_groups import UnsupportedSyntax, flattened
from newsflow.search_numbers import numbers_joined
from newsflow.search_separators import separated_tokens
from newsflow.search_text import is_unit, query_tokens, unaccented
from newsflow.text import CJK_RANGES

MIN_PREFIX = 2
"""A prefix search (`syria*`) takes at least this many characters: one letter would match most of a dictionary."""
MAX_CLAUSES = 63
"""The ranking tracks the clauses an article satisfies as bits of one 64-bit integer."""
_ITEM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_CJK = re.compile(f"[{CJK_RANGES}]")


class QuerySyntaxError(ValueError):
    """A query with nothing to look for."""


Phrase = tuple[str, ...]
"""The tokens of one word or phrase, in order; a prefix search is one token ending in `*` (`prefix_of`)."""


def prefix_of(phrase: Phrase) -> str | None:
    """The prefix a phrase asks for (`syria` for the query word `syria*`), None for a word or phrase. No token
    of the analysis holds a `*` (punctuation), so the mark cannot be met in a text."""
    return phrase[0][:-1] if len(phrase) == 1 and phrase[0].endswith("*") else None


_GERMAN_SPELLING = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue"})
# The accented letters each language's alphabet has (of the index's languages with a Latin alphabet: the others
# have none). A writer drops only a letter their alphabet lacks: Reuters writes `Erdogan`, a Turkish outlet never;
# English `Sao Paulo`, a Spanish `año` is never `ano` (another word). So a name's spelling without its accents is
# looked for only in the languages that lack one of its letters (`dropped_in`).
NATIVE_LETTERS = {
    "ca": "àçèéíïòóúü", "cs": "áčďéěíňóřšťúůýž", "da": "åæéø", "de": "äöüß", "es": "áéíñóúü", "et": "äõöšüž",
    "eu": "ñ", "fi": "äåöšž", "fr": "àâæçèéêëîïôùûœ", "ga": "áéíóú", "hu": "áéíóöőúüű",
    "it": "àèéìíîòóùú", "lt": "ąčėęįšūųž", "nl": "áéëïóöü", "no": "åæéèêòóôø", "nb": "åæéèêòóôø",
    "nn": "åæéèêòóôø", "pl": "ąćęłńóśźż", "pt": "àáâãçéêíóôõú", "ro": "âîășşțţ", "sr": "čćđšž",
    "sv": "åäéö", "tr": "âçğîıöşûü",
}
"""Letters with accents (casefolded) in each language's alphabet, for `dropped_in`. Not French `ü`, `ÿ`: found in
two or three words of its own (`capharnaüm`), French writes a foreign name's without them (`Zurich`, `Dusseldorf`)."""


def dropped_in(language: str, letters: str) -> bool:
    """Whether writers in `language` (an index language: '' is any other, or none) drop some of `letters`
    (a name's accented letters) for want of them: `ñ` in English, not in Spanish."""
    return not set(letters) <= set(NATIVE_LETTERS.get(language, ""))


def name_spellings(word: str, tokens: Phrase) -> list[Phrase]:
    """How the unquoted query word `word` (its tokens) is looked for: as typed, or, when it starts with a capital
    and has accents (a name: `Erdoğan`, `Müller`, `São`), by its spellings without them, as outlets writing
    in other languages spell it: the bare form (`erdogan`, which the index holds for every accented spelling
    too) and German's own for ä ö ü (`mueller`). A word in lower case keeps its accents (`año` is not `ano`)."""
    if not word[:1].isupper() or all(token.isascii() for token in tokens):
        return [tokens]
    bare = tuple(unaccented(token) for token in tokens)
    german = tuple(unaccented(token.translate(_GERMAN_SPELLING)) for token in tokens)
    return list(dict.fromkeys(spelling for spelling in (bare, german) if spelling != tokens)) or [tokens]


def _prefix_phrase(bare: str) -> Phrase:
    """An unquoted word ending in `*`: its one token, marked as a prefix; refused when it is not one word or too
    short to bound (`s*` would be most of the dictionary)."""
    tokens = query_tokens(bare.rstrip("*"))
    if any(is_unit(token) or _CJK.match(token) for token in tokens):
        raise QuerySyntaxError(f"the prefix search {bare!r} is for words written with spaces; type it without the *: "
                               "a word of Chinese, Japanese, Thai and the like is found inside longer ones")
    if len(tokens) > 1:
        raise QuerySyntaxError(f"the prefix search {bare!r} takes one word (letters and digits) before its *; "
                               "quote a phrase without the *")
    if not tokens or len(tokens[0]) < MIN_PREFIX:
        raise QuerySyntaxError(f"the prefix search {bare!r} needs at least {MIN_PREFIX} letters before its *")
    return (tokens[0] + "*",)


@dataclass(frozen=True)
class Query:
    clauses: tuple[tuple[Phrase, ...], ...]  # each clause: alternatives, one of which must match
    excluded: tuple[Phrase, ...]
    # a name's spellings (`Erdoğan`: `erdoğan`, `erdogan`), its accented letters, and whether the spelling drops
    # them: that one is looked for only in the languages lacking one of the letters, the other only in the rest
    # (`dropped_in`); a phrase also typed as a word of its own is not here
    only_in: tuple[tuple[Phrase, str, bool], ...] = ()

    def phrases(self) -> list[Phrase]:
        return [p for clause in self.clauses for p in clause] + list(self.excluded)


def parse_query(text: str) -> Query:
    """Clauses (AND) of alternatives (OR), and the excluded words and phrases."""
    return _read(text)[0]


def leading_operator(text: str) -> str | None:
    """`OR` or `AND` when the query starts with one, before any word (`OR syria`): read as if it were not there, as
    ever; `newsflow search` says so ("Analyst 47"). None otherwise, or when the query is refused."""
    try:
        return _read(text)[1]
    except QuerySyntaxError:
        return None


def _read(text: str) -> tuple[Query, str | None]:
    """The query, and the operator it starts with (`leading_operator`)."""
    clauses: list[list[Phrase]] = []
    spellings: list[Phrase]
    excluded: list[Phrase] = []
    only_in: dict[Phrase, tuple[str, bool]] = {}
    typed: set[Phrase] = set()
    join_next = negate_next = False
    operator = None  # the last item, when it was OR, AND or NOT: a query ending so is refused ("Analyst 47")
    leading = None  # OR or AND before any word
    try:  # `NOT (a OR b)` as `-a -b`; `title:`, `NEAR`, `wom?n` refused ("Analyst 46")
        read = flattened(unicodedata.normalize("NFC", text))
    except UnsupportedSyntax as exc:
        raise QuerySyntaxError(str(exc)) from None
    # a number written in groups (`1,000`) is one word, as in the index (views/search.sql does the same)
    for match in _ITEM.finditer(numbers_joined(read)):
        negated, quoted, bare = match.group(1), match.group(2), match.group(3)
        if bare in ("OR", "AND", "NOT"):
            if bare != "NOT" and not (clauses or excluded or negate_next) and leading is None:
                leading = bare
            operator = bare
            join_next = bool(clauses) if bare == "OR" else join_next
            negate_next = negate_next or bare == "NOT"
            continue
        if bare is not None and bare.startswith("-") and len(bare) > 1:
            negated, bare = "-", bare[1:]
        acronym = None if bare is None or bare.endswith("*") else query_acronym(bare)
        if bare is not None and bare.endswith("*"):  # a name's prefix (`Erdoğ*`) as the name: `erdog*` too
            spellings = [(spelling[0] + "*",) for spelling in name_spellings(bare, (_prefix_phrase(bare)[0][:-1],))]
        elif acronym is not None:
            spellings = [(acronym,)]
        elif bare is not None:
            spellings = [separated] if (separated := separated_tokens(bare)) else name_spellings(
                bare, tuple(query_tokens(bare)))
        else:
            spellings = [separated_tokens(quoted) or tuple(query_tokens(quoted))]
            joined = phrase_joined(quoted)
            # the separators between its numbers held as in the phrase typed (`"O'Brien won 4-1"`: not `4:1`)
            if joined is not None and (tokens := separated_tokens(joined) or tuple(query_tokens(joined))) \
                    not in spellings:
                spellings.append(tokens)  # `"Pat O'Brien"`: `"Pat OBrien"` too, as a text may write it
        if not spellings[0]:
            continue
        spellings = _name_spellings_by_language(bare, spellings, only_in, typed)
        if bare is not None and (joined := query_joined(bare)) is not None and len(word := query_tokens(joined)) == 1:
            spellings.append((word[0],))  # `O'Brien`: `obrien` too, as outlets write it
            typed.add((word[0],))
        elif bare is not None and (joined := phrase_joined(bare)) is not None \
                and (tokens := separated_tokens(joined) or tuple(query_tokens(joined))) not in spellings:
            spellings.append(tokens)  # `al-Qaʿida`: `al-Qaida` too, its word with the apostrophe joined
        operator = None
        if negated or negate_next:
            excluded.extend(spellings)
        elif join_next:
            clauses[-1].extend(spellings)
        else:
            clauses.append(spellings)
        join_next = negate_next = False
    clauses = [list(dict.fromkeys(c)) for c in clauses]
    unique = list(dict.fromkeys(tuple(c) for c in clauses))
    if not unique:
        shown = text if len(text) <= 60 else text[:59] + "…"
        raise QuerySyntaxError(f"the query {shown!r} has no word to look for: punctuation, symbols, emoji and control "
                               "characters are not searched, and excluded words alone match nothing")
    if len(unique) > MAX_CLAUSES:
        raise QuerySyntaxError(
            f"the query has {len(unique)} words or phrases; at most {MAX_CLAUSES} (join some with OR)")
    if operator is not None:  # `syria OR`: a word is missing (a query cut short?), not implied as a leading AND is
        raise QuerySyntaxError(_dangling(text, operator))
    return Query(tuple(unique), tuple(dict.fromkeys(excluded)),
                 tuple((phrase, *rule) for phrase, rule in only_in.items() if phrase not in typed)), leading


def _dangling(text: str, operator: str) -> str:
    """The line for `syria OR`, `syria AND`, `syria NOT`: an operator with no word after it, which the query used to
    drop quietly (then `syria OR` was `syria`, and a query cut short when pasted went unnoticed)."""
    shown = text if len(text) <= 60 else text[:59] + "…"
    example = "NOT iran, or -iran" if operator == "NOT" else f"syria {operator} iran"
    return (f"the query {shown!r} ends with {operator}, which needs a word after it ({example}): add the word or "
            f"leave {operator} out (in lower case, or inside quotes as in {_AS_WORD[operator]}, it is a word)")


# an everyday text that ends with the capitals: Oregon's abbreviation, a headline cut short (review of "Analyst 47")
_AS_WORD = {"OR": '"Portland, OR"', "AND": '"Bill AND"', "NOT": '"WHY NOT"'}


def _name_spellings_by_language(bare: str | None, spellings: list[Phrase],
                                 only_in: dict[Phrase, tuple[str, bool]], typed: set[Phrase]) -> list[Phrase]:
    """A name's spellings (`name_spellings`) with the name as typed: the ones without its accents for the languages
    that lack one of its letters, the one typed for the others (`dropped_in`), noted in `only_in`. Any other
    word's spellings are noted as typed (looked for in every language)."""
    tokens = tuple(query_tokens(bare)) if bare is not None and bare[:1].isupper() and not bare.endswith("*") else ()
    letters = "".join(sorted({c for token in tokens for c in token if unaccented(c) != c}))
    # a word starting with an accented capital is written without its accents in its own language too (French
    # `Etats-Unis`, `Elysée`; Spanish `Alvaro`): found everywhere, as before
    if not letters or tokens in spellings or unaccented(tokens[0][:1]) != tokens[0][:1]:
        typed.update(spellings)
        return spellings
    only_in[tokens] = (letters, False)
    for spelling in spellings:
        only_in[spelling] = (letters, True)
    return [tokens, *spellings]
