"""Local 20: hostile local input (docs/security.md, "Local 20"). Each test failed on the code before its fix."""

from __future__ import annotations

import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from newsflow.config import load_config
from newsflow.text import content_hash
from tests.localserver import LocalServer
from tests.test_reextract import ingest_site

REPO = Path(__file__).resolve().parents[2]
STORIES, BATCH = 10, 3  # four batches: 3, 3, 3, 1
PHASES = ("start", "before", "inside", "after", "end")


def _reextract_killed_at(config_path: Path, batch: int, phase: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tests.hostile.reextract_child", str(config_path), str(batch), phase],
                          cwd=REPO, capture_output=True, text=True, timeout=300)


@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(kills=st.lists(st.tuples(st.integers(0, 3), st.sampled_from(PHASES)), min_size=1, max_size=2))
@example(kills=[(1, "after"), (0, "inside")])  # two batches committed, then the resumed pass killed in its first
def test_a_reextract_killed_anywhere_resumes_losing_nothing_and_doing_nothing_twice(
        kills: list[tuple[int, str]], pristine: tuple[Path, Path]) -> None:
    config_path, saved = pristine
    live = load_config(config_path).warehouse_path.parent
    shutil.rmtree(live)
    shutil.copytree(saved, live)
    for batch, phase in kills:  # a kill point a resumed pass does not reach lets it finish (exit 0)
        killed = _reextract_killed_at(config_path, batch, phase)
        assert killed.returncode in (-signal.SIGKILL, 0), killed.stderr
    with duckdb.connect(str(live / "news.duckdb"), read_only=True) as con:
        committed = con.execute("SELECT count(*) FROM test_written").fetchone()
        unfinished = con.execute("SELECT count(*) FROM reextract_pass").fetchone() == (1,)
    finished = _reextract_killed_at(config_path, 0, "never")
    assert finished.returncode == 0, finished.stderr
    with duckdb.connect(str(live / "news.duckdb"), read_only=True) as con:
        written = con.execute("SELECT article_id, count(*) FROM test_written GROUP BY ALL").fetchall()
        articles = con.execute("SELECT article_id, text, content_hash FROM articles").fetchall()
        left = con.execute("SELECT (SELECT count(*) FROM reextract_pass) + (SELECT count(*) FROM reextract_done)")
        assert left.fetchone() == (0,), "a pass that ended leaves no progress behind"
    assert sorted(written) == sorted((article_id, 1) for article_id, _, _ in articles), "each article once"
    assert all(text != "stale" and digest == content_hash(text) for _, text, digest in articles), "nothing lost"
    if unfinished and committed and committed[0]:
        assert f"resumed an interrupted reextract: {committed[0]} articles" in finished.stdout


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
