"""Hostile syndication worlds: what real syndication does that `tests/storyworlds.py` does not.

Each family is a world of its own (wire stories, the outlets' copies, and the texts that must stay
apart), seeded with its own random stream (`random.Random(f"hostile:{family}:{seed}")`), so the
worlds of `storyworlds` keep their draws. Texts go through `text.normalize_text`, as every
`articles.text` has (extraction normalises it), and are fed as `storyworlds.cluster` feeds them:
shuffled, in runs of 1 to 40 against the index of the runs before.

Copies (one story each, must join their wire text):
- `excerpt`: an outlet runs the first 2 or 3 paragraphs, then "Read the full story at ...";
- `reorder`: paragraphs moved, an outlet's own paragraph inserted mid-story, an editor's note or a
  correction (with its own date) put at the head;
- `foreign`: a Spanish, German or French outlet's English wire copy inside its own language's
  furniture; quotes, dashes and spaces written otherwise (curly and straight quotes, NBSP, soft
  hyphens, zero-width spaces, undecoded HTML entities);
- `rerun`: a wire story rerun as it develops, 3 versions at 3 URLs of the agency's site hours apart,
  each a new lede of ~60 words over the same ~200-word rest with nothing after it, and copies of the
  versions at other outlets. To a rule that drops long lines carried by unrelated texts (a
  disclaimer), the first two versions look like two stories of one site ending in one block.
Texts that are other stories (must never join them):
- `roundup`: a digest quoting the first one or two paragraphs of 2 or 3 wire stories, while
  excerpt copies of those stories circulate too (a bridge would merge the stories);
- `liveblog`: one live blog fetched in 3 to 5 runs, new timed posts on top (one story), beside the
  wire stories some of its posts quote in a line;
- `sameday`: template statements of one day about different places, at the same time or none;
- `disclaimer`: short stories of one outlet (and their copies elsewhere) that end in the same long
  standard disclaimer paragraph.

`uv run --no-sync python -m tests.storyhostile [SEEDS]` prints pair precision and recall per family.
"""

from __future__ import annotations

import random
import sys
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from newsflow.stories import DEFAULT_PARAMS, StoryParams
from newsflow.text import normalize_text
from tests.storyworlds import (
    _AREAS,
    _GROUPS,
    _OUTLETS,
    _PLACES,
    _TARGETS,
    T0,
    PairScores,
    Story,
    WorldText,
    _date,
    _sentences,
    cluster,
    outlet_copy,
    pair_scores,
    print_table,
    wire_story,
)

_FOREIGN = {
    "es": ("Publicidad", "Lea también: las claves del conflicto", "Esta nota fue publicada originalmente en inglés "
           "por la agencia {agency}.", "© 2026 El Diario Sur. Todos los derechos reservados.",
           "Miércoles, {day} de noviembre de 2026"),
    "de": ("Anzeige", "Lesen Sie auch: Die wichtigsten Fragen", "Dieser Artikel erschien zuerst auf Englisch bei "
           "{agency}.", "© 2026 Kurier Online. Alle Rechte vorbehalten.", "Mittwoch, {day}. November 2026"),
    "fr": ("Publicité", "À lire aussi : les enjeux du conflit", "Cet article a d'abord été publié en anglais par "
           "l'agence {agency}.", "© 2026 Le Courrier. Tous droits réservés.", "Mercredi {day} novembre 2026"),
}
DISCLAIMER = (
    "This article is provided for general information only and does not constitute legal, financial or "
    "investment advice. The views expressed are those of the sources quoted and do not necessarily reflect the "
    "position of the publisher, its editors or its partners. Forward-looking statements are subject to risks "
    "and uncertainties, and actual results may differ materially from those expressed or implied. Readers "
    "should not rely on them, and the publisher undertakes no obligation to update them.",
    "About the Newsroom Partnership: this report is part of a collaboration between regional newspapers and "
    "broadcasters, funded by a grant from a charitable foundation that has no say over its content. Partners may "
    "republish it free of charge, provided they keep this notice, credit the original outlet and link to the "
    "original story. Corrections and complaints can be sent to the standards editor, whose decisions are "
    "published every month together with the number of complaints received and upheld.",
)


