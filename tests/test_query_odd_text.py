"""`newsflow query --format csv|json` of text with newlines, quotes, a NUL and a leading `=`, and of a
TIMESTAMPTZ (docs/queries.md, "Eighteenth session"): the export reads back cell for cell, times in UTC."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from newsflow import cli
from tests.conftest import write_config
from tests.searchsample import empty_warehouse

SQL = ("SELECT 'a' || chr(10) || 'b' AS t, 'say \"hi\", then' AS q, 'nul' || chr(0) || 'x' AS n, "
       "TIMESTAMPTZ '2026-01-01 10:00:00+05' AS ts")


@pytest.fixture(scope="module")
def config(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("odd")
    empty_warehouse(folder / "warehouse" / "news.duckdb")
    return write_config(folder, "http://127.0.0.1:9", {"planet": "/feed.xml"})


def export(config: Path, fmt: str, capsys: pytest.CaptureFixture[str]) -> str:
    assert cli.main(["query", SQL, "--format", fmt, "--config", str(config)]) == 0
    return capsys.readouterr().out


def test_odd_text_reads_back_from_csv_and_json(config: Path, capsys: pytest.CaptureFixture[str]) -> None:
    expected = ["a\nb", 'say "hi", then', "nul\x00x", "2026-01-01 05:00:00+00:00"]
    rows = list(csv.reader(io.StringIO(export(config, "csv", capsys), newline="")))
    assert rows == [["t", "q", "n", "ts"], expected]
    (row,) = json.loads(export(config, "json", capsys))
    assert list(row.values()) == [*expected[:3], "2026-01-01T05:00:00+00:00"]
