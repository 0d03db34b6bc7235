"""Config: validated before any I/O, errors name the key, paths resolve from the file's folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsflow.config import SETTINGS, load_config
from newsflow.errors import ConfigError

ROOT = Path(__file__).resolve().parents[1]
FEED = '[[feeds]]\nname = "a"\nurl = "https://example.org/feed.xml"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "conf" / "newsflow.toml"
    path.parent.mkdir(exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_defaults_apply_and_warehouse_path_resolves_from_config_folder(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, FEED))
    assert config.warehouse_path == (tmp_path / "warehouse" / "news.duckdb").resolve()
    assert config.fetch.timeout == 20.0 and config.fetch.block_private_networks is True
    assert config.fetch.allowed_networks == ()
    assert [f.name for f in config.feeds] == ["a"]


@pytest.mark.parametrize(
    ("text", "key"),
    [
        ("[fetch]\ntimout = 3\n" + FEED, "fetch.timout"),
        ("[fetch]\ntimeout = -1\n" + FEED, "fetch.timeout"),
        ("[fetch]\ntimeout = 'soon'\n" + FEED, "fetch.timeout"),
        ("[fetch]\nallowed_networks = ['10.0.0.0/33']\n" + FEED, "fetch.allowed_networks[0]"),
        ("[fetch]\nblock_private_networks = 1\n" + FEED, "fetch.block_private_networks"),
        ("[wherehouse]\npath = 'x'\n" + FEED, "wherehouse"),
        (FEED + FEED, "feeds[1].name"),
        ('[[feeds]]\nname = "b"\nurl = "ftp://example.org/feed"\n', "feeds[0].url"),
        ('[[feeds]]\nname = "b"\nurl = "not a url"\n', "feeds[0].url"),
        ('[[feeds]]\nname = "b"\n', "feeds[0].url"),
        ('[[feeds]]\nname = "b"\nurl = "https://e.org/f"\ncolour = "red"\n', "feeds[0].colour"),
        ('[[feeds]]\nname = "has space"\nurl = "https://e.org/f"\n', "feeds[0].name"),
        ("[execution]\nprefect = 'sometimes'\n" + FEED, "execution.prefect"),
        ("[execution]\nprefect = 'never'\ntask_runner = 'dask'\n" + FEED, "execution.prefect"),
    ],
)
def test_bad_config_names_the_key(tmp_path: Path, text: str, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, text))
    assert caught.value.key == key
    assert key in str(caught.value)


def test_old_config_with_execution_prefect_is_told_to_delete_it(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"every run is a Prefect flow run now.*delete this line"):
        load_config(write(tmp_path, "[execution]\nprefect = 'never'\n" + FEED))


def test_invalid_toml_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(write(tmp_path, "[fetch\n"))


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="--config"):
        load_config(tmp_path / "nope.toml")


def test_unknown_feed_selection_is_refused(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, FEED))
    with pytest.raises(ConfigError, match="no feed named zzz"):
        config.select_feeds(["zzz"])


def test_committed_config_is_valid_and_documents_every_key() -> None:
    config = load_config(ROOT / "config" / "newsflow.toml")
    assert 15 <= len(config.feeds) <= 30
    text = (ROOT / "config" / "newsflow.toml").read_text(encoding="utf-8")
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for setting in SETTINGS:
        assert setting.key in text, f"{setting.dotted} missing from config/newsflow.toml"
        assert setting.dotted in readme, f"{setting.dotted} missing from the README's settings table"


def test_run_budget_defaults_under_the_schedule_interval_and_refuses_nan(tmp_path: Path) -> None:
    path = tmp_path / "newsflow.toml"
    path.write_text("[schedule]\ninterval = 600\n")
    assert load_config(path).run_budget == 480.0
    path.write_text("[execution]\nrun_budget_seconds = 300\n")
    assert load_config(path).run_budget == 300.0
    for bad in ("nan", "inf", "-1"):
        path.write_text(f"[execution]\nrun_budget_seconds = {bad}\n")
        with pytest.raises(ConfigError, match=r"execution\.run_budget_seconds"):
            load_config(path)
    path.write_text("[polling]\nmax_entries_per_feed = 0\n")
    with pytest.raises(ConfigError, match=r"polling\.max_entries_per_feed"):
        load_config(path)
