"""`newsflow search QUERY`: stories ranked by relevance, or attention over time (`--by`).

Registered in cli.py with one line (`cli_search.add_parser(commands)`); see docs/search.md.
"""

from __future__ import annotations

import argparse
import ipaddress
import re
import shutil
import sys
from typing import Any, NoReturn

from newsflow.cli_days import config_zone_problem as config_zone_problem  # tests of "Analyst 48" import it here
from newsflow.cli_days import day_argument, zone_and_days
from newsflow.cli_days import days_in_zone as days_in_zone  # tests of "Analyst 50" import it here
from newsflow.cli_output import FORMATS
from newsflow.config import load_config
from newsflow.launch import said_as_starting, signals_interrupt_while_loading
from newsflow.search_by import ATTENTION_BY
from newsflow.urls import host_of, outlet_of_host
from newsflow.warehouse import QueryResult, Warehouse

BAR_WIDTH = 40
MAX_LIMIT = 1_000_000_000
"""A larger --limit asks for every story: it is read as this (no warehouse holds more)."""
_LANGUAGE = re.compile(r"[a-z]{2,3}")
_SITE = re.compile(r"[^\s/:?#@]+")


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "search", help="rank stories by relevance to a query; --by day|week|source|language|word for attention",
        description='Words are all required; "a phrase" in quotes; -word leaves out; OR joins alternatives; '
                    "syria* is every word starting so (2 letters or more, at most 200 words); a name typed with "
                    "accents and a capital (Erdoğan, Müller) also finds it written without them (Erdogan, Mueller) "
                    "in languages lacking those letters (Año is never Spanish ano; États-Unis is Etats-Unis "
                    "anywhere); numbers typed with / . : or - between (9/11, 3-2, 2.5, 10:30) find that separator "
                    "only, any dash for a dash (3-2 finds 3\u20132, not 3:2) and a decimal comma for a point "
                    "(2.5 finds 2,5, not the list 1,2,5; \"9 11\" finds any); obrien finds O'Brien and o'brien, "
                    "and O'Brien finds OBrien; an "
                    "apostrophe of any kind is any other (' \u2019 \u02bc, the okina of Hawai\u02bbi, \uff07, `), "
                    "and \"Pat O'Brien\" and \"Pat OBrien\" find each other. (a OR b) groups alternatives and "
                    "NOT (a OR b) leaves both out; other engines' fields (title:), proximity (~5, NEAR), "
                    "a ? inside a word (wom?n), !word, ||, word^2 are refused, saying what to type; a pasted link, "
                    "headline or formula is searched as its words.")
    parser.__class__ = SearchParser  # add_parser makes every command's parser the top one's class
    parser.add_argument("query", nargs="*", help='e.g. \'"air strikes" syria -iran\' (words given apart are '
                                                 'joined: newsflow search centcom syria)')
    parser.add_argument("--since", type=day_argument, metavar="DATE", help="only articles dated on or after DATE (a "
                        "date, today, yesterday, 7d or 2w: days or weeks ago, in --tz's zone)")
    parser.add_argument("--until", type=day_argument, metavar="DATE",
                        help="only articles dated on or before DATE (as --since)")
    parser.add_argument("--feed", metavar="NAME", action="append",
                        help="only articles this feed carried (repeat for several: either)")
    parser.add_argument("--site", metavar="DOMAIN", action="append",
                        help="only articles of this site and its subdomains (e.g. reuters.com; repeat for several)")
    parser.add_argument("--language", metavar="xx", action="append",
                        help="only articles in this language (ISO 639-1 code; repeat for several)")
    parser.add_argument("--tz", metavar="ZONE",
                        help="the time zone whose days --since, --until and --by day|week are, e.g. America/New_York "
                             "(default: the config's search.tz, UTC unless set)")
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="stories (or articles) to show (default 20)")
    parser.add_argument("--by", choices=ATTENTION_BY,
                        help="attention: matching stories and articles per day, week, source or language, with "
                             "their share of every article collected there (all_articles); or their top words")
    parser.add_argument("--story-share", action="store_true",
                        help="with --by day|week: also every story collected (all_stories) and the matching stories' "
                             "share of them, each story in the period of its first copy")
    parser.add_argument("--articles", action="store_true",
                        help="one line per matching article (story_id, site, url, ...): export with --format csv")
    parser.add_argument("--sort", choices=["relevance", "newest", "oldest"], default="relevance",
                        help="with --articles: best first (default), or by date")
    parser.add_argument("--snippets", action="store_true",
                        help="with --articles: a column with the words around each article's first match, marked «so»")
    parser.add_argument("--format", choices=FORMATS, default="table",
                        help="spreadsheet: CSV for Excel or LibreOffice (a byte-order mark, times without offset)")
    parser.add_argument("--reindex", action="store_true",
                        help="index every article missing from the search index or changed since (after reextract)")
    parser.add_argument("--compact", action="store_true",
                        help="merge the search index into one sorted segment (never needed: runs merge it as it grows)")
    parser.add_argument("--config", metavar="PATH", help="config file (default: config/newsflow.toml)")


