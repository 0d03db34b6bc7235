"""Hostile local input to the CLI: closed pipes, odd warehouse folders, export targets that are files.

Each failure is one line on stderr with the exit code README's "Exit codes" table gives it.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from newsflow import cli
from tests.conftest import write_config
from tests.hostile.fulldisk import tmpfs
from tests.samplewarehouse import build_sample_warehouse


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = write_config(tmp_path, "http://127.0.0.1:9", {"planet": "/rss.xml"})
    build_sample_warehouse(tmp_path / "warehouse" / "news.duckdb")
    return path


def one_line(err: str) -> bool:
    return err.startswith("newsflow: ") and err.count("\n") == 1


def test_query_piped_into_head_exits_quietly(config_path: Path) -> None:
    """`newsflow query ... | head -1`: head closes the pipe; no traceback, exit 141 as for SIGPIPE."""
    child = subprocess.Popen(
        [sys.executable, "-m", "newsflow", "query", "SELECT range AS n, repeat('x', 50) FROM range(200000)",
         "--config", str(config_path)], stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert child.stdout is not None and child.stderr is not None
    assert child.stdout.readline().split() == [b"n", b"repeat('x',", b"50)"]
    child.stdout.close()
    err = child.stderr.read()
    assert child.wait(timeout=120) == cli.EXIT_BROKEN_PIPE
    assert err == b"", err.decode()


def warehouse_under_a_file(tmp_path: Path) -> Path:
    (tmp_path / "blocker").write_text("a file where the warehouse folder should be\n")
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"planet": "/rss.xml"})
    text = config_path.read_text().replace('path = "warehouse/news.duckdb"', 'path = "blocker/sub/news.duckdb"')
    config_path.write_text(text)
    return config_path


@pytest.mark.parametrize("command", [["reextract"], ["run", "--quiet"]])
def test_a_warehouse_folder_under_a_file_exits_3_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    config_path = warehouse_under_a_file(tmp_path)
    assert cli.main([*command, "--config", str(config_path)]) == 3
    err = capsys.readouterr().err
    assert one_line(err) and "blocker" in err and "warehouse.path" in err, err


@pytest.fixture
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A read-only tmpfs: writes fail with EROFS even for root, which ignores file modes."""
    with tmpfs(tmp_path / "readonly", "ro,size=64k", "mounting a read-only tmpfs needs root") as folder:
        yield folder


def test_a_warehouse_folder_that_is_not_writable_exits_3_in_one_line(
    tmp_path: Path, read_only_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"planet": "/rss.xml"})
    text = config_path.read_text().replace('path = "warehouse/news.duckdb"', 'path = "readonly/news.duckdb"')
    config_path.write_text(text)
    assert cli.main(["reextract", "--config", str(config_path)]) == 3
    err = capsys.readouterr().err
    assert one_line(err) and "Read-only file system" in err and str(read_only_folder) in err, err


def test_export_into_a_path_that_is_a_file_exits_2_in_one_line(
    config_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "exports"
    target.write_text("not a folder\n")
    assert cli.main(["export", str(target), "--config", str(config_path)]) == 2
    err = capsys.readouterr().err
    assert one_line(err) and f"{target} is a file" in err
    assert target.read_text() == "not a folder\n"
    (tmp_path / "csv" / "articles.csv").mkdir(parents=True)
    assert cli.main(["export", str(tmp_path / "csv"), "--format", "csv", "--config", str(config_path)]) == 2
    err = capsys.readouterr().err
    assert one_line(err) and "is a folder in the way" in err
    (tmp_path / "under").write_text("")
    assert cli.main(["export", str(tmp_path / "under" / "out"), "--config", str(config_path)]) == 2
    assert one_line(capsys.readouterr().err)
