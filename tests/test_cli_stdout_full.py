"""A command whose output is its product (`query`, `stories`, `search`, `feeds`) with stdout on a full
disk (`newsflow query … > out.csv`, the partition full): one line naming stdout and what to do, exit 1
(README, "Exit codes"). Before: `newsflow: No space left on device`, naming nothing. /dev/full is a
real file that refuses every write with ENOSPC."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from newsflow import cli
from tests.conftest import write_config
from tests.searchsample import empty_warehouse


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("full")
    empty_warehouse(folder / "warehouse" / "news.duckdb")
    return write_config(folder, "http://127.0.0.1:9", {"planet": "/feed.xml"})


@pytest.mark.parametrize("command", [["query", "SELECT 1"], ["stories"], ["search", "syria"], ["feeds"],
                                     ["feeds", "export"]])
def test_output_to_a_full_disk_is_one_line_naming_stdout_exit_1(config: Path, command: list[str],
                                                                 monkeypatch: pytest.MonkeyPatch,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    with open("/dev/full", "w", encoding="utf-8") as full:
        monkeypatch.setattr(sys, "stdout", full)
        code = cli.main([*command, "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and "stdout" in err and "No space left on device" in err, err
    assert "send the output to another disk" in err



def test_output_to_a_device_that_fails_says_so_not_disk_full(config: Path, monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """A terminal whose other end closed (a pty with its master gone) fails every write with EIO, as a
    failing disk does: the line said "is the disk it goes to full?" for it (seventeenth session, left open)."""
    controller, terminal = os.openpty()
    os.close(controller)
    with open(terminal, "w", encoding="utf-8") as closed:
        monkeypatch.setattr(sys, "stdout", closed)
        code = cli.main(["query", "SELECT 1", "--config", str(config)])
    err = capsys.readouterr().err
    assert code == 1
    assert err.count("\n") == 1 and "stdout" in err and "I/O error" in err and "full" not in err, err