class OneLineParser(argparse.ArgumentParser):
    """argparse, with its errors on one line (no usage block), exit code 2: the README's promise."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {' '.join(message.split())}; see `{self.prog} --help`\n")

    def _parse_optional(self, arg_string: str) -> Any:
        """An argument with white space in it is a value, not an option: argparse decides so only for
        a space, and took SQL that begins with a comment and a new line ("--note\nSELECT 1") for an
        unknown option."""
        if any(c.isspace() for c in arg_string) and arg_string.split("=", 1)[0] not in self._option_string_actions:
            return None
        return super()._parse_optional(arg_string)


class SearchParser(OneLineParser):
    """`newsflow search`'s arguments: a word after one dash (`newsflow search syria -iran`) is a left-out word of the
    query, given apart as its other words may be, not an option: the command has none spelt with one dash but -h,
    and argparse refused `-iran` as an unknown one and read `-hamas` as -h (review of "Analyst 49")."""

    def _parse_optional(self, arg_string: str) -> Any:
        if arg_string[:1] == "-" and arg_string[1:2] not in ("", "-") and arg_string not in self._option_string_actions:
            return None
        return super()._parse_optional(arg_string)

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        """Words of the query after an option (`newsflow search harbour --limit 5 strike`) join the query: argparse
        takes a `nargs="*"` argument's words in one stretch and left the later ones unrecognised ("Analyst 50").
        An unknown option (`--sitex`) among them leaves them all to be refused as before."""
        parsed, extras = super().parse_known_args(args, namespace)
        parsed.words_after_options = []
        if extras and not any(word.startswith("--") for word in extras):
            parsed.query, parsed.words_after_options, extras = [*(parsed.query or []), *extras], extras, []
        return parsed, extras


def limit_problem(limit: int) -> str | None:
    """What is wrong with a --limit (a larger one than MAX_LIMIT is fine: it asks for every row)."""
    return None if limit >= 1 else f"--limit must be 1 or more, got {limit}"


def cmd_search(args: argparse.Namespace) -> int:
    from newsflow.cli import EXIT_USAGE
    from newsflow.cli_output import fail, format_result

    with signals_interrupt_while_loading(), said_as_starting():  # numpy and the analysers: search's only (session 37)
        from newsflow import search
        from newsflow.search_query import QuerySyntaxError, leading_operator
        from newsflow.search_sites import site_hints

    config = load_config(args.config)
    store = Warehouse(config.warehouse_path, config.lock_timeout)
    args.query, split = joined_query(args.query)
    if split is not None:
        return fail(split, EXIT_USAGE)
    if getattr(args, "words_after_options", None):  # `--site a.example b.example` searched `b.example`, silently
        print(f"newsflow: {' '.join(args.words_after_options)!r}, after an option, joined the query: searched for "
              f"{args.query!r} (an option takes one value: repeat it for several, --site a --site b)", file=sys.stderr)
    if args.reindex:
        print(f"search index updated: {search.refresh(store)} articles indexed")
    if args.compact:
        print(f"search index compacted: {search.compact(store)} postings sorted by term")
    if (args.reindex or args.compact) and not args.query:
        return 0
    if not args.query:
        return fail("give a query, e.g. newsflow search '\"air strikes\" syria'", EXIT_USAGE)
    problem = bad_argument(args)
    unknown = None if problem else next((f for f in args.feed or () if not search.feed_known(store, f, config.feeds)),
                                        None)
    if unknown is not None:
        problem = f"--feed {unknown!r} names no configured or stored feed; `newsflow feeds` lists them"
    zone = "UTC"
    if problem is None:
        zone, problem = zone_and_days(args, config)
    if problem is not None:
        return fail(problem, EXIT_USAGE)
    filters = search.SearchFilters(args.since, args.until, _each(args.feed, str),
                                   _each(args.language, language_code), _each(args.site, site_filter), zone)
    try:
        if args.by:
            result = search.search_attention(store, args.query, filters, args.by, min(args.limit, MAX_LIMIT),
                                             story_share=args.story_share)
        elif args.articles:
            result = search.search_articles(store, args.query, filters, min(args.limit, MAX_LIMIT), sort=args.sort,
                                            snippets=args.snippets)
        else:
            result = search.search_stories(store, args.query, filters, min(args.limit, MAX_LIMIT))
    except QuerySyntaxError as exc:
        return fail(str(exc), EXIT_USAGE)
    for site_hint in site_hints(store, _each(args.site, site_filter) or (), result):  # with rows too: an outlet lost
        print(f"newsflow: {site_hint}", file=sys.stderr)
    asked = _each(args.language, language_code) or ()
    for code in () if result.rows else asked:  # why each language asked may have found nothing
        hint = search.language_hint(store, code)
        if hint is not None:
            print(f"newsflow: {hint}", file=sys.stderr)
    leading = leading_operator(args.query)
    if leading is not None:
        print(f"newsflow: the query starts with {leading}, which has no word before it to join: searched without it",
              file=sys.stderr)
    stopped = search.stop_word_hint(store, args.query, filters.language)
    if stopped is not None:
        print(f"newsflow: {stopped}", file=sys.stderr)
    stale = search.out_of_date(store)
    if stale is not None:
        print(f"newsflow: {stale}", file=sys.stderr)
    missing = search.unindexed_count(store)
    if missing > 0:
        print(f"newsflow: {missing} articles are not in the search index yet (each run indexes up to "
              f"{search.BACKLOG_PER_RUN}); `newsflow search --reindex` indexes them all now", file=sys.stderr)
    print(bar_chart(result, chart_width()) if args.by and args.format == "table"
          else format_result(result, args.format))
    return 0


def joined_query(words: list[str]) -> tuple[str | None, str | None]:
    """The query given as several arguments (`newsflow search centcom syria`) joined with spaces, as one; None
    when none is given. An argument with white space among several is refused (the second value, a line to print):
    the shell takes the quotes of `newsflow search "air strikes" syria`, so whether a phrase was meant cannot be
    told."""
    if len(words) > 1:
        spaced = next((word for word in words if any(c.isspace() for c in word)), None)
        if spaced is not None:
            return None, (f"the query came as {len(words)} arguments and {spaced!r} has spaces in it: a phrase or "
                          "two words? Give the whole query as one argument in single quotes, e.g. newsflow search "
                          "'\"air strikes\" syria'")
    return (" ".join(words) or None), None


def _each(values: list[str] | None, read: Any) -> tuple[str, ...] | None:
    """A repeatable filter's values, each read by `read` (a --site as its host, a --language as its code)."""
    return None if values is None else tuple(read(value) for value in values)


