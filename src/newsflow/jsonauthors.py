"""The authors trafilatura reads from a JSON-LD block that does not parse, with its result, in linear time.

Pure (the standard `re` only). When a page's JSON-LD is not valid JSON, trafilatura looks for author
names in the raw text with a regular expression, `"[Pp]erson"[^}]+?"names?".+?"([^"]+)`: it takes the
first match, deletes it from the text (`sub(count=1)`: a copy of the text) and searches again from the
text's start, until a name has no space. Each round reads and copies the whole text, so a block naming
many people is quadratic: a live blog's 620 KB block naming 1,716 people cost 1.5 s of CPU, more than
the other 400 scored corpus pages' JSON-LD together (docs/performance.md, speed18).

`person_names` returns what that loop returns, reading the text once: the matches one after the other
(`finditer`) are the ones the loop finds. After a deletion, no match can start before the cut: a match
needs `"Person"` and then, before any `}`, `"name"`. The deleted match was the text's first, so every
earlier `"Person"` met a `}` before reaching it (had it not, it would have run on into the deleted match,
which has no `}` before its `"name"`, and matched), and that `}` is still there. Nor can an opening
straddle the cut: what follows a match is a `"` (its name is `[^"]+`, as long as it goes), and
`"Person` before the cut would have made `"Person"` with the deleted match's first `"`, an earlier
match. So the next match starts after the cut, where the text is the original's.

`_matches` is `finditer` without its own quadratic case (review of speed18): an opening whose match fails
scans to the next `}` (or the end), and on `"Person" ` repeated with no `}` every opening did that (90 KB:
7 s). When an opening fails with no `"name"` before the next `}`, every opening before that `}` fails
too (its span is a part of the failed one's), so the search resumes after the `}`; with no `}` left, or a
`"name"` but no `"x` after it, no later opening can match either.
`tests/test_jsonauthors.py` checks it against trafilatura's own function and `finditer`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

_OPENING = re.compile(r'"[Pp]erson"')
_BRACE = re.compile(r"}")
PERSON_NAME = re.compile(r'"[Pp]erson"[^}]+?"names?".+?"([^"]+)', re.DOTALL)
"""trafilatura's `JSON_AUTHOR_2` (2.3.1); extract.py uses `person_names` only for this very pattern."""

AddAuthor = Callable[[str | None, str], str | None]
"""trafilatura's `normalize_authors(authors so far, a name)`."""


def person_names(text: str, add: AddAuthor) -> str | None:
    """trafilatura's `extract_json_author(text, JSON_AUTHOR_2)`: the names of the people in `text`, in
    order, until one without a space, as `add` joins them; None when there is none."""
    authors: str | None = None
    for match in _matches(text):
        if " " not in match[1]:
            break
        authors = add(authors, match[1])
    return authors or None


def _matches(text: str, opening: re.Pattern[str] = _OPENING, pattern: re.Pattern[str] = PERSON_NAME,
             stop: re.Pattern[str] = _BRACE) -> Iterator[re.Match[str]]:
    """`pattern.finditer(text)`, skipping the openings that cannot match (module docstring): after a failed
    `opening`, the search resumes past the next `stop` (`}` for PERSON_NAME, `}` or `[` for AUTHOR_NAME)."""
    position = 0
    while (start := opening.search(text, position)) is not None:
        match = pattern.match(text, start.start())
        if match is not None:
            yield match
            position = match.end()
            continue
        if (after := stop.search(text, start.end())) is None:
            return
        position = after.end()


MAX_AUTHOR_NAMES = 100
"""Names an author string holds at most (red team 25). trafilatura's `normalize_authors` compares each name
with every other at each addition (to keep the fullest form of each): cubic in the distinct names, so a
45 KB page naming 1,000 people took 25 s of the extraction worker, and 2,000 its whole time limit (the
text lost as `extract_timeout`). No byline names 100 people; past that, a name read changes nothing."""
MAX_AUTHOR_ROUNDS = 100
"""Rounds of trafilatura's delete-and-search-again loop run at most for its other pattern (`JSON_AUTHOR_1`,
`"author":{"name":...}`), whose matches `person_names`' argument does not cover: each round copies the
whole block, so 32,000 `"author"` entries in a 770 KB block took 5 s, and a block at the byte cap would
take minutes. No byline needs more rounds than MAX_AUTHOR_NAMES."""


