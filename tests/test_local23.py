"""Local 23: hostile local input (docs/security.md, "Local 23"). In process (`cli.main`), real files, real DuckDB.

Each test fails on main at 134b4375 unless it says it is a control."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsflow import cli
from newsflow.cli_run import check_warehouse_writable
from newsflow.config import load_config
from newsflow.errors import WarehouseError

FEED = '[[feeds]]\nname = "cafe"\nurl = "http://127.0.0.1:9/feed.xml"\n'


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


# --- 1. a config of no feeds --------------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "said"), [
    ("", "is empty (left by `touch`, or a copy or save that failed?)"),
    ("\n  \n", "is empty (left by `touch`, or a copy or save that failed?)"),
    ('# my feeds\n[warehouse]\npath = "news.duckdb"\n', "holds no [[feeds]]"),
], ids=["0 bytes", "blank", "settings only"])
def test_a_config_of_no_feeds_warns_naming_the_file_and_what_to_do(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, said: str) -> None:
    """Before: valid and silent; `feeds` listed none and a run (or a service, for months) polled nothing, exit 0.
    The warning is one of the config's (`run`, `serve` and `feeds` print them), on stderr: stdout and the code
    are as they were."""
    config = tmp_path / "newsflow.toml"
    config.write_text(text)
    warning = (f"{config} {said}: a run polls no feed; add [[feeds]] tables (name and url) or run `newsflow feeds "
               "import FILE.opml`, or if your config is another file, pass --config PATH of it")
    assert load_config(config).warnings == (warning,)  # what `run` and `serve` print, as `feeds` does below
    code, out, err = _run(["feeds", "--config", str(config)], capsys)
    assert code == 0 and "(0 rows)" in out, err
    assert err == f"newsflow: warning: {warning}\n"


def test_a_config_with_feeds_or_all_disabled_gets_no_no_feeds_warning(tmp_path: Path) -> None:
    """Control (passes on main too): a config with feeds, even all of them disabled (a user pausing them), says
    nothing of it."""
    config = tmp_path / "newsflow.toml"
    config.write_text(FEED)
    assert load_config(config).warnings == ()
    config.write_text(FEED + "enabled = false\n")
    assert load_config(config).warnings == ()


# --- 2. a `.wal` without its warehouse, and a 0-byte warehouse beside its `.wal` --------------------------------


def test_feeds_discover_beside_a_log_without_its_warehouse_is_the_logs_line_sending_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Left by Local 22: `feeds discover` read no Retry-After pauses, silently, and went on (the log may hold the
    pauses a crashed run heard). Now the line every other command gives, exit 3, before any request: the URL
    here is a closed port, so a request would have said `no feed found`."""
    config = tmp_path / "newsflow.toml"
    config.write_text('[warehouse]\npath = "warehouse/news.duckdb"\n' + FEED)
    log = tmp_path / "warehouse" / "news.duckdb.wal"
    log.parent.mkdir()
    log.write_bytes(b"\x01" * 358)
    code, out, err = _run(["feeds", "discover", "http://127.0.0.1:9/", "--config", str(config)], capsys)
    assert (code, out) == (3, ""), err
    assert err.count("\n") == 1 and "no feed found" not in err, err
    assert f"but its write-ahead log {log} is there (358 bytes" in err, err
    assert not (tmp_path / "warehouse" / "news.duckdb").exists() and log.read_bytes() == b"\x01" * 358


def test_an_empty_warehouse_file_beside_its_log_is_one_line_naming_both_for_readers_and_writers(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: DuckDB's `not a valid DuckDB database file`, with `move it aside and the next run starts a new
    warehouse`, after which the log's own line asked to move the log beside a warehouse that is not there. A
    0-byte file beside a non-empty log is a copy that failed (DuckDB writes a file's header before any log)."""
    config = tmp_path / "newsflow.toml"
    config.write_text('[warehouse]\npath = "news.duckdb"\n' + FEED)
    warehouse, log = tmp_path / "news.duckdb", tmp_path / "news.duckdb.wal"
    warehouse.write_bytes(b"")
    log.write_bytes(b"\x01" * 5000)
    line = (f"cannot open {warehouse}: the file is empty (0 bytes) but its write-ahead log {log} holds 5,000 bytes: "
            "a copy or restore that failed before the warehouse's first byte, or a file emptied? The log is changes "
            "to a warehouse, useless without it: copy the warehouse here again (with its .wal), or point "
            "warehouse.path at it; to start a new warehouse here instead, move both files aside")
    for command in (["feeds"], ["stories"], ["query", "SELECT 1"], ["reextract"]):
        code, out, err = _run([*command, "--config", str(config)], capsys)
        assert (code, out, err) == (3, "", f"newsflow: {line}\n"), command
    with pytest.raises(WarehouseError) as refused:  # `newsflow run`'s check, before Prefect: every writer
        check_warehouse_writable(load_config(config))
    assert str(refused.value) == line
    assert warehouse.read_bytes() == b"" and log.read_bytes() == b"\x01" * 5000  # both untouched


def test_an_empty_warehouse_file_with_no_log_is_still_made_anew_by_a_writer(tmp_path: Path) -> None:
    """Control (passes on main too): Local 22's 0-byte file alone (`touch`) is still where a writer makes the
    warehouse; only a log beside it stops that."""
    config = tmp_path / "newsflow.toml"
    config.write_text('[warehouse]\npath = "news.duckdb"\n' + FEED)
    (tmp_path / "news.duckdb").write_bytes(b"")
    check_warehouse_writable(load_config(config))
    assert (tmp_path / "news.duckdb").stat().st_size > 0
