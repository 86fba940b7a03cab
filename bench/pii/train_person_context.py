"""Train the person-context model (``curate/pii/context_model.py``) and say how well it does on data it never saw.

Not a test. Run from the repository root (about a minute; it writes ``curate/pii/person_context.json``):

    HF_HUB_OFFLINE=1 .venv/bin/python bench/pii/train_person_context.py [--check]

Training data: every hand-judged PERSON span of the files that rules were written from (``judged``,
``heldout``, ``validation``, ``fresh``, ``others3``, ``unseen_read`` and the archive: verdict true =
a private person), less any span of a row that an unread file also judged; and every PERSON span of
synth_dataset_v2 (labelled, all private: invented people in PII-dense templates, which a model of
public instruction data alone reads as public figures for their unusual names). Features: the two
MiniLM embeddings the stage computes (``context_model.private_probability``). A plain logistic
regression (``C``), deterministic.

Then it reports, on the unread files (``others``, ``others2``, ``others4``, ``unseen_unread``: judged
before any rule or this model read them), the ranking quality (AUC) and, at the threshold, the judged
names it would drop (false, true), over every PERSON span those files judged; and, for
synth_dataset_v2, the share of its names below the threshold under a model fitted without them (half
of the templates held out: trained on the even ``template_id``, scored on the odd). ``--check`` prints the
figures without writing the weights.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from curate.pii import context_model  # noqa: E402

HERE = Path(__file__).resolve().parent
SYNTH = ROOT.parent / "shared" / "datasets" / "pii" / "synth_dataset_v2.json"
READ = ("judged", "heldout", "validation", "fresh", "others3", "unseen_read")
UNREAD = ("others", "others2", "others4", "unseen_unread")
WINDOW = 100
THRESHOLD = 0.2
C = 1.0


def judged(names: tuple[str, ...], archive: bool) -> dict[tuple, dict]:
    files = [HERE / f"{n}_spans.jsonl" for n in names] + ([HERE / "judged_archive.jsonl"] if archive else [])
    out = {}
    for path in files:
        for line in path.read_text().splitlines():
            d = json.loads(line)
            if d.get("verdict") is not None and d["entity"] == "PERSON":
                out[(d["set"], d["id"], d["span"], d["before"])] = d
    return out


def judged_item(d: dict) -> tuple[str, int, int]:
    """The span in a text of its judged context: what the stage would see around it."""
    before, after = d["before"], d.get("after", "")
    return before + d["span"] + after, len(before), len(before) + len(d["span"])


def synth_items() -> list[tuple[tuple[str, int, int], int]]:
    data = json.loads(SYNTH.read_text())
    return [((d["full_text"], s["start_position"], s["end_position"]), d["template_id"])
            for d in data for s in d["spans"] if s["entity_type"] == "PERSON"]


def features(items: list[tuple[str, int, int]]) -> np.ndarray:
    return context_model.features([t for t, _, _ in items], [(s, e) for _, s, e in items], WINDOW)


def fit(x: np.ndarray, y: np.ndarray):
    from sklearn.linear_model import LogisticRegression

    return LogisticRegression(C=C, max_iter=5000).fit(x, y)


def main() -> None:
    from sklearn.metrics import roc_auc_score

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="print the figures, do not write the weights")
    args = ap.parse_args()
    unread = judged(UNREAD, archive=False)
    unread_rows = {(d["set"], d["id"]) for d in unread.values()}
    read = [d for k, d in judged(READ, archive=True).items() if k not in unread and (d["set"], d["id"]) not in unread_rows]
    synth = synth_items()
    x_read = features([judged_item(d) for d in read])
    y_read = np.array([bool(d["verdict"]) for d in read])
    x_synth = features([item for item, _ in synth])
    templates = np.array([t for _, t in synth])
    model = fit(np.vstack([x_read, x_synth]), np.concatenate([y_read, np.ones(len(synth), bool)]))
    print(f"trained on {len(read)} judged PERSON spans ({y_read.sum()} private) and {len(synth)} synth_dataset_v2 names")

    test = list(unread.values())
    y_test = np.array([bool(d["verdict"]) for d in test])
    p = model.predict_proba(features([judged_item(d) for d in test]))[:, 1]
    below = p < THRESHOLD
    print(f"unread files ({len(test)} judged PERSON spans, {y_test.sum()} private): AUC {roc_auc_score(y_test, p):.3f}; "
          f"below {THRESHOLD}: {int((below & ~y_test).sum())} not private, {int((below & y_test).sum())} private "
          f"(each mention alone; the stage drops a name only if all its mentions are below)")
    even = templates % 2 == 0
    half = fit(np.vstack([x_read, x_synth[even]]), np.concatenate([y_read, np.ones(int(even.sum()), bool)]))
    p_odd = half.predict_proba(x_synth[~even])[:, 1]
    print(f"synth_dataset_v2, odd templates, model fitted without them: {int((p_odd < THRESHOLD).sum())} of "
          f"{int((~even).sum())} names below {THRESHOLD}")
    for t in (0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4):
        print(f"  at {t}: unread below: {int(((p < t) & ~y_test).sum())} not private, {int(((p < t) & y_test).sum())} "
              f"private; synth odd templates below: {int((p_odd < t).sum())}")
    if not args.check:
        context_model.WEIGHTS.write_text(json.dumps({
            "about": "curate/pii/context_model.py; written by bench/pii/train_person_context.py",
            "window": WINDOW, "threshold": THRESHOLD, "C": C,
            "trained_on": {"judged_spans": len(read), "private": int(y_read.sum()), "synth_names": len(synth)},
            "intercept": float(model.intercept_[0]),
            "coef": [round(float(c), 6) for c in model.coef_[0].astype(np.float32)],
        }) + "\n")
        print(f"weights written to {context_model.WEIGHTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
