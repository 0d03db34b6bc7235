"""The `newsflow` command: a thin skin over the library functions of the same names.

Exit codes (README, "Exit codes"): 0 the command finished (a run may still have failing feeds,
which it records); 1 the command failed on the way (a crash, a file that cannot be written);
2 bad config, usage or input (SQL included); 3 the warehouse cannot be opened or is locked;
4 (run, serve) the configured Prefect API does not answer, or a local one would not start;
130 interrupted; 141 the output pipe was closed (`| head`), quietly.
"""

from __future__ import annotations

import argparse
import contextlib
import errno
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO, cast

from newsflow import __version__, cli_search, machinelimits, queries
from newsflow.cli_days import day_argument, days_in_zone, times_in_zone, zone_and_days
from newsflow.cli_feeds import cmd_feeds
from newsflow.cli_output import FORMATS, escape_what_the_output_cannot_encode, export_format, fail, format_result
from newsflow.cli_run import OutputThatMayFill, cmd_run, cmd_serve, cmd_status
from newsflow.cli_signals import end_at_once_on_a_signal, mark_as_the_command
from newsflow.config import load_config
from newsflow.errors import ConfigError, InputError, NewsflowError, QueryError, WarehouseError
from newsflow.launch import INTERRUPTED_WHILE_STARTING, StoppedWhileStarting
from newsflow.opml import OpmlError
from newsflow.search_dates import time_zone, unknown_time_zone
from newsflow.warehouse import QueryResult, Warehouse, run_read_query, sql_root
from newsflow.warehouse.export import EXPORT_FORMATS, export_articles

EXIT_CRASH, EXIT_USAGE, EXIT_WAREHOUSE, EXIT_INTERRUPTED, EXIT_BROKEN_PIPE = 1, 2, 3, 130, 141


