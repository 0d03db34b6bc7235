"""Local 19: a feed reader's OPML imported into a config, and a full disk as a command starts
(docs/security.md, "Local 19").

Each test failed on the code before its fix. In-process (`cli.main`), real files in a tmp folder,
a real tmpfs for the full disk.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import resource
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import duckdb
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsflow import cli
from newsflow.cli_run import check_warehouse_writable
from newsflow.config import load_config
from newsflow.errors import WarehouseError
from newsflow.runlock import holding_the_service_lock
from newsflow.urls import feed_key
from newsflow.warehouse import Warehouse, compat, sql_root
from tests.hostile.fulldisk import fill, tmpfs

CONFIG = '[warehouse]\npath = "news.duckdb"\n\n[[feeds]]\nname = "planet"\nurl = "https://planet.example/rss.xml"\n'


def _import(folder: Path, outlines: list[tuple[str, str]]) -> tuple[int, list[str], str]:
    """`newsflow feeds import` of an OPML with these (title, xmlUrl) outlines: exit code, stdout lines, stderr."""
    config_path, opml_path = folder / "newsflow.toml", folder / "in.opml"
    if not config_path.exists():
        config_path.write_text(CONFIG, encoding="utf-8")
    body = "".join(f'<outline type="rss" text="{_attr(title)}" xmlUrl="{_attr(url)}"/>' for title, url in outlines)
    opml_path.write_text(f'<?xml version="1.0"?><opml version="2.0"><body>{body}</body></opml>', encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = cli.main(["feeds", "import", str(opml_path), "--config", str(config_path)])
    return code, out.getvalue().splitlines(), err.getvalue()


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace("\n", "&#10;")


def test_two_feeds_of_one_title_that_is_a_valid_name_are_both_imported(tmp_path: Path) -> None:
    """Feed readers title many feeds `News` or `RSS`. Before: the second such outline was skipped, `a feed
    named 'News' is already configured`, naming the first feed of the same import: a feed lost, where
    `Top Stories` (a title that is not a valid name, slugified) got `top-stories-2`."""
    code, lines, _ = _import(tmp_path, [("News", "https://a.example/feed"), ("News", "https://b.example/feed"),
                                        ("planet", "https://c.example/feed")])
    assert code == 0, lines
    feeds = {f.name: f.url for f in load_config(tmp_path / "newsflow.toml").feeds}
    assert feeds["News"] == "https://a.example/feed" and feeds["News-2"] == "https://b.example/feed"
    assert "https://c.example/feed" not in feeds.values(), "a title that is a configured name is still that feed"
    assert any("a feed named 'planet' is already configured" in line for line in lines)


def test_a_feed_spelt_with_a_trailing_slash_or_other_case_is_skipped_naming_its_twin(tmp_path: Path) -> None:
    """Before: `https://planet.example/rss.xml/` and `…/RSS.xml` were added beside the configured feed, and
    the config then warned of each pair at every run (`differ only in a trailing slash or letter case`)."""
    code, lines, _ = _import(tmp_path, [("P1", "https://planet.example/rss.xml/"), ("P2", "https://planet.example/RSS.xml"),
                                        ("N1", "https://n.example/feed"), ("N2", "https://n.example/Feed/")])
    assert code == 0
    config = load_config(tmp_path / "newsflow.toml")
    assert [f.url for f in config.feeds] == ["https://planet.example/rss.xml", "https://n.example/feed"]
    assert config.warnings == ()
    skipped = [line for line in lines if line.startswith("skipped")]
    assert len(skipped) == 3 and all("only in a trailing slash or letter case" in line for line in skipped)
    assert "feed 'planet' (https://planet.example/rss.xml)" in skipped[0] and "feed 'N1'" in skipped[2]


def test_a_feed_url_with_credentials_is_imported_without_them(tmp_path: Path) -> None:
    """newsflow never sends a URL's `user:password@` (docs/security.md, red team 15). Before, import wrote
    it into the config (which then warned at every run to remove it) and printed it on the `added` line."""
    code, lines, _ = _import(tmp_path, [("Private", "https://joe:s3cret@private.example/feed")])
    assert code == 0
    text = (tmp_path / "newsflow.toml").read_text(encoding="utf-8")
    assert "s3cret" not in text and "s3cret" not in "\n".join(lines)
    config = load_config(tmp_path / "newsflow.toml")
    assert config.feeds[-1].url == "https://private.example/feed" and config.warnings == ()
    assert "user:password@ left out" in lines[0]


def test_one_outline_with_an_overlong_url_is_skipped_and_the_others_are_imported(tmp_path: Path) -> None:
    """Before: the config check refused the whole import (exit 2, `the imported feeds would make … invalid`),
    so one outline of 9,000 characters cost every other feed of the OPML. A URL with a line end is shown
    quoted, on its one line (it split the `skipped` line in two)."""
    long_url = "https://long.example/" + "x" * 9000
    code, lines, err = _import(tmp_path, [("ok", "https://ok.example/feed"), ("long", long_url),
                                          ("split", "https://split.example/fe\ned")])
    assert code == 0, err
    assert [f.name for f in load_config(tmp_path / "newsflow.toml").feeds] == ["planet", "ok"]
    assert len(lines) == 4 and "longer than a feed URL may be" in lines[1] and len(lines[1]) < 400
    assert "'https://split.example/fe\\ned'" in lines[2]


def test_a_twin_spelt_with_an_invisible_character_is_skipped_not_refusing_the_import(tmp_path: Path) -> None:
    """Review: the config is written without a URL's non-printable characters (a zero-width space, U+2028,
    a soft hyphen pasted with a link), but the twin check read them. Before: `…/rss.xml<ZWSP>` was added
    beside the configured `…/rss.xml`, and the written config then refused the whole import (exit 2)."""
    code, lines, err = _import(tmp_path, [("ok", "https://ok.example/feed"), ("p", "https://planet.example/rss.xml\u200b"),
                                          ("ok2", "https://ok.example/feed\u2028")])
    assert code == 0, err
    assert [f.url for f in load_config(tmp_path / "newsflow.toml").feeds] == [
        "https://planet.example/rss.xml", "https://ok.example/feed"]
    assert lines[0] == "added    ok  https://ok.example/feed" and "already configured" in lines[1] + lines[2]


def loose_key(url: str) -> str:
    """One feed's spellings: the canonical URL, its path without trailing slashes and in lower case."""
    parts = urlsplit(feed_key(url))
    return urlunsplit(parts._replace(path=parts.path.rstrip("/").lower()))


