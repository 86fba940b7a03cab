"""Deterministic synthetic chat records for the scaling benchmark (never committed).

``write(n, folder)`` writes ``n`` OpenAI-format conversations as JSONL files of
at most ``FILE_ROWS`` rows each. Same ``n`` and ``seed`` give byte-identical
files, so a run can be repeated and compared. What is planted, so every stage
has work proportional to ``n``:

* ~2% exact copies of an earlier record (dedup_exact);
* ~3% near copies: an earlier record with one word swapped (dedup_minhash);
* ~5% records carrying an e-mail, a phone number or a person's name (redact_pii);
* ~1% placeholder answers ("N/A") that filter_quality drops.

Texts mix common English words with a pseudo-word vocabulary so that shingles
are varied and clusters are not trivially one topic per template.
"""

from __future__ import annotations

import argparse
import json
import shutil
from pathlib import Path

import numpy as np

FILE_ROWS = 100_000
COMMON = ("the a of to and in is it that for on with as was be by this are or from at which an but not have "
          "how what why when where can should would could does do explain describe write list give show make use "
          "data model system value function process result method test file user time number example question").split()
SYLLABLES = ("ka lo mi ra ten vo shi pu del mar in gor bel tis an qu rex sol van ul ept dra fen kil mon").split()
NAMES = ("Maria Keller", "John Smith", "Aisha Khan", "Luca Rossi", "Emma Johnson", "Kenji Sato", "Olga Petrova")
TOPICS = ("cooking", "python", "history", "travel", "finance", "biology", "music", "physics", "gardening", "law")


def _vocab(rng: np.random.Generator, size: int = 6000) -> list[str]:
    parts = rng.integers(0, len(SYLLABLES), size=(size, 3))
    lengths = rng.integers(2, 4, size=size)
    return sorted({"".join(SYLLABLES[p] for p in row[:k]) for row, k in zip(parts, lengths)})


def _sentence(rng: np.random.Generator, vocab: list[str], words: int) -> str:
    common = rng.random(words) < 0.45
    picks = [COMMON[rng.integers(len(COMMON))] if c else vocab[rng.integers(len(vocab))] for c in common]
    return " ".join(picks).capitalize() + "."


def records(n: int, seed: int = 0):
    """Yield ``n`` OpenAI-format dicts, deterministically."""
    rng = np.random.default_rng(seed)
    vocab = _vocab(rng)
    made: list[dict] = []  # a bounded window of recent records to copy from
    for i in range(n):
        roll = rng.random()
        if made and roll < 0.02:
            yield made[rng.integers(len(made))]
            continue
        if made and roll < 0.05:
            base = made[rng.integers(len(made))]
            words = base["messages"][1]["content"].split()
            words[rng.integers(len(words))] = vocab[rng.integers(len(vocab))]
            yield {"messages": [base["messages"][0], {"role": "assistant", "content": " ".join(words)}]}
            continue
        topic = TOPICS[rng.integers(len(TOPICS))]
        prompt = f"[{topic}] " + " ".join(_sentence(rng, vocab, int(rng.integers(6, 18))) for _ in range(int(rng.integers(1, 3))))
        answer = " ".join(_sentence(rng, vocab, int(rng.integers(8, 30))) for _ in range(int(rng.integers(2, 6))))
        if roll < 0.10:
            kind = rng.integers(3)
            pii = (f"Write to {NAMES[rng.integers(len(NAMES))].split()[0].lower()}{i}@example.com",
                   f"Call me at 555-{rng.integers(100, 999)}-{rng.integers(1000, 9999)}",
                   f"My name is {NAMES[rng.integers(len(NAMES))]}")[kind]
            prompt = f"{pii}. {prompt}"
        if roll > 0.99:
            answer = "N/A"
        record = {"messages": [{"role": "user", "content": prompt}, {"role": "assistant", "content": answer}]}
        if len(made) < 5000:
            made.append(record)
        else:
            made[rng.integers(len(made))] = record
        yield record


def write(n: int, folder: Path, seed: int = 0) -> list[Path]:
    """Write the records as ``part-*.jsonl`` under ``folder`` (reused when complete)."""
    folder.mkdir(parents=True, exist_ok=True)
    done = folder / f"COMPLETE-{n}-{seed}"
    files = [folder / f"part-{i:04d}.jsonl" for i in range(-(-n // FILE_ROWS))]
    if done.exists():
        return files
    it = records(n, seed)
    for i, path in enumerate(files):
        with path.open("w") as fh:
            for _ in range(min(FILE_ROWS, n - i * FILE_ROWS)):
                fh.write(json.dumps(next(it)) + "\n")
    done.write_text("")
    return files


def add_run_arguments(parser: argparse.ArgumentParser) -> None:
    """The folders and flags every scaling run takes: where records, work and results go."""
    parser.add_argument("--data", type=Path, default=Path("/tmp/scale-data"))
    parser.add_argument("--work", type=Path, default=Path("/tmp/scale-work"))
    parser.add_argument("--results", type=Path, default=Path("/tmp/scale-results.jsonl"))
    parser.add_argument("--keep", action="store_true", help="keep the work folder (artifacts, flows.yaml)")


def fresh_work(args: argparse.Namespace, name: str) -> tuple[list[Path], Path, str]:
    """The run's record files (written once), an empty work folder, and the files' glob for ingest."""
    files = write(args.records, args.data / str(args.records))
    work = args.work / f"{args.records}-{name}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    return files, work, str(args.data / str(args.records) / "part-*.jsonl")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print("\n".join(str(p) for p in write(args.n, args.folder, args.seed)))
