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


def _matches(text: str) -> Iterator[re.Match[str]]:
    """`PERSON_NAME.finditer(text)`, skipping the openings that cannot match (module docstring)."""
    position = 0
    while (opening := _OPENING.search(text, position)) is not None:
        match = PERSON_NAME.match(text, opening.start())
        if match is not None:
            yield match
            position = match.end()
            continue
        brace = text.find("}", opening.end())
        if brace < 0:
            return
        position = brace + 1