TITLES = st.sampled_from(["News", "RSS", "news", "Top Stories", "", "A"])  # "planet", the configured name, is skipped
URLS = st.builds(
    lambda user, host, path, tail: f"https://{user}{host}.example/{path}{tail}",
    st.sampled_from(["", "", "joe:pw@"]), st.sampled_from(["a", "b", "planet", "A"]),
    st.sampled_from(["feed", "Feed", "rss.xml", "RSS.xml", ""]), st.sampled_from(["", "/", "#top", "?utm_source=x"]),
)


@settings(max_examples=15, deadline=None)
@given(outlines=st.lists(st.tuples(TITLES, URLS), max_size=8))
def test_every_outline_is_added_once_or_skipped_and_the_config_warns_of_nothing(
        outlines: list[tuple[str, str]]) -> None:
    """Titles, twin spellings and credentials together: each outline is one line, added or skipped; each
    feed (one loose spelling) is configured once; no credentials are written; the config loads silently."""
    with tempfile.TemporaryDirectory() as folder:
        code, lines, err = _import(Path(folder), outlines)
        text = (Path(folder) / "newsflow.toml").read_text(encoding="utf-8")
        config = load_config(Path(folder) / "newsflow.toml")
    assert code == 0, err
    assert len(lines) == len(outlines) + 1 and all(line.startswith(("added", "skipped")) for line in lines[:-1])
    assert "joe:pw@" not in text and config.warnings == ()
    wanted = {loose_key(url.replace("joe:pw@", "")) for _, url in outlines} | {loose_key(config.feeds[0].url)}
    assert sorted(loose_key(f.url) for f in config.feeds) == sorted(wanted)
    assert all(urlsplit(f.url).username is None for f in config.feeds)