def language_code(language: str | None) -> str | None:
    """The primary subtag of a --language, lowercased: 'en' for 'EN', 'en-GB' or 'en_US'; '' for
    'unknown', as `--by language` lists the articles without a language."""
    if language is None:
        return None
    if language.strip().lower() == "unknown":
        return ""
    return language.strip().lower().replace("_", "-").split("-")[0]


def site_filter(site: str | None) -> str | None:
    """A --site as the `stories` view writes sites: the outlet of its host (`urls.host_of`: lowercased, without
    scheme, port or path; `urls.outlet_of_host`: less "www.", "m.", "mobile.", "amp."), an IPv6 literal without its
    brackets; text that names no host is kept for the check to refuse."""
    if site is None:
        return None
    text = site.strip()
    if is_ipv6_address(text):  # `2001:db8::1` unbracketed: as a URL it would be a host `2001` and a bad port
        return text.lower()
    host = host_of(text if "://" in text else f"http://{text}")
    return outlet_of_host(host).strip(".") if host else text.lower()


def is_ipv6_address(text: str) -> bool:
    """Whether `text` is an IPv6 address as `outlet` writes one (no brackets, no zone): a --site of one is an
    outlet's (`[2001:db8::1]`, with a port or not, is read as a URL's host; before "Analyst 53", both were refused
    for their colons)."""
    try:
        return isinstance(ipaddress.ip_address(text), ipaddress.IPv6Address) and "%" not in text
    except ValueError:
        return False


