"""The config a world's runs use: loopback-fast fetch settings and the run budget."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from newsflow.config import SETTINGS
from tests.world import outagespells
from tests.world.world import ALLOWED_NETWORKS, World, WorldSpec

FETCH_TIMEOUT = 1.0  # WorldSpec.fetch_timeout's default
# A fresh worker's first page pays trafilatura's warm-up inside its deadline: at a load average of
# 10 on 2 cores a 3 KB world page took over 5 s. The world's pages are all easy, so a generous limit.
EXTRACT_TIMEOUT = 10.0
WRITE_PATIENCE = 1.0  # seconds (default 5): a run beside a reader waits this once, then spools
# A moved feed (WorldSpec.moved_rate) adopts its new URL after two polls; the driver's clock does not
# move `redirect_since`, so no time span is asked for.
ADOPT_AFTER_POLLS = 2


def world_config(world: World, workdir: Path, warehouse: str = "warehouse/news.duckdb") -> Path:
    """A config for the world: loopback-fast fetch settings, the run budget (`execution.run_budget_seconds`);
    `warehouse` is relative to the config's folder (event `moved_warehouse` changes it)."""
    spec = world.spec
    sections: dict[str, dict[str, Any]] = {
        # A run beside a reader waits `write_patience` once before it spools; compressed like the clock.
        "warehouse": {"path": warehouse, "write_patience": WRITE_PATIENCE},
        "fetch": {"timeout": spec.fetch_timeout, "per_host_delay": 0.0, "per_host_concurrency": 4, "concurrency": 16,
                  "allowed_networks": [*ALLOWED_NETWORKS, *gone_networks(spec)], "max_retry_after": 1.0,
                  "max_bytes": 1_000_000},
        "extract": {"workers": spec.extract_workers, "timeout": EXTRACT_TIMEOUT, "batch_size": 10, "keep_html": False},
        "polling": {"min_interval": 0, "adopt_redirect_after_polls": ADOPT_AFTER_POLLS,
                    "adopt_redirect_after_seconds": 0},
        "schedule": {"interval": int(spec.budget)},
        "execution": {},
    }
    for setting in budget_settings():
        sections[setting[0]][setting[1]] = setting[2](spec.budget)
    lines: list[str] = []
    for section, values in sections.items():
        lines += [f"[{section}]"] + [f"{key} = {_toml(value)}" for key, value in values.items()] + [""]
    for name, url in world.feed_urls().items():
        lines += ["[[feeds]]", f'name = "{name}"', f'url = "{url}"', ""]
    workdir.mkdir(parents=True, exist_ok=True)
    path = workdir / "newsflow.toml"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def gone_networks(spec: WorldSpec) -> list[str]:
    """The gone site's address (red team 34's `site_gone`, `firewall`), allowed only in a world that lists them."""
    listed = {outagespells.SITE_GONE, outagespells.FIREWALL} & set(spec.events)
    return [f"{outagespells.GONE_ADDRESS}/32"] if listed else []


def budget_settings() -> list[tuple[str, str, type]]:
    """Config keys that bound a run's wall time (`*budget*` in [schedule], [execution] or [run]):
    today `execution.run_budget_seconds`."""
    found = []
    for setting in SETTINGS:
        if setting.section in ("schedule", "execution", "run") and "budget" in setting.key:
            kind = setting.type[0] if isinstance(setting.type, tuple) else setting.type
            found.append((setting.section, setting.key, kind))
    return found


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(f'"{v}"' for v in value) + "]"
    if isinstance(value, str):
        return f'"{value}"'
    return repr(value)
