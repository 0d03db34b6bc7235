"""Local 22: hostile local input (docs/security.md, "Local 22"). Each test failed on the code before its fix,
except those marked as controls. Real files in a temporary folder; the CLI run in this process (its exit code
and stderr are what a shell sees: `cli.main`)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest

from newsflow import cli
from newsflow.cli_run import check_warehouse_writable
from newsflow.config import load_config
from newsflow.configtext import MAX_KEY_PARTS
from newsflow.errors import ConfigError, WarehouseError
from newsflow.runhistory import run_history_lines

CONFIG = ('# the café\'s feeds\n[warehouse]\npath = "news.duckdb"\n\n'
          '[[feeds]]\nname = "cafe"\nurl = "https://café.example/feed.xml"\n')


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _opml_of_one_feed(tmp_path: Path) -> Path:
    opml_file = tmp_path / "more.opml"
    opml_file.write_bytes(b'<?xml version="1.0"?><opml version="2.0"><body><outline text="more" type="rss" '
                          b'xmlUrl="https://more.example/rss"/></body></opml>')
    return opml_file


# --- 1. a dotted key of thousands of parts ------------------------------------------------------------------------

PARTS = 3000  # tomllib's cost is its parts squared: 3,000 take ~0.3 s before the fix; 100,000 (a 200 KB line) were
# killed by the kernel for their memory, 20,000 took 21 s and 2.3 GB. The test keeps to what main survives.
LONG_KEYS = {
    "a key": "[fetch]\n" + ".".join(["a"] * PARTS) + " = 1\n",
    "a table header": "[" + ".".join(["a"] * PARTS) + "]\n",
    "quoted parts, spaced": "[fetch]\n" + " . ".join(['"a"'] * PARTS) + " = 1\n",
    "a key in an inline table": "[fetch]\nx = { " + ".".join(["a"] * PARTS) + " = 1 }\n",
    "one part over the limit": "[fetch]\n" + ".".join(["a"] * (MAX_KEY_PARTS + 1)) + " = 1\n",
}


@pytest.mark.parametrize("form", LONG_KEYS)
def test_a_dotted_key_of_thousands_of_parts_is_one_line_naming_its_line_for_every_command(
        form: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: tomllib read it (minutes and gigabytes for a few hundred KB; the kernel killed newsflow, exit 137,
    no line), then the config check said `unknown section` or `unknown key` naming a part."""
    config = tmp_path / "newsflow.toml"
    config.write_text(CONFIG + "\n" + LONG_KEYS[form])
    line = CONFIG.count("\n") + 2 + (form != "a table header")
    started = time.process_time()
    for argv in (["feeds"], ["feeds", "import", str(_opml_of_one_feed(tmp_path))], ["query", "SELECT 1"]):
        code, out, err = _run([*argv, "--config", str(config)], capsys)
        assert (code, out) == (2, ""), err
        assert err.count("\n") == 1 and "Traceback" not in err, err
        assert (f"{config}: not a newsflow config: line {line} holds a dotted key of more than {MAX_KEY_PARTS} "
                "parts") in err, err
        assert "Pass --config PATH of newsflow's config, or shorten the key" in err, err
    assert time.process_time() - started < 1.0  # the scan is linear: no tomllib run over the key
    assert config.read_text().startswith(CONFIG)  # the import wrote nothing


