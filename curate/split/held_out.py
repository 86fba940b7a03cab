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

from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from pydantic import Field

from curate.split.contamination import N_CJK, Gram, cut, gram_hash, gram_hashes, gram_length, gram_text
from curate.stage import StageConfig, StageFailed
from curate.views import View
from schemas import SPLIT_NAMES

HELD_OUT = tuple(x for x in SPLIT_NAMES if x != "train")
TRAIN = SPLIT_NAMES.index("train")
PENDING = 4096
"""Held-out records whose n-gram hashes wait as separate arrays before they join one chunk."""


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
    splits: np.ndarray
    """A split per row after the policy, as its index in ``SPLIT_NAMES`` (0: train)."""
    findings: dict[str, Finding]
    report: dict = field(default_factory=dict)


def shorten(text: str, width: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


class HeldOutCheck:
    """The contamination check fed a record at a time, so the step holds the held-out prompts' n-grams
    as 64-bit hashes, not the input's: first every held-out text (``add_held``), then every record in
    row order (``add_row``: a train text joins the index where it shares an n-gram with held-out, any
    other only counts its boilerplate), then ``outcome``. Held-out records sharing non-boilerplate
    n-grams with train are found, and ``move_to_train`` moves a found record's whole group; the moved
    prompts join train, so the scan repeats until no held-out record overlaps train. Which n-gram a
    finding names, and the train record holding it, come from its text, read again (``outcome``).
    """

    def __init__(self, config: ContaminationConfig, boilerplate: Mapping[Gram, int], boilerplate_rows: int):
        self.config, self.boilerplate, self.boilerplate_rows = config, boilerplate, boilerplate_rows
        self._positions, self._lengths, self._sizes = array("q"), array("i"), array("q")
        self._pending: list[np.ndarray] = []
        self._chunks: list[np.ndarray] = []
        self._held: _Held | None = None
        self._first: np.ndarray | None = None
        self.passages: Counter[str] = Counter()
        self.with_boilerplate = 0

    def add_held(self, i: int, text: str) -> None:
        """Held-out record ``i``, in row order."""
        length = gram_length(text, self.config.n, self.config.n_cjk)
        hashes = gram_hashes(cut(text, length, self.boilerplate)[0])
        self._positions.append(i)
        self._lengths.append(length)
        self._sizes.append(len(hashes))
        self._pending.append(hashes)
        if len(self._pending) == PENDING:  # a few thousand small arrays at a time, not one per record
            self._chunks.append(np.concatenate(self._pending))
            self._pending = []

    def add_row(self, i: int, text: str | None) -> None:
        """Record ``i`` in row order with its ``text``: a train one joins the index, any one counts its boilerplate."""
        held = self.held
        grams, spans = cut(text or "", gram_length(text or "", self.config.n, self.config.n_cjk), self.boilerplate)
        if held.at(i) is None:
            self._claim(held.slots_of(gram_hashes(grams)), i)
        if spans:
            self.with_boilerplate += 1
            self.passages.update({shorten(span, 120) for span in spans})  # shortened: variants of one preamble count together

    @property
    def held(self) -> _Held:
        if self._held is None:
            self._chunks += self._pending
            self._held = _Held.of(self._positions, self._lengths, self._sizes, self._chunks)
            self._positions, self._lengths, self._sizes = array("q"), array("i"), array("q")
            self._pending, self._chunks = [], []
        return self._held

    @property
    def first(self) -> np.ndarray:
        """Per held-out n-gram (``held.wanted``'s order), the position of the first train record holding it, -1 for none.

        An array beside the held-out n-grams, 4 bytes each and sized before the train read starts,
        rather than a dict that grew by ~100 bytes for every n-gram train shares with held-out.
        Positions fit in 32 bits: ``split`` refuses 2**31 records (``curate.split.groups``)."""
        if self._first is None:
            self._first = np.full(len(self.held.wanted), -1, dtype=np.int32)
        return self._first

    def _claim(self, slots: np.ndarray, i: int) -> None:
        """Record ``i`` holds the n-grams at ``slots`` (of ``held.wanted``): it is their train record where none was."""
        first = self.first
        slots = slots[first[slots] < 0]
        first[slots] = i

    def outcome(self, splits: np.ndarray, codes: np.ndarray,
                read: Callable[[set[int]], Iterable[tuple[int, str, str]]]) -> Outcome:
        """Findings and the splits (indices in ``SPLIT_NAMES``) after the policy, for records in groups
        ``codes``; ``read(positions)`` gives those records' ``(position, id, text)``: the found records',
        then the train records' their examples name."""
        config, held, first = self.config, self.held, self.first
        splits = splits.copy()
        found: dict[int, Finding] = {}  # by position, in the order found
        shared_slots: dict[int, np.ndarray] = {}
        moved = 0
        scan = 0
        while True:
            scan += 1
            in_index = first[held.slots] >= 0
            shared = held.per_record(in_index)
            new = {}
            for r in np.flatnonzero(shared >= config.min_shared).tolist():
                i = int(held.positions[r])
                if splits[i] != TRAIN and i not in found:
                    lo, hi = held.offsets[r], held.offsets[r + 1]
                    shared_slots[i] = held.slots[lo:hi][in_index[lo:hi]]
                    new[i] = Finding(i, SPLIT_NAMES[splits[i]], int(shared[r]), int(hi - lo), None, "", int(held.lengths[r]), scan)
            found.update(new)
            if config.policy != "move_to_train" or not new:
                break
            wanted = np.unique([codes[i] for i in new])
            members: dict[int, list[int]] = {}
            for j in np.flatnonzero(np.isin(codes, wanted)).tolist():
                members.setdefault(int(codes[j]), []).append(j)
            for i in new:
                for j in members[int(codes[i])]:
                    if splits[j] != TRAIN:
                        splits[j] = TRAIN
                        moved += 1
                        r = held.at(j)
                        if r is not None:
                            self._claim(held.slots[held.offsets[r]:held.offsets[r + 1]], j)
        ids: dict[int, str] = {}
        train_at: dict[int, int] = {}
        for i, rid, text in read(set(found)) if found else ():
            ids[i] = rid
            train_at[i] = self._name_example(found[i], text, shared_slots[i])
        for j, rid, _ in read(set(train_at.values())) if train_at else ():
            ids[j] = rid
        for i, f in found.items():
            f.train_id = ids[train_at[i]]
        findings = {ids[i]: f for i, f in found.items()}

        first_scan = [f for f in findings.values() if f.scan == 1]
        report = {
            "n": config.n, "n_cjk": config.n_cjk, "policy": config.policy,
            "held_out_checked": len(held.positions),
            "cjk_rows_checked": int(np.sum(held.lengths == config.n_cjk)) if config.n_cjk != config.n else 0,
            "too_short_to_check": int(np.sum(np.diff(held.offsets) == 0)),
            "contaminated_by_split": {x: sum(1 for f in first_scan if f.split == x) for x in HELD_OUT},
            "moved_to_train": moved,
            "boilerplate": {"share": config.boilerplate_share, "more_than_rows": self.boilerplate_rows,
                            "ngrams": len(self.boilerplate), "rows_with_boilerplate": self.with_boilerplate,
                            "passages": [{"text": text, "rows": c} for text, c in self.passages.most_common(5)]},
            "examples": [{"id": rid, "split": f.split, "shared": f.shared, "ngrams": f.ngrams, "train_id": f.train_id, "example": f.example}
                         for rid, f in list(findings.items())[:5]],
        }
        return Outcome(splits, findings, report)

    def _name_example(self, finding: Finding, text: str, shared: np.ndarray) -> int:
        """The finding's example: the least of the n-grams it shared when found (``shared``: their
        slots in ``held.wanted``; as tuples of tokens);
        returns the position of the train record holding it (an n-gram's train record, once set, never
        changes, so that record is the one it was when found)."""
        wanted = dict(zip(self.held.wanted[shared].tolist(), shared.tolist()))
        example, slot = next((g, wanted[h]) for g in sorted(cut(text, finding.length, self.boilerplate)[0]) if (h := gram_hash(g)) in wanted)
        finding.example = gram_text(example)
        return int(self.first[slot])


@dataclass(frozen=True)
class _Held:
    """The held-out records' n-grams: every distinct n-gram hash once, sorted (``wanted``), and each
    record's n-grams as indices into it (``slots``): record ``r`` (at row ``positions[r]``) holds
    ``slots[offsets[r]:offsets[r + 1]]``. 12 bytes a distinct n-gram and 4 an occurrence, where the
    hashes in record order with a record number each took 12 an occurrence besides."""

    positions: np.ndarray
    lengths: np.ndarray
    offsets: np.ndarray
    slots: np.ndarray
    wanted: np.ndarray

    @classmethod
    def of(cls, positions: array, lengths: array, sizes: array, chunks: list[np.ndarray]) -> _Held:
        """From the records' positions, n-gram lengths and hash counts, and their hashes in row order
        in ``chunks`` (emptied as they are turned into slots). The distinct hashes come from one
        sorted copy of all of them: the peak here is about 17 bytes an occurrence and 8 a distinct n-gram."""
        everything = np.concatenate(chunks) if chunks else np.zeros(0, np.uint64)
        everything.sort()
        distinct = np.ones(len(everything), dtype=bool)
        np.not_equal(everything[1:], everything[:-1], out=distinct[1:])
        wanted = everything[distinct]
        del everything, distinct
        slots = np.empty(sum(len(c) for c in chunks), dtype=np.int32)
        at = 0
        chunks.reverse()
        while chunks:
            chunk = chunks.pop()
            slots[at:at + len(chunk)] = np.searchsorted(wanted, chunk)
            at += len(chunk)
        counts = np.frombuffer(sizes, dtype=np.int64) if len(sizes) else np.zeros(0, np.int64)
        return cls(np.array(positions, dtype=np.int64), np.array(lengths, dtype=np.int32),
                   np.concatenate([[0], np.cumsum(counts)]).astype(np.int64), slots, wanted)

    def at(self, i: int) -> int | None:
        """The held-out record at row ``i``, if any."""
        r = int(np.searchsorted(self.positions, i))
        return r if r < len(self.positions) and self.positions[r] == i else None

    def slots_of(self, hashes: np.ndarray) -> np.ndarray:
        """Where in ``wanted`` each of ``hashes`` that some held-out record holds is (the others left out)."""
        if not len(self.wanted):
            return np.zeros(0, np.int64)
        at = np.minimum(np.searchsorted(self.wanted, hashes), len(self.wanted) - 1)
        return at[self.wanted[at] == hashes]

    def per_record(self, mask: np.ndarray) -> np.ndarray:
        """How many of each record's n-grams ``mask`` (one flag per occurrence, in ``slots``'s order) marks."""
        running = np.zeros(len(mask) + 1, dtype=np.int64)
        np.cumsum(mask, out=running[1:])
        return running[self.offsets[1:]] - running[self.offsets[:-1]]


def held_out_sizes(counts: Mapping[str, int], targets: Mapping[str, int], taken: Mapping[str, int]) -> dict[str, dict]:
    """Requested vs achieved rows per split (``counts``: kept rows per split), and the rows
    contamination handling took from each."""
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