@pytest.fixture(scope="module")
def new_warehouse(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("made") / "news.duckdb"
    with Warehouse(path).writing():
        pass
    return path


@pytest.fixture
def full_disk(tmp_path: Path, new_warehouse: Path) -> Iterator[Path]:
    """A 4 MiB tmpfs holding a warehouse and a config, then filled to its last byte: a config for it."""
    with tmpfs(tmp_path / "disk", "size=4m") as folder:
        shutil.copy(new_warehouse, folder / "news.duckdb")
        (folder / "newsflow.toml").write_text(CONFIG, encoding="utf-8")
        fill(folder / "filler")
        yield folder / "newsflow.toml"


@pytest.mark.parametrize("command", [["reextract"], ["search", "x", "--reindex"], ["spool-convert"]])
def test_a_full_disk_as_a_writing_command_takes_its_lock_is_one_line_exit_3(
        full_disk: Path, command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    """The warehouse's disk full before a command writes a byte (its lock file says who holds it). Before:
    the lock's buffered write failed at its flush and again as it closed: `newsflow: No space left on
    device`, exit 1 (README: 3), naming no file. `newsflow run` takes the same lock (`check_warehouse_writable`)."""
    warehouse = full_disk.parent / "news.duckdb"
    before = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    assert cli.main([*command, "--config", str(full_disk)]) == 3
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left on device; is the disk full?" in err, err
    assert f"cannot write the lock {warehouse}.run.lock" in err
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == before
    (full_disk.parent / "filler").unlink()
    if command == ["reextract"]:
        assert cli.main([*command, "--config", str(full_disk)]) == 0, "the lock left behind holds nothing back"


def test_a_file_size_limit_as_a_writing_command_takes_its_lock_is_one_line_exit_3(
        new_warehouse: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Review: the lock fix without root (the tmpfs tests skip then). `ulimit -f 0` (RLIMIT_FSIZE; Python
    ignores SIGXFSZ) makes the holder's write fail with EFBIG, which `write_holder` takes for a full disk.
    Before: `newsflow: File too large`, exit 1."""
    shutil.copy(new_warehouse, tmp_path / "news.duckdb")
    (tmp_path / "newsflow.toml").write_text(CONFIG, encoding="utf-8")
    soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (0, hard))
    try:
        code = cli.main(["reextract", "--config", str(tmp_path / "newsflow.toml")])
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
    err = capsys.readouterr().err
    assert code == 3 and err.count("\n") == 1, err
    # local 20: a file size limit is said as one, not as a full disk (before: `File too large; is the disk full?`)
    assert (f"cannot write the lock {tmp_path / 'news.duckdb'}.run.lock: File too large; is a file size limit set "
            "for this process (`ulimit -f`)") in err and "disk full" not in err and "raise the limit" in err


def test_a_full_disk_as_newsflow_serve_takes_its_service_lock_is_one_line(full_disk: Path) -> None:
    """`newsflow serve` holds `<warehouse>.serve.lock` for its life (newsflow.runlock); its write failed
    the same way (exit 1, a bare errno line). Called directly: the command's import of Prefect costs 6 s."""
    warehouse = full_disk.parent / "news.duckdb"
    with pytest.raises(WarehouseError) as refused, holding_the_service_lock(warehouse):
        pass
    assert str(refused.value).startswith(f"cannot write the lock {warehouse}.serve.lock: No space left on device")
    assert "is the disk full?" in str(refused.value)


def test_a_first_run_on_a_full_disk_says_what_to_do_and_the_next_one_makes_the_warehouse(full_disk: Path) -> None:
    """No warehouse yet, a lock file an earlier command left (so the lock is written), the disk full: DuckDB
    cannot write the new file's header. Before: `cannot open …: IO Error: Could not write file …: No space
    left on device`, saying nothing of what to do. The empty file it leaves is made anew once there is room."""
    warehouse = full_disk.parent / "news.duckdb"
    warehouse.unlink()
    Path(f"{warehouse}.run.lock").write_text("1 run", encoding="utf-8")  # its block is the lock's to rewrite
    fill(full_disk.parent / "filler")
    config = load_config(full_disk)
    with pytest.raises(WarehouseError) as refused:
        check_warehouse_writable(config)
    assert "No space left on device; is the disk full? Nothing was done: free space there" in str(refused.value)
    (full_disk.parent / "filler").unlink()
    check_warehouse_writable(config)
    with Warehouse(warehouse).reading() as con:
        assert con.execute("SELECT count(*) FROM schema_migrations").fetchall() != [(0,)]


def _behind(path: Path, missing: int) -> None:
    """A warehouse as a newsflow `missing` migrations older left it (today's files, the last ones not run)."""
    migrations = sorted((sql_root() / "migrations").glob("[0-9][0-9][0-9][0-9]_*.sql"))
    con = duckdb.connect(str(path), config=compat.connect_config())
    con.execute("CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, "
                "applied_at TIMESTAMPTZ NOT NULL)")
    con.execute("CREATE TABLE schema_views (sha256 VARCHAR NOT NULL)")
    for migration in migrations[:-missing]:
        con.execute(migration.read_text(encoding="utf-8"))
        con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [int(migration.name[:4]), migration.stem])
    con.close()


def test_a_full_disk_during_an_upgrades_migrations_says_so_and_the_next_run_finishes_them(full_disk: Path) -> None:
    """newsflow upgraded, its first run migrates the warehouse, and the disk fills. Before: `cannot write …
    Is the disk full? Nothing of this load was stored; what the run fetched stays pending`: no load had
    started, and nothing said the upgrade was cut short or that the next run finishes it."""
    warehouse = full_disk.parent / "news.duckdb"
    warehouse.unlink()
    _behind(warehouse, 6)
    Path(f"{warehouse}.run.lock").write_text("1 run", encoding="utf-8")
    fill(full_disk.parent / "filler")
    config = load_config(full_disk)
    with pytest.raises(WarehouseError) as refused:
        check_warehouse_writable(config)
    message = str(refused.value)
    assert "Is the disk full?" in message and "migrat" in message and "load" not in message, message
    (full_disk.parent / "filler").unlink()
    check_warehouse_writable(config)
    with Warehouse(warehouse).reading() as con:
        assert con.execute("SELECT count(*) FROM schema_migrations").fetchall() == [(len(list(
            (sql_root() / "migrations").glob("[0-9][0-9][0-9][0-9]_*.sql"))),)]
