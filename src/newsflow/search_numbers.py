# ruff: noqa: RUF003 - a typographic apostrophe on purpose
"""Numbers written with their digits in groups, joined (docs/search.md, "Languages"): `1,000` is the word `1000`.

Split out of search_text, which cuts a text into words with it before anything else (`search_text.folded`).
"""

from __future__ import annotations

import re

# A number written with its digits in groups is one word, the number written without them: `1,000`,
# `1.000` (German), `1'000` and `1’000` (Swiss), and Indian `1,00,000` are `1000` and `100000`, as
# `1000` is. A group is 3 digits after one
# separator, the same one throughout; so a decimal `3.5` or `3,5` stays two words (`3 5`), never
# `3,500` (`3500`); a date `12.05.2026` stays three words and `2026.100` two (a number's groups start
# and end with its run of digits). A space does not join (`on May 5 200 people`), a no-break, narrow or
# thin one neither: the stored text has them as plain spaces (text.normalize_text), so French `1 000` is
# `1 000` there, and a query pasting `1 000` with its no-break space must find it. RE2 has no
# look-around: views/search.sql's search_numbers_joined takes the character after a number with it,
# and a run of digits that starts no such number whole, which finds the same numbers.
_NUMBER_SEPARATORS = ",.'\u2019"
NUMBER_GROUPS = ("[0-9]{1,2}(?:,[0-9]{2})+,[0-9]{3}|[0-9]{1,3}(?:"
                 + "|".join(f"(?:{re.escape(sep)}[0-9]{{3}})+" for sep in _NUMBER_SEPARATORS) + ")")
"""A number with its digits in groups (views/search.sql's search_numbers_joined holds the same pattern)."""
_NUMBER_GROUPS = re.compile(f"(?<![0-9])(?:{NUMBER_GROUPS})(?![0-9])")
_GROUPED_HINT = re.compile(f"[0-9][{_NUMBER_SEPARATORS}][0-9]{{3}}")
# Runs of digits and separators: the rule is tried on these alone (a pattern that starts with a
# look-behind is tried at every character of the text: ~2x the time, ~15% of analysing a news text).
# A run starts and ends with digits and has none on either side, so the rule's look-arounds see the same.
_DIGITS_APART = re.compile(f"[0-9]+(?:[{_NUMBER_SEPARATORS}][0-9]+)+")
_NOT_DIGITS = str.maketrans("", "", _NUMBER_SEPARATORS)


def numbers_joined(text: str) -> str:
    """`text` with each number written in groups (`1,000`) written without them (`1000`)."""
    if _GROUPED_HINT.search(text) is None:
        return text
    return _DIGITS_APART.sub(lambda digits: _NUMBER_GROUPS.sub(_joined, digits.group()), text)


def _joined(number: re.Match[str]) -> str:
    return number.group().translate(_NOT_DIGITS)
