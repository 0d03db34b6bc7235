"""Local 20: hostile local input (docs/security.md, "Local 20"). Each test failed on the code before its fix."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, Phase, example, given, settings
from hypothesis import strategies as st

from newsflow import cli, opml, warehouse
from newsflow.config import load_config
from newsflow.configtext import ConfigText
from newsflow.text import content_hash
from newsflow.warehouse import Warehouse
from tests.hostile import reextract_child
from tests.localserver import LocalServer
from tests.test_reextract import ingest_site

REPO = Path(__file__).resolve().parents[2]
STORIES, BATCH = 10, 3  # four batches: 3, 3, 3, 1
PHASES = ("start", "before", "inside", "after", "end")


def _reextract_killed_at(config_path: Path, batch: int, phase: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tests.hostile.reextract_child", str(config_path), str(batch), phase],
                          cwd=REPO, capture_output=True, text=True, timeout=300)


def _reextract_to_its_end(config_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """The pass after the kills, in this process (a pass that is not killed needs no process of its own):
    the same `newsflow reextract` and log as the child's, its exit code, stdout and stderr."""
    capsys.readouterr()
    with pytest.MonkeyPatch.context() as patch:
        reextract_child.install(0, "never", patch.setattr)
        code = cli.main(["reextract", "--config", str(config_path)])
    out, err = capsys.readouterr()
    return code, out, err


# CI (`NEWSFLOW_CI=1`) runs the explicit examples alone (2 processes each); a local run adds 3 generated ones (3-6 more)
IN_CI = os.environ.get("NEWSFLOW_CI") == "1"


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
          phases=(Phase.explicit,) if IN_CI else tuple(Phase))
@given(kills=st.lists(st.tuples(st.integers(0, 3), st.sampled_from(PHASES)), min_size=1, max_size=2))
@example(kills=[(1, "after"), (0, "inside")])  # two batches committed, then the resumed pass killed in its first
@example(kills=[(0, "end"), (0, "before")])  # seed 2222 (session 31): the resumed pass has no batch left and ends
def test_a_reextract_killed_anywhere_resumes_losing_nothing_and_doing_nothing_twice(
        kills: list[tuple[int, str]], pristine: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    config_path, saved = pristine
    live = load_config(config_path).warehouse_path.parent
    shutil.rmtree(live)
    shutil.copytree(saved, live)
    passes_ended = 0  # a kill point a resumed pass does not reach lets it finish (exit 0): the pass ends, and
    for batch, phase in kills:  # the next `reextract` is a new pass that re-extracts every article again
        killed = _reextract_killed_at(config_path, batch, phase)
        assert killed.returncode in (-signal.SIGKILL, 0), killed.stderr
        passes_ended += killed.returncode == 0
    with duckdb.connect(str(live / "news.duckdb"), read_only=True) as con:
        committed = con.execute("SELECT count(*) FROM test_written").fetchone()
        unfinished = con.execute("SELECT count(*) FROM reextract_pass").fetchone() == (1,)
    code, out, err = _reextract_to_its_end(config_path, capsys)
    assert code == 0, err
    with duckdb.connect(str(live / "news.duckdb"), read_only=True) as con:
        written = con.execute("SELECT article_id, count(*) FROM test_written GROUP BY ALL").fetchall()
        articles = con.execute("SELECT article_id, text, content_hash FROM articles").fetchall()
        left = con.execute("SELECT (SELECT count(*) FROM reextract_pass) + (SELECT count(*) FROM reextract_done)")
        assert left.fetchone() == (0,), "a pass that ended leaves no progress behind"
    once_a_pass = sorted((article_id, 1 + passes_ended) for article_id, _, _ in articles)
    assert sorted(written) == once_a_pass, "each article once in each pass"
    assert all(text != "stale" and digest == content_hash(text) for _, text, digest in articles), "nothing lost"
    if unfinished and committed and committed[0]:
        assert f"resumed an interrupted reextract: {committed[0]} articles" in out


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path]]:
    """A warehouse of STORIES articles whose stored text is stale, with the log the child writes, and its copy."""
    tmp_path = tmp_path_factory.mktemp("reextract")
    server = LocalServer()
    try:
        config_path = ingest_site(tmp_path, server, STORIES, f"batch_size = {BATCH}")
    finally:
        server.close()
    path = load_config(config_path).warehouse_path
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE articles SET text = 'stale', content_hash = 'stale', word_count = 1")
        con.execute("CREATE TABLE test_written (article_id VARCHAR, pid INTEGER)")
        assert con.execute("SELECT count(*) FROM articles").fetchone() == (STORIES,)
    saved = tmp_path / "saved"
    shutil.copytree(path.parent, saved)
    yield config_path, saved


