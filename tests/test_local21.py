"""Local 21: hostile local input (docs/security.md, "Local 21"). Each test failed on the code before its fix,
except those marked as controls. Real files in a temporary folder; the CLI run in this process (its exit code
and stderr are what a shell sees: `cli.main`), and once as a real subprocess for the encodings."""

from __future__ import annotations

import codecs
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newsflow import cli, hostholds, opml
from newsflow.config import load_config
from newsflow.models import HostPause
from newsflow.spool import spool_dir_for
from newsflow.warehouse import Warehouse, write_host_pauses
from tests.conftest import write_config
from tests.hostile.test_readers import holding

REPO = Path(__file__).resolve().parents[1]
CONFIG = ('# the café\'s feeds\n[warehouse]\npath = "news.duckdb"\n\n'
          '[[feeds]]\nname = "cafe"\nurl = "https://café.example/feed.xml"\n')


def _opml(title: str, url: str) -> bytes:
    return (f'<?xml version="1.0"?><opml version="2.0"><body><outline text="{title}" type="rss" '
            f'xmlUrl="{url}"/></body></opml>').encode()


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    capsys.readouterr()
    code = cli.main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _import_more(tmp_path: Path, config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """`newsflow feeds import` of an OPML file of one feed, "more", into `config`."""
    opml_file = tmp_path / "more.opml"
    opml_file.write_bytes(_opml("more", "https://more.example/rss"))
    return _run(["feeds", "import", str(opml_file), "--config", str(config)], capsys)


# Each as an editor saves it: Notepad's "Unicode" (UTF-16 LE with a BOM), PowerShell's `Out-File`, "Unicode big
# endian", UTF-8 with a BOM, Windows line ends, a classic Mac's CR line ends, and UTF-16 with no BOM.
SAVED_AS = {  # (encoding, BOM, line end)
    "utf-16-le with bom": ("utf-16-le", codecs.BOM_UTF16_LE, "\n"),
    "utf-16-be with bom": ("utf-16-be", codecs.BOM_UTF16_BE, "\n"),
    "utf-32-le with bom": ("utf-32-le", codecs.BOM_UTF32_LE, "\n"),
    "utf-16-le without bom": ("utf-16-le", b"", "\n"),
    "utf-8 with bom": ("utf-8", codecs.BOM_UTF8, "\n"),
    "crlf": ("utf-8", b"", "\r\n"),
    "cr": ("utf-8", b"", "\r"),
    "utf-16-le with bom and crlf": ("utf-16-le", codecs.BOM_UTF16_LE, "\r\n"),
}


def _saved(text: str, saved_as: str) -> bytes:
    encoding, bom, newline = SAVED_AS[saved_as]
    return bom + text.replace("\n", newline).encode(encoding)


@pytest.mark.parametrize("saved_as", SAVED_AS)
def test_a_config_saved_in_another_unicode_form_is_read_and_an_import_keeps_its_form(
        saved_as: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Before: UTF-16 and UTF-32 were refused (`not UTF-8 text (byte 0xff on line 1)`), CR line ends were `not
    valid TOML` naming no cause, and an import rewrote a BOM-marked file without its BOM."""
    config = tmp_path / "newsflow.toml"
    original = _saved(CONFIG, saved_as)
    config.write_bytes(original)
    assert [(f.name, f.url) for f in load_config(config).feeds] == [("cafe", "https://café.example/feed.xml")]
    code, out, err = _import_more(tmp_path, config, capsys)
    assert (code, err) == (0, ""), err
    assert "added    more  https://more.example/rss" in out
    written = config.read_bytes()
    assert written.startswith(original)  # every byte read is kept; the import appends
    encoding, _, newline = SAVED_AS[saved_as]
    added = written[len(original):].decode(encoding)
    assert added.replace(newline, "\n").count("\n") == added.count(newline)  # its own line ends only
    assert '[[feeds]]\nname = "more"' in added.replace(newline, "\n")
    assert [f.name for f in load_config(config).feeds] == ["cafe", "more"]


def test_a_utf16_config_is_read_by_the_real_cli(tmp_path: Path) -> None:
    """The same as a user meets it: a subprocess of the CLI on a Notepad "Unicode" config, exit 0."""
    config = tmp_path / "newsflow.toml"
    config.write_bytes(_saved(CONFIG, "utf-16-le with bom"))
    done = subprocess.run([sys.executable, "-m", "newsflow", "feeds", "export", "--config", str(config)],
                          cwd=REPO, capture_output=True, text=True, timeout=120,
                          env={**os.environ, "NEWSFLOW_CONFIG": ""})
    assert (done.returncode, done.stderr) == (0, "")
    assert 'xmlUrl="https://café.example/feed.xml"' in done.stdout


def test_a_latin1_config_is_one_line_naming_the_file_the_byte_its_letter_and_what_to_do(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Not guessed (a wrong letter would go into a name or URL silently): refused, exit 2, now saying what the
    byte is in Windows-1252 and how to convert the file (before: the byte and `save it as UTF-8` only)."""
    config = tmp_path / "newsflow.toml"
    config.write_bytes(CONFIG.encode("cp1252"))
    code, out, err = _run(["feeds", "export", "--config", str(config)], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and str(config) in err, err
    assert "byte 0xe9 on line 1, 'é' in Windows-1252" in err and "iconv -f cp1252 -t utf-8" in err, err
    assert config.read_bytes() == CONFIG.encode("cp1252")


def test_the_warehouse_or_another_binary_file_given_as_config_is_named_for_what_it_is(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`--config warehouse/news.duckdb` (both sit side by side): before, `is not UTF-8 text (byte 0xbd on line 1);
    save it as UTF-8`, advice that would ruin the database if followed; with this pass's Latin-1 line it named
    '½' as the letter. Now one line saying what the file is and to pass the .toml file (exit 2), file untouched."""
    config_path = write_config(tmp_path, "", {"courier": "https://courier.example/feed.xml"})
    warehouse_path = load_config(config_path).warehouse_path
    with Warehouse(warehouse_path).writing():
        pass
    image = tmp_path / "logo.png"
    image.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))
    for given, says in ((warehouse_path, "is a DuckDB database (the warehouse?), not a newsflow config"),
                        (image, "is not a text file (it holds NUL bytes")):
        before = given.read_bytes()
        code, out, err = _run(["feeds", "--config", str(given)], capsys)
        assert (code, out) == (2, "")
        assert err.count("\n") == 1 and str(given) in err and says in err and "pass --config PATH" in err, err
        assert given.read_bytes() == before


EDITORS_SAVE = {
    # vim's default for a file it may rename: a new file renamed over it (a new inode)
    "by rename": lambda path, text: (path.with_name("x.tmp").write_text(text), os.replace(path.with_name("x.tmp"),
                                                                                          path)),
    # nano, or vim with backupcopy=yes: written in place (the same inode the import holds its lock on)
    "in place": lambda path, text: path.write_text(text),
}


@pytest.mark.parametrize("editor", EDITORS_SAVE)
def test_an_editor_saving_the_config_during_an_import_loses_neither_change(
        editor: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """The editor saves (a real write to the real file) after the import read the config, before it replaced it:
    here while the import parses its OPML. Before: the import's replace dropped the editor's new feed."""
    config = tmp_path / "newsflow.toml"
    config.write_text(CONFIG, encoding="utf-8")
    edited = CONFIG + '\n[[feeds]]\nname = "typed"\nurl = "https://typed.example/feed"\n'
    real_parse, saves = opml.parse_opml, []

    def parse_while_the_editor_saves(opml_bytes: bytes) -> list[opml.OpmlFeed]:
        if not saves:
            saves.append(EDITORS_SAVE[editor](config, edited))
        return real_parse(opml_bytes)

    monkeypatch.setattr(opml, "parse_opml", parse_while_the_editor_saves)
    code, out, err = _import_more(tmp_path, config, capsys)
    assert (code, err) == (0, ""), err
    assert config.read_text(encoding="utf-8").startswith(edited)
    assert [f.name for f in load_config(config).feeds] == ["cafe", "typed", "more"]
    assert out.count("added    ") == 1  # once, though made twice
    assert not list(tmp_path.glob("*.partial"))  # review: the new file not renamed is removed, not left beside it


def test_an_import_that_meets_a_save_at_every_try_gives_up_in_one_line_leaving_the_editors_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """A program rewriting the config without end: the import is not made, exit 1 (a file it must write cannot
    be written), one line naming the config and what to do; the file is the program's last save."""
    config = tmp_path / "newsflow.toml"
    config.write_text(CONFIG, encoding="utf-8")
    real_parse, saves = opml.parse_opml, []

    def parse_while_a_program_saves(opml_bytes: bytes) -> list[opml.OpmlFeed]:
        saves.append(CONFIG + f"# save {len(saves)}\n")
        config.write_text(saves[-1], encoding="utf-8")
        return real_parse(opml_bytes)

    monkeypatch.setattr(opml, "parse_opml", parse_while_a_program_saves)
    code, out, err = _import_more(tmp_path, config, capsys)
    assert code == 1 and out == ""
    assert err.count("\n") == 1 and str(config) in err and "import again" in err, err
    assert len(saves) == opml.IMPORT_TRIES
    assert config.read_text(encoding="utf-8") == saves[-1]
    assert not list(tmp_path.glob("*.partial"))


def test_query_host_pauses_shows_the_pauses_still_in_the_spool_beside_a_reader(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A run ended (or was killed) while a reader held the warehouse: its pauses wait in the spool, honoured by
    every run, and `newsflow query host_pauses` listed only the table's. Now the spool's are among its rows (the
    later end per host), and one line on stderr says where they are."""
    config_path = write_config(tmp_path, "", {"courier": "https://courier.example/feed.xml"})
    store = Warehouse(load_config(config_path).warehouse_path, write_patience=0.0)
    now = datetime.now(UTC).replace(microsecond=0)
    stored = HostPause("stored.example", now + timedelta(hours=1), now, 503, "https://stored.example/a")
    with store.writing() as con:
        write_host_pauses(con, [stored, replace(stored, host="both.example", until_at=now + timedelta(hours=3))], now)
    spooled = [HostPause("spooled.example", now + timedelta(hours=2), now, 429, "https://spooled.example/feed"),
               replace(stored, host="both.example", until_at=now + timedelta(hours=4))]
    with store.run_lock(), holding(store.path, "read-only"):
        hostholds.store_at_end(store, "held", spooled)
    assert [path.suffix for path in spool_dir_for(store.path).iterdir()] == [".spool"]
    code, out, err = _run(["query", "host_pauses", "--format", "csv", "--config", str(config_path)], capsys)
    assert code == 0, err
    hosts = [line.split(",")[0] for line in out.splitlines()[1:]]
    assert hosts == ["both.example", "spooled.example", "stored.example"], out  # by their end, latest first
    assert datetime.fromisoformat(out.splitlines()[1].split(",")[1]) == now + timedelta(hours=4), out
    assert err == ("newsflow: 2 of these pauses are still in the spool beside the warehouse (a reader held it when "
                   "the run kept them): runs honour them, and the next run stores them\n")


def test_query_host_pauses_with_an_empty_spool_is_the_tables_rows_alone(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Control: nothing in the spool, nothing said on stderr, the named query's rows as its SQL gives them."""
    config_path = write_config(tmp_path, "", {"courier": "https://courier.example/feed.xml"})
    now = datetime.now(UTC)
    with Warehouse(load_config(config_path).warehouse_path).writing() as con:
        write_host_pauses(con, [HostPause("stored.example", now + timedelta(hours=1), now, 503)], now)
    code, out, err = _run(["query", "host_pauses", "--format", "csv", "--config", str(config_path)], capsys)
    assert (code, err) == (0, "")
    assert [line.split(",")[0] for line in out.splitlines()] == ["host", "stored.example"]


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root (CI runs as root)")
def test_an_import_run_as_root_leaves_the_config_its_users_to_edit(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`sudo newsflow feeds import`: the replaced config was root's (mode 0644 kept), so its user could no
    longer save it in an editor nor import into it. Now it keeps its owner, group and mode."""
    config = tmp_path / "newsflow.toml"
    config.write_text(CONFIG, encoding="utf-8")
    os.chown(config, 1234, 5678)
    config.chmod(0o640)
    code, _, err = _import_more(tmp_path, config, capsys)
    assert (code, err) == (0, "")
    kept = config.stat()
    assert (kept.st_uid, kept.st_gid, kept.st_mode & 0o7777) == (1234, 5678, 0o640)
    assert [f.name for f in load_config(config).feeds] == ["cafe", "more"]


HOLD_THE_RUN_LOCK = """
import sys
from pathlib import Path
from newsflow.warehouse import Warehouse
with Warehouse(Path(sys.argv[1])).run_lock():
    print("held", flush=True)
    sys.stdin.read()  # until the test closes it
"""


def test_a_second_newsflow_run_on_a_held_warehouse_is_one_line_exit_3_naming_the_first(tmp_path: Path) -> None:
    """Probed, held (a control: it passes on main too): while a run holds the warehouse's run lock (here a
    process holding it as `newsflow run` does, so no Prefect server is needed), a second real `newsflow run` on
    the same config stops before Prefect starts: one line naming the first's pid and what to do, exit 3."""
    config_path = write_config(tmp_path, "", {"courier": "https://courier.example/feed.xml"})
    warehouse_path = load_config(config_path).warehouse_path
    first = subprocess.Popen([sys.executable, "-c", HOLD_THE_RUN_LOCK, str(warehouse_path)], cwd=REPO,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert first.stdout is not None and first.stdout.readline() == "held\n"
        second = subprocess.run([sys.executable, "-m", "newsflow", "run", "--config", str(config_path)], cwd=REPO,
                                capture_output=True, text=True, timeout=120)
    finally:
        first.communicate("")
    assert second.returncode == 3, second.stderr
    assert second.stderr.count("\n") == 1 and f"pid {first.pid}" in second.stderr, second.stderr
    assert f"is writing to {warehouse_path}; wait for it to finish" in second.stderr, second.stderr
    assert not warehouse_path.exists()  # nothing made or changed by the second


# Review of Local 21: the heuristics and the owner kept, each shown failing before its fix.

def test_a_utf8_config_that_spells_duckdbs_magic_is_read_not_named_a_database(tmp_path: Path) -> None:
    """Review: DuckDB's `DUCK` at byte 8 was taken for the database with no NUL byte in the file: a config
    starting `# About DUCKDB` was refused as `a DuckDB database (the warehouse?)`, exit 2."""
    config = tmp_path / "newsflow.toml"
    config.write_bytes(b'# About DUCKDB, where the articles go\n[warehouse]\npath = "news.duckdb"\n')
    assert load_config(config).warehouse_path.name == "news.duckdb"


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize("comment", ["一月的新聞", "Ā", "漢字" * 60], ids=["U+4E00", "U+0100", "mostly Chinese"])
def test_a_utf16_config_without_a_bom_is_read_whatever_its_letters(
        tmp_path: Path, encoding: str, comment: str) -> None:
    """Review: a BOM-less UTF-16 config was read only when none of its letters had a NUL byte and half its bytes
    were NUL: `一` (U+4E00), `Ā` (U+0100) or a comment mostly in Chinese made it `not a text file (it holds NUL
    bytes: a database, an image, an archive?)`."""
    config = tmp_path / "newsflow.toml"
    config.write_bytes(f"# {comment}\n{CONFIG}".encode(encoding))
    assert [f.url for f in load_config(config).feeds] == ["https://café.example/feed.xml"]


@pytest.mark.parametrize("content", [
    bytes([65, 0]) * 10 + bytes(4) + bytes([67, 0]) * 10,  # NUL on odd bytes, and a NUL pair: no UTF-16 text
    b"\x00A" * 8 + bytes(6),
], ids=["NUL on odd bytes", "NUL on even bytes"])
def test_a_binary_file_with_nuls_on_one_side_is_still_named_not_a_text_file(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes) -> None:
    """Control for the review's UTF-16 fix: bytes that decode to U+0000 are no UTF-16 text (TOML allows no NUL)."""
    config = tmp_path / "newsflow.toml"
    config.write_bytes(content)
    code, out, err = _run(["feeds", "--config", str(config)], capsys)
    assert (code, out) == (2, "") and err.count("\n") == 1 and "is not a text file" in err, err


@pytest.mark.skipif(subprocess.run(["unshare", "--user", "--map-root-user", "true"], capture_output=True).returncode,
                    reason="needs a user namespace (`unshare --user`), which this machine refuses")
def test_replacing_a_file_of_an_unmapped_owner_in_a_user_namespace_is_not_refused(tmp_path: Path) -> None:
    """Review: root in a user namespace (rootless podman or docker, a config bind-mounted from the host) sees a
    file of an unmapped owner as 65534, and chown to it is EINVAL, not EPERM: the owner kept since Local 21
    turned every replace of such a file into `Invalid argument` (`feeds import`, the saved feed states)."""
    target = tmp_path / "newsflow.toml"
    target.write_text("old\n", encoding="utf-8")
    os.chown(target, 1234, 1234)
    tmp_path.chmod(0o777)
    child = ("import sys; from pathlib import Path; from newsflow.files import replace_file; "
             "replace_file(Path(sys.argv[1]), b'new\\n')")
    done = subprocess.run(["unshare", "--user", "--map-root-user", sys.executable, "-c", child, str(target)],
                          cwd=REPO, capture_output=True, text=True, timeout=60)
    assert (done.returncode, done.stderr) == (0, "")
    assert target.read_text(encoding="utf-8") == "new\n"


@pytest.fixture
def tokyo_time(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The process's local time zone Tokyo's (DuckDB's session zone follows it), put back after the test."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


def test_query_host_pauses_leaves_out_spooled_pauses_passed_or_outlasted_and_caps_them_as_a_run_does(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], tokyo_time: None) -> None:
    """Review, the variant the first test lacks: a spooled pause that has passed since it was spooled is not
    shown; one outlasted by the table's pause of its host is not shown nor counted; one past polling.max_interval
    (24 h by default) shows the end a run honours, not the one asked. Each host once; and on a machine not on UTC
    every row in its local time, as DuckDB gives the table's (the spool's were in UTC, +00:00 beside +09:00)."""
    config_path = write_config(tmp_path, "", {"courier": "https://courier.example/feed.xml"})
    store = Warehouse(load_config(config_path).warehouse_path, write_patience=0.0)
    now = datetime.now(UTC).replace(microsecond=0)
    stored = HostPause("stored.example", now + timedelta(hours=5), now, 503, "https://stored.example/a")
    with store.writing() as con:
        write_host_pauses(con, [stored], now)
    spooled = [replace(stored, until_at=now + timedelta(hours=1)),  # outlasted by the table's
               HostPause("passed.example", now - timedelta(minutes=1), now - timedelta(hours=2), 429),
               HostPause("greedy.example", now + timedelta(days=30), now, 429)]
    with store.run_lock(), holding(store.path, "read-only"):
        hostholds.store_at_end(store, "held", spooled)
    code, out, err = _run(["query", "host_pauses", "--format", "csv", "--config", str(config_path)], capsys)
    assert code == 0, err
    rows = [line.split(",") for line in out.splitlines()[1:]]
    assert [row[0] for row in rows] == ["greedy.example", "stored.example"], out
    assert [datetime.fromisoformat(row[1]) for row in rows] == [now + timedelta(hours=24), now + timedelta(hours=5)]
    assert {row[1][-6:] for row in rows} == {"+09:00"}, out
    assert err.startswith("newsflow: 1 of these pauses are still in the spool"), err


def test_an_import_made_again_after_an_editors_rename_holds_the_lock_on_the_file_now_there(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Review: the import's lock (`files.rewriting`) is on the config's inode, which an editor's rename-save
    swaps. The import was made again under its lock on the old inode, so a second `feeds import` locked the new
    one and ran beside it, the two left only the compare to keep each other's feeds. Each try now locks the
    file at the path: a second import's lock on it waits."""
    import fcntl

    config = tmp_path / "newsflow.toml"
    config.write_text(CONFIG, encoding="utf-8")
    real_parse, second_import_could_lock = opml.parse_opml, []

    def parse_while_the_editor_saves(opml_bytes: bytes) -> list[opml.OpmlFeed]:
        if not second_import_could_lock:  # the first try: the editor saves by rename (a new inode)
            EDITORS_SAVE["by rename"](config, CONFIG + "# saved\n")
            second_import_could_lock.append(None)
        else:  # the try made again: can another import lock the file at the path now?
            handle = os.open(config, os.O_RDONLY)
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                second_import_could_lock[0] = True
            except BlockingIOError:
                second_import_could_lock[0] = False
            finally:
                os.close(handle)
        return real_parse(opml_bytes)

    monkeypatch.setattr(opml, "parse_opml", parse_while_the_editor_saves)
    code, _, err = _import_more(tmp_path, config, capsys)
    assert (code, err) == (0, ""), err
    assert second_import_could_lock == [False]
    assert [f.name for f in load_config(config).feeds] == ["cafe", "more"]