def test_dots_in_strings_comments_numbers_and_short_keys_are_no_long_key(tmp_path: Path) -> None:
    """Control (passes on main too): URLs, a user agent, version numbers in a comment, a quoted key holding dots,
    and keys of up to MAX_KEY_PARTS parts are read as before."""
    dots = ".".join(["x"] * 40)
    config = tmp_path / "newsflow.toml"
    config.write_text(
        f"# copied from 1.2.3.4.5.6.7.8.9.10.11.12.13.14.15.16.17.18.19.20 {dots}\n"
        f'[fetch]\nuser_agent = "bot/{dots} (+https://a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s/)"\n'
        f'timeout = 2.5\ndelays = [1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5, 8.5, 9.5, 10.5]\n[[feeds]]\nname = "a.b"\nurl = "https://{dots}.example/feed.xml"\n'
        f"[feeds.x]\n'{dots}' = \"\"\"\n{dots}\n{dots} = 1\n\"\"\"\n")
    with pytest.raises(Exception, match="unknown key") as raised:  # read by tomllib; refused by the config check
        load_config(config)
    assert "dotted key" not in str(raised.value)
    config.write_text(".".join(["a"] * MAX_KEY_PARTS) + " = 1\n")
    with pytest.raises(Exception, match="unknown section") as raised:
        load_config(config)
    assert "dotted key" not in str(raised.value)


def test_a_string_left_open_on_a_line_of_escaped_quotes_is_scanned_in_linear_time(tmp_path: Path) -> None:
    """Review: the scan's own string pattern restarted at every escaped quote of a string left open (`"\\"\\"…`,
    a damaged line), each time to the line's end: 20,000 of them (a 40 KB line) took 5 s before tomllib's one
    line, which it gives at once."""
    config = tmp_path / "newsflow.toml"
    config.write_text(CONFIG + 'x = "' + '\\"' * 20_000 + "\n")
    started = time.process_time()
    with pytest.raises(ConfigError, match=r"newsflow\.toml: not valid TOML: Illegal character '\\n' \(at line 8"):
        load_config(config)
    assert time.process_time() - started < 1.0


# --- 2. UTF-32 without a BOM --------------------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-32-le", "utf-32-be"])
def test_a_utf32_config_without_a_bom_is_read_and_an_import_appends_in_utf32(
        encoding: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Left by local 21's review: `iconv -t UTF-32LE` (or Python's `encode("utf-32-le")`) writes no BOM, and the
    file was named `not a text file (it holds NUL bytes: a database, an image, an archive?)`, exit 2."""
    config = tmp_path / "newsflow.toml"
    original = CONFIG.encode(encoding)
    config.write_bytes(original)
    assert [(f.name, f.url) for f in load_config(config).feeds] == [("cafe", "https://café.example/feed.xml")]
    code, _, err = _run(["feeds", "import", str(_opml_of_one_feed(tmp_path)), "--config", str(config)], capsys)
    assert (code, err) == (0, ""), err
    written = config.read_bytes()
    assert written.startswith(original) and len(written) % 4 == 0
    assert 'name = "more"' in written[len(original):].decode(encoding)
    assert [f.name for f in load_config(config).feeds] == ["cafe", "more"]


def test_utf16_text_and_a_binary_file_are_not_taken_for_utf32(tmp_path: Path) -> None:
    """Control (passes on main too): a BOM-less UTF-16 config is still UTF-16; a file of NUL runs is still named
    not a text file."""
    config = tmp_path / "newsflow.toml"
    config.write_bytes(CONFIG.encode("utf-16-le"))
    assert [f.name for f in load_config(config).feeds] == ["cafe"]
    config.write_bytes(b"\x00" * 64 + b"\n" + b"\x00\x00\x00\x01" * 64)
    with pytest.raises(Exception, match="is not a text file"):
        load_config(config)


# --- 3. an empty (0-byte) warehouse file --------------------------------------------------------------------------


def test_an_empty_warehouse_file_names_touch_and_a_failed_copy_and_what_to_do(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: `the file is empty: the first run was stopped as it created it`, the one cause newsflow makes; a
    0-byte file is as often `touch` or a copy (a restore) that failed, whose user must copy it again, not run."""
    config = tmp_path / "newsflow.toml"
    config.write_text(CONFIG)
    (tmp_path / "news.duckdb").touch()
    for argv in (["stories"], ["query", "SELECT 1"], ["feeds"]):
        code, out, err = _run([*argv, "--config", str(config)], capsys)
        assert (code, out) == (3, ""), err
        assert err.count("\n") == 1, err
        assert f"no warehouse at {tmp_path / 'news.duckdb'} yet: the file is empty (0 bytes: left by `touch`, " \
               "a copy that failed, or a first run stopped as it made it)" in err, err
        assert "point warehouse.path at it, or copy it here again; else run `newsflow run` first" in err, err
    assert (tmp_path / "news.duckdb").stat().st_size == 0  # a reader leaves it as it was


