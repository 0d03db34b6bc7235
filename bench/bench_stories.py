"""Benchmark: cluster 100,000 synthetic articles into stories, run by run.

    uv run --no-sync python bench/bench_stories.py [--count 100000] [--batch 1000]

Prints throughput and peak RSS of each phase, and ratios against two baselines measured in
the same run: hashing the texts (what exact dedup costs) and computing the MinHash signatures
alone. Clustering runs incrementally, one `assign_stories` call per batch against an index of
everything before it (the in-memory stand-in for the warehouse tables), so the cost of the
first and last batches shows whether a run's cost follows its new articles only.
"""

from __future__ import annotations

import argparse
import hashlib
import itertools
import resource
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.storyvariants import LabelledText, synthetic_stream

from newsflow.stories import (
    DEFAULT_PARAMS,
    IndexedArticle,
    StoryCandidate,
    assign_stories,
    signature_of,
)
from newsflow.stories_memory import MemoryIndex


def reset_peak_rss() -> bool:
    """Linux lets a process reset its own high-water mark (VmHWM) by writing 5 to clear_refs."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mib() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def timed(phase: Callable[[], object]) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak RSS of one phase. The machine is shared, so the
    throughput is computed on CPU time, which other processes do not inflate."""
    reset_peak_rss()
    wall, cpu = time.perf_counter(), time.process_time()
    phase()
    return time.perf_counter() - wall, time.process_time() - cpu, peak_rss_mib()


def hash_texts(texts: Sequence[LabelledText]) -> None:
    for text in texts:
        hashlib.sha256(text.text.encode("utf-8")).hexdigest()


def sign_texts(texts: Sequence[LabelledText]) -> None:
    for text in texts:
        signature_of(text.text)


class Clustering:
    """Runs of `batch_size` against the index of the runs before; with `sites`, each text is
    published by one of that many sites, so its short lines are counted for site furniture."""

    def __init__(self, texts: Sequence[LabelledText], batch_size: int, sites: int = 0) -> None:
        self.texts = texts
        self.batch_size = batch_size
        self.sites = sites
        self.index = MemoryIndex()
        self.batch_seconds: list[float] = []
        self.looked_up = 0
        self.merges = 0

    def lookup(self, keys: list[tuple[int, int]]) -> list[IndexedArticle]:
        found = self.index.lookup(keys)
        self.looked_up += len(found)
        return found

    def run(self) -> None:
        for start in range(0, len(self.texts), self.batch_size):
            batch = [
                StoryCandidate(t.doc_id, t.text, t.doc_id, (start + i, t.doc_id), self.site_of(start + i))
                for i, t in enumerate(self.texts[start : start + self.batch_size])
            ]
            began = time.perf_counter()
            assignment = assign_stories(batch, self.lookup, line_lookup=self.index.lookup_lines)
            self.index.add(assignment, batch)
            self.batch_seconds.append(time.perf_counter() - began)
            self.merges += len(assignment.merges)


    def site_of(self, position: int) -> str:
        return f"site{position * 7919 % self.sites}.example" if self.sites else ""


def pair_scores(texts: Sequence[LabelledText], story_of: dict[str, str]) -> tuple[float, float]:
    def pairs(groups: Iterable[list[str]]) -> set[tuple[str, str]]:
        return {p for g in groups for p in itertools.combinations(sorted(g), 2)}

    truth: defaultdict[str, list[str]] = defaultdict(list)
    found: defaultdict[str, list[str]] = defaultdict(list)
    for text in texts:
        truth[text.source_id].append(text.doc_id)
        found[story_of[text.doc_id]].append(text.doc_id)
    true_pairs, found_pairs = pairs(truth.values()), pairs(found.values())
    correct = len(true_pairs & found_pairs)
    return correct / max(1, len(found_pairs)), correct / max(1, len(true_pairs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=1_000)
    parser.add_argument("--sites", type=int, default=200, help="sites the articles are spread over (furniture)")
    args = parser.parse_args()

    started = time.perf_counter()
    texts = list(synthetic_stream(args.count))
    words = sum(len(t.text.split()) for t in texts) / len(texts)
    print(
        f"{len(texts):,} synthetic articles, {words:.0f} words on average, 30% copies; "
        f"generated in {time.perf_counter() - started:.1f} s; RSS with texts loaded {peak_rss_mib():.0f} MiB"
    )
    params = DEFAULT_PARAMS
    print(
        f"parameters: {params.shingle_words}-word shingles, {params.num_perm} permutations, "
        f"{params.bands} bands x {params.rows} rows, batches of {args.batch:,}\n"
    )

    hashing = timed(lambda: hash_texts(texts))
    signing = timed(lambda: sign_texts(texts))
    without_sites = timed(Clustering(texts, args.batch).run)
    clustering = Clustering(texts, args.batch, args.sites)
    clustered = timed(clustering.run)

    print("| phase | wall s | CPU s | articles per CPU s | CPU vs sha256 | CPU vs signatures | peak RSS MiB |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for name, (wall, cpu, rss) in (
        ("sha256 of each text (baseline)", hashing),
        ("MinHash signatures only (baseline)", signing),
        ("clustering, incremental, sites unknown (no furniture counts)", without_sites),
        (f"clustering, incremental, {args.sites} sites", clustered),
    ):
        print(
            f"| {name} | {wall:.1f} | {cpu:.1f} | {len(texts) / cpu:,.0f} | {cpu / hashing[1]:.0f}x | "
            f"{cpu / signing[1]:.2f}x | {rss:.0f} |"
        )

    first, last = clustering.batch_seconds[:10], clustering.batch_seconds[-10:]
    precision, recall = pair_scores(texts, clustering.index.story_of)
    print(
        f"\nper batch of {args.batch:,}: first 10 batches {1000 * sum(first) / len(first):.0f} ms, "
        f"last 10 batches {1000 * sum(last) / len(last):.0f} ms (index then holds {len(texts) - args.batch:,})"
    )
    print(
        f"stories: {len(set(clustering.index.story_of.values())):,}; index rows returned by lookups: "
        f"{clustering.looked_up:,}; merges: {clustering.merges}"
    )
    print(f"pair precision {precision:.4f}, pair recall {recall:.4f} against the generator's labels")


if __name__ == "__main__":
    main()
