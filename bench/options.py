"""Sizes and switches of one benchmark run; `--quick` shrinks every size for the CI smoke test."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCHMARKS = ("throughput", "polling", "growth", "memory", "load", "search", "extraction", "prefect")
# `--quick` (the CI smoke test) leaves out what must start a Prefect server.
QUICK_BENCHMARKS = ("throughput", "polling", "growth", "memory", "load", "search", "extraction")
EXTRA_BENCHMARKS = ("soak",)  # run only when named with --only: long
DEFAULT_PEER_PYTHON = Path("/tmp/peer-venv/bin/python")


@dataclass
class Options:
    workdir: Path
    quick: bool = False
    only: tuple[str, ...] = BENCHMARKS
    peer_python: Path | None = None  # a venv's python with newspaper4k installed
    # 1. throughput
    throughput_urls: int = 2000
    throughput_feeds: int = 20
    # 2. polling
    polling_feeds: int = 1000
    polling_items: int = 20
    # 3. growth
    growth_sizes: tuple[int, int] = (1_000, 1_000_000)
    growth_new: int = 1000
    growth_feeds: int = 20
    growth_repeats: int = 3
    # 4. memory
    memory_articles: int = 10_000
    memory_feeds: int = 50
    # 5. load
    load_articles: int = 10_000
    # 6. search
    search_draws: int = 30  # random words per synthetic article (250: a real article's distinct terms)
    # 7. prefect
    prefect_articles: int = 100
    # 7. soak (bench/soak.py; only with --only soak)
    soak_feeds: int = 1000
    soak_runs: int = 200
    soak_seed: int = 2026
    soak_fault_rate: float = 0.1
    soak_event_rate: float = 0.05
    soak_budget: float = 300.0
    shared: dict[str, Any] = field(default_factory=dict)  # what one benchmark leaves for another

    @classmethod
    def quick_mode(cls, workdir: Path) -> Options:
        # Every benchmark's path with the least work: 5 items a feed poll, parse and resolve as 20 do,
        # and a 1,000-article warehouse is searched, grown and measured as a 5,000-article one was
        # (~2 of the smoke test's ~46 cpu-s, measured; the rest is mostly processes starting). The
        # throughput run serves each of its 10 real pages once (20 URLs extracted each page twice in
        # each of its four passes: ~2 cpu-s that proved nothing more).
        return cls(workdir, quick=True, throughput_urls=10, throughput_feeds=10, polling_feeds=40, polling_items=5,
                   growth_sizes=(100, 1_000), growth_new=20, growth_feeds=4, growth_repeats=1,
                   memory_articles=30, memory_feeds=3, load_articles=500, soak_feeds=6, soak_runs=2,
                   soak_budget=20.0)

    @property
    def cores(self) -> int:
        return os.cpu_count() or 1

    @property
    def prefect_home(self) -> Path:
        path = self.workdir / "prefect-home"
        path.mkdir(parents=True, exist_ok=True)
        return path
