"""datatrove's MinHash pipeline on a JSONL corpus, timed; run by speed.py inside the datatrove venv.

    <datatrove-venv>/bin/python bench/dedup/datatrove_minhash.py CORPUS.jsonl WORKDIR --ngram 3 --bands 14 --rows 9

Runs datatrove's own three steps as its docs chain them, each with a
``LocalPipelineExecutor`` (1 task, 1 worker: one process, as our stage):
``JsonlReader -> MinhashDedupSignature``, ``MinhashDedupBuckets``,
``MinhashDedupCluster``. The ``MinhashDedupFilter`` step (rewriting the
corpus without the duplicates) is left out, as our stage's output writing is
not timed either. Shingles: datatrove's ``simplify_text`` (lower case,
punctuation, spaces, diacritics, numbers) then a whitespace word tokenizer,
word n-grams of ``--ngram`` words: the same shingles as dedup_minhash. (Its
default English tokenizer is spaCy's, which is slower and splits punctuation
off words; whitespace is the like-for-like choice and datatrove's faster one.)
Prints one JSON line: seconds per step, total, docs/s and duplicates found.

This file imports only datatrove and the standard library: it never runs in
the project venv.
"""

from __future__ import annotations

import argparse
import json
import shutil
import time
from pathlib import Path

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupSignature,
)
from datatrove.pipeline.readers import JsonlReader
from datatrove.utils.word_tokenizers import WordTokenizer


class Whitespace(WordTokenizer):
    """Words are what ``str.split`` gives, as in dedup_minhash."""

    def word_tokenize(self, text: str) -> list[str]:
        return text.split()

    def sent_tokenize(self, text: str) -> list[str]:
        return [text]

    def span_tokenize(self, text: str) -> list[tuple[int, int]]:
        return [(0, len(text))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus", type=Path)
    ap.add_argument("workdir", type=Path)
    ap.add_argument("--ngram", type=int, default=3)
    ap.add_argument("--bands", type=int, default=14)
    ap.add_argument("--rows", type=int, default=9)
    args = ap.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    work = args.workdir
    config = MinhashConfig(n_grams=args.ngram, num_buckets=args.bands, hashes_per_bucket=args.rows)
    steps = {
        "signature": [JsonlReader(str(args.corpus.parent), glob_pattern=args.corpus.name, id_key="id"),
                      MinhashDedupSignature(output_folder=str(work / "sigs"), config=config, language=Whitespace())],
        "buckets": [MinhashDedupBuckets(input_folder=str(work / "sigs"), output_folder=str(work / "buckets"), config=config)],
        "cluster": [MinhashDedupCluster(input_folder=str(work / "buckets"), output_folder=str(work / "remove_ids"), config=config)],
    }
    tasks = {"signature": 1, "buckets": config.num_buckets, "cluster": 1}
    seconds = {}
    for name, pipeline in steps.items():
        started = time.perf_counter()
        LocalPipelineExecutor(pipeline=pipeline, tasks=tasks[name], workers=1,
                              logging_dir=str(work / "logs" / name), skip_completed=False).run()
        seconds[name] = time.perf_counter() - started
    docs = sum(1 for _ in args.corpus.open())
    removed = sum(p.stat().st_size for p in (work / "remove_ids").glob("*.remove")) // 4  # one uint32 per removed doc
    total = sum(seconds.values())
    print(json.dumps({"mode": "datatrove", "docs": docs, "seconds": total, "docs_per_s": docs / total,
                      "removed": removed, "step_seconds": seconds}))


if __name__ == "__main__":
    main()
