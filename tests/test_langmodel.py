"""The compact language model (newsflow.langmodel) classifies exactly as py3langid's own."""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier

from newsflow import langmodel
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
identifiers = []
for load in ("built", "read from the cache"):
    before = rss_mib()
    identifiers.append(langmodel.load_identifier())
    print(round(rss_mib() - before))
"""


def test_a_process_that_loads_the_model_but_does_not_classify_holds_little_of_it(tmp_path: Path) -> None:
    # The extraction pool's forkserver: it loads the model for its workers and never classifies.
    # py3langid's own model is ~74 MiB of private memory there; the compact one is mapped from a
    # file, so only what a process reads is resident in it: when it is built, and when the file
    # kept in the cache is checked (its checksum reads every page) and mapped.
    done = subprocess.run([sys.executable, "-c", LOAD_RSS], capture_output=True, text=True, timeout=300, check=True,
                          env={**os.environ, "XDG_CACHE_HOME": str(tmp_path)})
    built, read = map(int, done.stdout.split())
    assert built < 20
    assert read < 20


MANY_LANGUAGES = [
    *SAMPLES[:6],
    "Le conseil municipal a adopté mardi le nouveau budget après un long débat sur les écoles et les routes.",
    "Il consiglio comunale ha approvato martedì il nuovo bilancio dopo un lungo dibattito su scuole e strade.",
    "A câmara municipal aprovou na terça-feira o novo orçamento após um longo debate sobre escolas e estradas.",
    "De gemeenteraad keurde dinsdag na een lang debat over scholen en wegen de nieuwe begroting goed.",
    "Rada miasta zatwierdziła we wtorek nowy budżet po długiej debacie o szkołach i drogach.",
    "Belediye meclisi salı günü okullar ve yollar hakkındaki uzun bir tartışmanın ardından yeni bütçeyi onayladı.",  # noqa: RUF001
    "Το δημοτικό συμβούλιο ενέκρινε την Τρίτη τον νέο προϋπολογισμό μετά από μακρά συζήτηση για σχολεία και δρόμους.",  # noqa: RUF001
    "מועצת העיר אישרה ביום שלישי את התקציב החדש לאחר דיון ארוך על בתי ספר וכבישים.",
    "नगर परिषद ने मंगलवार को स्कूलों और सड़कों पर लंबी बहस के बाद नए बजट को मंजूरी दी।",
    "市议会周二在就学校和道路问题进行长时间辩论后批准了新预算。",
    "시의회는 화요일 학교와 도로에 관한 긴 논쟁 끝에 새 예산을 승인했다.",
    "สภาเมืองอนุมัติงบประมาณใหม่เมื่อวันอังคารหลังจากการอภิปรายอันยาวนานเกี่ยวกับโรงเรียนและถนน",
    "Kommunfullmäktige godkände på tisdagen den nya budgeten efter en lång debatt om skolor och vägar.",
    "Hội đồng thành phố đã thông qua ngân sách mới vào thứ Ba sau một cuộc tranh luận dài về trường học.",
    "Міська рада у вівторок затвердила новий бюджет після тривалих дебатів про школи та дороги.",  # noqa: RUF001
    "",
    "12345",
]


@pytest.fixture(scope="module")
def built_then_read(tmp_path_factory: pytest.TempPathFactory) -> tuple[CompactIdentifier, CompactIdentifier, int]:
    """The model built into an empty cache folder, then loaded again; how often py3langid's was unpacked."""
    unpacked = []
    unpack = langmodel.load_model
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("xdg")))
        patch.setattr(langmodel, "load_model", lambda path: unpacked.append(path) or unpack(path))
        built = langmodel.load_identifier()
        read = langmodel.load_identifier()
    return built, read, len(unpacked)


def test_a_second_load_maps_the_kept_file_and_does_not_unpack_py3langids_model(
    built_then_read: tuple[CompactIdentifier, CompactIdentifier, int],
) -> None:
    assert built_then_read[2] == 1


