"""Property-based fuzzing of ingest, per adapter: generated files mix valid records
with malformed ones (wrong shapes, non-objects, truncated or junk text, invalid
bytes, lone surrogates, deep nesting, oversized strings) in every container
(JSON Lines with LF/CRLF/CR, arrays pretty or inline, appended arrays,
trailing data, BOMs, UTF-16/32). For every file:

* no exception escapes the stage;
* rows in = kept + removed;
* every valid record is kept: each carries a marker (``V<n>``) in its prompt,
  and each marker comes out in a kept conversation (once per Self-Instruct instance).

Hypothesis is derandomised, so the cases are the same on every run.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from curate.ingest import Ingest, IngestConfig, Source
from curate.ingest.formats import FORMATS
from curate.stage import StageContext

CASES = int(os.environ.get("INGEST_FUZZ_CASES", "1000"))  # per adapter; lower it for a quick local look
MAX_DEPTH, MAX_CHARS = 24, 2000

# Any text but lone surrogates, never blank (a blank reply is rightly quarantined).
WORDS = st.text(st.characters(exclude_categories=("Cs",)), max_size=12).map(lambda s: "w" + s)
PLAIN = st.text("abcdefgh ijk", min_size=1, max_size=10)  # junk that cannot look like JSON


# --- valid records, one strategy per adapter; ``m`` is where the marker goes in the prompt ----------

def alpaca(m):
    return st.fixed_dictionaries(
        {"instruction": WORDS.map(lambda w: f"{m} {w}"), "output": st.one_of(WORDS, st.lists(WORDS, min_size=1, max_size=3))},
        optional={"input": WORDS, "system": WORDS, "history": st.lists(st.tuples(WORDS, WORDS).map(list), max_size=2)})


def sharegpt(m):
    def build(turns, system, preference):
        row = {"conversations": [{"from": "human", "value": f"{m} {turns[0][0]}"}]}
        row["conversations"] += [{"from": "gpt", "value": turns[0][1]}]
        for user, reply in turns[1:]:
            row["conversations"] += [{"from": "human", "value": user}, {"from": "gpt", "value": reply}]
        if preference:
            row["conversations"].pop()
            row["chosen"], row["rejected"] = preference
        if system:
            row["system"] = system
        return row
    side = st.one_of(WORDS, WORDS.map(lambda w: {"from": "gpt", "value": w}))
    return st.builds(build, st.lists(st.tuples(WORDS, WORDS), min_size=1, max_size=3), st.one_of(st.none(), WORDS),
                     st.one_of(st.none(), st.tuples(side, side)))


def openai(m):
    call = st.fixed_dictionaries({"id": PLAIN, "function": st.fixed_dictionaries({"name": PLAIN, "arguments": st.just("{}")})})

    def build(user, reply, calls):
        messages = [{"role": "user", "content": f"{m} {user}"}]
        if calls:
            messages += [{"role": "assistant", "content": None, "tool_calls": calls}, {"role": "tool", "content": reply}]
        return {"messages": messages + [{"role": "assistant", "content": [{"type": "text", "text": reply}]}]}
    return st.builds(build, WORDS, WORDS, st.lists(call, max_size=2))


def llamafactory(m):
    def part(kind, value):
        return {"type": kind, "value": value}

    def build(user, reply, thought, call):
        answer = ([part("reasoning", thought)] if thought else []) + [part("text", reply)]
        messages = [{"role": "user", "content": [part("text", f"{m} {user}")]}]
        if call:
            messages += [{"role": "assistant", "content": [part("tool_call", json.dumps({"name": call, "arguments": {"q": user}}))]},
                         {"role": "tool", "content": [part("text", reply)]}]
        return {"messages": messages + [{"role": "assistant", "content": answer}], "tools": "[]"}
    return st.builds(build, WORDS, WORDS, st.one_of(st.none(), WORDS), st.one_of(st.none(), PLAIN))


def chatml(m):
    safe = WORDS.filter(lambda w: "<|im_" not in w and "|>" not in w)
    return st.builds(lambda u, a: {"text": f"<|im_start|>user\n{m} {u}<|im_end|>\n<|im_start|>assistant\n{a}<|im_end|>"}, safe, safe)


def oasst(m):
    def build(tree_id, user, replies):
        return {"message_tree_id": tree_id, "prompt": {"role": "prompter", "text": f"{m} {user}", "lang": "en", "replies": [
            {"role": "assistant", "text": text, "rank": rank, "replies": []} for rank, text in enumerate(replies)]}}
    return st.builds(build, PLAIN, WORDS, st.lists(WORDS, min_size=1, max_size=3))


def self_instruct(m):
    instance = st.fixed_dictionaries({"input": st.one_of(st.just(""), WORDS), "output": WORDS})
    return st.builds(lambda name, text, instances: {"id": f"seed_{name}", "name": name, "instruction": f"{m} {text}",
                                                     "instances": instances, "is_classification": False},
                     PLAIN, WORDS, st.lists(instance, min_size=1, max_size=3))


def pairwise(m):
    return st.builds(lambda i, a, b, p: {"instruction": f"{m} {i}", "output_1": a, "output_2": b, "preference": p, "annotator": "j"},
                     WORDS, WORDS, WORDS, st.one_of(st.floats(1, 2), st.sampled_from([1, 2, 1.5, "1.25"])))


def hh(m):
    turn = WORDS.filter(lambda w: "\n\n" not in w)

    def build(turns, chosen, rejected):
        prompt = "".join(f"\n\nHuman: {user}\n\nAssistant: {reply}" for user, reply in turns)
        return {"chosen": f"{prompt}\n\nHuman: {m} more\n\nAssistant: {chosen}",
                "rejected": f"{prompt}\n\nHuman: {m} more\n\nAssistant: {rejected}"}
    return st.builds(build, st.lists(st.tuples(turn, turn), max_size=2), turn, turn)


MARK = "@@mark@@"
VALID = {f.__name__: f(MARK) for f in (alpaca, sharegpt, openai, llamafactory, chatml, oasst, self_instruct, pairwise, hh)}
assert set(VALID) == set(FORMATS), "every adapter is fuzzed"


def marked(row: dict, marker: str) -> dict:
    """The row with its prompt's placeholder replaced by ``marker`` (strategies are built once, markers vary)."""
    return json.loads(json.dumps(row).replace(MARK, marker))


