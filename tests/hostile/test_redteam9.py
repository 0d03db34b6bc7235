"""Red team 9: the cases earlier red teams left open, and what this one found.

Each test is one hostile case through the real code (real servers on 127.0.0.1, real DuckDB
files), and its docstring says what happened before the fix beside it.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from newsflow import cli
from tests.conftest import write_config
from tests.samplewarehouse import ARTICLES, build_sample_warehouse

FIRST_DAY = min(a.published_at.date() for a in ARTICLES).isoformat()


def sample_config(tmp_path: Path) -> Path:
    config_path = write_config(tmp_path, "http://127.0.0.1:9", {"planet": "/rss.xml"})
    build_sample_warehouse(tmp_path / "warehouse" / "news.duckdb")
    return config_path


@pytest.mark.parametrize(("fmt", "fifo_at"), [("csv", "articles.csv"), ("jsonl", "articles.jsonl"),
                                               ("parquet", f"articles/date={FIRST_DAY}/data_0.parquet")])
def test_export_onto_a_fifo_refuses_in_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], fmt: str, fifo_at: str
) -> None:
    """Before: DuckDB's COPY opened the FIFO for writing and waited for a reader for ever (the
    export hung, holding the warehouse open). Now: exit 2, one line naming the FIFO."""
    config_path = sample_config(tmp_path)
    fifo = tmp_path / "out" / fifo_at
    fifo.parent.mkdir(parents=True)
    os.mkfifo(fifo)
    done: list[int] = []
    worker = threading.Thread(target=lambda: done.append(
        cli.main(["export", "--format", fmt, str(tmp_path / "out"), "--config", str(config_path)])), daemon=True)
    worker.start()
    worker.join(30)
    if not done:  # unblock the hung COPY so the test process can go on, then fail
        with open(fifo, "rb") as reader:
            reader.read()
        pytest.fail("export hung on a FIFO")
    err = capsys.readouterr().err
    assert done == [2]
    assert err.count("\n") == 1 and str(fifo) in err and "not a regular file" in err
