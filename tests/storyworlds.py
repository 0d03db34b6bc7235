"""Syndication worlds: wire stories republished by many outlets, and distinct stories that look alike.

A world is a list of `WorldText`s, each labelled with the story it belongs to, with a time of
arrival. Copies of one story are what outlets make of a wire text: their own dateline, page
furniture at the head and the tail ("Advertisement", "Read more", a copyright line), the tail
cut at a "Read more" link, light edits, and updates of the story hours later (a new lede, a
toll that rose, a paragraph added). Distinct stories that must stay apart are built from one
template: daily CENTCOM strike statements a day apart, football results, quarterly earnings,
and short briefs drowned in one outlet's furniture. Everything is seeded.

`uv run --no-sync python -m tests.storyworlds [SEEDS] [furniture|slots]` prints pair precision and
recall of `newsflow.stories` over a few worlds, fed in random order and in random batches, with
the site furniture (or the number slots) off and on.
"""

from __future__ import annotations

import itertools
import random
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

from newsflow.stories import DEFAULT_PARAMS, StoryCandidate, StoryParams, assign_stories
from newsflow.stories_memory import MemoryIndex

T0 = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)


@dataclass(frozen=True)
class WorldText:
    doc_id: str
    story: str  # texts with the same story are copies of one story
    text: str
    arrived: datetime
    site: str = ""  # the outlet that published it ("wire" for the agency's own text)


def transforms_of(text: WorldText) -> set[str]:
    """What the outlet did to its copy ("update", "edit", "dateline", "cut"); none for the wire text."""
    return set(text.doc_id.partition("#")[2].split("+")) - {""}


@dataclass(frozen=True)
class Story:
    story: str
    paragraphs: tuple[str, ...]
    published: datetime
    family: str  # the template it came from, or "wire"


# --- vocabulary ---------------------------------------------------------------------------------

