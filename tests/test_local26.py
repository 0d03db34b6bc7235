"""Local 26: what Local 25 left (docs/security.md, "Local 26"): a warehouse cut short, read by every command; the
hidden `.partial` a killed import leaves beside the config. In process (`cli.main`), real files, real DuckDB.

The clock far from now and a `.wal` cut short are tests/test_local26_clock.py; the generated property of the
files beside the warehouse is tests/test_local26_state.py.
"""

from __future__ import annotations

import fcntl
import logging
import os
import shutil
from pathlib import Path

import duckdb
import pytest

from newsflow import cli, files, hostholds
from newsflow.warehouse import Warehouse, compat

FEED = '[[feeds]]\nname = "planet"\nurl = "http://127.0.0.1:9/feed.xml"\n'


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A newsflow warehouse (migrated, a feed's row in it) written by one checkpoint (copied whole into a new file,
    as `compat` converts one): its catalog then comes first, so DuckDB opens the file cut short and fails only a
    read past the cut."""
    folder = tmp_path_factory.mktemp("sample")
    with Warehouse(folder / "built.duckdb").writing() as con:
        con.execute("INSERT INTO feeds (feed_id, url) VALUES ('planet', 'http://127.0.0.1:9/feed.xml')")
    con = duckdb.connect(str(folder / "news.duckdb"), config=compat.connect_config())
    con.execute(f"ATTACH '{folder / 'built.duckdb'}' AS built (READ_ONLY); COPY FROM DATABASE built TO news")
    con.close()
    return folder / "news.duckdb"


def _config(tmp_path: Path, wh: Path) -> Path:
    config = tmp_path / "newsflow.toml"
    config.write_text(f'[warehouse]\npath = "{wh}"\n' + FEED)
    return config


def test_every_command_on_a_warehouse_cut_in_half_says_it_is_cut_short_and_what_to_do(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Before, `feeds` listed the feeds, exit 0, with hostholds' warning worded for a run, and `stories`,
    `export` and `query` printed what survived the cut as the whole warehouse, exit 0 (Local 25). (Where DuckDB
    cannot open what is left, its catalog past the cut, its own line says the file is damaged, as on main.)"""
    wh = tmp_path / "news.duckdb"
    whole = sample.read_bytes()
    left = whole[: len(whole) // 2]
    wh.write_bytes(left)
    duckdb.connect(str(wh), read_only=True).close()  # what this test is about: DuckDB opens what is left
    config = _config(tmp_path, wh)
    for argv in (["feeds"], ["stories"], ["query", "SELECT count(*) FROM articles"],  # the readers of what survives
                 ["export", "--format", "csv", str(tmp_path / "out")], ["reextract"]):  # and a writer
        capsys.readouterr()
        code = cli.main([*argv, "--config", str(config)])
        err = capsys.readouterr().err
        assert code == 3, (argv, err)
        assert err.count("\n") == 1 and err.startswith(f"newsflow: cannot open {wh}: "), err
        assert "damaged" in err and "restore it from a backup" in err and "Traceback" not in err, err
        assert "the file is cut short" in err, err
    assert wh.read_bytes() == left, "left untouched"


def test_a_warehouse_one_byte_short_of_its_last_block_in_use_is_refused(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The cut at the edge (review): the last block in use one byte short is a cut, where the half-way one above
    would still be refused by a check off by a block (`used > whole_blocks + 1`)."""
    wh = tmp_path / "news.duckdb"
    wh.write_bytes(sample.read_bytes()[:-1])
    assert cli.main(["stories", "--config", str(_config(tmp_path, wh))]) == 3
    assert "the file is cut short" in capsys.readouterr().err


def test_a_whole_warehouse_duckdb_trimmed_shorter_than_its_header_says_still_opens(
    sample: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Control: DuckDB trims free blocks off a file's end after writing its header, so a whole file can be shorter
    than the header's block count; only blocks in use are counted."""
    wh = tmp_path / "news.duckdb"
    shutil.copy(sample, wh)
    con = duckdb.connect(str(wh))
    con.execute("CREATE TABLE scratch AS SELECT range AS r, md5(range::VARCHAR) AS s FROM range(15000)")
    con.execute("CHECKPOINT")
    con.execute("DROP TABLE scratch")
    con.execute("CHECKPOINT")
    con.close()
    con = duckdb.connect(str(wh))  # the next checkpoint trims the blocks the last one freed, after its header
    con.execute("CREATE TABLE touch AS SELECT 1 AS x; DROP TABLE touch")
    con.close()
    header_blocks = int.from_bytes(wh.read_bytes()[4096 + 32: 4096 + 40], "little")
    other_blocks = int.from_bytes(wh.read_bytes()[8192 + 32: 8192 + 40], "little")
    assert 12288 + max(header_blocks, other_blocks) * 262144 > wh.stat().st_size, "the header counts trimmed blocks"
    config = _config(tmp_path, wh)
    for argv in (["feeds"], ["stories"], ["query", "SELECT count(*) FROM articles"]):
        assert cli.main([*argv, "--config", str(config)]) == 0, capsys.readouterr().err


def test_feeds_discover_s_warning_on_a_damaged_warehouse_is_worded_for_the_command_not_a_run(
    sample: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    wh = tmp_path / "news.duckdb"
    wh.write_bytes(sample.read_bytes()[: sample.stat().st_size // 2])
    with caplog.at_level(logging.WARNING):
        assert hostholds.read_now(Warehouse(wh), 3600.0) == []
    text = caplog.text
    assert "cut short" in text and "this command honours only those kept in the spool" in text, text
    assert "this run" not in text, text


OLD = b'[warehouse]\npath = "news.duckdb"\n'
ADDED = b'\n[[feeds]]\nname = "more"\nurl = "https://more.example/rss"\n'


@pytest.mark.parametrize(("config", "left", "kept", "said"), [
    # a crash after the import's exchange: the config imported, the displaced one (as it was) at the hidden name
    (OLD + ADDED, OLD, False, "it held the config as it was before, which newsflow.toml still holds whole: removed"),
    # a crash before it: the import's own new config, never swapped in
    (OLD, OLD + ADDED, False, "before it replaced it; the feeds it was adding are not in newsflow.toml: removed it; "
                              "run `newsflow feeds import` again"),
    # neither: another program saved the config in the instant of the crash
    (OLD + ADDED, b'[warehouse]\npath = "elsewhere.duckdb"\n', True,
     "holds a version of it that is not provably the import's own (another program saved it in that instant?): "
     "compare the two, merge what you want into newsflow.toml, then delete .newsflow.toml."),
], ids=["displaced config", "unswapped import", "another save"])
def test_a_partial_save_left_beside_the_config_is_judged_and_named_by_the_next_command(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], config: bytes, left: bytes, kept: bool, said: str
) -> None:
    """Before, the file stayed hidden for ever and no command named it (Local 24's review, Local 25)."""
    path = tmp_path / "newsflow.toml"
    path.write_bytes(config)
    # named as an import of ADDED over OLD names its file (Local 27: the digests of both in the name)
    stray = files.import_save_name(path, OLD, OLD + ADDED, "k1ll3d")
    stray.write_bytes(left)
    assert cli.main(["feeds", "--config", str(path)]) == 0
    err = capsys.readouterr().err
    assert f"newsflow: warning: {stray} was left by a `feeds import` stopped (killed, or the power lost)" in err, err
    assert said in err, err
    assert stray.exists() == kept and path.read_bytes() == config
    assert cli.main(["feeds", "--config", str(path)]) == 0
    assert (stray.name in capsys.readouterr().err) == kept, "named until the user deletes it, when kept"


def test_a_partial_save_of_an_import_in_flight_is_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Control: an import holds its lock on the config's inode, which its exchange moves to the temporary name."""
    path = tmp_path / "newsflow.toml"
    path.write_bytes(OLD)
    stray = tmp_path / ".newsflow.toml.inflight.partial"
    stray.write_bytes(OLD + ADDED)
    handle = os.open(stray, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        assert cli.main(["feeds", "--config", str(path)]) == 0
    finally:
        os.close(handle)
    assert stray.name not in capsys.readouterr().err and stray.exists()


def test_a_config_path_ending_in_a_space_is_quoted_so_the_space_is_seen(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`NEWSFLOW_CONFIG=" "` (a blank value in an env file): the line named `/the/folder/ does not exist`, the space
    unseen at its end. Quoted now, as a path holding a control character is."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NEWSFLOW_CONFIG", " ")
    assert cli.main(["feeds"]) == 2
    assert f"config error at $NEWSFLOW_CONFIG: '{tmp_path}/ ' does not exist" in capsys.readouterr().err
