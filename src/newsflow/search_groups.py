"""What an analyst types from other search engines, read before the query's words (docs/search.md, "Analyst 46").

Media Cloud's queries group words in parentheses (`NOT (syria OR iran)`), and Lucene's syntax adds fields
(`title:`), proximity (`"a b"~5`, `NEAR`), fuzzy words (`syria~`) and inner wildcards (`wom?n`). The
query model is words all required, each with OR alternatives, and words left out (`search_query.Query`), so a
group is rewritten into it where it means that (`(a OR b) c`, `NOT (a OR b)`: De Morgan, every alternative left
out), and refused in one line where it does not (`(a b) OR c`, `NOT (a b)`, nesting); the other engines' syntax is
refused saying what to type. Before, all of it was punctuation: `NOT (syria OR iran)` left out Syria and
*required* Iran, `title:syria` looked for the phrase `title syria`. Pure: no I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUOTED = re.compile(r'(-?)"([^"]*)"?')
_BARE = re.compile(r"\S+")
_NONSPACE = re.compile(r"\S")
# review: only what is surely another engine's syntax is refused; a link, a censored word (sh*t), a formula (x^2),
# a byline (Source:AFP) or a click-letter name (!Kung) pasted as a query is read as before
_FIELD = re.compile(r"(title|text|body|headline|language|lang|media|media_id|media_name|source|sources|site|url|"
                    r"domain|author|authors|byline|publish_date|pub_date|date|tags?|feed|collections?|story|"
                    r"stories_id)\s*:(?=\S)")  # Solr's field names are lower case
_NEAR = re.compile(r"NEAR(?:/\d+|\d+)?|W/\d+")
_FUZZY = re.compile(r"[^\W\d_]~\d*(?:\.\d+)?$")
_INNER_WILDCARD = re.compile(r"-?[^\W\d_]+(?:\?[^\W\d_]+)+\*?")  # wom?n; not a link's a?id=5
_BOOST = re.compile(r"-?[^\W\d_]{3,}\^\d+(?:\.\d+)?")  # syria^2; not x^2, mc^2, 10^6
_OPERATORS = ("OR", "AND", "NOT")
_MAYBE = re.compile(r"[()~?*!|&^:]|NEAR|W/")
"""A character or word every group and refused syntax holds: a query without (most) is read as typed, unscanned."""


class UnsupportedSyntax(ValueError):
    """A query written in syntax search does not have, or a group it cannot mean: one line, what to type."""


class _GroupShape(UnsupportedSyntax):
    """Parentheses that make no group the model can mean: refused only in a query with OR or NOT, where reading them
    as punctuation would change what is found; without either (`1) Syria 2) Iran`, `smile (: ok`) every word is
    required whatever they mean, so they are punctuation, as before."""


@dataclass(frozen=True)
class _Item:
    text: str  # as re-emitted: a bare word (with its `-`), or a quoted phrase (`-"air strikes"`)
    negated: bool


def refused_syntax(item: str, shouted: bool = False) -> str | None:
    """Why an unquoted query item is another engine's syntax (one line, saying what to type); None for a word.
    `shouted`: the query has no lower-case letter (a headline in capitals, `STRIKES NEAR DAMASCUS`), so NEAR is
    the word."""
    if (field := _FIELD.match(item)) is not None:
        return (f"newsflow search has no fields: {item!r} is no search of {field.group(1)!r}; every word is looked "
                "for in the title and the text (a title's words count twice): drop the field, and filter with "
                "--site, --language, --feed, --since/--until")
    if _NEAR.fullmatch(item) and not (shouted and item == "NEAR"):
        return (f"proximity ({item}, NEAR) is not supported: a quoted phrase finds its words next to each other, in "
                "order, and words without quotes are found anywhere in the article; type near in lower case to "
                "search the word")
    if _FUZZY.search(item):
        return (f"fuzzy search ({item!r}) is not supported: a word is found in every form its language's stemmer "
                "gives it (strikes: strike, striking); join other spellings with OR, or end a prefix with *")
    # a capital after the ? (`true?Yes`) is a sentence's end typed without a space
    if _INNER_WILDCARD.fullmatch(item) and not any(c.isupper() for c in item.partition("?")[2]):
        return (f"the one-letter wildcard ? ({item!r}) is not supported: join the spellings with OR (women OR "
                "woman), or end a prefix with * (wom*)")
    if item.startswith("!") and len(item) > 1 and item[1].islower():
        return f"! does not leave out here: write -{item[1:]} (or NOT {item[1:]})"
    if item in ("||", "&&"):
        return (f"{item} is not an operator here: write OR in capitals for either word; words are all required "
                "anyway (AND may be written)")
    if _BOOST.fullmatch(item):
        return f"boosts ({item!r}) are not supported: every word counts by BM25 (a title's words count twice)"
    return None


def _items(text: str) -> list[_Item | str]:
    """The query's items, with `(` and `)` apart when they open and close groups (`"("`, `")"`), and the other
    engines' syntax refused. A `)` ending a word that opens its own (`Apple(R)`, `f(x)`) is the word's."""
    found: list[_Item | str] = []
    at = 0
    shouted = not any(c.islower() for c in text)
    while (start := _NONSPACE.search(text, at)) is not None:
        at = start.start()  # not the run itself: a run of 100,000 `(` rescanned at each one took ~10 s (review)
        if (opening := next((o for o in ("(", "-(", "NOT(") if text.startswith(o, at)), None)) is not None:
            found += ["NOT", "("] if len(opening) > 1 else ["("]  # `-(a OR b)`, `NOT(a OR b)`: NOT (a OR b)
            at += len(opening)
            continue
        if text[at] == '"' or text.startswith('-"', at):
            quoted = _QUOTED.match(text, at)
            assert quoted is not None  # a quote always starts one
            found.append(_Item(f'{quoted.group(1)}"{quoted.group(2)}"', bool(quoted.group(1))))
            at = quoted.end()
            if text.startswith("~", at):
                raise UnsupportedSyntax(f"proximity search ({quoted.group()}{_BARE.match(text, at).group()}) "  # type: ignore[union-attr]
                                        "is not supported: a quoted phrase finds its words next to each other, "
                                        "in order; without the quotes, anywhere in the article")
            continue
        bare = _BARE.match(text, at)
        assert bare is not None  # `at` is a non-space
        word = bare.group()
        # the `)`s that close groups: those ending the word beyond the `(`s it opens itself (counted once, not per `)`)
        closes = min(len(word) - len(word.rstrip(")")), max(0, word.count(")") - word.count("(")))
        word = word[:len(word) - closes]
        closes *= any(c.isalnum() for c in word) or not word  # a smiley's `:)` is punctuation, as before
        if word and (problem := refused_syntax(word, shouted)) is not None:
            raise UnsupportedSyntax(problem)
        if word:
            left_out = word.startswith("-") and any(c.isalnum() for c in word)  # `-:` of a smiley is no exclusion
            found.append(word if word in _OPERATORS else _Item(word, left_out))
        found += [")"] * closes
        at = bare.end()
    return found


def flattened(text: str) -> str:
    """`text` with its groups rewritten as the query model reads them (`NOT (a OR b) c` is `-a -b c`), unchanged
    when it has none; raises UnsupportedSyntax for a group it cannot mean or another engine's syntax."""
    if _MAYBE.search(text) is None:
        return text
    items = _items(text)
    if "(" not in items and ")" not in items:
        return text
    try:
        return _flattened(items)
    except _GroupShape:
        if "OR" in items or "NOT" in items:
            raise
        return text