# --- 4. a warehouse moved away from the write-ahead log a crash left ----------------------------------------------


def test_a_warehouse_moved_without_the_log_a_crash_left_is_one_line_saying_to_move_the_log_too(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: at the old path `no warehouse at … yet; run \\`newsflow run\\` first`, and that run made a new warehouse
    there, discarding the log, whose writes the moved warehouse (opened without it) never had: lost silently."""
    config = tmp_path / "newsflow.toml"
    config.write_text(CONFIG)
    warehouse, log = tmp_path / "news.duckdb", tmp_path / "news.duckdb.wal"
    log.write_bytes(b"\x01" * 358)  # what the moved warehouse left: only the log, as a crash wrote it
    log_before = log.read_bytes()
    code, out, err = _run(["query", "SELECT 1", "--config", str(config)], capsys)
    assert (code, out) == (3, ""), err
    assert err.count("\n") == 1, err
    assert (f"no warehouse at {warehouse}, but its write-ahead log {log} is there (358 bytes a run wrote and a "
            "crash left unmerged): if you moved the warehouse, move this file beside it") in err, err
    assert "if you deleted the warehouse to start over, delete this file too" in err, err
    with pytest.raises(WarehouseError, match="but its write-ahead log"):  # `newsflow run`'s check, and every writer
        check_warehouse_writable(load_config(config))
    assert not warehouse.exists() and log.read_bytes() == log_before  # nothing made, the log as it was


def test_the_moved_warehouse_with_its_log_beside_it_has_the_logs_writes(tmp_path: Path) -> None:
    """Control (passes on main too): what the line asks (the log moved beside the warehouse) keeps the writes."""
    crashed = tmp_path / "crashed.duckdb"
    con = duckdb.connect(str(crashed))
    con.execute("SET checkpoint_threshold = '1TB'")
    con.execute("CREATE TABLE kept AS SELECT 'before the crash' AS what")
    con.execute("CHECKPOINT")
    con.execute("INSERT INTO kept VALUES ('in the log only')")
    snapshot = {name: Path(f"{crashed}{name}").read_bytes() for name in ("", ".wal")}  # as a kill leaves them
    con.close()
    moved = tmp_path / "moved" / "news.duckdb"
    moved.parent.mkdir()
    moved.write_bytes(snapshot[""])
    with duckdb.connect(str(moved), read_only=True) as without_log:
        assert without_log.execute("SELECT count(*) FROM kept").fetchone() == (1,)  # what the line warns of
    Path(f"{moved}.wal").write_bytes(snapshot[".wal"])
    with duckdb.connect(str(moved), read_only=True) as with_log:
        assert with_log.execute("SELECT count(*) FROM kept").fetchone() == (2,)


# --- 5. a warehouse file an old DuckDB wrote ----------------------------------------------------------------------

# The main header DuckDB 0.8.1 writes (checksum, `DUCK`, storage version 51, ...; the rest of its 4 KB block is
# zeros), taken from a file it made: DuckDB 1.x reads the version and stops before any other block.
DUCKDB_081_HEADER = bytes.fromhex("01d0e263e4ed52154455434b3300000000000000040000002000000000000000")


def test_a_warehouse_an_old_duckdb_wrote_is_one_line_saying_which_and_what_to_do(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: DuckDB's paragraph (`Trying to read a database file with storage version number 51, but we can only
    read storage versions between 64 and 69. … See the storage page … https://duckdb.org/internals/storage`),
    saying nothing of how to keep the data, for readers and writers alike."""
    config = tmp_path / "newsflow.toml"
    config.write_text(CONFIG)
    warehouse = tmp_path / "news.duckdb"
    warehouse.write_bytes(DUCKDB_081_HEADER.ljust(3 * 4096, b"\0"))
    before = warehouse.read_bytes()
    for argv in (["stories"], ["reextract"]):
        code, out, err = _run([*argv, "--config", str(config)], capsys)
        assert (code, out) == (3, ""), err
        assert err.count("\n") == 1 and "duckdb.org" not in err, err
        assert (f"cannot open {warehouse}: it was written by DuckDB v0.8.0 or v0.8.1 (storage version 51), which "
                "this newsflow's duckdb") in err, err
        assert "run `EXPORT DATABASE 'dir'`, and with this one `IMPORT DATABASE 'dir'`" in err, err
    with pytest.raises(WarehouseError, match=r"written by DuckDB v0\.8\.0 or v0\.8\.1"):  # `newsflow run`'s check
        check_warehouse_writable(load_config(config))
    assert warehouse.read_bytes() == before


# --- 6. $NEWSFLOW_CONFIG naming what is not a config --------------------------------------------------------------


@pytest.mark.parametrize("what", ["a folder", "a missing file"])
def test_newsflow_config_naming_a_folder_or_nothing_is_one_line_naming_the_variable(
        what: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Before: `config error at --config: … is a folder; pass --config PATH of the .toml file in it`, blaming an
    option the user never passed, and saying nothing of the variable that set it (in a profile, a unit file)."""
    target = tmp_path if what == "a folder" else tmp_path / "gone.toml"
    monkeypatch.setenv("NEWSFLOW_CONFIG", str(target))
    code, out, err = _run(["feeds"], capsys)
    assert (code, out) == (2, ""), err
    said = "is a folder" if what == "a folder" else "does not exist"
    assert err == (f"newsflow: config error at $NEWSFLOW_CONFIG: {target} {said}; set NEWSFLOW_CONFIG to newsflow's "
                   ".toml file (or unset it), or pass --config PATH\n"), err
    config = tmp_path / "newsflow.toml"  # control: --config still wins over the variable
    config.write_text(CONFIG)
    assert _run(["feeds", "--config", str(config)], capsys)[0] == 0


@pytest.mark.parametrize("argv", [["feeds"], ["reextract"]])
def test_a_log_without_its_warehouse_is_the_same_line_for_feeds_and_reextract(
        argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Review: these checked for the file themselves. Before, `feeds` listed every feed as never polled (exit 0)
    and `reextract` said `run \\`newsflow run\\` first`, which the log then refused."""
    config = tmp_path / "newsflow.toml"
    config.write_text(CONFIG)
    log = tmp_path / "news.duckdb.wal"
    log.write_bytes(b"\x01" * 358)
    code, out, err = _run([*argv, "--config", str(config)], capsys)
    assert (code, out) == (3, ""), err
    assert err.count("\n") == 1 and f"but its write-ahead log {log} is there" in err, err
    assert not (tmp_path / "news.duckdb").exists() and log.read_bytes() == b"\x01" * 358


def test_status_says_a_log_without_its_warehouse_not_that_the_first_run_makes_one(tmp_path: Path) -> None:
    """Review: `newsflow status` said `runs: none recorded (no warehouse at … yet; the first run makes it)`, exit 0,
    when the first run refuses it (status's lines, read in this process: the command imports Prefect)."""
    log = tmp_path / "news.duckdb.wal"
    log.write_bytes(b"\x01" * 358)
    lines, code = run_history_lines(tmp_path / "news.duckdb", datetime.now(UTC))
    assert code == 3 and len(lines) == 1, lines
    assert lines[0].startswith("runs: not read: no warehouse at") and "but its write-ahead log" in lines[0], lines