FEED = '\n[[feeds]]\nname = "hostile"\nurl = "https://example.com/feed.xml"\n'


@pytest.mark.parametrize(("tags", "said"), [
    (["t"] * 100_000, "has 100,000 tags; a feed may have at most 64"),
    (["x" * 10_000_000], "is longer than a tag may be (200 characters)"),
])
def test_a_feed_with_100000_tags_or_a_10_mb_tag_is_refused_in_one_line_exit_2(
        tmp_path: Path, tags: list[str], said: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Before, both loaded and were written into `feeds` at every run (the config's 32 MiB cap bounded them)."""
    config = tmp_path / "newsflow.toml"
    config.write_text(FEED + "tags = [" + ", ".join(f'"{t}"' for t in tags) + "]\n", encoding="utf-8")
    assert cli.main(["feeds", "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "feeds[0].tags" in err and said in err and len(err) < 400, err[:400]


def test_an_opml_outline_of_100000_categories_imports_with_the_first_64_as_tags(tmp_path: Path) -> None:
    """The config caps a feed's tags, so the import keeps the first 64 rather than writing a config it refuses."""
    config, opml = tmp_path / "newsflow.toml", tmp_path / "in.opml"
    config.write_text(FEED, encoding="utf-8")
    categories = ",".join(f"c{n}" for n in range(100_000))
    opml.write_text('<?xml version="1.0"?><opml version="2.0"><body><outline text="many" '
                    f'xmlUrl="https://other.example/feed" category="{categories}"/></body></opml>', encoding="utf-8")
    assert cli.main(["feeds", "import", str(opml), "--config", str(config)]) == 0
    imported = next(f for f in load_config(config).feeds if f.name == "many")
    assert imported.tags == tuple(f"c{n}" for n in range(64))


def test_feeds_export_to_a_folder_or_an_unwritable_place_names_the_file_not_its_temporary(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: `newsflow: /tmp/.x.opml.1a2b.partial: No such file or directory` (exit 1), and for `-o DIR` the
    temporary file in the folder above, `Is a directory`: the temporary file beside the target, never named."""
    config = tmp_path / "newsflow.toml"
    config.write_text(FEED, encoding="utf-8")
    assert cli.main(["feeds", "export", "-o", str(tmp_path), "--config", str(config)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"-o {tmp_path}: is a folder; give the name of the OPML file" in err, err
    target = tmp_path / "missing" / "out.opml"
    assert cli.main(["feeds", "export", "-o", str(target), "--config", str(config)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"cannot write {target}: No such file or directory; give -o a file" in err, err
    assert ".partial" not in err
    assert not list(tmp_path.rglob("*.partial"))


def _opml(title: str, url: str) -> bytes:
    return (f'<?xml version="1.0"?><opml version="2.0"><body><outline text="{title}" xmlUrl="{url}"/></body>'
            "</opml>").encode()


def test_two_feeds_imports_at_once_keep_both_imports_feeds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Import A is about to replace the config when import B starts. Before: B read the config A had not replaced
    yet, wrote its own copy, then A's replace dropped B's feed, both reported `added`. B is let go at the step it
    reaches (reading the config, or waiting on the lock), so the interleaving is forced, with no sleep."""
    config = tmp_path / "newsflow.toml"
    config.write_text(FEED, encoding="utf-8")
    b_reached_the_config, b_steps = threading.Event(), []
    real_flock, real_read, real_replace = fcntl.flock, opml.read_config, opml.replace_file

    def flock_noting_b(handle: int, operation: int) -> None:
        if threading.current_thread().name == "import-b":
            b_steps.append("waits for the lock")
            b_reached_the_config.set()
        real_flock(handle, operation)

    def read_noting_b(path: Path) -> tuple[bytes, ConfigText]:
        if threading.current_thread().name == "import-b" and not b_steps:
            b_steps.append("reads unlocked")  # the code before: B reads what A has not replaced yet
            b_reached_the_config.set()
        return real_read(path)

    def replace_after_b_started(path: Path, content: bytes, expected: bytes | None = None) -> bool:
        if threading.current_thread().name == "import-a":
            b.start()
            b_reached_the_config.wait()
            if b_steps[0] == "reads unlocked":
                b.join()  # B goes on to its own replace, before A's
        return real_replace(path, content, expected)

    monkeypatch.setattr(fcntl, "flock", flock_noting_b)
    monkeypatch.setattr(opml, "read_config", read_noting_b)
    monkeypatch.setattr(opml, "replace_file", replace_after_b_started)
    b = threading.Thread(target=opml.import_opml, args=(config, _opml("bee", "https://b.example/feed")),
                         name="import-b")
    a = threading.Thread(target=opml.import_opml, args=(config, _opml("ay", "https://a.example/feed")),
                         name="import-a")
    a.start()
    a.join()
    b.join()
    urls = {f.url for f in load_config(config).feeds}
    assert {"https://a.example/feed", "https://b.example/feed"} <= urls, urls


def test_a_reextract_of_another_since_or_version_starts_over_and_an_ended_pass_leaves_nothing(tmp_path: Path) -> None:
    store = Warehouse(tmp_path / "news.duckdb")
    with store.writing() as con:
        assert warehouse.start_or_resume_pass(con, None, "newsflow 1 trafilatura 2") == set()
        with warehouse.transaction(con):
            warehouse.mark_reextracted(con, ["a1", "a2"])
        assert warehouse.start_or_resume_pass(con, None, "newsflow 1 trafilatura 2") == {"a1", "a2"}  # resumed
        assert warehouse.start_or_resume_pass(con, date(2026, 1, 1), "newsflow 1 trafilatura 2") == set()
        with warehouse.transaction(con):
            warehouse.mark_reextracted(con, ["a3"])
        assert warehouse.start_or_resume_pass(con, date(2026, 1, 1), "newsflow 1 trafilatura 2") == {"a3"}
        assert warehouse.start_or_resume_pass(con, date(2026, 1, 1), "newsflow 1 trafilatura 3") == set()  # upgraded
        assert con.execute("SELECT count(*) FROM reextract_pass").fetchone() == (1,)
        warehouse.end_pass(con)
        assert con.execute("SELECT (SELECT count(*) FROM reextract_pass) + (SELECT count(*) FROM reextract_done)"
                           ).fetchone() == (0,)


def test_a_changed_source_tree_of_the_same_version_starts_a_new_reextract_pass(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """review: a checkout updated by `git pull` keeps its version number; its pass must not resume the old one's."""
    from newsflow import reextract as reextract_module
    package = tmp_path / "newsflow"
    shutil.copytree(Path(reextract_module.__file__).parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(reextract_module, "__file__", str(package / "reextract.py"))
    before = reextract_module.extractor_versions()
    extract = package / "extract.py"
    extract.write_text(extract.read_text(encoding="utf-8") + "\n# a fix\n", encoding="utf-8")
    assert reextract_module.extractor_versions() != before