def _flattened(items: list[_Item | str]) -> str:
    """The query's items with each group rewritten into the model; _GroupShape where parentheses make no group."""
    out: list[str] = []
    at = 0
    while at < len(items):
        item = items[at]
        if item == ")":
            raise _GroupShape("the query has a ) with no ( before it: a group is (word OR word ...)")
        if item != "(":
            out.append(item if isinstance(item, str) else item.text)
            at += 1
            continue
        negated = bool(out) and out[-1] == "NOT"
        del out[len(out) - negated:]
        group, at = _group(items, at + 1)
        out += _rewritten(group, negated, bool(out) and out[-1] == "OR", at < len(items) and items[at] == "OR")
    return " ".join(out)


def _group(items: list[_Item | str], at: int) -> tuple[list[_Item | str], int]:
    """The items of the group starting at `at` (after its `(`), and where the query goes on after its `)`."""
    for end in range(at, len(items)):
        item = items[end]
        if item == ")":
            return items[at:end], end + 1
        if item == "(":
            raise _GroupShape("nested groups are not supported: a group is (word OR word ...), without "
                                    "groups inside")
        if item == "NOT" or (isinstance(item, _Item) and item.negated):
            raise _GroupShape("a word left out inside a group is not supported: leave it out outside the "
                                    "group (-word), or the whole group (NOT (a OR b))")
    raise _GroupShape("the query has a ( with no ) after it: close the group")


def _rewritten(group: list[_Item | str], negated: bool, or_before: bool, or_after: bool) -> list[str]:
    """A group's items as the query model reads them: an OR group as its alternatives (each left out when
    negated: NOT (a OR b) is NOT a AND NOT b), words all required as themselves."""
    words = [item.text for item in group if isinstance(item, _Item)]
    operators = {item for item in group if isinstance(item, str)}
    if not words:
        return []
    alternatives = "OR" in operators
    if alternatives and (operators != {"OR"} or group[::2] != [i for i in group if isinstance(i, _Item)]
                         or len(group) != 2 * len(words) - 1):
        raise UnsupportedSyntax("a group with both AND and OR is not supported: a group is (word OR word ...) "
                                "or (word word ...), and groups are joined by AND")
    if len(words) > 1 and not alternatives and (or_before or or_after):
        raise UnsupportedSyntax("OR next to a group of words all required ((a b) OR c) is not supported: the query "
                                "is words all required, each with OR alternatives; quote a phrase instead")
    if negated and (or_before or or_after):
        raise UnsupportedSyntax("OR next to a group left out is not supported: write NOT (a OR b) as words "
                                "required beside it")
    if negated and len(words) > 1 and not alternatives:
        raise UnsupportedSyntax("NOT before a group of words all required (NOT (a b)) is not supported: leave out "
                                "a quoted phrase (-\"a b\") or each word (NOT (a OR b))")
    if negated:
        return [f"-{word}" for word in words]
    return [part for word in words for part in ("OR", word)][1:] if alternatives else words
