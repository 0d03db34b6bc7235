"""Regenerate docs/queries.md from a real ingest of a generated site (explicit command only).

    uv run python -m tests.querydocs > docs/queries.md

Builds three outlets with tests/sitefactory.py, each on its own loopback address (an outlet is a host, warehouse/
README.md "Outlets": on one server the three were one outlet), runs two ingests with
`newsflow.runner.run_ingest` (no Prefect; the second after new stories appear), then runs every
named query and view and writes the cookbook with the real output.
"""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newsflow import cli, queries
from newsflow.config import load_config
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, run_read_query, sql_root
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.sitefactory import Site, Story, atom_feed, centcom_story, generated_story, rss_feed

RSS, ATOM = "application/rss+xml", "application/atom+xml"
OUTLETS = ("planet", "gazette", "tageblatt")
EXAMPLE_PARAMS = {"top_stories": ["limit=6"], "busiest_hours": ["tz=Europe/Berlin"], "search_attention": ["unit=week"]}


class SampleSites:
    """Daily Planet and The Gazette (English) and Tageblatt (German) share a wire story."""

    def __init__(self, servers: dict[str, LocalServer]) -> None:
        self.servers = servers
        self.sites = {"planet": Site("Daily Planet"), "gazette": Site("The Gazette"), "tageblatt": Site("Tageblatt")}
        wire = centcom_story()
        self.stories: dict[str, list[Story]] = {
            "planet": [wire, *(generated_story(n) for n in range(1, 5))],
            "gazette": [wire, *(generated_story(n) for n in range(10, 13))],
            "tageblatt": [wire, *(generated_story(n) for n in range(20, 22))],
        }

    def publish(self) -> dict[str, str]:
        for feed, stories in self.stories.items():
            server = self.servers[feed]
            items = [(s.title, server.url(f"/{feed}/{s.slug}"), s.published) for s in stories]
            for story in stories:
                page = self.sites[feed].article_page(story)
                if feed == "tageblatt":
                    page = page.replace(b'<html lang="en">', b'<html lang="de">')
                server.add(f"/{feed}/{story.slug}", Page(page))
            body = atom_feed(feed, items) if feed == "gazette" else rss_feed(feed, items)
            server.add(f"/{feed}/feed", Page(body, ATOM if feed == "gazette" else RSS))
        return ({name: self.servers[name].url(f"/{name}/feed") for name in self.stories}
                | {"defunct": self.servers["planet"].url("/defunct/feed")})

    def add_fresh_stories(self) -> None:
        """New items, published minutes before the second run, so latency means something."""
        now = datetime.now(UTC).replace(microsecond=0)
        for feed, seed, minutes in (("planet", 30, 12), ("planet", 31, 40), ("gazette", 32, 25), ("tageblatt", 33, 90)):
            story = generated_story(seed)
            self.stories[feed].append(Story(story.slug, story.title, story.paragraphs,
                                            now - timedelta(minutes=minutes), story.author))
        self.publish()


def build_sample(folder: Path, servers: dict[str, LocalServer]) -> Path:
    sites = SampleSites(servers)
    config_path = write_config(folder, "", sites.publish())
    config = load_config(config_path)
    asyncio.run(run_ingest(config, "sample-run-1", all_feeds=True))
    sites.add_fresh_stories()
    asyncio.run(run_ingest(config, "sample-run-2", all_feeds=True))
    return config_path


def render(config_path: Path) -> str:
    store = Warehouse(load_config(config_path).warehouse_path)
    directory = sql_root() / "queries"
    named = queries.list_queries(directory)
    lines = [HEADER, "| name | title | parameters |", "|---|---|---|"]
    lines += [f"| [`{q.name}`](#{q.name}) | {q.title} | {queries.describe_params(q)} |" for q in named]
    for query in named:
        lines += ["", f"## {query.name}", "", f"**{query.title}.** {query.description}", ""]
        lines += [param_line(p) for p in query.params]
        assignments = EXAMPLE_PARAMS.get(query.name, [])
        result = run_read_query(store, query.sql, queries.bind_params(query, assignments))
        command = " ".join(["newsflow query", query.name, *(f"--param {a}" for a in assignments)])
        lines += ["", "```", f"$ {command}", cli.format_result(result, "table"), "```"]
    lines += ["", VIEWS_HEADER]
    for view, sql in VIEW_EXAMPLES:
        result = run_read_query(store, sql)
        lines += ["", f"### {view}", "", "```", f'$ newsflow query "{sql}"', cli.format_result(result, "table"), "```"]
    return "\n".join(lines) + "\n"