def _wire(rng: random.Random, count: int, name: str, paragraphs: tuple[int, int] = (4, 8)) -> list[Story]:
    stories = []
    for i in range(count):
        story = wire_story(rng, T0 + timedelta(days=i // 3), f"{name}{i}")
        while not paragraphs[0] <= len(story.paragraphs) <= paragraphs[1]:
            story = wire_story(rng, T0 + timedelta(days=i // 3), f"{name}{i}")
        stories.append(story)
    return stories


def _text(doc_id: str, story: str, paragraphs: Sequence[str], arrived: datetime, site: str) -> WorldText:
    return WorldText(doc_id, story, normalize_text("\n".join(paragraphs)), arrived, site)


def _wire_texts(stories: Sequence[Story]) -> list[WorldText]:
    return [_text(f"{s.story}/wire", s.story, s.paragraphs, s.published, "wire") for s in stories]


def _copies(rng: random.Random, story: Story, make: Callable[[random.Random, Story, str], list[str]],
            count: int, kind: str) -> list[WorldText]:
    return [_text(f"{story.story}/{outlet}#{kind}", story.story, make(rng, story, outlet),
                  story.published + timedelta(minutes=rng.randint(5, 600)), outlet)
            for outlet in rng.sample(_OUTLETS, count)]


# --- copies -----------------------------------------------------------------------------------------


def excerpt(rng: random.Random, story: Story, outlet: str) -> list[str]:
    """The first 2 or 3 paragraphs, a dateline now and then, and the link to the rest."""
    body = list(story.paragraphs[: rng.choice((2, 3))])
    if rng.random() < 0.5:
        body[0] = f"BEIRUT (Reuters) - {body[0]}"
    return [*body, f"Read the full story at {outlet}"]


def reordered(rng: random.Random, story: Story, outlet: str) -> list[str]:
    """Paragraphs moved, the outlet's own paragraph inserted, an editor's note or correction on top."""
    body = list(story.paragraphs)
    first, second = sorted(rng.sample(range(1, len(body)), 2))
    body[first], body[second] = body[second], body[first]
    body.insert(rng.randrange(1, len(body)), _sentences(rng, 3, [outlet, "our correspondent", "the region"]))
    notes = (f"Editor's note: This story was updated on {_date(story.published + timedelta(days=1))} to correct "
             "the name of a spokesperson.",
             "Correction: An earlier version of this story misstated the day of the attack.",
             f"This is a developing story and will be updated. Published {story.published:%b. %-d} at 9:45 a.m.")
    return [rng.choice(notes), *body] if rng.random() < 0.8 else body


_RESPELLINGS = ((" - ", " \u2013 "), ('"', "\u201c"), ("'", "\u2019"), (" ", "\u00a0"), ("tion", "\u00adtion"),
                ("ing ", "ing\u200b "), ("'", "&#8217;"), ('"', "&quot;"), (" & ", " &amp; "))


def foreign(rng: random.Random, story: Story, outlet: str) -> list[str]:
    """The English wire text in another language's furniture, its characters written otherwise."""
    language = rng.choice(sorted(_FOREIGN))
    ad, also, origin, copyright_line, dateline = _FOREIGN[language]
    day = story.published.day + rng.choice((0, 1))
    body = [f'{p[:40]}"{p[40:80]}" - {p[80:]}' if i == 0 else p for i, p in enumerate(story.paragraphs)]
    for old, new in rng.sample(_RESPELLINGS, 4):
        body = [p.replace(old, new) for p in body]
    return [dateline.format(day=day), ad, *body, also, origin.format(agency="Reuters"), copyright_line]


# --- texts that are other stories ------------------------------------------------------------------


def roundup(rng: random.Random, stories: Sequence[Story], name: str, day: int) -> WorldText:
    """A digest quoting the head of each story, under a line of its own."""
    paragraphs = [f"Morning briefing: what you need to know on Nov. {day}"]
    for n, story in enumerate(stories, 1):
        paragraphs += [f"{n}. {story.paragraphs[0][:60]}", *story.paragraphs[: rng.choice((1, 2))], "Read more"]
    return _text(f"{name}/digest", name, paragraphs, max(s.published for s in stories) + timedelta(hours=2),
                 rng.choice(_OUTLETS))


def liveblog(rng: random.Random, quoted: Sequence[Story], name: str, versions: int) -> list[WorldText]:
    """One live blog fetched `versions` times, timed posts added on top each time, one post quoting
    a wire story's first sentence now and then."""
    posts: list[str] = []
    texts = []
    for version in range(versions):
        for _ in range(rng.randint(2, 4)):
            minute = 9 * 60 + 20 * len(posts)
            stamp = f"{minute // 60}:{minute % 60:02d} GMT"
            if rng.random() < 0.3:
                post = quoted[rng.randrange(len(quoted))].paragraphs[0].split(". ")[0] + "."
            else:
                post = _sentences(rng, rng.randint(1, 3), ["Kyiv", "Zelensky", "the summit"])
            posts[:0] = [stamp, post]
        texts.append(_text(f"{name}/v{version}", name, ["Live: the summit as it happened", *posts],
                           T0 + timedelta(hours=version), "liveblog.example"))
    return texts


def sameday_statement(rng: random.Random, day: datetime, place: tuple[str, str], time: str, count: int,
                      story: str) -> Story:
    """One of the statements of one day: the place, group and targets its own, the rest the template's."""
    targets = rng.sample(_TARGETS, 2)
    group = rng.choice(_GROUPS)
    at = f", at approximately {time} ({place[1]} time)" if time else ""
    paragraphs = (
        f"TAMPA, Fla. \u2013 On {_date(day)}{at}, U.S. Central Command (CENTCOM) forces conducted self-defense "
        f"strikes against {count} {targets[0]} and {targets[1]} in {group}-controlled areas near {place[0]}, "
        f"{place[1]}.",
        f"U.S. forces identified the {targets[0]} and determined they presented an imminent threat to U.S. Navy ships "
        f"and merchant vessels in {rng.choice(_AREAS)}. These actions will protect freedom of navigation and make "
        "international waters safer and more secure for U.S. Navy and merchant vessels.",
        "There were no injuries or damage reported by U.S. or coalition ships. CENTCOM remains committed to "
        "deterring aggression and will continue to take action as necessary to protect U.S. personnel and partner "
        "forces in the region.",
    )
    return Story(story, paragraphs, day + timedelta(hours=rng.randint(0, 20)), "centcom")


# --- the worlds ------------------------------------------------------------------------------------


def _rng(family: str, seed: int) -> random.Random:
    return random.Random(f"hostile:{family}:{seed}")


def copies_world(family: str, seed: int, stories: int = 8) -> list[WorldText]:
    """Wire stories and their copies of one kind (`excerpt`, `reorder` or `foreign`), plus ordinary
    copies (`storyworlds.outlet_copy`) beside them."""
    rng = _rng(family, seed)
    make = {"excerpt": excerpt, "reorder": reordered, "foreign": foreign}[family]
    texts = []
    for story in _wire(rng, stories, family):
        texts += [*_wire_texts([story]), *_copies(rng, story, make, rng.randint(1, 3), family)]
        outlet = rng.choice(_OUTLETS)
        texts.append(_text(f"{story.story}/{outlet}#plain", story.story, outlet_copy(story, rng, outlet)[0],
                           story.published + timedelta(hours=1), outlet))
    return texts


def roundup_world(seed: int, stories: int = 9) -> list[WorldText]:
    """Wire stories, excerpt copies of each, and digests quoting 2 or 3 of them."""
    rng = _rng("roundup", seed)
    wires = _wire(rng, stories, "story")
    texts = _wire_texts(wires)
    for story in wires:
        texts += _copies(rng, story, excerpt, rng.randint(1, 2), "excerpt")
    for i in range(stories // 2):
        texts.append(roundup(rng, rng.sample(wires, rng.choice((2, 3))), f"roundup{i}", 1 + i))
    return texts


def liveblog_world(seed: int) -> list[WorldText]:
    rng = _rng("liveblog", seed)
    wires = _wire(rng, 4, "story")
    return [*_wire_texts(wires), *liveblog(rng, wires, "live0", rng.randint(3, 5))]


def sameday_world(seed: int, days: int = 3) -> list[WorldText]:
    """Two or three statements a day, each about its own place, at one time of day or with none;
    each carried by a copy or two with a dateline."""
    rng = _rng("sameday", seed)
    texts = []
    for d in range(days):
        day = T0.replace(hour=0) + timedelta(days=d)
        time = rng.choice(("", "", "9:30 p.m."))
        count = rng.randint(2, 6)
        for n, place in enumerate(rng.sample(_PLACES, rng.choice((2, 3)))):
            story = sameday_statement(rng, day, place, time, count if rng.random() < 0.7 else count + 1, f"day{d}s{n}")
            texts.append(_text(f"{story.story}/wire", story.story, story.paragraphs, story.published, "wire"))
            texts += _copies(rng, story, lambda r, s, o: [f"DUBAI (AP) - {s.paragraphs[0]}", *s.paragraphs[1:]],
                             rng.randint(1, 2), "dateline")
    return texts


def disclaimer_world(seed: int, stories: int = 8) -> list[WorldText]:
    """Short stories (1 or 2 paragraphs) that end in one outlet's long standard disclaimer (two
    paragraphs, 160 words: press releases and partnership notices run to that and more)."""
    rng = _rng("disclaimer", seed)
    texts = []
    for story in _wire(rng, stories, "short", paragraphs=(4, 8)):
        story = Story(story.story, (*story.paragraphs[: rng.choice((1, 2))], *DISCLAIMER), story.published, "wire")
        texts += [*_wire_texts([story]), *_copies(rng, story, lambda r, s, o: [*s.paragraphs, f"More from {o}"],
                                                  rng.randint(1, 2), "copy")]
    return texts


def rerun_versions(rng: random.Random, story: Story, versions: int = 3, stretch: float = 1.0) -> list[WorldText]:
    """The agency's versions of one developing story, at their own URLs 1-5 hours apart (times `stretch`):
    each a new lede (4 sentences, ~60 words, about the story's own names) over the same rest, nothing after it."""
    names = [w.strip(".,") for p in story.paragraphs for w in p.split() if w[:1].isupper()][:8] or ["Officials"]
    published = story.published
    texts = []
    for version in range(versions):
        lede = _sentences(rng, 4, names)
        texts.append(_text(f"{story.story}/wire#v{version}", story.story, [lede, *story.paragraphs], published, "wire"))
        published += timedelta(minutes=rng.randint(60, 300) * stretch)
    return texts


def _rerun_story(rng: random.Random, day: datetime, name: str) -> Story:
    """A wire story of 4-6 paragraphs and 170-240 words: the rest its versions keep unchanged."""
    story = wire_story(rng, day, name)
    while not (4 <= len(story.paragraphs) <= 6 and 170 <= sum(len(p.split()) for p in story.paragraphs) <= 240):
        story = wire_story(rng, day, name)
    return story


def rerun_world(seed: int, stories: int = 6, stretch: float = 1.0) -> list[WorldText]:
    """Wire stories rerun as they develop (`rerun_versions`), each version copied by 0-2 outlets 5-120
    minutes later (a dateline now and then, the outlet's own line after it), as they copy the disclaimer's
    stories. `stretch` multiplies every time after a story's first version (same draws)."""
    rng = _rng("rerun", seed)
    texts = []
    for i in range(stories):
        versions = rerun_versions(rng, _rerun_story(rng, T0 + timedelta(days=i // 3), f"rerun{i}"), stretch=stretch)
        texts += versions
        for version in versions:
            texts += [_rerun_copy(rng, version, outlet, stretch) for outlet in rng.sample(_OUTLETS, rng.randint(0, 2))]
    return texts


def _rerun_copy(rng: random.Random, version: WorldText, outlet: str, stretch: float) -> WorldText:
    lede, *rest = version.text.split("\n")
    paragraphs = [f"BEIRUT (Reuters) - {lede}" if rng.random() < 0.5 else lede, *rest, f"More from {outlet}"]
    return _text(version.doc_id.replace("/wire#", f"/{outlet}#"), version.story, paragraphs,
                 version.arrived + timedelta(minutes=rng.randint(5, 120) * stretch), outlet)


HOSTILE: dict[str, Callable[[int], list[WorldText]]] = {
    "excerpt": lambda seed: copies_world("excerpt", seed),
    "reorder": lambda seed: copies_world("reorder", seed),
    "foreign": lambda seed: copies_world("foreign", seed),
    "roundup": roundup_world,
    "liveblog": liveblog_world,
    "sameday": sameday_world,
    "disclaimer": disclaimer_world,
    "rerun": rerun_world,
}


def evaluate_hostile(
    seeds: Sequence[int], params: StoryParams = DEFAULT_PARAMS, families: Sequence[str] = tuple(HOSTILE),
) -> dict[str, PairScores]:
    """Pair scores per family, each family's worlds clustered on their own, summed over the seeds."""
    totals: dict[str, PairScores] = defaultdict(lambda: PairScores(0, 0, 0))
    for family in families:
        make = HOSTILE[family]
        for seed in seeds:
            texts = make(seed)
            totals[family] += pair_scores(texts, cluster(texts, seed, params))
    return dict(totals)


def main(seeds: int = 20) -> None:
    after = evaluate_hostile(range(seeds))
    before = evaluate_hostile(range(seeds), StoryParams(containment_bridges=True))
    print(f"{seeds} worlds per family; precision and recall of the pairs that share a story, before -> after")
    print_table(before, after)
    for family, score in after.items():
        for pair in score.false_pairs[:4]:
            print(f"false {family}:", pair, file=sys.stderr)
        for pair in score.missed_pairs[:4]:
            print(f"missed {family}:", pair, file=sys.stderr)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
