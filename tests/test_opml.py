"""OPML import keeps the config's comments and skips known feeds; export round-trips; entities are refused."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsflow import cli
from newsflow.config import load_config
from newsflow.opml import OpmlError, export_opml, feed_name, import_opml, parse_opml, slugify

CONFIG = """# My feeds: hand-written, with comments that must survive an import.
[fetch]
timeout = 10.0   # seconds

[[feeds]]
name = "bbc-world"   # the BBC's world desk
url = "https://feeds.bbci.co.uk/news/world/rss.xml"
"""

OPML = """<?xml version="1.0" encoding="UTF-8"?>
<opml version="2.0"><head><title>Reader export</title></head><body>
  <outline text="World news">
    <outline type="rss" text="BBC World" xmlUrl="https://feeds.bbci.co.uk/news/world/rss.xml"/>
    <outline type="rss" text="Le Monde — International" xmlUrl="https://www.lemonde.fr/international/rss_full.xml"/>
    <outline type="rss" title="NPR" text="NPR News" xmlUrl="https://feeds.npr.org/1001/rss.xml" category="us,radio"/>
  </outline>
  <outline type="rss" text="bbc-world" xmlUrl="https://other.example/bbc-world.xml"/>
  <outline type="rss" text="Le Monde: International" xmlUrl="https://www.lemonde.fr/international/rss_2.xml"/>
  <outline type="rss" text="Mail" xmlUrl="mailto:someone@example.org"/>
</body></opml>
""".encode()

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<opml version="2.0"><body><outline text="&lol2;" xmlUrl="https://x.example/feed"/></body></opml>"""


@pytest.fixture
def config_path(tmp_path: Path) -> Path:
    path = tmp_path / "newsflow.toml"
    path.write_text(CONFIG, encoding="utf-8")
    return path


def test_import_appends_new_feeds_and_keeps_the_comments(config_path: Path) -> None:
    summary = import_opml(config_path, OPML)
    text = config_path.read_text(encoding="utf-8")
    assert text.startswith(CONFIG), "the user's text, comments included, is untouched"
    assert summary.added == (
        ("le-monde-international", "https://www.lemonde.fr/international/rss_full.xml"),
        ("NPR", "https://feeds.npr.org/1001/rss.xml"),
        ("le-monde-international-2", "https://www.lemonde.fr/international/rss_2.xml"),
    )
    feeds = {f.name: f for f in load_config(config_path).feeds}
    assert feeds["NPR"].tags == ("world-news", "us", "radio"), "folders and categories become tags"
    assert feeds["bbc-world"].url == "https://feeds.bbci.co.uk/news/world/rss.xml"


def test_import_skips_known_urls_and_names_and_non_http_urls(config_path: Path) -> None:
    skipped = dict(import_opml(config_path, OPML).skipped)
    assert skipped["https://feeds.bbci.co.uk/news/world/rss.xml"] == "already configured"
    assert "named 'bbc-world'" in skipped["https://other.example/bbc-world.xml"]
    assert skipped["mailto:someone@example.org"] == "not an http(s) URL"
    before = config_path.read_text(encoding="utf-8")
    again = import_opml(config_path, OPML)
    assert again.added == () and config_path.read_text(encoding="utf-8") == before


def test_export_then_import_round_trips_names_urls_and_tags(config_path: Path, tmp_path: Path) -> None:
    import_opml(config_path, OPML)
    original = load_config(config_path).feeds
    empty = tmp_path / "empty.toml"
    empty.write_text("# nothing yet\n", encoding="utf-8")
    import_opml(empty, export_opml(load_config(config_path)))
    assert load_config(empty).feeds == original


def test_hostile_opml_with_entities_is_refused_and_the_config_untouched(config_path: Path) -> None:
    with pytest.raises(OpmlError, match="DOCTYPE or entities"):
        import_opml(config_path, BILLION_LAUGHS)
    assert config_path.read_text(encoding="utf-8") == CONFIG
    with pytest.raises(OpmlError, match="not an OPML document"):
        parse_opml(b"<rss><channel/></rss>")


def test_names_are_slugs_made_unique() -> None:
    assert slugify("Le Monde — International") == "le-monde-international"
    assert feed_name("Süddeutsche Zeitung!", "https://sz.de/rss", ["sueddeutsche-zeitung"]) == "suddeutsche-zeitung"
    assert feed_name("", "https://www.example.org/feed", []) == "www-example-org"
    assert feed_name("Tech", "https://a/", ["Tech", "Tech-2"]) == "Tech-3"


def test_cli_feeds_import_export_and_plain_listing(config_path: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    opml_file = tmp_path / "subscriptions.opml"
    opml_file.write_bytes(OPML)
    assert cli.main(["feeds", "import", str(opml_file), "--config", str(config_path)]) == 0
    assert "3 feeds added" in capsys.readouterr().out
    assert cli.main(["feeds", "--config", str(config_path), "export"]) == 0
    assert parse_opml(capsys.readouterr().out.encode())[1].title == "le-monde-international"
    assert cli.main(["feeds", "export", "-o", str(tmp_path / "out.opml"), "--config", str(config_path)]) == 0
    assert len(parse_opml((tmp_path / "out.opml").read_bytes())) == 4
    assert cli.main(["feeds", "--config", str(config_path)]) == 0
    assert "never polled" in capsys.readouterr().out
    opml_file.write_bytes(BILLION_LAUGHS)
    assert cli.main(["feeds", "import", str(opml_file), "--config", str(config_path)]) == 2
