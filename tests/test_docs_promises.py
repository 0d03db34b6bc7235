"""The promises README.md, docs/queries.md and config/newsflow.toml make hold, checked against the code.

Each test reads the doc and compares what it says with what the program does, so an edit to one
without the other fails: the settings table and the commented config against `config.SETTINGS`,
the Commands table against the CLI's parser, the cookbook and the walkthrough's output headers
against the queries as they run, and `$NEWSFLOW_CONFIG` through the real CLI.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import shlex
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

from newsflow import PROJECT_URL, __version__, cli, queries, search
from newsflow.config import SETTINGS, Setting, load_config
from newsflow.errors import ConfigError
from newsflow.runner import run_ingest
from newsflow.warehouse import Warehouse, feed_health, run_read_query, sql_root
from tests import querydocs
from tests.conftest import write_config
from tests.localserver import LocalServer, Page
from tests.searchsample import Doc, store_docs
from tests.sitefactory import rss_feed

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
CONFIG_TEXT = (ROOT / "config" / "newsflow.toml").read_text(encoding="utf-8")
SEARCH_DOCS = [
    Doc("wire1", "US air strikes in Syria", "Air strikes hit targets in eastern Syria overnight.", days_ago=6),
    Doc("wire2", "Air strikes in Syria", "Air strikes hit targets in eastern Syria overnight.", site="gazette.example",
        days_ago=6, story="wire1", feed="gazette"),
    Doc("raid", "Raids on the border", "Special forces raids near the Syria border.", days_ago=1),
]
QUERIES_MD = (ROOT / "docs" / "queries.md").read_text(encoding="utf-8")


def setting_default_as_documented(setting: Setting) -> Any:
    """The default as the docs show it: the User-Agent as its template, the rest as they are."""
    if setting.dotted == "fetch.user_agent":
        return "newsflow/<version> (+<project url>)"
    return setting.default


def test_the_user_agent_template_is_the_real_default() -> None:
    user_agent = next(s for s in SETTINGS if s.dotted == "fetch.user_agent")
    template = setting_default_as_documented(user_agent)
    assert template.replace("<version>", __version__).replace("<project url>", PROJECT_URL) == user_agent.default


# --- config/newsflow.toml: every key, in its section, with its default and a comment ----------------------

def config_lines_by_section(text: str) -> dict[str, list[str]]:
    sections: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        header = re.match(r"^\[([a-z_]+)\]", line)
        if header:
            current = header.group(1)
        elif line.startswith("[[feeds]]"):
            current = "feeds"
        else:
            sections.setdefault(current, []).append(line)
    return sections


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.dotted)
def test_config_file_shows_the_key_in_its_section_with_its_default_and_a_comment(setting: Setting) -> None:
    lines = config_lines_by_section(CONFIG_TEXT).get(setting.section, [])
    found = [line for line in lines if re.match(rf"^(# )?{setting.key} *=", line)]
    assert len(found) == 1, f"{setting.dotted}: expected one line in [{setting.section}] of config/newsflow.toml"
    line = found[0].removeprefix("# ")
    assert tomllib.loads(line)[setting.key] == setting_default_as_documented(setting), (
        f"{setting.dotted}: config/newsflow.toml shows {line!r}, the default is {setting.default!r}")
    value_and_comment = line.split("=", 1)[1]
    assert re.search(r"\S\s+# \S", value_and_comment), f"{setting.dotted} has no comment in config/newsflow.toml"


def test_config_file_sets_no_key_that_is_not_a_setting() -> None:
    known = {s.dotted for s in SETTINGS}
    parsed = tomllib.loads(CONFIG_TEXT)
    set_keys = {f"{section}.{key}" for section, table in parsed.items() if section != "feeds" for key in table}
    assert set_keys <= known
    commented = {f"{section}.{m.group(1)}" for section, lines in config_lines_by_section(CONFIG_TEXT).items()
                 for line in lines if (m := re.match(r"^# ([a-z_]+) =", line))}
    assert commented <= known, f"commented-out keys that are no setting: {sorted(commented - known)}"


# --- README's settings table: exactly the settings, with their defaults ---------------------------------

def readme_settings() -> dict[str, str]:
    rows = re.findall(r"^\| `([a-z_]+\.[a-z_]+)` \| `([^`]*)` \|", README, flags=re.MULTILINE)
    return dict(rows)


def test_readme_settings_table_lists_exactly_the_settings() -> None:
    documented = readme_settings()
    assert sorted(documented) == sorted(s.dotted for s in SETTINGS)


@pytest.mark.parametrize("setting", SETTINGS, ids=lambda s: s.dotted)
def test_readme_settings_table_gives_the_real_default(setting: Setting) -> None:
    shown = readme_settings()[setting.dotted]
    assert tomllib.loads(f"v = {shown}")["v"] == setting_default_as_documented(setting), (
        f"README gives {setting.dotted} the default {shown}, the code {setting.default!r}")


# --- README's Commands table against the CLI's parser -----------------------------------------------------

def subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return dict(action.choices)
    return {}


def documented_commands() -> dict[tuple[str, ...], set[str]]:
    """Command path -> options its rows of README's Commands table show."""
    section = README.split("## Commands", 1)[1].split("### Exit codes", 1)[0]
    documented: dict[tuple[str, ...], set[str]] = {}
    for usage in re.findall(r"^\| `newsflow ([^`]*)` \|", section, flags=re.MULTILINE):
        parser, path = cli.build_parser(), list[str]()
        for word in usage.split():
            if word not in subcommands(parser):
                break
            parser, path = subcommands(parser)[word], [*path, word]
        documented.setdefault(tuple(path), set()).update(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", usage))
    return documented


def parser_at(path: tuple[str, ...]) -> argparse.ArgumentParser:
    parser = cli.build_parser()
    for word in path:
        parser = subcommands(parser)[word]
    return parser


def test_readme_commands_table_has_a_row_for_every_command() -> None:
    parser = cli.build_parser()
    every: set[tuple[str, ...]] = {(name,) for name in subcommands(parser)}
    every |= {("feeds", name) for name in subcommands(subcommands(parser)["feeds"])}
    assert set(documented_commands()) == every


@pytest.mark.parametrize("path", sorted(documented_commands()), ids=" ".join)
def test_readme_commands_table_shows_exactly_the_options_each_command_takes(path: tuple[str, ...]) -> None:
    # `--config PATH` is documented once, above the table, for every command.
    shown = documented_commands()[path]
    actions = [a for a in parser_at(path)._actions if a.option_strings and a.dest not in ("help", "config")]
    accepted = {option for action in actions for option in action.option_strings}
    assert shown - {"--config"} <= accepted, f"newsflow {' '.join(path)} takes no {sorted(shown - accepted)}"
    undocumented = [a.option_strings[-1] for a in actions if not shown & set(a.option_strings)]
    assert not undocumented, f"README's Commands table omits newsflow {' '.join(path)} {undocumented}"


# --- $NEWSFLOW_CONFIG, through the real CLI ---------------------------------------------------------------

def test_newsflow_config_env_var_is_the_config_when_no_config_is_given(tmp_path: Path) -> None:
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"only-feed": "/feed.xml"})
    store = Warehouse(tmp_path / "warehouse" / "news.duckdb")
    with store.writing():
        pass
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"} | {"NEWSFLOW_CONFIG": str(config_path)}
    done = subprocess.run([sys.executable, "-m", "newsflow", "feeds"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "only-feed" in done.stdout and "bbc-world" not in done.stdout


# --- docs/queries.md against warehouse/queries/ and what each query returns -------------------------------

@pytest.fixture(scope="module")
def empty_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    store = Warehouse(tmp_path_factory.mktemp("docs") / "news.duckdb")
    with store.writing():
        pass
    return store


def output_header(doc: str, command: str) -> list[str]:
    """The column names of the output printed under `$ <command>` in a doc."""
    after = doc.split(f"$ {command}\n", 1)[1]
    return after.split("\n", 1)[0].split()


def test_queries_md_is_what_querydocs_writes_for_the_shipped_queries() -> None:
    """Its text before the outputs: the header, the index, each query's title, description and parameters."""
    assert QUERIES_MD.startswith(querydocs.HEADER)
    named = queries.list_queries(sql_root() / "queries")
    for query in named:
        row = f"| [`{query.name}`](#{query.name}) | {query.title} | {queries.describe_params(query)} |"
        assert row in QUERIES_MD, f"docs/queries.md index lacks or misstates {query.name}"
        section = QUERIES_MD.split(f"\n## {query.name}\n", 1)[1].split("\n## ", 1)[0]
        assert f"**{query.title}.** {query.description}" in section
        for param in query.params:
            assert querydocs.param_line(param) in section
    sections = set(re.findall(r"^## ([a-z_]+)$", QUERIES_MD, flags=re.MULTILINE))
    assert sections == {q.name for q in named}, "docs/queries.md has a section for a query that does not exist"


@pytest.mark.parametrize("name", [q.name for q in queries.list_queries(sql_root() / "queries")])
def test_queries_md_output_has_the_columns_the_query_returns(empty_warehouse: Warehouse, name: str) -> None:
    query = queries.load_query(sql_root() / "queries", name)
    assignments = querydocs.EXAMPLE_PARAMS.get(name, [])
    command = " ".join(["newsflow query", name, *(f"--param {a}" for a in assignments)])
    result = run_read_query(empty_warehouse, query.sql, queries.bind_params(query, assignments))
    assert output_header(QUERIES_MD, command) == result.columns


@pytest.mark.parametrize(("view", "sql"), querydocs.VIEW_EXAMPLES, ids=[v for v, _ in querydocs.VIEW_EXAMPLES])
def test_queries_md_view_outputs_have_the_columns_the_views_return(
    empty_warehouse: Warehouse, view: str, sql: str
) -> None:
    assert output_header(QUERIES_MD, f'newsflow query "{sql}"') == run_read_query(empty_warehouse, sql).columns


# --- README's walkthrough: the output it shows has the columns the commands print -------------------------

def test_readme_walkthrough_outputs_have_the_real_columns(empty_warehouse: Warehouse) -> None:
    sql = "SELECT sitename, language, word_count, title FROM articles ORDER BY word_count DESC LIMIT 5"
    assert output_header(README, f'uv run newsflow query "{sql}" --config demo.toml') == \
        run_read_query(empty_warehouse, sql).columns
    language_mix = queries.load_query(sql_root() / "queries", "language_mix")
    assert output_header(README, "uv run newsflow query language_mix --config demo.toml") == \
        run_read_query(empty_warehouse, language_mix.sql, queries.bind_params(language_mix, [])).columns
    assert output_header(README, "uv run newsflow feeds --config demo.toml") == \
        feed_health(empty_warehouse, ["replay-0"]).columns


# --- every command line the docs show is one the CLI accepts ----------------------------------------------

DOCS_WITH_COMMANDS = ("README.md", *sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")))


def documented_command_lines() -> list[tuple[str, str]]:
    """(doc, command line) for each `newsflow ...` line of a ```sh block or `$ newsflow ...` of an output block."""
    found = []
    for name in DOCS_WITH_COMMANDS:
        text = (ROOT / name).read_text(encoding="utf-8")
        for language, block in re.findall(r"```(sh|)\n(.*?)```", text, flags=re.DOTALL):
            for line in block.replace("\\\n", " ").splitlines():
                if language == "" and not line.startswith("$ "):
                    continue  # a command's output
                command = re.sub(r"^(\$ )?(uv run )?", "", line.strip())
                if command.startswith("newsflow "):
                    found.append((name, command))
    return found


@pytest.mark.parametrize(("doc", "line"), documented_command_lines())
def test_every_newsflow_command_line_in_the_docs_parses(doc: str, line: str) -> None:
    words = shlex.split(line, comments=True)[1:]
    try:
        cli.build_parser().parse_args(words)
    except SystemExit as refused:
        pytest.fail(f"{doc}: `{line}` is refused by the CLI (exit {refused.code})")


def test_the_docs_show_command_lines_at_all() -> None:
    assert len(documented_command_lines()) >= 35


# --- docs/search.md: the columns `newsflow search` and `search_articles` return --------------------------

SEARCH_MD = (ROOT / "docs" / "search.md").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def search_config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("search")
    store = store_docs(folder / "warehouse" / "news.duckdb", SEARCH_DOCS)
    with store.writing() as con:
        search.update_index(con)
    return write_config(folder, "http://127.0.0.1:9", {"planet": "/feed.xml"})


def search_json(config: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    capsys.readouterr()
    assert cli.main(["search", *args, "--format", "json", "--config", str(config)]) == 0
    rows: list[dict[str, Any]] = json.loads(capsys.readouterr().out)
    assert rows, f"newsflow search {args} found nothing in the sample"
    return rows


def test_search_prints_the_columns_docs_search_md_lists(
    search_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    section = SEARCH_MD.split("## What comes back", 1)[1].split("\n\n`--since`", 1)[0]
    documented = re.findall(r"^\| `([a-z_]+)` \|", section, flags=re.MULTILINE)
    assert list(search_json(search_config, "syria", capsys=capsys)[0]) == documented


def test_search_by_day_is_zero_filled_with_stories_and_articles(
    search_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = search_json(search_config, "syria", "--by", "day", capsys=capsys)
    assert {"stories", "articles"} <= set(rows[0])
    assert len(rows) >= 4 and any(row["stories"] == 0 and row["articles"] == 0 for row in rows)


def test_search_articles_returns_the_columns_the_docs_list(search_config: Path) -> None:
    store = Warehouse(search_config.parent / "warehouse" / "news.duckdb")
    comment = re.search(r"-- matching articles, best first: ([a-z_, ]+)\n", SEARCH_MD)
    assert comment is not None
    documented = comment.group(1).split(", ")
    assert run_read_query(store, "SELECT * FROM search_articles('syria')").columns == documented
    dictionary = (ROOT / "warehouse" / "README.md").read_text(encoding="utf-8")
    row = dictionary.split("| `search_articles('query')` |", 1)[1].split("\n", 1)[0]
    assert re.findall(r"`([a-z_]+)`", row.split(". Same syntax", 1)[0]) == documented


# --- README, "Exit codes": 3 for "no warehouse yet", one line, and nothing created -------------------------

NO_WAREHOUSE_COMMANDS = [
    pytest.param(["query", "SELECT 1"], id="query"),
    pytest.param(["stories"], id="stories"),
    pytest.param(["search", "syria"], id="search"),
    pytest.param(["export", "{folder}/out"], id="export"),
    pytest.param(["reextract"], id="reextract"),  # made an empty warehouse and said "0 of 0", exit 0, before
]


@pytest.mark.parametrize("command", NO_WAREHOUSE_COMMANDS)
def test_a_command_on_a_warehouse_not_made_yet_exits_3_with_one_line(tmp_path: Path, command: list[str]) -> None:
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"planet": "/feed.xml"})
    warehouse = tmp_path / "warehouse" / "news.duckdb"
    args = [arg.format(folder=tmp_path) for arg in command]
    done = subprocess.run([sys.executable, "-m", "newsflow", *args, "--config", str(config_path)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    expected = f"newsflow: no warehouse at {warehouse} yet; run `newsflow run` first\n"
    assert (done.returncode, done.stderr) == (3, expected)
    assert not warehouse.exists()


def test_newsflow_feeds_validates_a_config_before_any_run(tmp_path: Path) -> None:
    """config/newsflow.toml: "Validate with `newsflow feeds`": it works before the first run, touching nothing."""
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"planet": "/feed.xml"})
    good = subprocess.run([sys.executable, "-m", "newsflow", "feeds", "--config", str(config_path)], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)
    assert good.returncode == 0 and "planet" in good.stdout and "never polled" in good.stdout, good.stderr
    assert not (tmp_path / "warehouse").exists()
    config_path.write_text(config_path.read_text(encoding="utf-8").replace("[polling]", "[poling]"), encoding="utf-8")
    bad = subprocess.run([sys.executable, "-m", "newsflow", "feeds", "--config", str(config_path)], cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1 and "poling" in bad.stderr
    assert "Validate with `newsflow feeds`" in CONFIG_TEXT


# --- README, Configuration: the `[[feeds]]` keys, and `enabled` -------------------------------------------

def readme_feed_block() -> str:
    return README.split("Each feed is a `[[feeds]]` table:\n\n```toml\n", 1)[1].split("```", 1)[0]


def test_readme_feed_block_is_a_valid_feed_with_every_key_a_feed_takes(tmp_path: Path) -> None:
    path = tmp_path / "newsflow.toml"
    path.write_text(readme_feed_block(), encoding="utf-8")
    (feed,) = load_config(path).feeds
    assert (feed.name, feed.tags, feed.enabled) == ("bbc-world", ("world",), True)
    shown = set(tomllib.loads(readme_feed_block())["feeds"][0])
    path.write_text(readme_feed_block().replace("enabled = true", "enabled = true\ncolour = 1"), encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_config(path)
    assert f"expected one of {sorted(shown)}" in str(refused.value), "a feed takes a key the README does not show"


def test_a_disabled_feed_is_polled_only_when_named_with_feed(tmp_path: Path, server: LocalServer) -> None:
    """README: `--all` polls every *enabled* feed; `enabled = false` ... `--feed NAME` runs a disabled feed anyway."""
    for name in ("on", "off"):
        server.add(f"/{name}/feed", Page(rss_feed(name, []), "application/rss+xml"))
    config_path = write_config(tmp_path, server.base_url, {"on": "/on/feed", "off": "/off/feed"})
    config_path.write_text(config_path.read_text(encoding="utf-8") + "enabled = false\n", encoding="utf-8")
    config = load_config(config_path)
    assert [(f.name, f.enabled) for f in config.feeds] == [("on", True), ("off", False)]
    store = Warehouse(config.warehouse_path)

    def polled() -> list[str]:
        return [r[0] for r in run_read_query(store, "SELECT DISTINCT feed_id FROM polls ORDER BY 1").rows]

    asyncio.run(run_ingest(config, "run-all", all_feeds=True))
    asyncio.run(run_ingest(config, "run-due"))
    assert polled() == ["on"]
    asyncio.run(run_ingest(config, "run-named", ["off"]))
    assert polled() == ["off", "on"]


def test_search_by_source_counts_stories_and_articles_per_site(
    search_config: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """docs/search.md: "`--by source` counts the matching stories and articles per site"."""
    rows = search_json(search_config, "syria", "--by", "source", capsys=capsys)
    counts = {next(iter(row.values())): (row["stories"], row["articles"]) for row in rows}
    assert counts == {"planet.example": (2, 2), "gazette.example": (1, 1)}


def test_the_default_config_is_config_newsflow_toml() -> None:
    """README: "`--config PATH` defaults to `config/newsflow.toml`" (from the checkout, as the quick start runs)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PREFECT_API_URL", "NEWSFLOW_CONFIG")}
    done = subprocess.run([sys.executable, "-m", "newsflow", "feeds", "export"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "https://feeds.bbci.co.uk/news/world/rss.xml" in done.stdout


@pytest.mark.parametrize("path", sorted(documented_commands()), ids=" ".join)
def test_an_unknown_option_is_argparse_s_message_on_one_line_exit_2(
    path: tuple[str, ...], capsys: pytest.CaptureFixture[str]
) -> None:
    """README, exit code 2: "an unknown option or a malformed value (argparse's message, on one line)"."""
    positional = {("query",): ["SELECT 1"], ("search",): ["syria"], ("export",): ["out"],
                  ("feeds", "import"): ["f.opml"], ("feeds", "discover"): ["https://example.org/"]}
    with pytest.raises(SystemExit) as exited:  # argparse's exit, as `python -m newsflow` ends with it
        cli.main([*path, *positional.get(path, []), "--no-such-option"])
    err = capsys.readouterr().err
    assert exited.value.code == 2 and err.count("\n") == 1 and "--no-such-option" in err, err
    assert "Traceback" not in err


def documented_queries() -> list[tuple[str, list[str]]]:
    """(doc, words after `newsflow query`) for each query line the docs show, bar those reading a local file."""
    found = []
    for doc, line in documented_command_lines():
        words = shlex.split(line, comments=True)[1:]
        if words[:1] == ["query"] and len(words) > 1 and "--allow-read" not in words and "--list" not in words:
            found.append((doc, words[1:]))
    return found


@pytest.mark.parametrize(("doc", "words"), documented_queries())
def test_every_query_the_docs_show_runs_on_a_fresh_warehouse(
    empty_warehouse: Warehouse, doc: str, words: list[str]
) -> None:
    args = cli.build_parser().parse_args(["query", *words])
    if queries.is_query_name(args.sql):
        query = queries.load_query(sql_root() / "queries", args.sql)
        run_read_query(empty_warehouse, query.sql, queries.bind_params(query, args.param))
    else:
        run_read_query(empty_warehouse, args.sql)


# --- every file the docs point at exists ------------------------------------------------------------------

DOC_FILES = ("README.md", "warehouse/README.md", *sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md")))
PLACEHOLDERS = {"tests/test_x.py", "warehouse/migrations/NNNN_name.sql"}


@pytest.mark.parametrize("doc", DOC_FILES)
def test_every_file_the_doc_names_exists(doc: str) -> None:
    """A path in the docs (`tests/...py`, `newsflow/...py`, `bench/...py`, ...) names a file of the checkout."""
    text = (ROOT / doc).read_text(encoding="utf-8")
    named = set(re.findall(r"(?<![\w/.-])((?:tests|src/newsflow|newsflow|bench|flows|warehouse|config|docs)"
                           r"/[\w/.-]*\.(?:py|sql|md|toml))", text)) - PLACEHOLDERS
    bases = (ROOT, ROOT / "src", ROOT / "src" / "newsflow")
    missing = sorted(path for path in named if not any((base / path).is_file() for base in bases))
    assert not missing, f"{doc} names files that do not exist: {missing}"


def github_anchor(heading: str) -> str:
    """The anchor GitHub gives a heading: lower case, punctuation dropped, spaces made hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors_of(path: Path) -> set[str]:
    text = re.sub(r"```.*?```", "", path.read_text(encoding="utf-8"), flags=re.DOTALL)
    return {github_anchor(h) for h in re.findall(r"^#{1,6} (.+)$", text, flags=re.MULTILINE)}


@pytest.mark.parametrize("doc", DOC_FILES)
def test_every_relative_link_reaches_its_file_and_heading(doc: str) -> None:
    source = ROOT / doc
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", source.read_text(encoding="utf-8")):
        if re.match(r"^[a-z]+:", target):
            continue  # https:, mailto:
        file_part, _, anchor = target.partition("#")
        linked = (source.parent / file_part).resolve() if file_part else source
        if not linked.exists() or (anchor and linked.suffix == ".md" and anchor not in anchors_of(linked)):
            broken.append(target)
    assert not broken, f"{doc} links to what is not there: {broken}"


# --- the figures the docs quote are the code's ------------------------------------------------------------

def test_the_limits_the_docs_quote_are_the_code_s() -> None:
    from newsflow import discover, opml, polling, search_query
    from newsflow import search as search_module
    from newsflow.warehouse import _READ_RETRY_SECONDS, sandbox, search_index

    dictionary = (ROOT / "warehouse" / "README.md").read_text(encoding="utf-8")
    figures = [
        # (the code's value, the figure as the doc writes it, the doc)
        (discover.MAX_CANDIDATES, "at most 24 URLs", README),
        (discover.MAX_PAGE_LINKS, "the page's first 16 feed links", README),
        (len(discover.COMMON_PATHS), "the 7 usual paths", README),
        (opml.MAX_OPML_BYTES // 1_000_000, "over 20 MB is refused", README),
        (sandbox.MAX_QUERY_ROWS, "prints at most 1,000,000 rows", README),
        (sandbox.MAX_QUERY_ROWS, "At most 1,000,000 rows", QUERIES_MD),
        (search_query.MAX_CLAUSES, "at most 63 different ones", SEARCH_MD),
        (search_query.MAX_CLAUSES, "more than 63 words or phrases", dictionary),
        (search_index.MAX_PERIODS, "more than 100,000\nperiods", SEARCH_MD),
        (search_module.BACKLOG_PER_RUN, "caught up 20,000 articles per run", SEARCH_MD),
        (search_module.BACKLOG_PER_RUN, "up to 20,000 more per run", dictionary),
        (polling.RETIRE_AFTER_GONE, "answering 410 Gone three times in a row", dictionary),
        (int(_READ_RETRY_SECONDS), "retries for up to 3 s", dictionary),
    ]
    words = {"three": 3}
    for value, phrase, doc in figures:
        assert phrase in doc, f"the docs no longer say {phrase!r}: update this test with them"
        number = next(token for token in re.findall(r"[\d,]+|three", phrase) if token not in (",", "410"))
        quoted = words.get(number) or int(number.replace(",", ""))
        assert quoted == value, f"{phrase!r}, but the code says {value}"


def test_time_zones_json_and_parquet_work_inside_the_sandbox(empty_warehouse: Warehouse, tmp_path: Path) -> None:
    """docs/queries.md: "Time zones (ICU), JSON and Parquet are built in and keep working" in the locked sandbox."""
    import duckdb

    zoned = run_read_query(empty_warehouse, "SELECT strftime(TIMESTAMPTZ '2026-07-01 12:00:00+00' "
                                            "AT TIME ZONE 'Europe/Berlin', '%H:%M')")
    assert zoned.rows == [("14:00",)]
    assert run_read_query(empty_warehouse, """SELECT json_extract_string('{"a": "b"}', '$.a')""").rows == [("b",)]
    folder = tmp_path / "shared"
    folder.mkdir()
    duckdb.sql(f"COPY (SELECT 'Daily Planet' AS sitename, 'US' AS country) TO '{folder / 'o.parquet'}'")
    sql = f"SELECT country FROM read_parquet('{folder / 'o.parquet'}')"
    assert run_read_query(empty_warehouse, sql, allow_read=[folder]).rows == [("US",)]


def test_the_allow_read_example_works_as_written_with_relative_paths(tmp_path: Path) -> None:
    """docs/queries.md's `--allow-read data` example, run as written from the folder holding data/."""
    (line,) = [line for doc, line in documented_command_lines() if "--allow-read" in line]
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"planet": "/feed.xml"})
    store = store_docs(tmp_path / "warehouse" / "news.duckdb", SEARCH_DOCS)
    with store.writing() as con:
        con.execute("UPDATE articles SET sitename = 'Daily Planet' WHERE article_id <> (SELECT min(article_id) "
                    "FROM articles)")
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "outlets.csv").write_text("sitename,country\nDaily Planet,US\n", encoding="utf-8")
    words = shlex.split(line)[1:]
    done = subprocess.run([sys.executable, "-m", "newsflow", *words, "--config", str(config_path), "--format", "csv"],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1:] == ["US,2"]


def test_the_quick_start_loads_into_warehouse_news_duckdb() -> None:
    """README's quick start: the default config loads the articles into `warehouse/news.duckdb`."""
    assert "loads the articles into `warehouse/news.duckdb`" in README
    assert load_config(ROOT / "config" / "newsflow.toml").warehouse_path == ROOT / "warehouse" / "news.duckdb"
