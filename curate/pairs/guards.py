"""Guards on candidate pairs, split inheritance and the length-bias report.

Pure functions over plain message lists; the ``build_pairs`` stage applies them
and turns every "no" into a removed row with its reason. Why each guard:

* ``empty_answer`` / ``empty_prompt``: DPO on an empty side teaches "say nothing".
* ``identical_answers``: chosen == rejected after normalisation gives a zero
  gradient at best and noise at worst.
* ``different_prompts``: both answers must answer the same prompt; a
  continuation that holds a user turn means the transcripts diverged earlier.
* ``tie`` / ``margin_below_min``: equal or nearly equal ratings say nothing
  about which answer is better.
* ``duplicate_pair``: repeats overweight one preference.
* the split guard: a prompt inherits the split of that prompt in the split
  artifact (or a seeded hash of it), so the same prompt never sits in train and test.
* length bias: reward models and DPO learn "longer is better" when the chosen
  answer is systematically longer; the report measures it and an optional
  filter balances it.
"""

from __future__ import annotations

import hashlib
import json
import statistics
from collections.abc import Iterable, Mapping, Sequence

from curate.views import normalise_for_match
from schemas import SPLIT_NAMES

HELD_OUT_FIRST = ("test", "validation", "train")
"""When one prompt sits in several splits upstream, the pair goes to the most
held-out one: a prompt that is evaluated must never be trained on."""


def answer_text(messages: Sequence[dict]) -> str:
    return "\n".join(m["content"] for m in messages if m["role"] == "assistant")


def prompt_key(prompt: Sequence[dict]) -> str:
    """What makes two prompts "the same" for splitting: the normalised first user turn.

    The first user turn rather than the whole prompt, so every pair from one
    conversation (HH turns, OpenAssistant tree depths) lands in one split.
    """
    return normalise_for_match(next((m["content"] for m in prompt if m["role"] == "user"), ""))


def check_pair(prompt: Sequence[dict], chosen: Sequence[dict], rejected: Sequence[dict],
               margin: float | None, min_margin: float) -> tuple[str, str] | None:
    """The first guard a candidate fails, as (reason, detail), or None if it passes."""
    if not any(m["role"] == "user" and m["content"] for m in prompt):
        return "empty_prompt", "the prompt has no non-empty user turn"
    for side, answer in (("chosen", chosen), ("rejected", rejected)):
        if not answer or not any(m["content"] or m.get("tool_calls") for m in answer if m["role"] == "assistant"):
            return "empty_answer", f"{side} has no non-empty assistant turn"
        if any(m["role"] in ("user", "system") for m in answer):
            return "different_prompts", f"{side} holds a {next(m['role'] for m in answer if m['role'] in ('user', 'system'))} turn: the two sides answer different prompts"
    if answer_key(chosen) == answer_key(rejected):
        return "identical_answers", "chosen and rejected are equal after case, width and whitespace normalisation"
    if margin is not None:
        if margin == 0:
            return "tie", "chosen and rejected have the same rating"
        if margin < min_margin:
            return "margin_below_min", f"margin {margin:g} is below the minimum {min_margin:g}"
    return None


def answer_key(messages: Sequence[dict]) -> str:
    return normalise_for_match("\n".join(
        f"{m['role']}: {m['content']}" + "".join(f" {c['name']}({c['arguments']})" for c in m.get("tool_calls") or [])
        for m in messages))


def pair_key(prompt: Sequence[dict], chosen: Sequence[dict], rejected: Sequence[dict]) -> bytes:
    """Digest of the normalised pair: equal digests are duplicate pairs."""
    text = "\x00".join((answer_key(prompt), answer_key(chosen), answer_key(rejected)))
    return hashlib.blake2b(text.encode(), digest_size=16).digest()


def pair_id(prompt: Sequence[dict], chosen: Sequence[dict], rejected: Sequence[dict], occurrence: int = 0) -> str:
    """Stable id from the exact content; the n-th exact repeat hashes its occurrence too."""
    key = json.dumps([prompt, chosen, rejected], ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    if occurrence:
        key += f"\x00{occurrence}"
    return hashlib.blake2b(key.encode(), digest_size=8).hexdigest()


def split_index(first_user_texts: Iterable[str], splits: Iterable[str]) -> dict[str, str]:
    """Normalised first user turn -> split, from a split artifact.

    A prompt found in several splits upstream maps to the most held-out one.
    """
    index: dict[str, str] = {}
    for text, split in zip(first_user_texts, splits, strict=True):
        key = normalise_for_match(text)
        if key not in index or HELD_OUT_FIRST.index(split) < HELD_OUT_FIRST.index(index[key]):
            index[key] = split
    return index


def hashed_split(key: str, ratios: Mapping[str, float], seed: int) -> str:
    """A split for a prompt the split artifact does not hold: same key and seed, same split."""
    total = sum(ratios.get(s, 0.0) for s in SPLIT_NAMES)
    digest = hashlib.blake2b(f"{seed}\x00{key}".encode(), digest_size=8).digest()
    point = int.from_bytes(digest, "big") / 2**64 * total
    upto = 0.0
    for name in SPLIT_NAMES:
        upto += ratios.get(name, 0.0)
        if point < upto:
            return name
    return next(s for s in reversed(SPLIT_NAMES) if ratios.get(s, 0.0) > 0)


def length_bias(chosen_lengths: Sequence[int], rejected_lengths: Sequence[int]) -> dict:
    """Share of pairs whose chosen answer is longer, and the chosen/rejected length ratio.

    Lengths are in characters of the assistant text. A share far above 0.5
    means a model can learn "longer wins" from the data alone.
    """
    n = len(chosen_lengths)
    if n == 0:
        return {"pairs": 0, "chosen_longer_share": None, "equal_length_share": None,
                "mean_length_ratio": None, "median_length_ratio": None}
    ratios = [c / max(r, 1) for c, r in zip(chosen_lengths, rejected_lengths, strict=True)]
    return {
        "pairs": n,
        "chosen_longer_share": round(sum(c > r for c, r in zip(chosen_lengths, rejected_lengths)) / n, 4),
        "equal_length_share": round(sum(c == r for c, r in zip(chosen_lengths, rejected_lengths)) / n, 4),
        "mean_length_ratio": round(statistics.fmean(ratios), 4),
        "median_length_ratio": round(statistics.median(ratios), 4),
    }


def length_balance(chosen_lengths: Sequence[int], rejected_lengths: Sequence[int], max_share: float) -> list[int]:
    """Indices to drop so that at most ``max_share`` of the pairs have the longer chosen answer.

    Pairs with the largest chosen/rejected ratio go first: they carry the most
    length signal and, usually, the least other signal. Deterministic (ties by index).
    """
    n = len(chosen_lengths)
    longer = [i for i in range(n) if chosen_lengths[i] > rejected_lengths[i]]
    # Keep k longer pairs out of n - (len(longer) - k) so that k / (n - len(longer) + k) <= max_share.
    others = n - len(longer)
    keep = len(longer) if max_share >= 1 else min(len(longer), int(max_share * others / (1 - max_share) + 1e-9))
    ranked = sorted(longer, key=lambda i: (-chosen_lengths[i] / max(rejected_lengths[i], 1), i))
    return sorted(ranked[: len(longer) - keep])
