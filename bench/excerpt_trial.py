"""`python -m bench.excerpt_trial [--seeds 20]`: a trial for excerpts under the size-ratio floor (docs/stories.md,
"Story 20"; not in the pipeline). A containment match the floor refuses is accepted when the smaller text opens
with the larger's first two long lines (over 24 tokens; a dateline before the first allowed): an excerpt is its
story's head, a digest opens with a line of its own. The texts are found by their signatures (this patches
`newsflow.stories.signature_of` and `newsflow.stories._verified` for the trial only). Prints every family of
the syndication and hostile worlds as shipped and with the trial.
"""

from __future__ import annotations

import argparse

from tests import storyhostile, storyworlds

from newsflow import stories
from newsflow.text import word_tokens

_text_of: dict[bytes, str] = {}
_signature_of = stories.signature_of
_verified = stories._verified


def _signed(text: str, params: stories.StoryParams = stories.DEFAULT_PARAMS) -> bytes | None:
    signature = _signature_of(text, params)
    if signature is not None:
        _text_of[signature] = text
    return signature


def _heads(text: str) -> list[tuple[str, ...]]:
    return [tuple(tokens) for line in text.split("\n") if len(tokens := word_tokens(line)) > 24][:2]


def opens_with(small: str, large: str) -> bool:
    """The smaller text's first two long lines are the larger's, the first one's dateline aside."""
    a, b = _heads(small), _heads(large)
    if len(a) < 2 or len(b) < 2 or a[1] != b[1]:
        return False
    return a[0][-len(b[0]):] == b[0] or b[0][-len(a[0]):] == a[0]


def _verified_heads(signature: bytes | None, other: bytes | None, params: stories.StoryParams,
                    ) -> stories.Similarity | None:
    found = _verified(signature, other, params)
    if found is not None or signature is None or other is None:
        return found
    words = stories.similarity(signature, other, params)
    if words.containment < params.containment_min or words._numbers_conflict(params):
        return None
    first, second = _text_of.get(signature, ""), _text_of.get(other, "")
    small, large = sorted((first, second), key=len)
    return words if small and opens_with(small, large) else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=int, default=20)
    args = parser.parse_args()
    worlds = {"worlds": lambda s: [*storyworlds.world(s), *storyworlds.briefs_in_furniture(s)],
              **storyhostile.HOSTILE}
    print("| family | as shipped P / R | trial P / R |\n| --- | --- | --- |")
    for family, make in worlds.items():
        base = trial = storyworlds.PairScores(0, 0, 0)
        for seed in range(args.seeds):
            texts = make(seed)
            stories.signature_of, stories._verified = _signature_of, _verified  # type: ignore[assignment]
            base += storyworlds.pair_scores(texts, storyworlds.cluster(texts, seed))
            stories.signature_of, stories._verified = _signed, _verified_heads  # type: ignore[assignment]
            trial += storyworlds.pair_scores(texts, storyworlds.cluster(texts, seed))
        print(f"| {family} | {base.precision:.4f} / {base.recall:.4f} | {trial.precision:.4f} / {trial.recall:.4f} |",
              flush=True)


if __name__ == "__main__":
    main()
