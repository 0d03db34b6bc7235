"""Local 24: the local environment a months-long service meets (docs/security.md "Local 24").

The editor's save against `feeds import`, as a property over interleavings, is tests/test_local24_editor.py.
"""

from __future__ import annotations

import ctypes
import errno
import io
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from newsflow import cli, files, opml

URL = "https://xn--caf-dma.example/\u00f1/rss?q=\u65e5\u672c"
CONFIG = f'[[feeds]]\nname = "cafe"\nurl = "{URL}"\n'


@pytest.mark.parametrize("encoding", ["ascii", "latin-1"])
def test_feeds_export_to_an_output_that_is_not_utf8_keeps_every_url_and_title(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str) -> None:
    """`PYTHONIOENCODING=ascii` (or a Latin-1 locale) and `newsflow feeds export > feeds.opml`: before, the JSON
    escapes stdout writes for what it cannot encode went into the XML (`xmlUrl=".../\\u00f1/rss?q=\\u65e5..."`),
    a wrong URL read back by any OPML reader, exit 0. Now: XML character references, read back as the letters."""
    code, document = export_through_stdout(tmp_path, monkeypatch, encoding, CONFIG)
    assert code == 0
    urls = [outline.get("xmlUrl") for outline in ET.fromstring(document).iter("outline")]
    assert urls == [URL], document


def export_through_stdout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str,
                          config_text: str) -> tuple[int, bytes]:
    """`newsflow feeds export` of a config holding `config_text`, to a stdout in `encoding` (as
    PYTHONIOENCODING or the locale makes it): its exit code and the bytes it wrote."""
    config = tmp_path / "newsflow.toml"
    config.write_text(config_text, encoding="utf-8")
    output = io.BytesIO()
    monkeypatch.setattr(sys, "stdout", io.TextIOWrapper(output, encoding=encoding))
    code = cli.main(["feeds", "export", "--config", str(config)])
    sys.stdout.flush()
    return code, output.getvalue()


def test_an_import_into_a_config_that_is_bad_with_no_writer_is_still_its_config_error_at_once(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """Control for the read made again when a save was in flight: a config that is simply bad, with no program
    writing it, is its config error (exit 2), with no wait, the file untouched."""
    config = tmp_path / "newsflow.toml"
    config.write_text('[[feeds]]\nname = "cafe"\nurl = \n')
    opml_file = tmp_path / "more.opml"
    opml_file.write_bytes(b'<opml version="2.0"><body><outline xmlUrl="https://more.example/rss"/></body></opml>')
    monkeypatch.setattr(opml, "wait_for_other_writers", lambda attempt: pytest.fail("waited with no writer"))
    code = cli.main(["feeds", "import", str(opml_file), "--config", str(config)])
    out, err = capsys.readouterr()
    assert (code, out) == (2, "") and err.count("\n") == 1 and "not valid TOML" in err, err
    assert config.read_text() == '[[feeds]]\nname = "cafe"\nurl = \n'


class _NoExchange:
    """A C library whose renameat2 answers `refusal` (EINVAL, as a filesystem without RENAME_EXCHANGE does)."""

    def __init__(self, refusal: int = errno.EINVAL) -> None:
        self.refusal = refusal

    def renameat2(self, *args: Any) -> int:
        ctypes.set_errno(self.refusal)
        return -1


def test_where_the_filesystem_has_no_exchange_the_compared_replace_renames_as_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """NFS before Linux 6.x, FUSE, not Linux: `renameat2(RENAME_EXCHANGE)` is refused (EINVAL, ENOSYS); the
    replace is then the rename alone, after the same checks, never an error."""
    target = tmp_path / "newsflow.toml"
    target.write_bytes(b"old")
    monkeypatch.setattr(files, "_libc", lambda: _NoExchange())
    assert files._exchange(tmp_path / "a", tmp_path / "b") is False
    assert files.replace_file(target, b"new", expected=b"old") is True
    assert target.read_bytes() == b"new"
    assert files.replace_file(target, b"newer", expected=b"old") is False  # the compare still stands
    assert target.read_bytes() == b"new"
    assert not list(tmp_path.glob("*.partial"))


def test_where_a_sandbox_forbids_the_exchange_s_system_call_the_replace_renames_as_before(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review of Local 24: a seccomp filter that does not know `renameat2` (Docker's before 2016, some sandboxes)
    answers EPERM for it while `rename` is allowed: every `feeds import` there said `cannot write …: Operation not
    permitted`, exit 1 (main imported). EPERM is now the rename alone too; a real refusal of the rename still
    says so, from the rename."""
    target = tmp_path / "newsflow.toml"
    target.write_bytes(b"old")
    monkeypatch.setattr(files, "_libc", lambda: _NoExchange(errno.EPERM))
    assert files.replace_file(target, b"new", expected=b"old") is True
    assert target.read_bytes() == b"new"
    assert not list(tmp_path.glob("*.partial"))


def test_the_exchange_swaps_two_names_and_keeps_both_files(tmp_path: Path) -> None:
    """The real `renameat2(RENAME_EXCHANGE)` (tmp_path's filesystem): each name then holds the other's file, the
    same inodes, nothing lost; skipped, saying so, where the filesystem has no exchange."""
    first, second = tmp_path / "first", tmp_path / "second"
    first.write_bytes(b"one")
    second.write_bytes(b"two")
    inodes = first.stat().st_ino, second.stat().st_ino
    if not files._exchange(first, second):
        pytest.skip("this filesystem has no RENAME_EXCHANGE: the rename alone is tested above")
    assert (first.read_bytes(), second.read_bytes()) == (b"two", b"one")
    assert (second.stat().st_ino, first.stat().st_ino) == inodes


def test_an_interrupt_between_the_exchange_and_its_check_leaves_the_config_as_it_was(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Review of Local 24: Ctrl-C (or any failure) after the exchange, while the displaced file is checked, left
    the import's file at the config's name, reported failed, and the config as it was, which an editor may have
    just written, at a `.partial` name. Now it is swapped back first: the config as it was, at its name."""
    probe = tmp_path / "probe"
    probe.write_bytes(b"")
    if not files._exchange(probe, probe):
        pytest.skip("this filesystem has no RENAME_EXCHANGE: no exchange to interrupt")
    probe.unlink()
    target = tmp_path / "newsflow.toml"
    target.write_bytes(b"old")
    inode = target.stat().st_ino
    real_held = files.held_open_for_writing

    def interrupted_on_the_displaced_file(path: Path) -> bool:
        if path.name.endswith(files.PARTIAL_SUFFIX):
            raise KeyboardInterrupt
        return real_held(path)
    monkeypatch.setattr(files, "held_open_for_writing", interrupted_on_the_displaced_file)
    with pytest.raises(KeyboardInterrupt):
        files.replace_file(target, b"new", expected=b"old")
    assert (target.read_bytes(), target.stat().st_ino) == (b"old", inode)
    assert not list(tmp_path.glob("*.partial"))
