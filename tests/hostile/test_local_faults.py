"""The machine under a run, not the web: a warehouse file this user cannot write, a full disk while
the run spools beside a reader, SIGTERM mid-run (red team 4). Each ends in one line on stderr with
the README's exit code, and loses nothing that a later run, given what it needs, cannot finish."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsflow.config import Config, load_config
from newsflow.runner import run_ingest
from tests.conftest import write_config
from tests.hostile.test_readers import no_duplicates, rows, serve_stories
from tests.localserver import LocalServer

pytestmark = pytest.mark.timeout(180)
REPO = Path(__file__).resolve().parents[2]


def newsflow(*args: str, timeout: float = 120.0) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "tests.hostile.run_child", *args], capture_output=True, text=True,
                          cwd=REPO, timeout=timeout)


@pytest.fixture
def immutable() -> Iterator[list[Path]]:
    """Files made immutable (`chattr +i`): root cannot write them either, as a user cannot write a
    file of mode 444; made mutable again at teardown so the temporary folder can go."""
    made: list[Path] = []
    yield made
    for path in made:
        subprocess.run(["chattr", "-i", str(path)], check=False)


def make_immutable(path: Path, made: list[Path]) -> None:
    done = subprocess.run(["chattr", "+i", str(path)], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"chattr +i needs root and a filesystem with attributes: {done.stderr.strip()}")
    made.append(path)


def stored_config(tmp_path: Path, server: LocalServer, stories: int) -> tuple[Path, Config]:
    config_path = write_config(tmp_path, server.base_url, {"courier": "/feed.xml"})
    config = load_config(config_path)
    serve_stories(server, range(stories))
    asyncio.run(run_ingest(config, "before"))
    return config_path, config


def test_a_read_only_warehouse_file_is_one_line_exit_3_naming_it_and_what_to_do(
    tmp_path: Path, server: LocalServer, immutable: list[Path]
) -> None:
    config_path, config = stored_config(tmp_path, server, 3)
    make_immutable(config.warehouse_path, immutable)
    serve_stories(server, range(6))
    done = newsflow("run", "--config", str(config_path), "--quiet")
    assert done.returncode == 3, done.stderr
    assert done.stderr.count("\n") == 1 and done.stderr.startswith(f"newsflow: cannot open {config.warehouse_path}")
    assert "make the file writable by this user" in done.stderr and "warehouse.path" in done.stderr
    assert "Traceback" not in done.stderr and done.stdout == ""

    subprocess.run(["chattr", "-i", str(config.warehouse_path)], check=True)
    assert newsflow("run", "--config", str(config_path), "--quiet").returncode == 0
    assert rows(config, "SELECT count(*) FROM articles") == [(6,)], "the feed's items wait for a writable file"
    no_duplicates(config)
