"""Benchmark items read from their published files: what gets indexed, and under which name.

Each reader yields ``Item``s: the benchmark, the item's own id (task id, key,
subject and row...) and its text fields. Only the question side is indexed:
the prompt a model is asked, split into the ``question`` stem and the
``options`` of a multiple-choice item, so an item still matches when a
training row reorders or drops its options. MT-Bench's two turns are fields
``turn1`` and ``turn2`` of one item. Field names per benchmark follow each
folder's README in ``../shared/benchmarks``.

User eval sets use the same shape: ``read_eval_set`` reads a JSONL, CSV or
Parquet file (or every such file in a folder) and takes one text field per
record; a file it cannot use raises ``UnreadableInput`` with one line naming it.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from curate.ingest.read import UnreadableInput

BENCHMARKS = ("gsm8k", "humaneval", "mbpp", "truthfulqa", "ifeval", "mt_bench", "alpaca_eval", "arena_hard_v0.1",
              "math500", "bbh", "mmlu", "arc", "piqa")


@dataclass(frozen=True)
class Item:
    benchmark: str
    item_id: str
    fields: dict[str, str] = field(default_factory=dict)
    options: tuple[str, ...] = ()
    """Answer options of a multiple-choice item, indexed apart from the stem."""
    answer: str = ""
    """The reference answer where the benchmark has one; never indexed (bench/decontam plants it)."""


def _jsonl(path: Path) -> Iterator[dict]:
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rt", encoding="utf-8") as f:
        for line in f:
            if line.strip():
                yield json.loads(line)


def _gsm8k(root: Path) -> Iterator[Item]:
    for i, r in enumerate(_jsonl(root / "test.jsonl")):
        yield Item("gsm8k", f"test/{i}", {"question": r["question"]}, answer=r["answer"])


def _humaneval(root: Path) -> Iterator[Item]:
    for r in _jsonl(root / "HumanEval.jsonl.gz"):
        yield Item("humaneval", r["task_id"], {"prompt": r["prompt"]}, answer=r["canonical_solution"])


def _mbpp(root: Path) -> Iterator[Item]:
    for r in _jsonl(root / "mbpp.jsonl"):
        yield Item("mbpp", str(r["task_id"]), {"text": r["text"]}, answer=r["code"])


def _truthfulqa(root: Path) -> Iterator[Item]:
    for name, tag in (("TruthfulQA_v1_817.csv", "v1"), ("TruthfulQA_2025_790.csv", "2025")):
        with open(root / name, encoding="utf-8-sig", newline="") as f:
            for i, r in enumerate(csv.DictReader(f)):
                yield Item("truthfulqa", f"{tag}/{i}", {"question": r["Question"]}, answer=r["Best Answer"])


def _ifeval(root: Path) -> Iterator[Item]:
    for r in _jsonl(root / "input_data.jsonl"):
        yield Item("ifeval", str(r["key"]), {"prompt": r["prompt"]})


def _mt_bench(root: Path) -> Iterator[Item]:
    for r in _jsonl(root / "question.jsonl"):
        yield Item("mt_bench", str(r["question_id"]), {f"turn{k + 1}": t for k, t in enumerate(r["turns"])})


def _alpaca_eval(root: Path) -> Iterator[Item]:
    rows = json.loads((root / "alpaca_eval_instructions.json").read_text(encoding="utf-8"))
    for i, r in enumerate(rows):
        yield Item("alpaca_eval", f"{r['dataset']}/{i}", {"instruction": r["instruction"]})


def _arena_hard(root: Path) -> Iterator[Item]:
    for r in _jsonl(root / "question.jsonl"):
        yield Item("arena_hard_v0.1", r["question_id"], {"prompt": r["turns"][0]["content"]})


def _math500(root: Path) -> Iterator[Item]:
    for r in _jsonl(root / "test.jsonl"):
        yield Item("math500", r["unique_id"], {"problem": r["problem"]}, answer=r["solution"])


_BBH_OPTIONS = re.compile(r"\n\s*Options:\s*\n")
_BBH_OPTION = re.compile(r"^\s*\([A-Z]\)\s*", re.M)


def _bbh(root: Path) -> Iterator[Item]:
    for path in sorted(root.glob("*.json")):
        for i, r in enumerate(json.loads(path.read_text(encoding="utf-8"))["examples"]):
            stem, options = _split_bbh(r["input"])
            yield Item("bbh", f"{path.stem}/{i}", {"question": stem}, options, r["target"])


def _split_bbh(text: str) -> tuple[str, tuple[str, ...]]:
    """BBH writes a multiple-choice item's options after a line "Options:", each as "(A) ..."."""
    parts = _BBH_OPTIONS.split(text, maxsplit=1)
    if len(parts) == 1:
        return text, ()
    return parts[0], tuple(o.strip() for o in _BBH_OPTION.split(parts[1]) if o.strip())


def _mmlu(root: Path) -> Iterator[Item]:
    for path in sorted((root / "test").glob("*_test.csv")):
        with open(path, encoding="utf-8", newline="") as f:
            for i, r in enumerate(csv.reader(f)):
                yield Item("mmlu", f"{path.stem.removesuffix('_test')}/{i}", {"question": r[0]}, tuple(r[1:5]), r[1 + "ABCD".index(r[5])])


