"""A robots.txt read as RFC 9309 says (and as Google's parser does), not as Python's 1994 `urllib.robotparser`.

Red team 49: robots.txt files are written for RFC 9309 crawlers, and `urllib.robotparser` read 8 of 9 common shapes
otherwise. It fetched what sites disallow (a blank line inside a group ended it and dropped the rules after; a
second `User-agent: *` group was dropped; `*` and `$` in paths were literal) and lost what they allow, for good
(`robots_disallowed` parks an article at once): it took the first matching rule, so `Disallow: /` then
`Allow: /news/` refused /news/, and it matched a user agent by substring, so a group for `news` was ours. A
robots.txt saved with a UTF-8 byte order mark lost its first group.

Here, as RFC 9309 (2.2) reads it:
- a group is one or more `user-agent` lines and the rules after them; blank lines, comments and lines that are no
  rule (a PHP warning, HTML after the body) end nothing; a key and its value with no colon between them
  (`Disallow /x`) are read, as Google reads them, when they are the line's only two words (red team 50); a
  `user-agent` line after a rule, even an empty `Disallow:` (RFC 9309's `empty-pattern`), starts a new group;
  `Crawl-delay` or `Sitemap` lines end nothing, and `Crawl-delay` is not obeyed, as Google's and Scrapy's crawlers
  do not obey it (red team 50: `fetch.per_host_delay` spaces a host's requests);
- the groups whose user agent is our product token (`newsflow` of `newsflow/0.1 (...)`, case-insensitive, whole)
  are merged; if none, the `*` groups are; if none either, everything is allowed;
- the rule whose pattern matches the most octets decides; on a tie `allow` wins; `*` matches any run of characters
  and a final `$` the end; the path matched is the URL's path and query, percent-encoding normalised on both sides;
- `/robots.txt` is always allowed.

Matching splits a pattern on `*` and finds its pieces in order with `str.find` (leftmost is right for `*`), never a
regular expression's backtracking. Its cost a URL is bounded whatever the file (review of red team 49): patterns with
no `*` are looked up by length, a `*` rule written twice is tried once, the others are tried longest first until
one matches or none could outrank the best plain match, and each find is charged at its worst against
`MATCH_WORK`; past it, `TooCostly` (`robots.py` takes the URL as disallowed this run, uncounted: red team 50).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_PRODUCT = re.compile(r"[A-Za-z_-]+")
_SAFE = "/?=&;:@!$'()*+,~#[]%"  # kept as written: reserved characters and escapes already made
# What matching one URL may cost, in units of about 0.2 ns of CPU (a character compared in `str.find` at its worst):
# a few ms (1-6 ms measured at a load of 15, whatever the file). Past it the URL gets no verdict (`TooCostly`): 500
# KiB of near-miss `*` patterns against an 8 KB path cost 0.58-0.78 s a URL, on the event loop (review of red team
# 49). Ordinary files are decided: 2,000 `*` rules against a 1,000-character path, 4,000 against 150 characters.
MATCH_WORK = 20_000_000
_RULE_UNITS = 3_000  # a rule tried: ~0.4-1 us of Python (idle to a load of 14)
_PIECE_UNITS = 1_000  # a piece looked for: ~0.2-0.4 us of Python, besides the find itself


class TooCostly(Exception):
    """Matching one URL against this robots.txt would pass `MATCH_WORK`: no verdict (review of red team 49)."""


class _Work:
    """What one URL's match may still spend, in `MATCH_WORK`'s units."""

    __slots__ = ("left",)

    def __init__(self, units: int) -> None:
        self.left = units

    def spend(self, units: int) -> None:
        self.left -= units
        if self.left < 0:
            raise TooCostly


@dataclass(frozen=True)
class Rule:
    allow: bool
    pattern: str
    pieces: tuple[str, ...] = field(init=False, repr=False, compare=False)  # the pattern split on `*`, once

    def __post_init__(self) -> None:
        object.__setattr__(self, "pieces", tuple(self.pattern.removesuffix("$").split("*")))

    @property
    def rank(self) -> tuple[int, bool]:
        """The longest pattern decides; on a tie, `allow`."""
        return len(self.pattern), self.allow

    def matches(self, path: str, work: _Work | None = None) -> bool:
        """Whether the pattern matches `path` from its start (`*` any run, a final `$` its end).

        Each `str.find` is charged to `work` at its worst: the places it tried times the piece (CPython's find of a
        piece under 100 characters in a path under 30,000 compares that many characters at most; longer ones use a
        linear search). One find past the budget is the most a URL overspends: 8,192 x 99 units.
        """
        anchored, pieces = self.pattern.endswith("$"), self.pieces
        if not path.startswith(pieces[0]):
            return False
        if len(pieces) == 1:
            return not anchored or path == pieces[0]
        end = len(path)
        if anchored:  # the last piece must end the path, after the others
            if not path.endswith(pieces[-1]) or end - len(pieces[-1]) < len(pieces[0]):
                return False
            end -= len(pieces[-1])
        at = len(pieces[0])
        for piece in pieces[1:-1] if anchored else pieces[1:]:
            found = path.find(piece, at, end)
            if work is not None:  # what the find may have cost: each place it tried, times the piece
                tried = found - at + 1 if found >= 0 else max(0, end - at - len(piece) + 1)
                work.spend(_PIECE_UNITS + tried * len(piece))
            if found < 0:
                return False
            at = found + len(piece)
        return True


@dataclass
class _Group:
    agents: list[str] = field(default_factory=list)
    rules: list[Rule] = field(default_factory=list)
    ruled: bool = False  # an `allow`/`disallow` line came, even an empty one: the next `user-agent` starts a group


@dataclass(frozen=True)
class RobotsFile:
    """One origin's robots.txt as it applies to one user agent.

    Patterns with no `*` are looked up, not scanned: the matching ones are the path's prefixes (or, ending `$`, the
    path itself), so a URL costs a dict lookup per distinct pattern length, whatever the number of rules. Patterns
    with `*` are tried longest first, while they could still outrank the best plain match, within `MATCH_WORK`.
    """

    prefixes: dict[str, bool]  # pattern -> allow (allow wins a tie)
    prefix_lengths: tuple[int, ...]  # longest first
    whole: dict[str, bool]  # `X$` with no `*`: X -> allow
    wildcards: tuple[Rule, ...]  # longest first, `allow` first on a tie

    @classmethod
    def parse(cls, text: str, user_agent: str) -> RobotsFile:
        prefixes: dict[str, bool] = {}
        whole: dict[str, bool] = {}
        wildcards: dict[Rule, None] = {}  # a rule written twice is tried once; in the file's order
        for rule in rules_for(groups_of(text), product_token(user_agent)):
            if "*" in rule.pattern:
                wildcards[rule] = None
            elif rule.pattern.endswith("$"):
                whole[rule.pattern[:-1]] = whole.get(rule.pattern[:-1], False) or rule.allow
            else:
                prefixes[rule.pattern] = prefixes.get(rule.pattern, False) or rule.allow
        lengths = tuple(sorted({len(pattern) for pattern in prefixes}, reverse=True))
        # Longest first, `allow` first on a tie, else in the file's order: one int a rule, compared in C. Sorting by
        # (rank, pattern) compared strings of 80,000 tied rules for 0.1-0.2 s, holding the GIL (red team 50).
        ranked = tuple(sorted(wildcards, key=lambda rule: -2 * len(rule.pattern) - rule.allow))
        return cls(prefixes, lengths, whole, ranked)

    def allows(self, url: str) -> bool:
        """Whether the rules allow `url`; `TooCostly` when deciding would pass `MATCH_WORK`."""
        path = path_of(url)
        if path == "/robots.txt":
            return True
        best = self._plain_match(path)
        work = _Work(MATCH_WORK)
        for rule in self.wildcards:
            if best is not None and rule.rank <= best:
                break  # no rule left could outrank it
            work.spend(_RULE_UNITS)
            if rule.matches(path, work):
                return rule.allow
        return True if best is None else best[1]

    def _plain_match(self, path: str) -> tuple[int, bool] | None:
        """The rank of the longest matching pattern with no `*`, if any."""
        best = None
        if path in self.whole:
            best = (len(path) + 1, self.whole[path])
        for length in self.prefix_lengths:
            if length <= len(path) and path[:length] in self.prefixes:
                prefix = (length, self.prefixes[path[:length]])
                return prefix if best is None else max(best, prefix)
        return best


def groups_of(text: str) -> list[_Group]:
    groups: list[_Group] = []
    for line in text.removeprefix("\ufeff").splitlines():  # a byte order mark is no part of the first key
        key, value = key_and_value(line.split("#", 1)[0])
        if not key:
            continue  # a blank line, a comment, junk: no rule, and the end of nothing
        if key == "user-agent":
            if not groups or groups[-1].ruled:
                groups.append(_Group())
            groups[-1].agents.append(product_token(value))
        elif key in ("allow", "disallow") and groups:
            groups[-1].ruled = True  # an empty `Disallow:` disallows nothing, but is a rule: it ends the agents
            if value:
                groups[-1].rules.append(Rule(key == "allow", normalised(value)))
    return groups


def key_and_value(line: str) -> tuple[str, str]:
    """A line's key (lower-cased) and value: `key: value`, or, with no colon, two words apart (`Disallow /x`, as
    Google's parser forgives a missing colon: red team 50); ("", "") for anything else (junk, a comment)."""
    key, colon, value = line.partition(":")
    if colon:
        return key.strip().lower(), value.strip()
    words = line.split()
    return (words[0].lower(), words[1]) if len(words) == 2 else ("", "")


def rules_for(groups: list[_Group], token: str) -> list[Rule]:
    """The merged rules of the groups naming our product token; else of the `*` groups."""
    if any(token in group.agents for group in groups):
        return [rule for group in groups if token in group.agents for rule in group.rules]
    return [rule for group in groups if "*" in group.agents for rule in group.rules]


def product_token(user_agent: str) -> str:
    """`newsflow` of `newsflow/0.1 (+https://...)`, lower-cased: what a group's `user-agent` names (RFC 9309 2.2.1)."""
    found = _PRODUCT.match(user_agent.strip())
    return found.group(0).lower() if found else user_agent.strip().lower()


def path_of(url: str) -> str:
    parts = urlsplit(url)
    return normalised((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))


def normalised(path: str) -> str:
    """Percent-encoded as RFC 9309 (2.2.2) compares paths: octets outside ASCII escaped (UTF-8), escapes upper-cased."""
    return _PERCENT.sub(lambda escape: escape.group(0).upper(), quote(path, safe=_SAFE))
