"""`python -m bench.boilerplate_trial [--seeds 20]`: trials of long standard paragraphs (a disclaimer, a
funding note) told from story text by the texts that carry them, measured on the hostile and syndication
worlds (docs/stories.md, "Hostile worlds", "Open: a long standard disclaimer"). None is in the pipeline.

A long line (over 24 tokens) of a text is dropped when the earlier texts carrying it (any site, the worlds'
arrival order, runs ignored) whose text without the long lines they share with it does not match its own
fall in 2 groups that do not match each other (`--group-min 2`: each group seen in 2 texts). "Match" is
3-shingle Jaccard >= `--jaccard` or containment >= `--containment` on exact shingle sets; a rest under 10
tokens matches anything (a copy with nothing of its own). A text that lost lines gets a signature down to
`--min-words` tokens (this patches `newsflow.stories.signature_of` for the trial only). `--resign` drops
the lines found from every text, the earlier ones too: hindsight, the ceiling of re-signing stored texts.
`--span-hours H` (story20) drops a line only when its carriers in those groups and the text span at least H
hours of publication: a rerun's versions and an outlet's copies come within hours, a standard block follows
stories of many days. `--real` runs the real calibration set too (its texts have no times: every span counts
as long, the rule's worst case there); `--tail` counts a carrier only when the line is in the block of
shared long lines that it and the text end with (a disclaimer's place; a digest quotes a lede mid-text);
`--families` picks the worlds; `--rerun-stretch K ...` adds the rerun worlds with their versions and
copies K times further from each story's first version.
"""

from __future__ import annotations

import argparse
import random
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from tests import storyhostile, storyworlds

from newsflow import stories
from newsflow.text import word_tokens

LONG = 24
_stripped: set[str] = set()
_signature_of = stories.signature_of


def _shingles(text: str) -> set[tuple[str, ...]]:
    tokens = word_tokens(text)
    return {tuple(tokens[i : i + 3]) for i in range(len(tokens) - 2)}


def _rest(text: str, drop: set[str]) -> str:
    return "\n".join(line for line in text.split("\n") if line not in drop)


def _related(first: str, second: str, args: argparse.Namespace) -> bool:
    if len(word_tokens(first)) < 10 or len(word_tokens(second)) < 10:
        return True
    a, b = _shingles(first), _shingles(second)
    shared = len(a & b)
    return shared / len(a | b) >= args.jaccard or shared / min(len(a), len(b)) >= args.containment


Seen = list[tuple[str, list[str], datetime | None]]  # text, its long lines in order, its time
_carriers: dict[str, list[int]] = {}  # each long line seen: the positions in `seen` of the texts carrying it


def _tail(ordered: list[str], shared: set[str]) -> list[str]:
    """The text's last long lines that are all among `shared`: a block it ends with."""
    end = len(ordered)
    while end and ordered[end - 1] in shared:
        end -= 1
    return ordered[end:]


def _boilerplate(text: str, ordered: list[str], seen: Seen, args: argparse.Namespace, at: datetime | None) -> set[str]:
    dropped = set()
    longs = set(ordered)
    for line in longs:
        groups: list[str] = []  # one rest per group of texts whose rests match each other
        sizes: list[int] = []
        times = [at]
        for other, other_ordered, other_at in (seen[i] for i in _carriers.get(line, ())):
            shared = longs & set(other_ordered)
            if args.tail and (line not in _tail(ordered, shared) or line not in _tail(other_ordered, shared)):
                continue
            rest = _rest(other, shared)
            if _related(_rest(text, shared), rest, args):
                continue
            times.append(other_at)
            found = next((i for i, g in enumerate(groups) if _related(rest, g, args)), None)
            if found is None:
                groups.append(rest)
                sizes.append(1)
            else:
                sizes[found] += 1
        if sum(size >= args.group_min for size in sizes) >= 2 and _long_span(times, args.span_hours):
            dropped.add(line)
    return dropped


def _long_span(times: list[datetime | None], hours: float) -> bool:
    """The carriers span `hours` of publication; unknown times (the real set) count as far apart."""
    if not hours or any(t is None for t in times):
        return True
    known = [t for t in times if t is not None]
    return max(known) - min(known) >= timedelta(hours=hours)