def kept_units(row: dict) -> int:
    return len(row["instances"]) if "instances" in row else 1


# --- malformed records: the text of one bad record, made from a valid one -----------------------------

ODD_VALUES = [None, True, 0, -1, 2.5, "", " ", "w", [], [None], ["w", 1], {}, {"w": None}, [[["w"]]], {"role": 1}]


def _paths(value, path=()):
    yield path
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*path, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _paths(v, (*path, i))


_DELETE = object()


def _set(value, path, new):
    """A copy of ``value`` with the node at ``path`` replaced by ``new`` (``_DELETE``: removed from its object)."""
    if not path:
        return new
    head, rest = path[0], path[1:]
    out = dict(value) if isinstance(value, dict) else list(value)
    if isinstance(value, dict) and not rest and new is _DELETE:
        del out[head]
    else:
        out[head] = _set(value[head], rest, None if new is _DELETE and not rest else new)
    return out


@st.composite
def malformed(draw, base: dict) -> str:
    """One bad record made from ``base`` (a valid record whose marker was replaced, so none is expected back)."""
    kind = draw(st.sampled_from(["shape", "shape", "non_object", "truncated", "junk", "deep", "long", "surrogate"]))
    if kind == "shape":  # a node removed or replaced by an odd value: often invalid, sometimes still valid
        path = draw(st.sampled_from(list(_paths(base))[1:] or [()]))
        return json.dumps(_set(base, path, draw(st.sampled_from([_DELETE, *ODD_VALUES]))), ensure_ascii=False)
    if kind == "non_object":
        return json.dumps(draw(st.sampled_from([None, 42, -0.5, "text", [1, 2], [{"w": 1}], True])))
    text = json.dumps(base, ensure_ascii=False)
    if kind == "truncated":
        return text[: draw(st.integers(1, len(text) - 1))]
    if kind == "junk":
        return draw(PLAIN)
    if kind == "deep":
        depth = draw(st.sampled_from([MAX_DEPTH + 1, 200, 3000]))
        return text[:-1] + ', "deep": ' + "[" * depth + "]" * depth + "}"
    if kind == "long":
        return text[:-1] + ', "long": "' + "x" * (MAX_CHARS + 1) + '"}'
    return text[:-1] + ', "bad": "a\\udc00b"}'