def param_line(param: queries.QueryParam) -> str:
    help_text = f": {param.help}" if param.help else ""
    return f"- `{param.name}` = `{param.default}` ({param.type_name}){help_text}"


HEADER = """# Named queries: a cookbook

`newsflow query NAME` runs one of the SQL files in `warehouse/queries/` on a read-only
connection; `newsflow query --list` lists them with their parameters. Each file starts with a
header (`-- title:`, `-- description:`, `-- param: name = default (help)`, `-- columns:`); a
parameter's type is its default's (int, float, date or string) and `--param key=value` overrides
it. Plain SQL keeps working: `newsflow query "SELECT ..."`. To add a query, drop a `.sql` file with
that header into `warehouse/queries/`; `tests/test_queries.py` runs every one of them.

```sh
newsflow query top_stories --param days=3 --param limit=10
newsflow query busiest_hours --param tz=Europe/Berlin --format csv
```

## What a query may do

`newsflow query` is read-only because DuckDB makes it so, not because a filter guesses
(`src/newsflow/warehouse/sandbox.py`, tested by `tests/test_query_sandbox.py`):

- **One statement, and only a SELECT.** DuckDB's own parser splits the text; more than one
  statement, or an empty or comment-only text, is refused. The one statement must be a SELECT,
  which covers `WITH`, `FROM`-first, `VALUES`, `SHOW`, `DESCRIBE` and `SUMMARIZE`. COPY, ATTACH,
  INSTALL, LOAD, PREPARE, EXECUTE, SET, PRAGMA, CALL, EXPLAIN, PIVOT and every write are refused
  before anything runs. The statement DuckDB parsed is the one executed, so comments (nested
  or not) and case change nothing.
- **A locked-down connection.** The warehouse is opened read-only, then
  `enable_external_access = false` (no file, no network), extension auto-install and auto-load
  off, community extensions off, and `lock_configuration = true`, so no statement can undo any
  of it. Time zones (ICU), JSON and Parquet are built in and keep working.
- **Local files: none, unless you allow a folder.** Analysts want to join a CSV, so
  `--allow-read DIR` (repeatable) lets a query read files under DIR, and nothing else; it
  maps to DuckDB's `allowed_directories`. DuckDB would let COPY write there too, which is why
  only a SELECT runs.
- **At most 1,000,000 rows.** A query that returns more (`SELECT * FROM range(1e11)`, pasted from
  elsewhere, filled memory) is stopped there and refused with one line, exit 2: add a LIMIT or an
  aggregate, or use `newsflow export` or the duckdb CLI for bulk copies.

```sh
newsflow query --allow-read data \\
  "SELECT o.country, count(*) FROM articles JOIN read_csv('data/outlets.csv') o USING (sitename) GROUP BY ALL"
```

A parameter given twice (`--param site=reuters.com --param site=apnews.com`) is refused in one line naming both
values, exit 2: a named query takes one value a parameter, and before "Analyst 49" (docs/search.md) the last one won
silently, so an analyst asking for two outlets got one. `newsflow search --site a --site b` takes several, and
`search_attention`'s `site` takes several as one value, comma-separated (`--param site=reuters.com,apnews.com`:
either of them; "Analyst 50"), which the refusal of a second `--param site` says; so do its `feed` and `language`
(`--param language=en,de`), and a value of commas alone (`site=,`, once read as every site) is refused ("Analyst
51"). A date parameter takes what `newsflow search --since` takes: a date, or `today`, `yesterday`, `7d`, `2w`
(days or weeks ago) in the query's `tz` parameter (UTC in a query without one), said on stderr (`--param since=7d is
2026-11-30 in UTC`); `newsflow stories --since` and `export --since` take them too.
A duration (`stories`' `spread`) is written as its seconds, a number, in `--format csv` and `json`
(`172800` for two days; divide by 86400 for days in a spreadsheet), and as `2 days, 0:00:00` in the table.
`--format spreadsheet` is CSV for a spreadsheet opened by double-click ("Analyst 50", docs/search.md): it starts
with UTF-8's byte-order mark, without which Excel on Windows reads the file in its ANSI code page (`HÃ  Ná»™i`), and
writes a time with an offset as its wall clock alone (`2026-12-04 10:00:00`, in the zone it came in: UTC for SQL,
`--tz`'s for `newsflow search`), which Excel and LibreOffice Calc read as a date and time where
`2026-12-04 10:00:00+00:00` is text to both. DuckDB's `read_csv` reads it back (the mark skipped, the times as
TIMESTAMP), and so does Python's csv opened with `encoding="utf-8-sig"`; with `utf-8` the first column's name would
start with the mark (U+FEFF), which is why `--format csv` stays as it was for scripts. It is UTF-8 whatever stdout's
encoding (a Windows stdout redirected to a file is cp1252), and text a spreadsheet would run as a formula gets a
leading `'`, as in `--format csv`.
Refusals, SQL errors and parameters DuckDB refuses (`--param limit=-1`) exit 2 with one line;
exit 3 is kept for a warehouse that cannot be opened. `newsflow query ... | head` stops quietly.
Output sent to a file on a full disk (`> out.csv`) is one line naming stdout and saying to free space
or send it to another disk, exit 1 (the rest of the output is dropped).
`--format json` writes NaN and infinities as null: JSON has no such numbers, and jq refuses `NaN`.

A *source* (an outlet, a site) is the host of the page's canonical URL less `www.`, and less a mobile or AMP
edition's `m.`, `mobile.` or `amp.` (since migration 0106: `m.bbc.co.uk` is `bbc.co.uk`; `m.example`, a name of its
own, stays whole, and since 0107 so do `m.co.uk`, `amp.com.au`, `m.blogspot.com`: a fold never leaves a public
suffix), in every query and view (warehouse/README.md, "Outlets"): `news.bbc.co.uk` and `bbc.co.uk` are
two, and `--site bbc.co.uk` takes both. An IPv6 host is written compressed (`2001:db8::1`), and an AMP cache's copy
(`https://www-example-com.cdn.ampproject.org/c/s/www.example.com/x`) is stored under the publisher's URL, so its
outlet is the publisher's (docs/urls.md; "Analyst 54").
Before migration 0104 most queries took the page's sitename, else the host, and counted one outlet twice where some
of its pages gave no sitename (docs/search.md, "Analyst 52"); `articles.sitename` is still there to join by name.
The output below is real:
it comes from two ingests of a generated site, three outlets sharing one wire story and one
feed that 404s (regenerate with `uv run python -m tests.querydocs > docs/queries.md`). The second
ingest found four stories published minutes earlier; everything else was backlog from the first
poll, published weeks before it, which is why latencies are long. Note that the four fresh
articles' pages dated them to the day only (htmldate returns midnight for a date of today), so
their `ingest_latency` counts from midnight; `feed_health` measures from the feeds' own dates.
"""

VIEWS_HEADER = """## Views

The views in `warehouse/views/` are documented column by column in
[warehouse/README.md](../warehouse/README.md#views)."""

VIEW_EXAMPLES = (
    ("feed_health", "SELECT feed_id, polls_7d, success_rate_7d, last_new_item_at, median_items_per_day_30d, "
                    "median_latency_s FROM feed_health"),
    ("daily_volume", "SELECT * FROM daily_volume LIMIT 6"),
    ("articles_latest", "SELECT source, sitename, title, published_at, ingest_latency FROM articles_latest LIMIT 5"),
)


def main() -> None:
    servers = {outlet: LocalServer(f"127.0.0.{number}") for number, outlet in enumerate(OUTLETS, start=1)}
    try:
        with tempfile.TemporaryDirectory(prefix="newsflow-querydocs-") as folder:
            print(render(build_sample(Path(folder), servers)), end="")
    finally:
        for server in servers.values():
            server.close()


if __name__ == "__main__":
    main()
