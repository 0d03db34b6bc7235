"""Local 25: hostile local input (docs/security.md, "Local 25"), beside the warehouse property
(tests/test_local25_warehouse.py). In process (`cli.main`), real files. Each test fails on main at 7332cf74 unless
it says it is a control."""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from newsflow import cli, files
from newsflow.opml import parse_opml
from tests.test_local24 import export_through_stdout

URL = "https://xn--caf-dma.example/\u00f1/rss?q=\u65e5\u672c"
CONFIG = f'[[feeds]]\nname = "cafe"\nurl = "{URL}"\ntags = ["caf\u00e9"]\n'


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_feeds_export_to_an_output_that_is_no_superset_of_ascii_is_an_opml_every_reader_parses(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, encoding: str) -> None:
    """`PYTHONIOENCODING=utf-16 newsflow feeds export > feeds.opml` (left by Local 24): before, UTF-16 bytes under
    the OPML's `encoding='utf-8'` declaration, which no XML reader parses (expat: `encoding specified in XML
    declaration is incorrect`). Now the declaration names stdout's encoding: ElementTree and newsflow's own import
    read back the feed's URL and tag."""
    code, document = export_through_stdout(tmp_path, monkeypatch, encoding, CONFIG)
    assert code == 0
    urls = [outline.get("xmlUrl") for outline in ET.fromstring(document).iter("outline")]
    assert urls == [URL], document[:200]
    assert [(feed.url, feed.tags) for feed in parse_opml(document)] == [(URL, ("cafe",))]


def test_feeds_export_to_a_utf8_output_is_as_it_was(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Control (passes on main too): UTF-8 stdout gets the OPML byte for byte, declared UTF-8."""
    code, document = export_through_stdout(tmp_path, monkeypatch, "utf-8", CONFIG)
    assert code == 0
    assert document.startswith(b"<?xml version='1.0' encoding='utf-8'?>\n<opml")
    assert URL.encode() in document


@pytest.mark.parametrize("encoding", ["utf-32", "utf-7"])
def test_feeds_export_to_an_output_no_opml_reader_parses_is_one_line_writing_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], encoding: str) -> None:
    """UTF-32 (no XML reader need read it; expat does not) or UTF-7 (its `+` is `+-`: a wrong URL): before, bytes
    under `encoding='utf-8'`, exit 0. Now one line, exit 2, nothing written."""
    code, document = export_through_stdout(tmp_path, monkeypatch, encoding, CONFIG.replace("?q=", "?a+b&q="))
    err = capsys.readouterr().err
    assert (code, document) == (2, b""), document[:100]
    assert err == (f"newsflow: feeds export: stdout's encoding is {encoding} (PYTHONIOENCODING or the locale), in "
                   "which no OPML reader parses the export; nothing was written: unset PYTHONIOENCODING, or give "
                   "`feeds export -o FILE`\n")


def test_two_saves_in_the_instant_of_the_import_s_exchange_are_both_kept_in_sight(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Left by Local 24: between the import's exchange and its check of the displaced config, one program writes
    to that displaced file (an editor saving in place) and another renames its own save over the config. The swap
    back put the first's file at the config's name and the second's at the import's hidden temporary name,
    `.newsflow.toml.….partial`, which no line named; the import then went on, exit 0. Now the second save is
    renamed to a visible name beside the config and named in one line, exit 1, nothing imported."""
    config = tmp_path / "newsflow.toml"
    original = '[[feeds]]\nname = "cafe"\nurl = "https://cafe.example/feed.xml"\n'
    config.write_text(original)
    (tmp_path / "more.opml").write_bytes(
        b'<opml version="2.0"><body><outline text="more" xmlUrl="https://more.example/rss"/></body></opml>')
    first, second = original + "# saved in place\n", original + "# saved by rename\n"
    real = files._unchanged_inode

    def two_saves_then_check(path: Path, expected: bytes) -> int | None:
        if path.name.endswith(files.PARTIAL_SUFFIX) and not (tmp_path / "b.toml").exists():
            with open(path, "a") as displaced:  # the first program, into the file the exchange displaced
                displaced.write("# saved in place\n")
            (tmp_path / "b.toml").write_text(second)
            os.rename(tmp_path / "b.toml", config)  # the second, over the config's name (the import's file)
            (tmp_path / "b.toml").write_text("done")
        return real(path, expected)

    monkeypatch.setattr(files, "_unchanged_inode", two_saves_then_check)
    code = cli.main(["feeds", "import", str(tmp_path / "more.opml"), "--config", str(config)])
    err = capsys.readouterr().err
    kept = [p for p in tmp_path.iterdir() if p.name.startswith("newsflow.toml.other-save-")]
    assert code == 1 and len(kept) == 1, (code, err, sorted(p.name for p in tmp_path.iterdir()))
    assert err == (f"newsflow: cannot write {config}: two other programs saved it in the instant the import replaced "
                   f"it; the first's save is at {config}, the second's is kept as {kept[0]}: compare the two and "
                   "merge what you want into newsflow.toml, then import again; nothing was imported\n")
    assert config.read_text() == first and kept[0].read_text() == second  # both saves, neither with the import
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(files.PARTIAL_SUFFIX)]