# --- files ----------------------------------------------------------------------------------------

@st.composite
def files(draw, fmt: str):
    """(file name, bytes, marker -> expected kept conversations)."""
    n = draw(st.integers(1, 5))
    rows = [draw(VALID[fmt]) for _ in range(n)]
    valid = [(f"V{i}x", marked(row, f"V{i}x")) for i, row in enumerate(rows)]
    bad = [draw(malformed(marked(row, "B"))) for row in draw(st.lists(st.sampled_from(rows), max_size=4))]
    texts = [json.dumps(row, ensure_ascii=draw(st.booleans())) for _, row in valid]
    encoding = draw(st.sampled_from(["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-32-le"]))
    if encoding == "utf-8" and bad and draw(st.booleans()):  # a byte that is not UTF-8 inside one bad record
        at = draw(st.integers(0, len(bad[0])))
        bad[0] = bad[0][:at] + "\udcff" + bad[0][at:]  # written as the byte 0xFF by surrogateescape
    order = draw(st.permutations(list(range(len(texts) + len(bad)))))
    records = [(texts + bad)[i] for i in order]
    layout = draw(st.sampled_from(["jsonl", "json_lines", "array_pretty", "array_inline", "two_arrays"]))
    if layout in ("jsonl", "json_lines"):
        body = draw(st.sampled_from(["\n", "\r\n", "\r"])).join(records) + draw(st.sampled_from(["", "\n"]))
        name = "rows.jsonl" if layout == "jsonl" else "rows.json"
    else:
        sep = ",\n  " if layout == "array_pretty" else ", "
        if layout == "two_arrays":
            cut = draw(st.integers(0, len(records)))
            body = "[" + sep.join(records[:cut]) + "][" + sep.join(records[cut:]) + "]"
        else:
            body = "[\n  " + sep.join(records) + "\n]" if layout == "array_pretty" else "[" + sep.join(records) + "]"
        if draw(st.booleans()):
            body += draw(st.sampled_from(["\n", " "])) + draw(PLAIN)  # trailing data after the closing bracket
        name = "rows.json"
    data = body.encode(encoding, errors="surrogateescape" if encoding == "utf-8" else "strict")
    return name, data, {marker: kept_units(row) for marker, row in valid}


def run_case(folder: Path, name: str, data: bytes, expected: dict[str, int], fmt: str | None):
    path = folder / name
    path.write_bytes(data)
    source = Source(path=str(path), format=fmt or "auto")
    result = Ingest().run({}, IngestConfig(sources=(source,), max_depth=MAX_DEPTH, max_chars=MAX_CHARS), StageContext())
    assert result.rows_in == result.kept.num_rows + result.removed.num_rows
    prompts = [[m["content"] for m in messages if m["role"] == "user"] for messages in result.kept.column("messages").to_pylist()]
    for marker, count in expected.items():
        found = sum(any(p.startswith(marker + " ") for p in users) for users in prompts)
        assert found == count, f"valid record {marker} kept {found} times, expected {count}"


FUZZ = settings(max_examples=CASES, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])


@pytest.mark.parametrize("fmt", sorted(VALID))
def test_fuzzed_files_lose_nothing_and_raise_nothing(fmt, tmp_path):
    @FUZZ
    @given(case=files(fmt), auto=st.booleans())
    def check(case, auto):
        name, data, expected = case
        run_case(tmp_path, name, data, expected, None if auto else fmt)

    check()