def strip(texts: list[storyworlds.WorldText], seed: int | str, args: argparse.Namespace,
          ) -> list[storyworlds.WorldText]:
    order = list(texts)
    # the order `storyworlds.cluster` feeds them in (the real set's: `cluster_incrementally`'s seed 7)
    random.Random(f"order:{seed}" if isinstance(seed, int) else 7).shuffle(order)
    seen: Seen = []
    _carriers.clear()
    out = {}
    found: set[str] = set()
    by_id = {t.doc_id: t for t in texts}
    for t in order:
        longs = [line for line in t.text.split("\n") if len(word_tokens(line)) > LONG]
        at = None if isinstance(seed, str) else t.arrived
        dropped = _boilerplate(t.text, longs, seen, args, at)
        for line in set(longs):
            _carriers.setdefault(line, []).append(len(seen))
        seen.append((t.text, longs, at))
        out[t.doc_id] = _rest(t.text, dropped) if dropped else t.text
        if dropped:
            _stripped.add(out[t.doc_id])
        found |= dropped
    if args.resign:  # every text without the lines found, as if the early carriers were signed again
        out = {t.doc_id: _rest(t.text, found) for t in texts}
        _stripped.update(text for doc_id, text in out.items() if found & set(by_id[doc_id].text.split("\n")))
    return [replace(t, text=out[t.doc_id]) for t in texts]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    parser.add_argument("--jaccard", type=float, default=0.1)
    parser.add_argument("--containment", type=float, default=0.2)
    parser.add_argument("--group-min", type=int, default=1)
    parser.add_argument("--min-words", type=int, default=12)
    parser.add_argument("--resign", action="store_true", help="drop the lines found from every text, earlier too")
    parser.add_argument("--span-hours", type=float, default=0.0, help="carriers must span this many hours")
    parser.add_argument("--tail", action="store_true", help="only a block the text and the carrier end with")
    parser.add_argument("--real", action="store_true", help="the real calibration set too")
    parser.add_argument("--families", nargs="*", help="worlds to run (default: all)")
    parser.add_argument("--rerun-stretch", type=float, nargs="*", default=[], help="rerun worlds stretched in time")
    args = parser.parse_args()
    stories.signature_of = lambda text, params=stories.DEFAULT_PARAMS: _signature_of(  # type: ignore[misc]
        text, replace(params, min_words=args.min_words) if text in _stripped else params)
    worlds = {"worlds": lambda s: [*storyworlds.world(s), *storyworlds.briefs_in_furniture(s)],
              **storyhostile.HOSTILE}
    for stretch in args.rerun_stretch:  # reruns whose versions come further apart
        worlds[f"rerun x{stretch:g}"] = lambda s, k=stretch: storyhostile.rerun_world(s, stretch=k)
    print("| family | as shipped P / R | trial P / R |\n| --- | --- | --- |")
    for family, make in worlds.items():
        if args.families and family not in args.families:
            continue
        base = trial = storyworlds.PairScores(0, 0, 0)
        for seed in range(args.seeds):
            texts = make(seed)
            base += storyworlds.pair_scores(texts, storyworlds.cluster(texts, seed))
            stripped = strip(texts, seed, args)
            trial += storyworlds.pair_scores(stripped, storyworlds.cluster(stripped, seed))
        print(f"| {family} | {base.precision:.4f} / {base.recall:.4f} | {trial.precision:.4f} / {trial.recall:.4f} |")
    if args.real:
        print(f"| real set | {_real_set(args, strip_lines=False)} | {_real_set(args, strip_lines=True)} |")


def _real_set(args: argparse.Namespace, strip_lines: bool) -> str:
    """Clustering precision / recall of the calibration set (tests/quality/test_stories_eval.py)."""
    from tests.conftest import SHARED_CORPORA
    from tests.quality import test_stories_eval as real
    from tests.storyvariants import labelled_set, load_sources

    labelled = labelled_set(load_sources(Path(SHARED_CORPORA)))
    changed = ""
    if strip_lines:
        as_world = [storyworlds.WorldText(t.doc_id, t.source_id, t.text, datetime.min, t.site) for t in labelled]
        stripped = {t.doc_id: t.text for t in strip(as_world, "real", args)}
        changed = f" ({sum(stripped[t.doc_id] != t.text for t in labelled)} texts lost lines)"
        labelled = [replace(t, text=stripped[t.doc_id]) for t in labelled]
    found = real.scores(real.clustered_pairs(real.cluster_incrementally(labelled)), real.true_pairs(labelled))
    return f"{found.precision:.4f} / {found.recall:.4f}{changed}"


if __name__ == "__main__":
    main()
