"""The independent check of a build: it reads the serialised bytes back and verifies what PLANTED.md will claim.

Each file is parsed and run through the ingest mirror: malformed records must get
their promised reason, every other record its intended canonical messages. Then:
the only records with identical canonical messages are the planted exact-duplicate
groups; every near-duplicate is within [0.6, 0.95] 5-gram Jaccard of its original
while no unrelated pair reaches 0.5; every PII record holds its listed values and
no other record matches a PII detector; the general set holds no PII, shares no
prompt with the demo and stays under 0.3 Jaccard of any demo record. A failed
check stops the build, so a wrong PLANTED.md is never written.
"""

from __future__ import annotations

import gzip
import json
import re
import unicodedata
from typing import NamedTuple

from .detectors import conv_text, jaccard, pii_hits, shingles
from .general import GENERAL_QA
from .mirror_ingest import Reject, simulate_ingest
from .records import Rec
from .sources import FILES, FMT


class Checked(NamedTuple):
    canon: dict[int, list[tuple]]  # id(rec) -> canonical messages of every kept record
    reasons: dict[str, dict[str, int]]  # file -> quarantine reason -> count
    near_scores: list[float]  # per near-duplicate pair, in plan order
    worst: tuple[float, str, str]  # the most similar unrelated pair: (Jaccard, rid, rid)
    general_vs_demo: float


def _parse(f: str, data: bytes, rows: list[Rec]) -> list[tuple[str, object]]:
    """(status, value) per record of one file: ``ok`` with the parsed row, or the reason reading it failed."""
    if FMT[f] == "alpaca":
        values = json.loads(data.decode("utf-8"))
        assert isinstance(values, list) and len(values) == len(rows)
        lines_of = data.decode("utf-8").split("\n")
        for r, value in zip(rows, values):
            assert json.loads(lines_of[r.line - 1].rstrip(",")) == value
        return [("ok", v) for v in values]
    raw_lines = data.split(b"\n")
    assert raw_lines[-1] == b"" and len(raw_lines) - 1 == len(rows)
    parsed: list[tuple[str, object]] = []
    for raw in raw_lines[:-1]:
        try:
            parsed.append(("ok", json.loads(raw.decode("utf-8"))))
        except UnicodeDecodeError:
            parsed.append(("invalid_utf8", None))
        except json.JSONDecodeError:
            parsed.append(("invalid_json", None))
    return parsed


def _check_ingest(files: dict[str, bytes],
                  ordered: dict[str, list[Rec]]) -> tuple[dict[int, list[tuple]], dict[str, dict[str, int]]]:
    """Canonical messages of every kept record and the quarantine reasons per file, asserting each record's outcome."""
    canon: dict[int, list[tuple]] = {}
    expected_reasons: dict[str, dict[str, int]] = {}
    for f, rows in ordered.items():
        data = gzip.decompress(files[f]) if f.endswith(".gz") else files[f]
        reasons: dict[str, int] = {}
        for r, (status, value) in zip(rows, _parse(f, data, rows)):
            if status == "ok":
                try:
                    canon[id(r)] = simulate_ingest(FMT[f], value)
                    status = "kept"
                except Reject as exc:
                    status = str(exc)
            if r.kind == "malformed":
                assert status == r.reason, (r.rid, status, r.reason)
                reasons[status] = reasons.get(status, 0) + 1
            else:
                assert status == "kept", (r.rid, status)
                expect = [(m["role"], unicodedata.normalize("NFC", m["content"]).strip(),
                           (m["call"]["name"], json.dumps(m["call"]["arguments"], ensure_ascii=False)) if m["call"] else None)
                          for m in r.msgs]
                assert canon[id(r)] == expect, r.rid
        expected_reasons[f] = reasons
    return canon, expected_reasons


def _check_exact(kept: list[Rec], canon: dict[int, list[tuple]], exact_groups: list[dict]) -> None:
    """The records with identical canonical messages are exactly the planted groups."""
    by_key: dict[str, list[Rec]] = {}
    for r in kept:
        by_key.setdefault(json.dumps(canon[id(r)], ensure_ascii=False), []).append(r)
    dup_sets = sorted(sorted(r.rid for r in rs) for rs in by_key.values() if len(rs) > 1)
    planted_sets = sorted(sorted([g["original"].rid] + [c.rid for c in g["copies"]]) for g in exact_groups)
    assert dup_sets == planted_sets, (dup_sets, planted_sets)


