"""`newsflow search QUERY`: stories ranked by relevance, or attention over time (`--by`).

Registered in cli.py with one line (`cli_search.add_parser(commands)`); see docs/search.md.
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from newsflow import search
from newsflow.config import load_config
from newsflow.search_query import QuerySyntaxError
from newsflow.warehouse import QueryResult, Warehouse

BAR_WIDTH = 40


def add_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = commands.add_parser(
        "search", help="rank stories by relevance to a query; --by day|week|source for attention over time",
        description='Words are all required; "a phrase" in quotes; -word leaves out; OR joins alternatives.')
    parser.add_argument("query", nargs="?", help='e.g. \'"air strikes" syria -iran\'')
    parser.add_argument("--since", type=_date, metavar="DATE", help="only articles dated on or after DATE")
    parser.add_argument("--until", type=_date, metavar="DATE", help="only articles dated on or before DATE")
    parser.add_argument("--feed", metavar="NAME", help="only articles of this feed")
    parser.add_argument("--language", metavar="xx", help="only articles in this language (ISO 639-1 code)")
    parser.add_argument("--limit", type=int, default=20, metavar="N", help="stories to show (default 20)")
    parser.add_argument("--by", choices=search.ATTENTION_BY, help="attention: matches per day, week or source")
    parser.add_argument("--format", choices=["table", "csv", "json"], default="table")
    parser.add_argument("--reindex", action="store_true",
                        help="index every article missing from the search index or changed since (after reextract)")
    parser.add_argument("--compact", action="store_true",
                        help="merge the search index into one sorted segment (never needed: runs merge it as it grows)")
    parser.add_argument("--config", metavar="PATH", help="config file (default: config/newsflow.toml)")


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2026-11-24") from None


def cmd_search(args: argparse.Namespace) -> int:
    from newsflow.cli import EXIT_USAGE, fail, format_result

    config = load_config(args.config)
    store = Warehouse(config.warehouse_path, config.lock_timeout)
    if args.reindex:
        print(f"search index updated: {search.refresh(store)} articles indexed")
    if args.compact:
        print(f"search index compacted: {search.compact(store)} postings sorted by term")
    if (args.reindex or args.compact) and not args.query:
        return 0
    if not args.query:
        return fail("give a query, e.g. newsflow search '\"air strikes\" syria'", EXIT_USAGE)
    if args.limit < 1:
        return fail(f"--limit must be 1 or more, got {args.limit}", EXIT_USAGE)
    filters = search.SearchFilters(args.since, args.until, args.feed, args.language and args.language.lower())
    try:
        if args.by:
            result = search.search_attention(store, args.query, filters, args.by)
        else:
            result = search.search_stories(store, args.query, filters, args.limit)
    except QuerySyntaxError as exc:
        return fail(str(exc), EXIT_USAGE)
    missing = search.unindexed_count(store)
    if missing > 0:
        print(f"newsflow: {missing} articles are not in the search index yet (each run indexes up to "
              f"{search.BACKLOG_PER_RUN}); `newsflow search --reindex` indexes them all now", file=sys.stderr)
    print(bar_chart(result) if args.by and args.format == "table" else format_result(result, args.format))
    return 0


def bar_chart(result: QueryResult, width: int = BAR_WIDTH) -> str:
    """One line per period or source: its label, a bar of its stories, and both counts."""
    if not result.rows:
        return "(no matching articles)"
    top = max(row[1] for row in result.rows) or 1
    labels = [str(row[0]) for row in result.rows]
    pad = max(len(label) for label in labels)
    lines = [f"{'':{pad}}  stories (articles)"]
    for label, (_, stories, articles) in zip(labels, result.rows, strict=True):
        bar = "█" * round(width * stories / top)
        lines.append(f"{label:{pad}}  {bar} {stories} ({articles})")
    return "\n".join(lines)