def build_parser() -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = cli_search.OneLineParser(
        prog="newsflow", description="Feeds in, clean articles out, in DuckDB.")
    parser.add_argument("--version", action="version", version=f"newsflow {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="run one ingest, as a Prefect flow run (starts a local server if needed)")
    _add_config(run)
    run.add_argument("--feed", action="append", metavar="NAME", help="only this feed, due or not (repeatable)")
    run.add_argument("--all", action="store_true", help="poll every enabled feed, due or not")
    shown = run.add_mutually_exclusive_group()
    shown.add_argument("--quiet", action="store_true", help="print nothing but errors")
    shown.add_argument("--json", action="store_true", help="print only the summary, as JSON, for scripts")
    shown.add_argument("--verbose", action="store_true", help="also print Prefect's own run logs")

    serve = commands.add_parser("serve", help="run the ingest flow on the config's [schedule] until stopped")
    _add_config(serve)
    status = commands.add_parser("status", help="whether a service serves the warehouse, its schedule, and the last "
                                 "runs; pauses a schedule a killed service left active")
    _add_config(status)

    query = commands.add_parser("query", help="run read-only SQL, or a named query, against the warehouse")
    query.add_argument("sql", nargs="?", help="one SQL statement, or the name of a query in warehouse/queries/")
    _add_config(query)
    query.add_argument("--format", choices=FORMATS, default="table",
                       help="spreadsheet: CSV for Excel or LibreOffice (a byte-order mark, times without offset)")
    query.add_argument("--list", action="store_true", help="list the named queries and their parameters")
    query.add_argument("--param", action="append", default=[], metavar="KEY=VALUE",
                       help="a parameter of the named query (repeatable)")
    query.add_argument("--allow-read", action="append", default=[], type=Path, metavar="DIR",
                       help="let the SQL read files under DIR, e.g. a CSV to join (repeatable; none by default)")

    stories = commands.add_parser("stories", help="top stories by number of outlets, first outlet and spread")
    stories.add_argument("--since", type=day_argument, metavar="DATE", help="only stories that began on or after "
                         "DATE (a date, today, yesterday, 7d or 2w: days or weeks ago, in --tz's zone)")
    stories.add_argument("--tz", metavar="ZONE", help="the time zone whose day --since is, e.g. America/New_York "
                         "(default: the config's search.tz, UTC unless set), as newsflow search's")
    stories.add_argument("--limit", type=int, default=20, metavar="N", help="rows to show (default 20)")
    stories.add_argument("--format", choices=FORMATS, default="table",
                         help="spreadsheet: CSV for Excel or LibreOffice (a byte-order mark, times without offset)")
    _add_config(stories)

    again = commands.add_parser("reextract", help="run extraction again on the kept HTML, without fetching")
    again.add_argument("--since", type=day_argument, metavar="DATE", help="only articles fetched on or after DATE "
                       "(a date, today, yesterday, 7d or 2w: days or weeks ago; UTC's days)")
    _add_config(again)

    export = commands.add_parser("export", help="export the articles as Parquet (by date), CSV or JSON Lines")
    export.add_argument("out_dir", metavar="DIR", help="folder to write into")
    export.add_argument("--format", type=export_format, choices=EXPORT_FORMATS, default="parquet")
    export.add_argument("--since", type=day_argument, metavar="DATE", help="only articles dated on or after DATE "
                        "(a date, today, yesterday, 7d or 2w: days or weeks ago, in --tz's zone)")
    export.add_argument("--tz", metavar="ZONE", help="the time zone of each article's date (its Parquet folder), of "
                        "--since and of CSV's and JSON's times, e.g. America/New_York (default UTC; the config's "
                        "search.tz is not read, so that an export's date folders never move with it)")
    _add_config(export)

    feeds = commands.add_parser("feeds", help="list the feeds with their health; import, export, discover feeds")
    _add_config(feeds)
    actions = feeds.add_subparsers(dest="feeds_command", metavar="{import,export,discover}")
    opml_in = actions.add_parser("import", help="append the feeds of an OPML file to the config")
    opml_in.add_argument("opml_file", metavar="FILE.opml")
    opml_out = actions.add_parser("export", help="write the configured feeds as OPML (to stdout)")
    opml_out.add_argument("-o", "--output", metavar="FILE", help="write to FILE instead of stdout")
    discover = actions.add_parser("discover", help="find a site's feeds; prints [[feeds]] config to paste")
    discover.add_argument("url")
    for action in (opml_in, opml_out, discover):
        _add_config(action, default=argparse.SUPPRESS)  # so `feeds --config X import` keeps X
    cli_search.add_parser(commands)  # `newsflow search` (cli_search.py)
    convert = commands.add_parser("spool-convert", help="convert spool files an older newsflow pickled, if you "
                                  "trust them (docs/concurrency.md)")
    _add_config(convert)
    return parser


def _add_config(parser: argparse.ArgumentParser, default: Any = None) -> None:
    parser.add_argument("--config", metavar="PATH", default=default,
                        help="config file (default: config/newsflow.toml)")


def main(argv: Sequence[str] | None = None) -> int:
    """The `newsflow` command; `argv` None (the program itself, not a test) ends it quietly on a late signal."""
    if argv is None:
        mark_as_the_command()
    open_closed_standard_streams()
    escape_what_the_output_cannot_encode()
    try:
        args = build_parser().parse_args(arguments_as_text(sys.argv[1:] if argv is None else argv))
        with stdout_that_must_not_fill(args.command not in ("run", "serve")):  # their output is a log
            code = dispatch(args)
            sys.stdout.flush()  # a closed pipe, or a full disk, shows here, not at exit
    except BrokenPipeError:  # `newsflow query ... | head -1`: the reader has all it wanted
        _discard_stdout()
        code = EXIT_BROKEN_PIPE
    except OutputFullError as exc:
        _discard_stdout()
        code = fail(str(exc), EXIT_CRASH)
    except InputError as exc:  # an argument that is not text (arguments_as_text)
        code = fail(str(exc), EXIT_USAGE)
    if argv is None:
        end_at_once_on_a_signal(code)
    return code


def dispatch(args: argparse.Namespace) -> int:
    handlers = {"run": cmd_run, "serve": cmd_serve, "status": cmd_status, "query": cmd_query, "stories": cmd_stories,
                "reextract": cmd_reextract, "export": cmd_export, "feeds": cmd_feeds,
                "search": cli_search.cmd_search, "spool-convert": cmd_spool_convert}
    try:
        return handlers[args.command](args)
    except (ConfigError, InputError, queries.NamedQueryError, OpmlError) as exc:
        return fail(str(exc), EXIT_USAGE)
    except WarehouseError as exc:
        return fail(str(exc), EXIT_WAREHOUSE)
    except OutputFullError:
        raise
    except NewsflowError as exc:
        return fail(str(exc), EXIT_CRASH)
    except BrokenPipeError:
        raise
    except OSError as exc:  # the last net: a file that cannot be read or written, named in one line
        if (line := machinelimits.said_of(exc)) is not None:  # out of open files: the limit, not the file (Local 32)
            return fail(line, EXIT_CRASH)
        where = f"{exc.filename}: " if exc.filename else ""
        return fail(f"{where}{exc.strerror or exc}", EXIT_CRASH)
    except StoppedWhileStarting:  # in its config's checks or Prefect's import: nothing done yet
        return fail(INTERRUPTED_WHILE_STARTING, EXIT_INTERRUPTED)
    except KeyboardInterrupt:
        return fail("interrupted", EXIT_INTERRUPTED)
    except Exception as exc:
        if str(exc) == "Query interrupted" and isinstance(exc, RuntimeError):  # Ctrl-C while DuckDB ran a statement
            return fail("interrupted", EXIT_INTERRUPTED)
        if (line := machinelimits.said_of(exc)) is not None:  # out of memory or processes (Local 32)
            return fail(line, EXIT_CRASH)
        raise


def open_closed_standard_streams() -> None:
    """`newsflow run >&-` (a cron line or a daemon that closes its output): a closed stdin, stdout or
    stderr is opened on /dev/null, so output goes nowhere instead of raising (before, `sys.stdout`
    was None: an AttributeError traceback, exit 1, nothing fetched), and no file opened later takes
    the number a child process writes its output to."""
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        try:
            os.fstat(fd)
        except OSError:
            null = os.open(os.devnull, os.O_RDONLY if fd == 0 else os.O_WRONLY)  # the lowest free number: fd
            if null != fd:
                os.dup2(null, fd)
                os.close(null)
            setattr(sys, name, open(fd, "r" if fd == 0 else "w", encoding="utf-8", closefd=False))  # noqa: SIM115


def arguments_as_text(arguments: Sequence[str]) -> list[str]:
    """The arguments, read as UTF-8 where the locale could not read them.

    Python decodes argv with the locale's encoding; under an ASCII locale (`LC_ALL=C` without
    coercion) `newsflow query "SELECT 'é'"` arrived with lone surrogates for the é, which DuckDB's
    binding refused with a TypeError traceback. The bytes came from a UTF-8 terminal or script, so
    they are read as UTF-8; bytes that are not UTF-8 either are a usage error (exit 2)."""
    texts = []
    for index, argument in enumerate(arguments):
        try:
            argument.encode("utf-8")
        except UnicodeEncodeError:
            try:
                argument = os.fsencode(argument).decode("utf-8")
            except UnicodeDecodeError as exc:
                raise InputError(f"argument {index + 1} ({argument!r}) holds bytes that are not UTF-8 text; "
                                 "write it in UTF-8") from exc
        texts.append(argument)
    return texts


class OutputFullError(NewsflowError):
    """stdout is a file on a full disk: what a command prints there is its product, and is lost."""


class StdoutThatMustNotFill(OutputThatMayFill):
    """stdout of `query`, `stories`, `search`, `feeds`…, whose output is what the command is for: a
    full disk (`newsflow query … > out.csv`, its partition full) is one line naming stdout and what to
    do, exit 1. Before, it said `newsflow: No space left on device`, naming nothing. After that line,
    writes go nowhere (`OutputThatMayFill`, which keeps `run`'s and `serve`'s log going instead)."""

    def filled(self, error: OSError) -> None:
        why = _WHY_NOT_WRITTEN.get(error.errno or errno.ENOSPC, _WHY_NOT_WRITTEN[errno.ENOSPC])
        raise OutputFullError(f"cannot write the output to stdout ({error.strerror}): {why}") from None


# What each of FULL_OUTPUT_ERRORS asks of the user: an I/O error is no full disk (a failing device, or a
# terminal that closed, as a pty whose other end went away: its writes fail with EIO), nor is a file at its limit.
_WHY_NOT_WRITTEN = {
    errno.ENOSPC: "is the disk it goes to full? Free space there, or send the output to another disk",
    errno.EDQUOT: "your disk quota there is used up: free space there, or send the output to another disk",
    errno.EFBIG: "the file it goes to is at its size limit: send the output to another file, or split it",
    errno.EIO: "the device it goes to failed (an I/O error: a failing disk, or a terminal that closed); "
               "send the output to another disk or file",
}


@contextmanager
def stdout_that_must_not_fill(wanted: bool) -> Iterator[None]:
    stdout = sys.stdout
    if wanted:
        sys.stdout = cast(TextIO, StdoutThatMustNotFill(stdout))
    try:
        yield
    finally:
        sys.stdout = stdout


def _discard_stdout() -> None:
    # Python flushes stdout again at exit; point it at /dev/null so that flush cannot fail too.
    with contextlib.suppress(OSError, ValueError):  # ValueError: not a real file (captured in tests)
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


# --- query, stories, reextract, export ----------------------------------------------------------------------


def cmd_spool_convert(args: argparse.Namespace) -> int:
    from newsflow.spoollegacy import convert_legacy  # the only pickle reader: loaded for this command only

    converted, problems = convert_legacy(Warehouse(load_config(args.config).warehouse_path))
    for problem in problems:
        print(f"newsflow: not converted: {problem}", file=sys.stderr)
    print(f"converted {converted} spool files; the next run loads them")
    return EXIT_USAGE if problems else 0


def cmd_query(args: argparse.Namespace) -> int:
    directory = sql_root() / "queries"
    if args.list:
        print(format_result(list_named_queries(directory), args.format))
        return 0
    if not args.sql:
        return fail("give one SQL statement or a query name (`newsflow query --list` shows them)", EXIT_USAGE)
    if not queries.is_query_name(args.sql) and args.param:
        return fail("--param applies to named queries only; put the values in the SQL", EXIT_USAGE)
    named = queries.load_query(directory, args.sql) if queries.is_query_name(args.sql) else None
    config = load_config(args.config)
    store = Warehouse(config.warehouse_path)
    folders = check_folders(args.allow_read)
    if named:
        result = run_named_query(store, named, args.param, folders)
        if named.name == "host_pauses":
            result = _pauses_as_runs_read(result, store, config.polling.max_interval)
    else:
        result = run_read_query(store, args.sql, None, folders)
    print(format_result(result, args.format))
    return 0


def _pauses_as_runs_read(result: QueryResult, store: Warehouse, cap_seconds: float) -> QueryResult:
    from newsflow import hostholds  # its spool and gate imports are for this query only

    result, from_spool = hostholds.as_runs_read(result, store, cap_seconds)
    if from_spool:
        print(f"newsflow: {from_spool} of these pauses are still in the spool beside the warehouse (a reader held it "
              "when the run kept them): runs honour them, and the next run stores them", file=sys.stderr)
    return result


def run_named_query(
    store: Warehouse, named: queries.NamedQuery, assignments: Sequence[str], folders: Sequence[Path] = ()
) -> QueryResult:
    """The named query with its --param values; DuckDB's refusal names the query and the values given."""
    bound = queries.bind(named, assignments)
    for line in bound.said:  # `--param since=7d is 2026-11-30 in UTC`, as `newsflow search --since 7d` says it
        print(f"newsflow: {line}", file=sys.stderr)
    params = bound.values
    try:
        return run_read_query(store, named.sql, params, folders)
    except QueryError as exc:
        given = ", ".join(assignments) or "its defaults"
        raise QueryError(f"query {named.name} with {given}: {exc}; check the --param values") from exc


def check_folders(folders: Sequence[Path]) -> list[Path]:
    for folder in folders:
        if not folder.is_dir():
            raise InputError(f"--allow-read {folder}: not a folder")
    return list(folders)


def cmd_stories(args: argparse.Namespace) -> int:
    """Top stories by number of outlets: the named query `stories` with its parameters, its times in the zone."""
    if problem := cli_search.limit_problem(args.limit):
        return fail(problem, EXIT_USAGE)
    config = load_config(args.config)
    zone, problem = zone_and_days(args, config)  # as `newsflow search`'s
    if problem:
        return fail(problem, EXIT_USAGE)
    named = queries.load_query(sql_root() / "queries", "stories")
    params = [f"limit={min(args.limit, cli_search.MAX_LIMIT)}", f"tz={zone}"]
    params += [f"since={args.since.isoformat()}"] if args.since else []
    result = run_named_query(Warehouse(config.warehouse_path), named, params)
    print(format_result(times_in_zone(result, zone), args.format))
    return 0


def cmd_reextract(args: argparse.Namespace) -> int:
    from newsflow.reextract import reextract

    config = load_config(args.config)
    if problem := days_in_zone(args, "UTC"):  # `7d` is a date: an interrupted pass resumes by its --since's date
        return fail(problem, EXIT_USAGE)
    done = reextract(config, args.since)
    print(f"re-extracted {done.changed + done.unchanged + done.failed} of {done.articles} articles: "
          f"{done.changed} changed, {done.unchanged} unchanged, {done.failed} failed; "
          f"{done.without_html} had no kept HTML, {len(done.unreadable)} unreadable")
    if done.resumed:
        print(f"resumed an interrupted reextract: {done.resumed} articles it had done were not done again")
    for page, why in done.unreadable:
        print(f"skipped  {page}  (unreadable kept HTML: {why})")
    return 0


def list_named_queries(directory: Path) -> QueryResult:
    rows = [(q.name, q.title, queries.describe_params(q)) for q in queries.list_queries(directory)]
    return QueryResult(["name", "title", "parameters"], rows)


def cmd_export(args: argparse.Namespace) -> int:
    if not args.out_dir.strip():  # Path("") is the working directory: a quoting slip would write there
        raise InputError("export: give a folder to write into (DIR was empty)")
    config = load_config(args.config)
    zone = time_zone(args.tz or "UTC")  # export's `date` is this zone's day (warehouse/export.py)
    if zone is None:
        return fail(unknown_time_zone(args.tz), EXIT_USAGE)
    if problem := days_in_zone(args, zone):
        return fail(problem, EXIT_USAGE)
    summary = export_articles(Warehouse(config.warehouse_path), Path(args.out_dir), args.format, args.since, zone)
    files = len(summary.files)
    print(f"exported {summary.rows} articles to {summary.target} ({files} file{'s' if files != 1 else ''})")
    return 0
