"""Source adapters: one raw record in, candidate preference pairs out.

Every adapter is a pure function ``candidates(row, strategy) -> list[Candidate]``
that returns new objects and raises ``schemas.RecordError`` for a record it
cannot use. Adapters only *shape* pairs; whether a pair is any good (identical
answers, ties, margin, duplicates) is the business of ``curate.pairs.guards``,
so every rejected candidate is counted and reported with its reason.

Formats:

* ``hh``: Anthropic HH-RLHF, ``{chosen, rejected}`` as ``\\n\\nHuman: ...
  \\n\\nAssistant: ...`` transcripts. The longest shared turn prefix (backed
  off to end on a user turn) is the prompt; what follows is chosen/rejected.
* ``sharegpt``: ``conversations`` + a ``chosen`` and a ``rejected`` turn
  (LLaMA-Factory's DPO layout), read through the ingest ShareGPT adapter.
* ``trl``: ``prompt``/``chosen``/``rejected`` as strings or message lists, or
  the implicit-prompt layout (``chosen``/``rejected`` whole conversations).
  A ``margin`` or ``score_chosen``/``score_rejected`` gives the margin.
* ``oasst``: OpenAssistant trees; at every user turn with two or more ranked
  assistant replies, siblings become ranked pairs (``rank`` 0 is best; the
  margin is the rank gap).
* ``ranked``: ``{prompt, responses: [{content|text|response, rating|score|rank}]}``,
  several rated answers to one prompt (higher rating/score is better, lower
  rank is better).
* ``alpaca``: Alpaca rows whose ``output`` is a list of answers ranked best
  first (LLaMA-Factory's reward-model layout); the margin is the rank gap.
* ``pairwise``: judge annotations as alpaca_eval publishes them
  (``instruction``, ``output_1``, ``output_2``, ``preference`` in [1, 2]); the
  preferred output is chosen and the margin is ``2 * |preference - 1.5|`` in
  [0, 1], so a tie (1.5) meets the ``tie`` guard and a near-tie the margin guard.

ShareGPT preference rows whose ``chosen``/``rejected`` are plain strings
(MedicalGPT) are read by the ingest ShareGPT adapter like turn objects.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from curate.ingest.formats import alpaca as alpaca_format
from curate.ingest.formats import hh as hh_format
from curate.ingest.formats import pairwise as pairwise_format
from curate.ingest.formats import sharegpt as sharegpt_format
from curate.ingest.formats.hh import split_shared_prefix
from curate.ingest.normalise import canonical_role, message, normalise_text
from schemas import RecordError

Strategy = Literal["best_vs_worst", "best_vs_rest", "all"]
FORMATS = ("hh", "sharegpt", "trl", "oasst", "ranked", "alpaca", "pairwise")


@dataclass(frozen=True)
class Candidate:
    """A pair before the guards: message lists in canonical form."""

    prompt: list[dict]
    chosen: list[dict]
    rejected: list[dict]
    margin: float | None = None
    ref_suffix: str = ""  # which pair of a record that yields several, e.g. "#node=...:0>2"
    meta: dict = field(default_factory=dict)


def _msg(role: str, content: Any, where: str) -> dict:
    if not isinstance(content, str):
        raise RecordError("wrong_type", where, content, "expected text")
    return message(role, normalise_text(content))


def _messages(value: Any, where: str) -> list[dict]:
    if not isinstance(value, list):
        raise RecordError("wrong_type", where, value, "expected a list of messages")
    out = []
    for i, m in enumerate(value):
        if not isinstance(m, dict):
            raise RecordError("wrong_type", f"{where}[{i}]", m, "expected a message object")
        role = canonical_role(m.get("role", m.get("from")), f"{where}[{i}].role")
        out.append(_msg(role, m.get("content", m.get("value")), f"{where}[{i}].content"))
    return out


def hh(row: Any, strategy: Strategy = "best_vs_worst") -> list[Candidate]:
    _require(row, ("chosen", "rejected"))
    prompt, chosen, rejected = split_shared_prefix(hh_format.parse(row["chosen"], "chosen"),
                                                   hh_format.parse(row["rejected"], "rejected"))
    return [Candidate(prompt, chosen, rejected)]


def sharegpt(row: Any, strategy: Strategy = "best_vs_worst") -> list[Candidate]:
    _require(row, ("chosen", "rejected"))
    messages, meta = sharegpt_format.convert(row)
    turns = [_msg(m["role"], m["content"], "conversations") | {"tool_calls": m["tool_calls"]} for m in messages]
    rejected = meta.pop("rejected")
    return [Candidate(turns[:-1], turns[-1:], [_msg(rejected["role"], rejected["content"], "rejected")], meta=meta)]


def trl(row: Any, strategy: Strategy = "best_vs_worst") -> list[Candidate]:
    _require(row, ("chosen", "rejected"))
    margin = _trl_margin(row)
    if "prompt" not in row:  # implicit prompt: two whole conversations
        prompt, chosen, rejected = split_shared_prefix(_messages(row["chosen"], "chosen"), _messages(row["rejected"], "rejected"))
        return [Candidate(prompt, chosen, rejected, margin)]
    p = row["prompt"]
    prompt = [_msg("user", p, "prompt")] if isinstance(p, str) else _messages(p, "prompt")

    def answer(key: str) -> list[dict]:
        v = row[key]
        return [_msg("assistant", v, key)] if isinstance(v, str) else _messages(v, key)

    return [Candidate(prompt, answer("chosen"), answer("rejected"), margin)]


def _trl_margin(row: dict) -> float | None:
    if isinstance(row.get("margin"), int | float):
        return float(row["margin"])
    sc, sr = row.get("score_chosen"), row.get("score_rejected")
    if isinstance(sc, int | float) and isinstance(sr, int | float):
        return float(sc) - float(sr)
    return None


def ranked_pairs(scores: Sequence[float], strategy: Strategy) -> list[tuple[int, int, float]]:
    """(chosen index, rejected index, margin) for answers with scores, higher better.

    ``best_vs_worst`` gives one pair per prompt, ``best_vs_rest`` pairs the best
    with every other answer, ``all`` every two answers. Equal scores still give
    a candidate (margin 0) so the ``tie`` guard counts it instead of it vanishing.
    Ordering is stable: among equal scores the earlier answer comes first.
    """
    order = sorted(range(len(scores)), key=lambda i: (-scores[i], i))
    if len(order) < 2:
        return []
    if strategy == "best_vs_worst":
        picks = [(order[0], order[-1])]
    elif strategy == "best_vs_rest":
        picks = [(order[0], j) for j in order[1:]]
    else:
        picks = [(order[a], order[b]) for a in range(len(order)) for b in range(a + 1, len(order))]
    return [(c, r, float(scores[c]) - float(scores[r])) for c, r in picks]


def oasst(row: Any, strategy: Strategy = "best_vs_worst") -> list[Candidate]:
    root = row.get("prompt") if isinstance(row, dict) and "prompt" in row else row
    if not isinstance(root, dict) or "replies" not in root:
        raise RecordError("missing_field", "prompt.replies", row, "expected an OpenAssistant message tree")
    tree = row.get("message_tree_id") or root.get("message_id")
    out: list[Candidate] = []

    def walk(node: dict, path: list[dict], where: str) -> None:
        role = canonical_role(node.get("role"), f"{where}.role")
        path = path + [_msg(role, node.get("text"), f"{where}.text")]
        children = node.get("replies") or []
        if not isinstance(children, list):
            raise RecordError("wrong_type", f"{where}.replies", children, "expected a list of replies")
        replies = [(i, r) for i, r in enumerate(children) if isinstance(r, dict) and not r.get("deleted")]
        ranked = [(i, r) for i, r in replies if r.get("role") == "assistant" and isinstance(r.get("rank"), int | float)]
        if role == "user" and len(ranked) >= 2:
            scores = [-float(r["rank"]) for _, r in ranked]  # rank 0 is best
            for c, j, margin in ranked_pairs(scores, strategy):
                (ci, cr), (ri, rr) = ranked[c], ranked[j]
                out.append(Candidate(
                    path, [_msg("assistant", cr.get("text"), f"{where}.replies[{ci}].text")],
                    [_msg("assistant", rr.get("text"), f"{where}.replies[{ri}].text")], margin,
                    ref_suffix=f"#{where}.replies[{ci}]>{ri}",
                    meta={"message_tree_id": tree, "chosen_rank": cr["rank"], "rejected_rank": rr["rank"]},
                ))
        for i, r in replies:
            walk(r, path, f"{where}.replies[{i}]")

    walk(root, [], "prompt")
    return out


_TEXT_KEYS = ("content", "text", "response")


def ranked(row: Any, strategy: Strategy = "best_vs_worst") -> list[Candidate]:
    _require(row, ("prompt", "responses"))
    p = row["prompt"]
    prompt = [_msg("user", p, "prompt")] if isinstance(p, str) else _messages(p, "prompt")
    responses = row["responses"]
    if not isinstance(responses, list):
        raise RecordError("wrong_type", "responses", responses, "expected a list of rated answers")
    texts, scores = [], []
    for i, r in enumerate(responses):
        where = f"responses[{i}]"
        text = next((r[k] for k in _TEXT_KEYS if isinstance(r, dict) and k in r), None)
        score = _score(r, where)
        texts.append(_msg("assistant", text, f"{where}.content"))
        scores.append(score)
    return [Candidate(prompt, [texts[c]], [texts[r]], margin, ref_suffix=f"#responses[{c}]>{r}")
            for c, r, margin in ranked_pairs(scores, strategy)]


def alpaca(row: Any, strategy: Strategy = "best_vs_worst") -> list[Candidate]:
    _require(row, ("instruction", "output"))
    prompt = [_msg(m["role"], m["content"], "instruction") for m in alpaca_format.prompt(row)]
    answers = alpaca_format.outputs(row)
    texts = [_msg("assistant", a, f"output[{i}]") for i, a in enumerate(answers)]
    return [Candidate(prompt, [texts[c]], [texts[r]], margin, ref_suffix=f"#output[{c}]>{r}")
            for c, r, margin in ranked_pairs([-float(i) for i in range(len(answers))], strategy)]


def pairwise(row: Any, strategy: Strategy = "best_vs_worst") -> list[Candidate]:
    _require(row, ("instruction", "output_1", "output_2", "preference"))
    chosen, rejected, preference = pairwise_format.sides(row)
    margin = round(2 * abs(preference - 1.5), 6)
    return [Candidate([_msg("user", row["instruction"], "instruction")], [_msg("assistant", chosen, "output")],
                      [_msg("assistant", rejected, "output")], margin, meta={"preference": preference})]


def _score(r: Any, where: str) -> float:
    if isinstance(r, dict):
        for key in ("rating", "score"):
            if isinstance(r.get(key), int | float):
                return float(r[key])
        if isinstance(r.get("rank"), int | float):
            return -float(r["rank"])
    raise RecordError("missing_field", f"{where}.rating", r, "each response needs a numeric rating, score or rank")


def _require(row: Any, keys: tuple[str, ...]) -> None:
    if not isinstance(row, dict):
        raise RecordError("wrong_type", "record", row, "expected a JSON object")
    for key in keys:
        if row.get(key) is None:
            raise RecordError("missing_field", key, None, "required field is missing")


ADAPTERS: dict[str, Callable[[Any, Strategy], list[Candidate]]] = {
    "hh": hh, "sharegpt": sharegpt, "trl": trl, "oasst": oasst, "ranked": ranked, "alpaca": alpaca, "pairwise": pairwise,
}


def detect(row: Any) -> str | None:
    """The format a record's keys say it is in, or None."""
    if not isinstance(row, dict):
        return None
    if "message_tree_id" in row or ("replies" in row and "text" in row):
        return "oasst"
    if "responses" in row and "prompt" in row:
        return "ranked"
    if "output_1" in row and "output_2" in row and "preference" in row:
        return "pairwise"
    if "instruction" in row and isinstance(row.get("output"), list):
        return "alpaca"
    if "chosen" in row and "rejected" in row:
        if "conversations" in row:
            return "sharegpt"
        if "prompt" in row or not isinstance(row["chosen"], str):
            return "trl"
        return "hh"
    return None