def test_a_change_to_the_code_that_builds_the_model_is_a_new_key(tmp_path: Path) -> None:
    """A kept file is read only by the code that built it: an edit of langmodel.py or vectors.py that forgot to
    bump FORMAT must not read an older file with another meaning."""
    builders = [tmp_path / "langmodel.py", tmp_path / "vectors.py"]
    for builder, source in zip(builders, (langmodel.__file__, langmodel.vectors.__file__), strict=True):
        builder.write_bytes(Path(source).read_bytes())
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(langmodel, "__file__", str(builders[0]))
        patch.setattr(langmodel.vectors, "__file__", str(builders[1]))
        before = langmodel.model_key()
        builders[1].write_bytes(builders[1].read_bytes() + b"\n# the compact layout changed\n")
        after = langmodel.model_key()
    assert before == langmodel.model_key(), "the same code, the same key"
    assert after != before and after["builder"] != before["builder"]


@pytest.mark.parametrize("text", MANY_LANGUAGES)
def test_the_kept_models_answers_are_the_freshly_built_ones(
    text: str, built_then_read: tuple[CompactIdentifier, CompactIdentifier, int], stock: LanguageIdentifier
) -> None:
    built, read, _ = built_then_read
    assert read.classify(text) == built.classify(text) == stock.classify(text)
    assert read.rank(text) == built.rank(text)


BUILD_WHEN_TOLD = """
import json, sys
from newsflow import langmodel
print("ready", flush=True)
sys.stdin.readline()
identifier = langmodel.load_identifier()
print(json.dumps([identifier.classify(text) for text in json.loads(sys.argv[1])]))
"""


def test_two_processes_building_at_once_both_get_a_correct_model(tmp_path: Path, stock: LanguageIdentifier) -> None:
    texts = json.dumps(MANY_LANGUAGES)
    environment = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    children = [subprocess.Popen([sys.executable, "-c", BUILD_WHEN_TOLD, texts], stdin=subprocess.PIPE,
                                 stdout=subprocess.PIPE, text=True, env=environment) for _ in range(2)]
    for child in children:  # both have imported; both start building now
        assert child.stdout is not None and child.stdout.readline() == "ready\n"
    for child in children:
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.close()
    expected = [list(stock.classify(text)) for text in MANY_LANGUAGES]
    for child in children:
        assert child.stdout is not None
        out = child.stdout.read()
        assert child.wait(timeout=300) == 0
        assert json.loads(out) == expected
    unpacked: list[Any] = []
    unpack = langmodel.load_model
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(tmp_path))
        patch.setattr(langmodel, "load_model", lambda path: unpacked.append(path) or unpack(path))
        identifier = langmodel.load_identifier()
    assert unpacked == []  # the file left under the final name is whole
    assert [list(identifier.classify(text)) for text in MANY_LANGUAGES] == expected
    assert [p.name for p in (tmp_path / "newsflow").iterdir() if p.name.startswith(".")] == []


def kept_header(byte_classes_hex: str) -> Any:
    """What `langmodel.is_model` reads of a kept file: its layouts and metadata (no mapping needed)."""
    from newsflow.modelcache import Layout, Stored

    order = "<" if sys.byteorder == "little" else ">"
    shapes = {"columns": ("u4", (4, 3)), "ptc": ("f4", (5, 2)), "pc": ("f4", (2,)), "offsets": ("u4", (4,)),
              "output": ("i4", (4,)), "rows": ("u2", (4,))}
    layouts = {name: Layout(order + dtype, shape, 0) for name, (dtype, shape) in shapes.items()}
    return Stored(None, layouts, {"classes": ["en", "de"], "byte_classes": byte_classes_hex})  # type: ignore[arg-type]


def test_a_kept_files_byte_class_table_must_have_256_entries() -> None:
    assert langmodel.is_model(kept_header("02" * 256))
    # bytes.fromhex skips whitespace: 512 characters that are 255 bytes would pass the length
    # check, and every classification would then fail (bytes.translate wants 256).
    assert not langmodel.is_model(kept_header("02" * 255 + "  "))
    assert not langmodel.is_model(kept_header("03" * 256))  # a column the automaton does not have
