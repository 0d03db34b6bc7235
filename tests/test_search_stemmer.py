"""The stemmer search uses: Snowball in C (PyStemmer), with the pure-Python Snowball's stems."""

from __future__ import annotations

import importlib
from typing import Any

import pytest

from newsflow.search_text import STEMMERS, _stemmer, stem
from newsflow.text import word_tokens

# Words whose stems exercise each stemmer's suffix rules, in several scripts.
SAMPLE = (
    "The councillors were debating nationalisation; running, runs, ran, generously, happiness. "
    "Die Stadträte beschlossen die Haushaltsberatungen, Straßen und Schulen wurden erneuert. "
    "Los concejales aprobaron presupuestos; las calles fueron renovadas rápidamente. "
    "Les conseillers municipaux ont adopté les budgets; nationalisations, généreusement. "
    "Radni miasta przyjęli budżety; ulice zostały odnowione. Городские советники приняли бюджеты. "
    "Belediye meclisi bütçeleri kabul etti; yolların yenilenmesi. Οι δημοτικοί σύμβουλοι ψήφισαν. "  # noqa: RUF001
    "Gemeenteraadsleden keurden begrotingen goed. Kommunestyret vedtok budsjettene. "
    "Kaupunginvaltuutetut hyväksyivät talousarviot. A városi tanácsosok elfogadták a költségvetéseket."
)


def pure_python_stemmer(name: str) -> Any:
    """snowballstemmer's own pure-Python class for `name` (what it used without PyStemmer)."""
    module = importlib.import_module(f"snowballstemmer.{name}_stemmer")
    [cls] = [value for key, value in vars(module).items() if key.lower() == f"{name}stemmer"]
    return cls()


def test_search_stems_with_the_c_stemmer() -> None:
    # snowballstemmer hands out PyStemmer's Stemmer when it is installed: ~20x faster, which is
    # most of a run's indexing at its end (docs/performance.md, section 1).
    assert type(_stemmer("en")).__module__ == "Stemmer"


ONE_CODE_PER_STEMMER = sorted({name: code for code, name in STEMMERS.items()}.items())


@pytest.mark.parametrize(("name", "code"), ONE_CODE_PER_STEMMER)
def test_c_stems_equal_the_pure_python_snowball_stems(name: str, code: str) -> None:
    # Indexes built with the pure-Python stemmer stay valid: every word gets the same term.
    words = sorted(set(word_tokens(SAMPLE)))
    assert _stemmer(code).stemWords(words) == [pure_python_stemmer(name).stemWord(w) for w in words]


def test_stem_is_the_snowball_stem_or_none_for_a_stop_word() -> None:
    assert stem("en", "running") == "run"
    assert stem("en", "the") is None
    assert stem("", "running") == "running"