def _check_similarity(kept: list[Rec], sh: dict[int, set], exact_groups: list[dict], near_pairs: list[tuple[Rec, Rec]],
                      same_groups: list[dict]) -> tuple[list[float], tuple[float, str, str]]:
    """Near-duplicate scores (each in [0.6, 0.95]) and the most similar pair of unrelated records (under 0.5)."""
    related: set[frozenset] = set()
    for g in exact_groups:
        members = [g["original"]] + g["copies"]
        related |= {frozenset((id(a), id(b))) for a in members for b in members if a is not b}
    near_scores = []
    for v, o in near_pairs:
        score = jaccard(sh[id(v)], sh[id(o)])
        assert 0.6 <= score <= 0.95, (v.rid, score)
        near_scores.append(score)
        related.add(frozenset((id(v), id(o))))
    for g in same_groups:
        a, b = g["members"]
        related.add(frozenset((id(a), id(b))))
    worst = (0.0, "", "")
    for i, a in enumerate(kept):
        for b in kept[i + 1 :]:
            if frozenset((id(a), id(b))) in related:
                continue
            score = jaccard(sh[id(a)], sh[id(b)])
            if score > worst[0]:
                worst = (score, a.rid, b.rid)
    assert worst[0] < 0.5, worst
    return near_scores, worst


def _check_pii(kept: list[Rec], canon: dict[int, list[tuple]], pii_recs: list[Rec], ledger: list[dict]) -> None:
    """PII records hold every value they list and no stray card number; no other record matches a detector."""
    pii_ids = {id(r) for r in pii_recs}
    card_digits = {e["digits"] for e in ledger if e["kind"] == "credit_card"}
    for r in kept:
        text = conv_text(canon[id(r)], with_system=True)
        hits = pii_hits(text)
        if id(r) in pii_ids:
            for kind, value in r.pii:
                assert value in text, (r.rid, kind, value)
            stray = [h for k, h in hits if k == "luhn_number" and re.sub(r"\D", "", h) not in card_digits]
            assert not stray, (r.rid, stray)
        else:
            assert not hits, (r.rid, hits)


def _check_general(general_rows: list[str], kept: list[Rec], sh: dict[int, set], canon: dict[int, list[tuple]]) -> float:
    """The general set holds no PII and no demo prompt; returns its highest Jaccard against a demo record (under 0.3)."""
    general_text = "\n".join(general_rows)
    assert not pii_hits(general_text), pii_hits(general_text)
    general_sh = [shingles(q + "\n" + a) for q, a in GENERAL_QA]
    general_vs_demo = max(jaccard(g, sh[id(r)]) for g in general_sh for r in kept)
    assert general_vs_demo < 0.3, general_vs_demo
    general_prompts = {q.strip().lower() for q, _ in GENERAL_QA}
    assert not general_prompts & {c[0][1].lower() for c in canon.values() if c[0][0] == "user"}
    return general_vs_demo


def verify(files: dict[str, bytes], ordered: dict[str, list[Rec]], exact_groups: list[dict],
           near_pairs: list[tuple[Rec, Rec]], same_groups: list[dict], pii_recs: list[Rec], ledger: list[dict],
           general_rows: list[str]) -> Checked:
    """Run every check on ``files`` (name -> bytes of the four source files); an AssertionError names what failed."""
    canon, reasons = _check_ingest(files, ordered)
    kept = [r for f in FILES for r in ordered[f] if r.kind != "malformed"]
    _check_exact(kept, canon, exact_groups)
    sh = {id(r): shingles(conv_text(canon[id(r)])) for r in kept}
    near_scores, worst = _check_similarity(kept, sh, exact_groups, near_pairs, same_groups)
    _check_pii(kept, canon, pii_recs, ledger)
    general_vs_demo = _check_general(general_rows, kept, sh, canon)
    return Checked(canon, reasons, near_scores, worst, general_vs_demo)