def _arc(root: Path) -> Iterator[Item]:
    for name in ("ARC-Challenge-Test.jsonl", "ARC-Easy-Test.jsonl"):
        for r in _jsonl(root / name):
            q = r["question"]
            answer = next((c["text"] for c in q["choices"] if c["label"] == r["answerKey"]), "")
            yield Item("arc", r["id"], {"question": q["stem"]}, tuple(c["text"] for c in q["choices"]), answer)


def _piqa(root: Path) -> Iterator[Item]:
    labels = (root / "valid-labels.lst").read_text(encoding="utf-8").split()
    for i, (r, label) in enumerate(zip(_jsonl(root / "valid.jsonl"), labels, strict=True)):
        yield Item("piqa", f"valid/{i}", {"question": r["goal"]}, (r["sol1"], r["sol2"]), r[f"sol{int(label) + 1}"])


READERS = {"gsm8k": _gsm8k, "humaneval": _humaneval, "mbpp": _mbpp, "truthfulqa": _truthfulqa, "ifeval": _ifeval,
           "mt_bench": _mt_bench, "alpaca_eval": _alpaca_eval, "arena_hard_v0.1": _arena_hard, "math500": _math500,
           "bbh": _bbh, "mmlu": _mmlu, "arc": _arc, "piqa": _piqa}


def benchmark_items(root: Path) -> Iterator[Item]:
    """Every item of the 13 benchmarks under ``root`` (``../shared/benchmarks``), in a fixed order."""
    for name in BENCHMARKS:
        yield from READERS[name](root / name)


def benchmark_files(root: Path) -> list[Path]:
    """The data files the readers read (the index version hashes them), sorted."""
    data = (".jsonl", ".json", ".csv", ".gz", ".lst")
    return sorted(p for name in BENCHMARKS for p in (root / name).rglob("*") if p.is_file() and p.suffix in data)


EVAL_SUFFIXES = (".jsonl", ".csv", ".parquet")


def eval_files(path: Path) -> list[Path]:
    """The files a user eval set names: the file, or every JSONL/CSV/Parquet file in the folder."""
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix in EVAL_SUFFIXES)
        if not files:
            raise UnreadableInput(f"{path}: eval set folder holds no .jsonl, .csv or .parquet file")
        return files
    if not path.is_file():
        raise UnreadableInput(f"{path}: eval set not found; check `eval_sets` in flows.yaml or --eval")
    if path.suffix not in EVAL_SUFFIXES:
        raise UnreadableInput(f"{path}: eval set must be .jsonl, .csv or .parquet, or a folder of them")
    return [path]


def read_eval_set(path: Path, name: str, text_field: str, shown: str | None = None) -> list[Item]:
    """Items of a user eval set, one per record with a non-empty ``text_field``.

    Raises ``UnreadableInput`` naming the file for a missing or empty file, a
    line that is not a JSON object, or a file where no record has the field."""
    items: list[Item] = []
    for file in eval_files(path):
        label = shown or str(file)
        for i, text in enumerate(_texts(file, text_field, label)):
            items.append(Item(name, f"{file.name}/{i}", {text_field: text}))
    if not items:
        raise UnreadableInput(f"{shown or path}: eval set holds no record with a text field {text_field!r}")
    return items


def _texts(file: Path, text_field: str, label: str) -> Iterator[str]:
    try:
        if file.suffix == ".parquet":
            import pyarrow.parquet as pq

            table = pq.read_table(file)
            if text_field not in table.column_names:
                raise UnreadableInput(f"{label}: no column {text_field!r} (columns: {', '.join(table.column_names)[:200]})")
            records = ({text_field: v} for v in table.column(text_field).to_pylist())
        elif file.suffix == ".csv":
            text = file.read_text(encoding="utf-8-sig")
            reader = csv.DictReader(io.StringIO(text))
            if reader.fieldnames is None or text_field not in reader.fieldnames:
                raise UnreadableInput(f"{label}: the CSV header has no column {text_field!r}")
            records = iter(list(reader))
        else:
            records = iter(list(_json_lines(file, label)))
    except UnicodeDecodeError:
        raise UnreadableInput(f"{label}: not UTF-8 text") from None
    except OSError as exc:
        raise UnreadableInput(f"{label}: cannot be read ({exc.strerror or exc})") from None
    except UnreadableInput:
        raise
    except Exception as exc:  # pyarrow's and csv's own parse errors
        raise UnreadableInput(f"{label}: cannot be parsed ({type(exc).__name__}: {str(exc)[:120]})") from None
    for record in records:
        value = record.get(text_field)
        if isinstance(value, str) and value.strip():
            yield value


def _json_lines(file: Path, label: str) -> Iterator[dict]:
    with open(file, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UnreadableInput(f"{label}: line {number} is not valid JSON ({exc.msg})") from None
            if not isinstance(record, dict):
                raise UnreadableInput(f"{label}: line {number} is not a JSON object")
            yield record