def capped_add(add: AddAuthor, state: object, split: re.Pattern[str]) -> AddAuthor:
    """`add` that leaves an author string of MAX_AUTHOR_NAMES names as it is, while `state.skip_unused` (the
    extraction's thread-local: only inside `extract_article`), and reads
    only as many of a new string's names (pieces between `split`'s matches, trafilatura's `AUTHOR_SPLIT`)
    as fit: one string of 20,000 names (`"author": "A B, C D, ..."` or a meta tag) was quadratic in one
    call (31.6 s for 381 KB, review of red team 25)."""

    def capped(authors: str | None, name: str) -> str | None:
        if not getattr(state, "skip_unused", False):
            return add(authors, name)
        held = 0 if authors is None else authors.count("; ") + 1
        if held >= MAX_AUTHOR_NAMES:
            return authors
        return add(authors, _first_pieces(name, split, MAX_AUTHOR_NAMES - held))

    return capped


def _first_pieces(text: str, split: re.Pattern[str], count: int) -> str:
    """`text` up to its `count`-th separator: its first `count` pieces, whole."""
    for seen, separator in enumerate(split.finditer(text), start=1):
        if seen == count:
            return text[: separator.start()]
    return text


_AUTHOR_ALTERNATIVES = (r'"author":[^}[]+?"name?\\?": ?\\?"([^"\\]+)', r'"author"[^}[]+?"names?".+?"([^"]+)')
AUTHOR_NAME = re.compile("|".join(_AUTHOR_ALTERNATIVES), re.DOTALL)
"""trafilatura's `JSON_AUTHOR_1` (2.3.1). Its own search is quadratic where openings do not match (each scans
to the next `}` or `[`): `"author" ` 8,000 times took 3.6 s, 20,000 (180 KB) over 2 minutes (review of red
team 25). `_first_author` finds the same match skipping openings as `_matches` does: when an opening of an
alternative fails, so does every later opening of that alternative before the next `}` or `[` (its lazy
span could have run through them to the same tail)."""
_STOP = re.compile(r"[}\[]")
_ALTERNATIVES = tuple((re.compile(alt.split("[^")[0]), re.compile(alt, re.DOTALL)) for alt in _AUTHOR_ALTERNATIVES)


def bounded_names(text: str, pattern: re.Pattern[str], add: AddAuthor) -> str | None:
    """trafilatura's `extract_json_author(text, pattern)` (2.3.1), for at most MAX_AUTHOR_ROUNDS rounds."""
    same = (pattern.pattern, pattern.flags) == (AUTHOR_NAME.pattern, AUTHOR_NAME.flags)
    authors: str | None = None
    for _ in range(MAX_AUTHOR_ROUNDS):
        match, name = _first_author(text) if same else _first_of(pattern, text)
        if match is None or not name or " " not in name:
            break
        authors = add(authors, name)
        text = text[: match.start()] + text[match.end() :]  # trafilatura's `sub(count=1)`: the first match
    return authors or None


def _first_of(pattern: re.Pattern[str], text: str) -> tuple[re.Match[str] | None, str | None]:
    match = pattern.search(text)
    return match, None if match is None else next(filter(None, match.groups()), None)


def _first_author(text: str) -> tuple[re.Match[str] | None, str | None]:
    """`AUTHOR_NAME.search(text)` and its name, in linear time: the earliest match of either alternative,
    the first alternative's on a tie (as the regex tries it first)."""
    found = [
        (match.start(), index, match)
        for index, (opening, alternative) in enumerate(_ALTERNATIVES)
        if (match := next(_matches(text, opening, alternative, _STOP), None)) is not None
    ]
    if not found:
        return None, None
    match = min(found, key=lambda item: item[:2])[2]
    return match, match[1]

