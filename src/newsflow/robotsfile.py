"""A robots.txt read as RFC 9309 says (and as Google's parser does), not as Python's 1994 `urllib.robotparser`.

Red team 49: robots.txt files are written for RFC 9309 crawlers, and `urllib.robotparser` read 7 of 8 common shapes
otherwise. It fetched what sites disallow (a blank line inside a group ended it and dropped the rules after; a
second `User-agent: *` group was dropped; `*` and `$` in paths were literal) and lost what they allow, for good
(`robots_disallowed` parks an article at once): it took the first matching rule, so `Disallow: /` then
`Allow: /news/` refused /news/, and it matched a user agent by substring, so a group for `news` was ours. A
robots.txt saved with a UTF-8 byte order mark lost its first group.

Here, as RFC 9309 (2.2) reads it:
- a group is one or more `user-agent` lines and the rules after them; blank lines, comments and lines that are no
  rule (a PHP warning, HTML after the body) end nothing; a `user-agent` line after a rule starts a new group;
- the groups whose user agent is our product token (`newsflow` of `newsflow/0.1 (...)`, case-insensitive, whole)
  are merged; if none, the `*` groups are; if none either, everything is allowed;
- the rule whose pattern matches the most octets decides; on a tie `allow` wins; `*` matches any run of characters
  and a final `$` the end; the path matched is the URL's path and query, percent-encoding normalised on both sides;
- `/robots.txt` is always allowed.

Matching splits a pattern on `*` and finds its pieces in order with `str.find` (leftmost is right for `*`), so a
hostile pattern of many `*` costs linear finds, never a regular expression's backtracking.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import quote, urlsplit

_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_PRODUCT = re.compile(r"[A-Za-z_-]+")
_SAFE = "/?=&;:@!$'()*+,~#[]%"  # kept as written: reserved characters and escapes already made


@dataclass(frozen=True)
class Rule:
    allow: bool
    pattern: str
    pieces: tuple[str, ...] = field(init=False, repr=False, compare=False)  # the pattern split on `*`, once

    def __post_init__(self) -> None:
        object.__setattr__(self, "pieces", tuple(self.pattern.removesuffix("$").split("*")))

    def matches(self, path: str) -> bool:
        """Whether the pattern matches `path` from its start (`*` any run, a final `$` its end)."""
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
    """One origin's robots.txt as it applies to one user agent: its rules, the most specific first."""

    rules: tuple[Rule, ...]

    @classmethod
    def parse(cls, text: str, user_agent: str) -> RobotsFile:
        rules = rules_for(groups_of(text), product_token(user_agent))
        return cls(tuple(sorted(rules, key=lambda rule: (-len(rule.pattern), not rule.allow))))

    def allows(self, url: str) -> bool:
        path = path_of(url)
        if path == "/robots.txt":
            return True
        return next((rule.allow for rule in self.rules if rule.matches(path)), True)


def groups_of(text: str) -> list[_Group]:
    groups: list[_Group] = []
    for line in text.removeprefix("\ufeff").splitlines():  # a byte order mark is no part of the first key
        key, colon, value = line.split("#", 1)[0].partition(":")
        key, value = key.strip().lower(), value.strip()
        if not colon:
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
