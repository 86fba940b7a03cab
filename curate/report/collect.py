"""Gather what the report shows from a run record and the artifact store.

Generic over stages: a section is filled from whatever data the run's artifacts
hold, never from a stage name list. PII counts come from any step whose
metrics have ``entities_found``; duplicate clusters from removed rows with a
``duplicate_of``; the cluster map from a step whose rows carry a ``vector``
plus ``meta.cluster`` on the conversations; split balance from a ``split``
column; benchmark contamination from a step whose metrics have ``benchmark_hits``; quality distributions from numeric ``meta.quality`` values. A run
without a stage simply has no such section.

Text shown to people is redacted: when the run has a PII step, a conversation's
text comes from the redacted artifact (or from a removed row's ``record``
written after that step), and rows removed before redaction are not shown.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from curate import meta as metajson
from curate.artifacts.store import Artifact, ArtifactStore
from curate.runs import RunRecord, previous_run

MAX_POINTS = 1500
"""Points on the cluster map: enough to see structure, few enough to keep the file small."""
MAX_DUP_CLUSTERS = 8
MAX_MEMBERS = 4
TEXT_CHARS = 180


@dataclass
class ReportData:
    run: dict[str, Any]
    previous: dict[str, Any] | None = None
    funnel: list[dict[str, Any]] = field(default_factory=list)
    lengths: dict[str, list[float]] = field(default_factory=dict)
    pii: dict[str, dict[str, int]] = field(default_factory=dict)
    duplicates: list[dict[str, Any]] = field(default_factory=list)
    duplicate_totals: dict[str, int] = field(default_factory=dict)
    cluster_map: dict[str, Any] | None = None
    splits: dict[str, Any] | None = None
    quality: dict[str, list[float]] = field(default_factory=dict)
    changes: dict[str, Any] | None = None
    contamination: list[dict[str, Any]] = field(default_factory=list)


def shorten(text: str, limit: int = TEXT_CHARS) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def first_user(messages: list[dict] | None) -> str:
    for m in messages or []:
        if m.get("role") == "user":
            return m.get("content") or ""
    return (messages or [{}])[0].get("content", "") if messages else ""


def _read(store: ArtifactStore, artifact: Artifact, columns: list[str] | None = None) -> pa.Table:
    dataset = store.dataset(artifact)
    if dataset is None:
        return pa.table({})
    names = [c for c in (columns or dataset.schema.names) if c in dataset.schema.names]
    return dataset.to_table(columns=names)


def _has_messages(store: ArtifactStore, artifact: Artifact) -> bool:
    return "messages" in _names(store, artifact)


def conversation_lengths(table: pa.Table) -> np.ndarray:
    """Characters of all message contents per conversation, computed in Arrow (no Python loop)."""
    if table.num_rows == 0:
        return np.zeros(0)
    msgs = table.column("messages").combine_chunks()
    lens = pc.utf8_length(pc.struct_field(pc.list_flatten(msgs), "content")).to_numpy(zero_copy_only=False)
    parents = pc.list_parent_indices(msgs).to_numpy(zero_copy_only=False)
    return np.bincount(parents, weights=lens, minlength=table.num_rows)


def _run_summary(run: RunRecord) -> dict[str, Any]:
    return {"name": run.name, "flow": run.flow, "run_id": run.run_id, "started_at": run.started_at,
            "finished_at": run.finished_at, "status": run.status,
            "computed": sum(not s.cached for s in run.steps), "cached": sum(s.cached for s in run.steps)}


def collect(store: ArtifactStore, run: RunRecord, previous: RunRecord | None | bool = True) -> ReportData:
    """Everything the report shows for ``run``; ``previous=True`` finds the previous run of the same flow."""
    prev = previous_run(store, run) if previous is True else (previous or None)
    steps = [(s, store.get(s.stage, s.version)) for s in run.steps]
    present = [(s, a) for s, a in steps if a is not None]
    data = ReportData(run=_run_summary(run), previous=_run_summary(prev) if prev else None)
    data.run["missing_artifacts"] = [s.step for s, a in steps if a is None]

    for s, a in present:
        data.funnel.append({"step": s.step, "stage": s.stage, "version": s.version, "cached": s.cached,
                            "in": a.rows["in"], "kept": a.rows["kept"], "removed": a.rows["removed"],
                            "reasons": dict(a.rows.get("removed_by_reason", {})),
                            "seconds": a.manifest.get("timings", {}).get("seconds")})

    main = [(i, s, a) for i, (s, a) in enumerate(present) if _has_messages(store, a)]
    if main:
        first, last = main[0][2], main[-1][2]
        data.run["final_kept"] = last.rows["kept"]
        data.lengths = {f"before ({main[0][1].step})": conversation_lengths(_read(store, first, ["messages"])).tolist(),
                        f"after ({main[-1][1].step})": conversation_lengths(_read(store, last, ["messages"])).tolist()}

    pii_at = next((i for i, (s, a) in enumerate(present) if "entities_found" in a.manifest.get("metrics", {})), None)
    if pii_at is not None:
        metrics = present[pii_at][1].manifest["metrics"]
        data.pii = {"found": dict(metrics.get("entities_found", {})), "rows": dict(metrics.get("rows_with_pii", {}))}
    texts = _text_lookup(store, present, pii_at)

    _duplicates(data, store, present, pii_at, texts)
    # Benchmark contamination from any step whose metrics count hits per benchmark (decontaminate).
    data.contamination = [{"step": s.step, **{k: a.manifest["metrics"].get(k) for k in ("policy", "benchmark_hits", "examples", "paraphrase_threshold",
                                                                                      "paraphrase_flags", "paraphrase_examples")}}
                          for s, a in present if "benchmark_hits" in a.manifest.get("metrics", {})]
    final = _read(store, last, ["id", "meta"] + (["split"] if "split" in _names(store, last) else [])) if main else None
    if final is not None:
        _cluster_map(data, store, present, final, texts)
        # Split balance is read against the step that split (its config names the strata),
        # which is not always the last step (mixing and pair building come after it).
        splitter = next((step[2] for step in reversed(main) if "stratify_by" in step[2].manifest.get("config", {})), main[-1][2])
        _splits(data, store, splitter, final)
        _quality(data, store, present, main)
    if prev is not None:
        data.changes = _changes(store, run, prev, final)
    return data


def _names(store: ArtifactStore, artifact: Artifact) -> list[str]:
    dataset = store.dataset(artifact)
    return dataset.schema.names if dataset is not None else []


def _text_lookup(store: ArtifactStore, present, pii_at: int | None) -> dict[str, str]:
    """id -> first user turn, from the redacted artifact when the run has one (kept and
    its removed rows), else from the first conversation artifact."""
    if pii_at is not None:
        source = present[pii_at][1]
    else:
        source = next((a for _, a in present if _has_messages(store, a)), None)
    if source is None:
        return {}
    table = _read(store, source, ["id", "messages"])
    texts = {cid: first_user(m) for cid, m in zip(table.column("id").to_pylist(), table.column("messages").to_pylist(), strict=True)}
    for rec in store.read_removed(source).column("record").to_pylist():
        row = _json(rec)
        if row.get("id") and row.get("messages"):
            texts.setdefault(row["id"], first_user(row["messages"]))
    return texts


def _json(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


WITHHELD = "(removed before PII redaction: text not shown)"


def _duplicates(data: ReportData, store: ArtifactStore, present, pii_at: int | None, texts: dict[str, str]) -> None:
    clusters = []
    for i, (s, a) in enumerate(present):
        removed = store.read_removed(a)
        if removed.num_rows == 0:
            continue
        dups = removed.filter(pc.is_valid(removed.column("duplicate_of")))
        if dups.num_rows == 0:
            continue
        redacted_here = pii_at is None or i > pii_at  # a removed row's record is redacted iff removed after the PII step
        groups: dict[str, list[dict]] = defaultdict(list)
        for row in dups.select(["id", "reason", "duplicate_of", "score", "record"]).to_pylist():
            groups[row["duplicate_of"]].append(row)
        data.duplicate_totals[s.step] = len(groups)
        for keeper, members in groups.items():
            shown = []
            for m in sorted(members, key=lambda r: -(r["score"] or 0))[:MAX_MEMBERS]:
                text = first_user(_json(m["record"]).get("messages")) if redacted_here else WITHHELD
                shown.append({"id": m["id"], "score": m["score"], "text": shorten(text or texts.get(m["id"], ""))})
            clusters.append({"step": s.step, "reason": Counter(m["reason"] for m in members).most_common(1)[0][0],
                             "keeper_id": keeper, "keeper_text": shorten(texts.get(keeper, WITHHELD if pii_at is not None else "")),
                             "size": len(members) + 1, "members": shown})
    clusters.sort(key=lambda c: (-c["size"], c["step"], c["keeper_id"]))
    data.duplicates = clusters[:MAX_DUP_CLUSTERS]


def _metas(final: pa.Table) -> list[dict[str, Any]]:
    return [metajson.parse(m) for m in final.column("meta").to_pylist()]


def _cluster_map(data: ReportData, store: ArtifactStore, present, final: pa.Table, texts: dict[str, str]) -> None:
    emb = next((a for _, a in reversed(present) if "vector" in _names(store, a)), None)
    if emb is None:
        return
    vectors = _read(store, emb, ["id", "vector"])
    index = {cid: i for i, cid in enumerate(vectors.column("id").to_pylist())}
    flat = vectors.column("vector").combine_chunks()
    matrix = flat.values.to_numpy(zero_copy_only=False).reshape(-1, flat.type.list_size)
    ids = final.column("id").to_pylist()
    metas = _metas(final)
    rows = [(cid, m) for cid, m in zip(ids, metas, strict=True) if cid in index]
    if len(rows) < 3:
        return
    # The legend names and counts every row's cluster; only the points drawn are sampled.
    labels: dict[int, str] = {}
    sizes: Counter[int | None] = Counter()
    for _, m in rows:
        c = _cluster_of(m)
        sizes[c] += 1
        if c is not None:
            labels.setdefault(c, str(m.get("cluster_label") or f"cluster {c}"))
    step = max(1, -(-len(rows) // MAX_POINTS))
    rows = rows[::step]  # every k-th row: deterministic, spreads over sources in input order
    x = matrix[[index[cid] for cid, _ in rows]].astype(np.float64)
    x -= x.mean(axis=0)
    _, sv, vt = np.linalg.svd(x, full_matrices=False)
    xy = x @ vt[:2].T
    explained = (sv[:2] ** 2 / max(float((sv ** 2).sum()), 1e-12)).tolist()
    points = []
    for (cid, m), (px, py) in zip(rows, xy, strict=True):
        c = _cluster_of(m)
        label = f"[{labels[c]}] " if c is not None else ""
        points.append({"x": float(px), "y": float(py), "group": c, "title": label + shorten(texts.get(cid, ""), 240)})
    data.cluster_map = {"points": points, "labels": dict(sorted(labels.items())), "sizes": dict(sizes),
                        "explained": explained, "sampled_every": step, "total": len(ids)}


def _cluster_of(meta: dict) -> int | None:
    c = meta.get("cluster")
    return int(c) if isinstance(c, (int, float)) else None


def _splits(data: ReportData, store: ArtifactStore, artifact: Artifact, final: pa.Table) -> None:
    if "split" not in final.column_names:
        return
    stratify = artifact.manifest.get("config", {}).get("stratify_by")
    if stratify and stratify not in final.column_names and stratify in _names(store, artifact):
        final = final.append_column(stratify, _read(store, artifact, [stratify]).column(stratify))
    strata = [str(v) for v in metajson.column_or_meta(final, stratify)] if stratify else ["all"] * final.num_rows
    counts: dict[str, Counter] = defaultdict(Counter)
    for split, stratum in zip(final.column("split").to_pylist(), strata, strict=True):
        counts[split][stratum] += 1
    order = [x for x in ("train", "validation", "test") if x in counts] + sorted(set(counts) - {"train", "validation", "test"})
    keys = [k for k, _ in Counter(strata).most_common()]
    metrics = artifact.manifest.get("metrics", {})
    data.splits = {"stratify_by": stratify, "strata": keys, "columns": [(x, dict(counts[x])) for x in order],
                   "max_deviation_pp": metrics.get("max_stratum_share_deviation_pp"),
                   "sizes": metrics.get("held_out_sizes"), "contamination": metrics.get("contamination")}


def _quality(data: ReportData, store: ArtifactStore, present, main) -> None:
    for _, s, a in reversed(main):
        if not _first_meta_has(store, a, "quality"):
            continue
        values: dict[str, list[float]] = defaultdict(list)
        for m in _metas(_read(store, a, ["meta"])):
            for k, v in (m.get("quality") or {}).items():
                if isinstance(v, (int, float)) and not isinstance(v, bool):
                    values[k].append(float(v))
        data.quality = dict(sorted(values.items()))
        data.run["quality_from"] = s.step
        return


def _first_meta_has(store: ArtifactStore, artifact: Artifact, key: str) -> bool:
    dataset = store.dataset(artifact)
    if dataset is None:
        return False
    head = dataset.head(1, columns=["meta"])
    return bool(head.num_rows) and key in metajson.parse(head.column("meta")[0].as_py())


def _cluster_counts(final: pa.Table | None) -> Counter:
    if final is None or "meta" not in final.column_names:
        return Counter()
    return Counter(str(m.get("cluster_label") or m.get("cluster")) for m in _metas(final) if m.get("cluster") is not None)


def _changes(store: ArtifactStore, run: RunRecord, prev: RunRecord, final: pa.Table | None) -> dict[str, Any]:
    now_steps = {s.step: s for s in run.steps}
    old_steps = {s.step: s for s in prev.steps}
    names = list(now_steps) + [n for n in old_steps if n not in now_steps]
    rows, reasons = [], []
    for n in names:
        a, b = old_steps.get(n), now_steps.get(n)
        ra, rb = (a.rows if a else {}), (b.rows if b else {})
        rows.append({"step": n, "before": ra.get("kept"), "after": rb.get("kept"),
                     "removed_before": ra.get("removed"), "removed_after": rb.get("removed"),
                     "same_version": bool(a and b and a.version == b.version)})
        ba, bb = ra.get("removed_by_reason", {}), rb.get("removed_by_reason", {})
        for reason in sorted(set(ba) | set(bb)):
            if ba.get(reason, 0) != bb.get(reason, 0):
                reasons.append({"step": n, "reason": reason, "before": ba.get(reason, 0), "after": bb.get(reason, 0)})
    prev_final = None
    for s in reversed(prev.steps):
        a = store.get(s.stage, s.version)
        if a is not None and _has_messages(store, a):
            prev_final = _read(store, a, ["id", "meta"])
            break
    ca, cb = _cluster_counts(prev_final), _cluster_counts(final)
    clusters = [{"cluster": k, "before": ca.get(k, 0), "after": cb.get(k, 0)} for k in sorted(set(ca) | set(cb), key=lambda k: -(cb.get(k, 0) + ca.get(k, 0)))
                if ca.get(k, 0) != cb.get(k, 0)]
    return {"rows": rows, "reasons": reasons, "clusters": clusters, "clusters_before": len(ca), "clusters_after": len(cb)}