_MONTHS = ("Jan.", "Feb.", "March", "April", "May", "June", "July", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.")
_TARGETS = ("unmanned surface vessels", "anti-ship cruise missiles", "mobile radar sites", "drone launch sites",
            "weapons storage facilities", "command and control nodes", "ballistic missile launchers",
            "unmanned aerial systems", "coastal defence cruise missiles", "ammunition depots")
_GROUPS = ("Iran-backed Houthi militants", "Islamic Revolutionary Guard Corps Quds Force",
           "Kata'ib Hizballah", "ISIS operatives", "Iran-aligned militia groups", "al-Qaeda affiliated fighters")
_PLACES = (("Hudaydah", "Yemen"), ("Sanaa", "Yemen"), ("Deir ez-Zor", "Syria"), ("Al Bukamal", "Syria"),
           ("Al Qaim", "Iraq"), ("Jurf al-Sakhar", "Iraq"), ("Homs", "Syria"), ("Saada", "Yemen"),
           ("Raqqa", "Syria"), ("Mayadin", "Syria"))
_AREAS = ("the Red Sea", "the Gulf of Aden", "eastern Syria", "western Iraq", "the Bab al-Mandeb Strait",
          "the Euphrates river valley")
_TEAMS = ("Arsenal", "Chelsea", "Everton", "Fulham", "Brentford", "Wolves", "Burnley", "Leeds United",
          "Aston Villa", "Newcastle", "Brighton", "Crystal Palace", "Nottingham Forest", "West Ham",
          "Bournemouth", "Sunderland", "Tottenham", "Liverpool")
_PLAYERS = ("Saka", "Palmer", "Isak", "Watkins", "Mbeumo", "Wissa", "Eze", "Gibbs-White", "Bowen", "Semenyo",
            "Solanke", "Gakpo", "Havertz", "Rice", "Mitoma", "Cunha", "Raul Jimenez", "Calvert-Lewin",
            "Iliman Ndiaye", "Beto", "Wood", "Elanga", "Mateta", "Munoz")
_STADIUMS = ("the Emirates", "Stamford Bridge", "Goodison Park", "Craven Cottage", "the Gtech Community Stadium",
             "Molineux", "Turf Moor", "Elland Road", "Villa Park", "St James' Park", "the Amex", "Selhurst Park")
_COMPANIES = ("Northwind Energy", "Contoso Retail", "Fabrikam Motors", "Tailspin Airlines", "Litware Systems",
              "Wingtip Foods", "Adventure Works", "Proseware Pharma", "Lucerne Bank", "Woodgrove Mining")
_CITIES = ("WASHINGTON", "LONDON", "BEIRUT", "DUBAI", "CAIRO", "BAGHDAD", "NEW YORK", "PARIS", "BERLIN", "TAMPA")
_AGENCIES = ("Reuters", "AP", "AFP", "dpa", "Bloomberg")
_OUTLETS = ("The Daily Ledger", "Metro Courier", "Northern Star", "Gulf Times Online", "The Record",
            "Evening Post", "Valley Herald", "Capital Wire", "Coast News", "The Tribune")
_FILLER = ("officials", "said", "the", "statement", "region", "forces", "attack", "government", "week", "talks",
           "security", "spokesperson", "residents", "reported", "damage", "early", "morning", "according",
           "ministry", "military", "late", "night", "further", "details", "confirmed", "local", "sources",
           "response", "international", "pressure", "warned", "ceasefire", "negotiations", "aid", "convoy")


def _time(rng: random.Random) -> str:
    return f"{rng.randint(1, 12)}:{rng.choice(('00', '15', '30', '45'))} {rng.choice(('a.m.', 'p.m.'))}"


def _date(day: datetime) -> str:
    return f"{_MONTHS[day.month - 1]} {day.day}"


_FIGURES = ("at least {n} people", "{n} km", "{n} percent", "in {year}", "{n} buildings", "for {n} hours")


def _sentences(rng: random.Random, count: int, names: Sequence[str]) -> str:
    """Story-specific prose: filler words around the story's own names, and now and then a figure."""
    out = []
    for _ in range(count):
        words = rng.choices(_FILLER, k=rng.randint(9, 16))
        words.insert(rng.randrange(len(words)), rng.choice(names))
        if rng.random() < 0.4:
            figure = rng.choice(_FIGURES).format(n=rng.randint(2, 400), year=rng.randint(1990, 2026))
            words.insert(rng.randrange(len(words)), figure)
        out.append(" ".join(words).capitalize() + ".")
    return " ".join(out)


# --- template families: distinct stories that share most of their words -------------------------


def centcom_statement(rng: random.Random, day: datetime, story: str) -> Story:
    """One of CENTCOM's near-identical daily strike statements: date, time, counts, targets differ."""
    place, country = rng.choice(_PLACES)
    targets = rng.sample(_TARGETS, 2)
    group = rng.choice(_GROUPS)
    count = rng.randint(2, 14)
    paragraphs = [
        f"TAMPA, Fla. \u2013 On {_date(day)}, at approximately {_time(rng)} ({country} time), U.S. Central Command "
        f"(CENTCOM) forces conducted self-defense strikes against {count} {targets[0]} and {targets[1]} in "
        f"{group}-controlled areas near {place}, {country}.",
        f"U.S. forces identified the {targets[0]} and determined they presented an imminent threat to U.S. Navy "
        f"ships and merchant vessels in {rng.choice(_AREAS)}. These actions will protect freedom of navigation and "
        "make international waters safer and more secure for U.S. Navy and merchant vessels.",
        "There were no injuries or damage reported by U.S. or coalition ships. CENTCOM remains committed to "
        "deterring aggression and will continue to take action as necessary to protect U.S. personnel and "
        "partner forces in the region.",
    ]
    if rng.random() < 0.5:
        paragraphs.insert(2, f"Separately, at approximately {_time(rng)}, {group} launched "
                             f"{rng.randint(1, 6)} {rng.choice(_TARGETS)} from {place} into {rng.choice(_AREAS)}. "
                             "The missiles did not impact any vessels.")
    return Story(story, tuple(paragraphs), day + timedelta(hours=rng.randint(0, 20)), "centcom")


def football_result(rng: random.Random, day: datetime, story: str) -> Story:
    """A match report from one agency template: teams, score, scorers, minutes, crowd differ."""
    home, away, leader, nxt = rng.sample(_TEAMS, 4)
    scorers = rng.sample(_PLAYERS, 3)
    goals_home, goals_away = rng.randint(1, 4), rng.randint(0, 3)
    verb = "beat" if goals_home > goals_away else "drew with" if goals_home == goals_away else "lost to"
    minutes = sorted(rng.sample(range(2, 90), 3))
    paragraphs = [
        f"{home} {verb} {away} {goals_home}-{goals_away} in the Premier League on {day:%A} at "
        f"{rng.choice(_STADIUMS)}.",
        f"{scorers[0]} opened the scoring in the {minutes[0]}th minute, before {scorers[1]} made it "
        f"{min(goals_home, 2)}-0 in the {minutes[1]}th minute. {scorers[2]} replied for {away} in the "
        f"{minutes[2]}th minute.",
        f"The result leaves {home} {rng.randint(1, 20)}th in the table with {rng.randint(5, 40)} points, "
        f"{rng.randint(1, 15)} behind leaders {leader}. A crowd of {rng.randint(18, 62)},{rng.randint(100, 999)} "
        "watched the match.",
        f"{home} travel to {nxt} next weekend, while {away} host {rng.choice(_TEAMS)} on Sunday. Both managers "
        "said after the match that the squad would take each game as it comes and focus on the next fixture.",
    ]
    return Story(story, tuple(paragraphs), day + timedelta(hours=rng.randint(12, 22)), "football")


def earnings_report(rng: random.Random, day: datetime, story: str) -> Story:
    """A quarterly results brief from one template: company, quarter and figures differ."""
    company = rng.choice(_COMPANIES)
    quarter = rng.randint(1, 4)
    revenue = rng.randint(200, 9000) / 10
    paragraphs = [
        f"{company} reported {rng.choice(('higher', 'lower'))} than expected profit for the "
        f"{('first', 'second', 'third', 'fourth')[quarter - 1]} quarter on {day:%A}, as revenue "
        f"{rng.choice(('rose', 'fell'))} {rng.randint(1, 30)} percent to ${revenue} billion.",
        f"Net income was ${rng.randint(10, 900) / 10} billion, or ${rng.randint(10, 500) / 100} per share, "
        f"compared with ${rng.randint(10, 900) / 10} billion, or ${rng.randint(10, 500) / 100} per share, a year "
        f"earlier. Analysts polled by LSEG had expected earnings of ${rng.randint(10, 500) / 100} per share.",
        f"The company said it expects full-year revenue of between ${rng.randint(10, 90)} billion and "
        f"${rng.randint(91, 120)} billion. Its shares were {rng.choice(('up', 'down'))} "
        f"{rng.randint(1, 12)}.{rng.randint(0, 9)} percent in premarket trading.",
        "The company will hold a conference call with analysts and investors to discuss the results, and a "
        "replay of the call will be available on its investor relations website.",
    ]
    return Story(story, tuple(paragraphs), day + timedelta(hours=rng.randint(6, 14)), "earnings")


def wire_story(rng: random.Random, day: datetime, story: str) -> Story:
    """A story of its own: names and prose of its own, 4-8 paragraphs."""
    place, country = rng.choice(_PLACES)
    names = [place, country, rng.choice(_GROUPS), rng.choice(_PLAYERS), rng.choice(_COMPANIES)]
    paragraphs = [_sentences(rng, rng.randint(2, 4), names) for _ in range(rng.randint(4, 8))]
    return Story(story, tuple(paragraphs), day + timedelta(hours=rng.randint(0, 23)), "wire")


FAMILIES: dict[str, Callable[[random.Random, datetime, str], Story]] = {
    "centcom": centcom_statement, "football": football_result, "earnings": earnings_report, "wire": wire_story,
}

_HEADS = ("Advertisement", "Listen to this article · 3 min", "Share this article", "Skip to main content",
          "{outlet} | World | Politics | Business", "Updated {hour} GMT", "Breaking News", "Top stories")
_TAILS = ("Read more:", "Copyright {year} {outlet}. All rights reserved.",
          "Reporting by {name}; Editing by {editor}", "Follow {outlet} on X and Facebook for the latest news.",
          "Sign up for the {outlet} newsletter, delivered every morning.", "Related coverage",
          "This story has been corrected.", "Our Standards: The Thomson Reuters Trust Principles.")
_NAMES = ("Jane Doe", "Ahmed Karimi", "Lucia Fernandez", "Tom Baker", "Yuki Sato", "Priya Natarajan")


# --- copies: what an outlet makes of a story -----------------------------------------------------


def _furniture(rng: random.Random, outlet: str, lines: Sequence[str], count: int) -> list[str]:
    name, editor = rng.sample(_NAMES, 2)
    return [line.format(outlet=outlet, year=2026, hour=_time(rng), name=name, editor=editor)
            for line in rng.sample(list(lines), count)]


def light_edit(paragraph: str, rng: random.Random, rate: float = 0.03) -> str:
    words = paragraph.split(" ")
    for i in range(len(words)):
        if rng.random() < rate and words[i].isalpha() and words[i].islower():
            words[i] = rng.choice(("the", "a", "its", "their", "")) if rng.random() < 0.5 else words[i] + "s"
    return " ".join(w for w in words if w)


def update_of(story: Story, rng: random.Random) -> list[str]:
    """The story hours later: a new lede and a closing paragraph around the text, a figure changed."""
    names = [w for p in story.paragraphs for w in p.split() if w[:1].isupper()][:8] or ["Officials"]
    body = list(story.paragraphs)
    for i, paragraph in enumerate(body):  # a figure rises, as a toll does
        digits = [w for w in paragraph.split() if w.isdigit()]
        if digits:
            old = rng.choice(digits)
            body[i] = paragraph.replace(f" {old} ", f" {int(old) + rng.randint(1, 5)} ", 1)
            break
    return [_sentences(rng, 2, names), *body, _sentences(rng, 2, names)]


def outlet_copy(story: Story, rng: random.Random, outlet: str) -> tuple[list[str], timedelta, tuple[str, ...]]:
    """One outlet's copy, how long after the story it appeared, and what the outlet did to it."""
    body = list(story.paragraphs)
    delay = timedelta(minutes=rng.randint(1, 240))
    done = []
    if rng.random() < 0.25:
        body = update_of(story, rng)
        delay = timedelta(hours=rng.randint(2, 9))
        done.append("update")
    if rng.random() < 0.5:
        body = [light_edit(p, rng) for p in body]
        done.append("edit")
    if rng.random() < 0.6:
        body[0] = f"{rng.choice(_CITIES)} ({rng.choice(_AGENCIES)}) - {body[0]}"
        done.append("dateline")
    if rng.random() < 0.3 and len(body) > 2:  # cut at a "Read more" link
        body = [*body[: max(2, round(len(body) * rng.uniform(0.6, 0.9)))], f"Read more at {outlet}"]
        done.append("cut")
    heads = _furniture(rng, outlet, _HEADS, rng.randint(0, 3))
    tails = _furniture(rng, outlet, _TAILS, rng.randint(0, 3))
    return [*heads, *body, *tails], delay, tuple(done)


# --- worlds ---------------------------------------------------------------------------------------


def world(seed: int, stories_per_family: int = 8, max_copies: int = 6,
          families: Sequence[str] = tuple(FAMILIES)) -> list[WorldText]:
    """Stories from each family, one every day or so, each carried by 1 to `max_copies` outlets."""
    rng = random.Random(f"world:{seed}")
    texts: list[WorldText] = []
    for family, i in itertools.product(families, range(stories_per_family)):
        day = (T0 + timedelta(days=i + rng.choice((0, 0, 1)))).replace(hour=0)
        story = FAMILIES[family](rng, day, f"{family}{i}")
        texts.append(WorldText(f"{story.story}/wire", story.story, "\n".join(story.paragraphs), story.published,
                               "wire"))
        for outlet in rng.sample(_OUTLETS, rng.randint(0, max_copies - 1)):
            paragraphs, delay, done = outlet_copy(story, rng, outlet)
            texts.append(WorldText(f"{story.story}/{outlet}#{'+'.join(done)}", story.story, "\n".join(paragraphs),
                                   story.published + delay, outlet))
    return texts


def briefs_in_furniture(seed: int, count: int = 12) -> list[WorldText]:
    """Short briefs of one outlet, each under a long shared header and footer: never one story."""
    rng = random.Random(f"briefs:{seed}")
    outlet = rng.choice(_OUTLETS)
    furniture_head = [line.format(outlet=outlet, year=2026, hour="6:00 a.m.", name="Jane Doe", editor="Tom Baker")
                      for line in _HEADS]
    furniture_tail = [line.format(outlet=outlet, year=2026, hour="", name="Jane Doe", editor="Tom Baker")
                      for line in _TAILS]
    texts = []
    for i in range(count):
        story = wire_story(rng, T0 + timedelta(days=i // 3), f"brief{i}")
        lede = _sentences(rng, 3, [story.paragraphs[0].split()[0], rng.choice(_TEAMS), rng.choice(_COMPANIES)])
        texts.append(WorldText(f"brief{i}", f"brief{i}", "\n".join([*furniture_head, lede, *furniture_tail]),
                               story.published, outlet))
    return texts


# --- clustering a world, and its scores -----------------------------------------------------------


def cluster(texts: Sequence[WorldText], order_seed: int, params: StoryParams = DEFAULT_PARAMS,
            batch_sizes: Iterable[int] = (1, 3, 10, 40)) -> dict[str, str]:
    """Story ids as runs assign them: texts in shuffled order, in batches of random sizes, each
    batch against the index of the earlier ones (a late feed brings an early copy late)."""
    rng = random.Random(f"order:{order_seed}")
    shuffled = list(texts)
    rng.shuffle(shuffled)
    sizes = list(batch_sizes)
    index = MemoryIndex()
    start = 0
    while start < len(shuffled):
        batch = shuffled[start : start + rng.choice(sizes)]
        start += len(batch)
        candidates = [StoryCandidate(t.doc_id, t.text, f"hash:{t.doc_id}", (t.arrived, t.doc_id), t.site)
                      for t in batch]
        index.add(assign_stories(candidates, index.lookup, params, index.lookup_lines), candidates)
    return dict(index.story_of)


@dataclass(frozen=True)
class PairScores:
    true_pairs: int
    found_pairs: int
    correct_pairs: int
    false_pairs: tuple[tuple[str, str], ...] = ()
    missed_pairs: tuple[tuple[str, str], ...] = ()

    @property
    def precision(self) -> float:
        return self.correct_pairs / self.found_pairs if self.found_pairs else 1.0

    @property
    def recall(self) -> float:
        return self.correct_pairs / self.true_pairs if self.true_pairs else 1.0

    def __add__(self, other: PairScores) -> PairScores:
        return PairScores(self.true_pairs + other.true_pairs, self.found_pairs + other.found_pairs,
                          self.correct_pairs + other.correct_pairs, self.false_pairs + other.false_pairs,
                          self.missed_pairs + other.missed_pairs)


def _pairs(groups: dict[str, list[str]]) -> set[tuple[str, str]]:
    return {tuple(sorted(p)) for members in groups.values() for p in itertools.combinations(members, 2)}  # type: ignore[misc]


def pair_scores(texts: Sequence[WorldText], story_of: dict[str, str]) -> PairScores:
    truth: dict[str, list[str]] = defaultdict(list)
    found: dict[str, list[str]] = defaultdict(list)
    for text in texts:
        truth[text.story].append(text.doc_id)
        found[story_of[text.doc_id]].append(text.doc_id)
    true_pairs, found_pairs = _pairs(truth), _pairs(found)
    return PairScores(len(true_pairs), len(found_pairs), len(true_pairs & found_pairs),
                      tuple(sorted(found_pairs - true_pairs)), tuple(sorted(true_pairs - found_pairs)))


def evaluate(seeds: Iterable[int], params: StoryParams = DEFAULT_PARAMS, **world_options: int) -> dict[str, PairScores]:
    """Pair scores per family (and for the briefs), summed over the seeds' worlds, each clustered
    as a whole world (families interleaved) in a shuffled order."""
    totals: dict[str, PairScores] = defaultdict(lambda: PairScores(0, 0, 0))
    for seed in seeds:
        texts = [*world(seed, **world_options), *briefs_in_furniture(seed)]
        story_of = cluster(texts, seed, params)
        for family in (*FAMILIES, "brief"):
            members = [t for t in texts if t.story.startswith(family)]
            totals[family] += replace(pair_scores(members, story_of), false_pairs=(), missed_pairs=())
        totals["all"] += pair_scores(texts, story_of)
    return dict(totals)


NUMBER_SLOTS_OFF = StoryParams(slot_conflicts_min=1 << 30)
"""The clustering as it was before number slots: no match is ever refused for its numbers."""
FURNITURE_OFF = StoryParams(furniture_min_stories=1 << 30)
"""The clustering as it was before site furniture: no line is ever left out."""
BASELINES = {"furniture": FURNITURE_OFF, "slots": NUMBER_SLOTS_OFF}


def print_table(before: dict[str, PairScores], after: dict[str, PairScores]) -> None:
    """The docs' table: each family's pairs, precision and recall, before -> after."""
    print("| family | true pairs | found pairs | precision | recall |")
    print("| --- | --- | --- | --- | --- |")
    for family, score in after.items():
        old = before[family]
        print(f"| {family} | {score.true_pairs} | {old.found_pairs} -> {score.found_pairs} | "
              f"{old.precision:.4f} -> {score.precision:.4f} | {old.recall:.4f} -> {score.recall:.4f} |")


def main(seeds: int = 20, baseline: str = "furniture") -> None:
    after, before = evaluate(range(seeds)), evaluate(range(seeds), BASELINES[baseline])
    print(f"{seeds} worlds; precision and recall of the pairs that share a story, {baseline} off -> on")
    print_table(before, after)
    for pair in after["all"].false_pairs[:10]:
        print("false:", pair, file=sys.stderr)
    for pair in after["all"].missed_pairs[:10]:
        print("missed:", pair, file=sys.stderr)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20, sys.argv[2] if len(sys.argv) > 2 else "furniture")
