"""The compact language model (newsflow.langmodel) classifies exactly as py3langid's own."""

from __future__ import annotations

import gzip
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from newsflow.langmodel import CompactIdentifier, byte_classes
from newsflow.language import _identifier

SAMPLES = [
    "The city council approved the new budget on Tuesday after a long debate about schools and roads.",
    "Der Stadtrat hat am Dienstag nach einer langen Debatte über Schulen und Straßen den Haushalt beschlossen.",
    "El concejo municipal aprobó el nuevo presupuesto el martes tras un largo debate sobre escuelas.",
    "市議会は火曜日、学校と道路をめぐる長い議論の末に新しい予算を承認した。",
    "Городской совет во вторник утвердил новый бюджет после долгих дебатов о школах и дорогах.",  # noqa: RUF001
    "مجلس المدينة وافق على الميزانية الجديدة يوم الثلاثاء بعد نقاش طويل حول المدارس والطرق.",
    "THE COUNCIL APPROVED THE BUDGET",  # all capitals: py3langid lowercases it first
    "",
    "   ",
    "12345 67890",
    "\x00\x01\x02 control bytes \ufffd and a lone surrogate-free tail é",
    "x" * 6000,
]


@pytest.fixture(scope="module")
def stock() -> LanguageIdentifier:
    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


@pytest.fixture(scope="module")
def compact() -> CompactIdentifier:
    identifier = _identifier()
    assert isinstance(identifier, CompactIdentifier)
    return identifier


def test_detection_uses_the_compact_model(compact: CompactIdentifier) -> None:
    assert len(set(compact._byte_classes)) < 256  # bytes the automaton never tells apart share a column


@pytest.mark.parametrize("text", SAMPLES)
def test_compact_model_classifies_as_py3langid_does(
    text: str, stock: LanguageIdentifier, compact: CompactIdentifier
) -> None:
    assert compact.classify(text) == stock.classify(text)  # the language and the same float, bit for bit
    assert compact.rank(text) == stock.rank(text)


def corpus_samples(corpora: Path) -> Iterator[str]:
    """Slices of every real page's HTML: every script and byte real pages carry, in many languages."""
    for path in sorted(corpora.glob("**/*.html.gz")):
        page = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        for start in range(0, min(len(page), 60_000), 20_000):
            yield page[start:start + 5000]


def test_compact_model_classifies_real_pages_as_py3langid_does(
    corpora: Path, stock: LanguageIdentifier, compact: CompactIdentifier
) -> None:
    samples = list(corpus_samples(corpora))
    assert len(samples) > 1000
    differing = [s[:80] for s in samples if compact.classify(s) != stock.classify(s)]
    assert differing == []


def test_byte_classes_keep_every_transition(stock: LanguageIdentifier) -> None:
    import numpy as np

    transitions = np.frombuffer(stock.tk_nextmove, dtype=np.uint32).reshape(-1, 256)
    columns, table = byte_classes(transitions)
    assert np.array_equal(columns[:, list(table)], transitions)


LOAD_RSS = """
import os
def rss_mib():
    return int(open(f"/proc/{os.getpid()}/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
from newsflow import langmodel
before = rss_mib()
identifier = langmodel.load_identifier()
print(round(rss_mib() - before))
"""


def test_a_process_that_loads_the_model_but_does_not_classify_holds_little_of_it() -> None:
    # The extraction pool's forkserver: it loads the model for its workers and never classifies.
    # py3langid's own model is ~74 MiB of private memory there; the compact one is mapped from a
    # file, so only what a process reads is resident in it.
    done = subprocess.run([sys.executable, "-c", LOAD_RSS], capture_output=True, text=True, timeout=300, check=True)
    assert int(done.stdout.strip()) < 20