def bad_argument(args: argparse.Namespace) -> str | None:
    """What is wrong with the filters, as one line naming the argument; None when nothing is."""
    if limit_problem(args.limit):
        return limit_problem(args.limit)
    for language in args.language or ():
        if language.strip().lower() != "unknown" and not _LANGUAGE.fullmatch(language_code(language) or ""):
            return f"--language expects a language code like en or de-AT, got {language!r}"
    if any(not feed.strip() for feed in args.feed or ()):
        return "--feed needs a feed name; `newsflow feeds` lists them"
    for site in args.site or ():
        if not (_SITE.fullmatch(read := site_filter(site) or "") or is_ipv6_address(read)):
            return f"--site expects a site like reuters.com (as `--by source` lists them), got {site!r}"
    if args.by and args.articles:
        return "--articles lists matching articles and --by counts them: give one of the two"
    if args.story_share and args.by not in ("day", "week"):
        return "--story-share divides stories per period: add --by day or --by week"
    if (args.sort != "relevance" or args.snippets) and not args.articles:
        option = "--snippets" if args.snippets else f"--sort {args.sort}"
        return f"{option} applies to the list of articles: add --articles"
    return None


def chart_width() -> int:
    """The bar chart's width: the terminal's columns, or 80 when output is not a terminal."""
    return shutil.get_terminal_size((80, 24)).columns


def bar_chart(result: QueryResult, columns: int = BAR_WIDTH + 40) -> str:
    """One line per period or source: its label, a bar of its stories, and both counts (per period also the
    matches' share of every article collected then, `-` when nothing was); each line fits in `columns` (a long
    source name is cut short with '…'), with a bar of up to BAR_WIDTH."""
    if not result.rows:
        return "(no matching articles)"
    top = max(row[1] for row in result.rows) or 1
    shares = "share" in result.columns
    share = result.columns.index("share") if shares else -1
    counts = [f" {row[1]} ({row[2]})" + (f" {_percent(row[share])}" if shares else "") for row in result.rows]
    room = max(columns - max(len(c) for c in counts) - 2, 2)  # label, two spaces, bar, counts
    pad = min(max(len(str(row[0])) for row in result.rows), room - 1)
    width = max(min(BAR_WIDTH, room - pad), 1)
    head = "  stories (articles)" + (" share of all articles" if shares else "")
    lines = [f"{'':{pad}}{head}"[:max(columns, 1)]]
    for row, count in zip(result.rows, counts, strict=True):
        label, stories = str(row[0]), row[1]
        text = label if len(label) <= pad else label[:pad - 1] + "…"
        lines.append(f"{text:{pad}}  {'█' * round(width * stories / top)}{count}")
    return "\n".join(lines)


def _percent(share: float | None) -> str:
    """A period's share as the chart prints it: `-` for a period when nothing was collected (no data, not 0%)."""
    return "-" if share is None else f"{share:.1%}"
