"""Held-out splits that stay clean and stay the size that was asked for.

The contamination policy runs over whole duplicate groups: ``move_to_train``
moves a contaminated record's group (and repeats, since moved prompts join
train), ``drop`` removes the contaminated records, ``fail`` stops, ``report``
counts. Either handling shrinks validation and test; a held-out split that
quietly lost most of its rows measures little, so when the policy would leave
a split below ``floor`` of its target the step fails, naming the split, its
target and achieved size, and the n-grams behind the losses (usually
boilerplate the ``boilerplate_share`` setting did not catch).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import Field

from curate.views import View
from curate.split.contamination import (
    N_CJK, Gram, cut, gram_length, shared_with,
)
from curate.stage import StageConfig, StageFailed
from schemas import SPLIT_NAMES

HELD_OUT = tuple(x for x in SPLIT_NAMES if x != "train")


class ContaminationError(StageFailed):
    """Held-out prompts overlap train and the policy is ``fail``."""


class HeldOutTooSmall(ContaminationError):
    """Contamination handling would leave a held-out split below its floor."""


class ContaminationConfig(StageConfig):
    n: int = Field(13, ge=1, le=64, description="n-gram length in words, compared between held-out and train prompts.")
    n_cjk: int = Field(N_CJK, ge=1, le=64, description="n-gram length in characters for rows mostly in Chinese, Japanese or Korean (16: see curate.split.contamination).")
    min_shared: int = Field(1, ge=1, description="A held-out record is contaminated when it shares at least this many n-grams with train.")
    view: View = Field("user_turns", description="Text compared: the prompts (user turns) by default.")
    policy: Literal["report", "fail", "move_to_train", "drop"] = Field("report", description="What to do with contaminated held-out records.")
    boilerplate_share: float = Field(0.01, ge=0, le=1, description=(
        "An n-gram in more than this share of all rows (and more than boilerplate_min_rows) is boilerplate (tool preamble, "
        "system prompt, template): its text is cut out before comparing. 1.0 turns this off. On toolformer any share from "
        "0.2% to 5% leaves 2-11 genuine paraphrases to move; 10% stops cutting a rarer tool's description (185 moved), 20% all."))
    boilerplate_min_rows: int = Field(20, ge=1, description="An n-gram in this many rows or fewer is never boilerplate, however small the set.")
    floor: float = Field(0.8, ge=0, le=1, description=(
        "Fail when contamination handling would leave a validation/test split below this share of its target size; 0 to allow any."))


@dataclass
class Finding:
    index: int
    split: str
    shared: int
    ngrams: int
    train_id: str | None
    example: str
    length: int
    """Tokens per n-gram for this record: words, or characters for a CJK record."""
    scan: int
    """1 for a record contaminated by the original train split, 2+ for one that
    overlapped records moved to train by an earlier scan."""


@dataclass
class Outcome:
    splits: list[str]
    findings: dict[str, Finding]
    moved: list[str]
    report: dict = field(default_factory=dict)


def shorten(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class HeldOutCheck:
    """The contamination check fed a record at a time, so the step holds the held-out prompts' n-grams,
    not the input's: first every held-out text (``add_held``), then every record in row order
    (``add_row``: a train text joins the index where it shares an n-gram with held-out, any other
    only counts its boilerplate), then ``outcome``. Held-out records sharing non-boilerplate n-grams
    with train are found, and ``move_to_train`` moves a found record's whole group; the moved
    prompts join train, so the scan repeats until no held-out record overlaps train.
    """

    def __init__(self, config: ContaminationConfig, boilerplate: Mapping[Gram, int], boilerplate_rows: int):
        self.config, self.boilerplate, self.boilerplate_rows = config, boilerplate, boilerplate_rows
        self.held: dict[int, set[Gram]] = {}
        self.lengths: dict[int, int] = {}
        self._held_spans: dict[int, list[str]] = {}
        self._wanted: set[Gram] = set()
        self.index: dict[Gram, str] = {}
        """n-gram -> the first train record (in row order) holding it, for the n-grams held-out records hold."""
        self.passages: Counter[str] = Counter()
        self.with_boilerplate = 0

    def add_held(self, i: int, text: str) -> None:
        self.lengths[i] = gram_length(text, self.config.n, self.config.n_cjk)
        grams, spans = cut(text, self.lengths[i], self.boilerplate)
        self.held[i] = grams
        self._wanted |= grams
        if spans:
            self._held_spans[i] = spans

    def add_row(self, i: int, rid: str, text: str | None) -> None:
        """Record ``i`` in row order: a train one with its ``text``, a held-out one (``text`` unused)."""
        if i in self.held:
            spans = self._held_spans.get(i, [])
        else:
            grams, spans = cut(text or "", gram_length(text or "", self.config.n, self.config.n_cjk), self.boilerplate)
            for gram in grams & self._wanted:
                self.index.setdefault(gram, rid)
        if spans:
            self.with_boilerplate += 1
            self.passages.update({shorten(span, 120) for span in spans})  # shortened: variants of one preamble count together

    def outcome(self, splits: Sequence[str], ids: Sequence[str], groups: Sequence[str]) -> Outcome:
        config, held, lengths, index = self.config, self.held, self.lengths, self.index
        splits = list(splits)
        members: dict[str, list[int]] = {}
        for i, g in enumerate(groups):
            members.setdefault(g, []).append(i)
        findings: dict[str, Finding] = {}
        moved: list[str] = []
        scan = 0
        while True:
            scan += 1
            new = {}
            for i, grams in held.items():
                if splits[i] != "train" and ids[i] not in findings:
                    shared, total, other, example = shared_with(grams, index)
                    if shared >= config.min_shared:
                        new[ids[i]] = Finding(i, splits[i], shared, total, other, example, lengths[i], scan)
            findings.update(new)
            if config.policy != "move_to_train" or not new:
                break
            for f in new.values():
                for j in members[groups[f.index]]:
                    if splits[j] != "train":
                        splits[j] = "train"
                        moved.append(ids[j])
                        for gram in held[j]:
                            index.setdefault(gram, ids[j])

        first = [f for f in findings.values() if f.scan == 1]
        report = {
            "n": config.n, "n_cjk": config.n_cjk, "policy": config.policy,
            "held_out_checked": len(held),
            "cjk_rows_checked": sum(1 for i in held if lengths[i] == config.n_cjk != config.n),
            "too_short_to_check": sum(1 for grams in held.values() if not grams),
            "contaminated_by_split": {x: sum(1 for f in first if f.split == x) for x in HELD_OUT},
            "moved_to_train": len(moved),
            "boilerplate": {"share": config.boilerplate_share, "more_than_rows": self.boilerplate_rows,
                            "ngrams": len(self.boilerplate), "rows_with_boilerplate": self.with_boilerplate,
                            "passages": [{"text": text, "rows": c} for text, c in self.passages.most_common(5)]},
            "examples": [{"id": rid, "split": f.split, "shared": f.shared, "ngrams": f.ngrams, "train_id": f.train_id, "example": f.example}
                         for rid, f in list(findings.items())[:5]],
        }
        return Outcome(splits, findings, moved, report)


def held_out_sizes(splits: Sequence[str], targets: Mapping[str, int], taken: Mapping[str, int]) -> dict[str, dict]:
    """Requested vs achieved rows per split, and the rows contamination handling took from each."""
    counts = Counter(splits)
    return {x: {"requested": targets.get(x, 0), "achieved": counts.get(x, 0),
                "percent_of_target": round(100 * counts.get(x, 0) / targets[x], 1) if targets.get(x) else None,
                "taken_by_contamination": taken.get(x, 0)}
            for x in SPLIT_NAMES}


def check_floor(sizes: Mapping[str, Mapping], findings: Mapping[str, Finding], config: ContaminationConfig) -> None:
    """Raise ``HeldOutTooSmall`` when contamination handling left a held-out split below ``floor`` of its target."""
    for x in HELD_OUT:
        s = sizes[x]
        if s["taken_by_contamination"] and s["requested"] and s["achieved"] < config.floor * s["requested"]:
            drivers = Counter(f.example for f in findings.values() if f.split == x).most_common(3)
            grams = "; ".join(f"'{shorten(text, 48)}' ({count} rows)" for text, count in drivers)
            raise HeldOutTooSmall(
                f"split: contamination handling ({config.policy}) would leave {x} with {s['achieved']} of its {s['requested']} "
                f"target rows (floor {config.floor:.0%}; {s['taken_by_contamination']} taken). Shared n-grams behind it: {grams}. "
                "If these are boilerplate, lower contamination.boilerplate_share; else deduplicate upstream, or lower contamination.floor")
