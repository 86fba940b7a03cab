"""dedup_minhash: planted near-duplicates are found, clusters follow chains,
keepers are deterministic and every removal names a kept record."""

from __future__ import annotations

import json
import random

import pytest
import yaml
from tests.conftest import ROOT, CountedRows, conversation, conversations_table

from curate.artifacts import run_stage
from curate.dedup.clusters import components, jaccard
from curate.dedup.minhash_stage import DedupMinhash, MinhashConfig
from curate.dedup.minhash import bands_rows, shingles
from curate.views import view_text
from curate.stage import StageContext, removed_table

PARAGRAPH = (
    "Photosynthesis is the process by which green plants and some other organisms use sunlight to synthesize "
    "foods from carbon dioxide and water. It generally involves the green pigment chlorophyll and generates "
    "oxygen as a byproduct. The light reactions capture energy in the thylakoid membranes while the Calvin "
    "cycle fixes carbon in the stroma of the chloroplast, producing sugars that feed the whole plant."
)
OTHER = (
    "A binary search tree keeps its keys in sorted order so that lookup, insertion and deletion can skip about "
    "half of the remaining tree at each step. Balanced variants such as red black trees and AVL trees bound the "
    "height by a logarithm of the number of keys, which keeps every operation fast even in the worst case."
)


def edit(text: str, positions: list[int], word: str = "banana") -> str:
    words = text.split()
    for p in positions:
        words[p] = word
    return " ".join(words)


def run(rows, **config):
    return DedupMinhash().run({"records": conversations_table(rows)}, MinhashConfig(**config), StageContext())


def sim(a: str, b: str) -> float:
    return jaccard(shingles(a), shingles(b))


def test_planted_near_duplicates_are_removed_and_linked_to_their_original():
    rows = [
        conversation("orig", "Explain photosynthesis.", PARAGRAPH),
        conversation("punct", "explain   photosynthesis!", PARAGRAPH.replace(",", " ,").replace(".", " . ").upper()),
        conversation("edited", "Explain photosynthesis.", edit(PARAGRAPH, [40])),
        conversation("tree", "What is a BST?", OTHER),
    ]
    result = run(rows, keeper="first_seen")
    removed = {r["id"]: r for r in result.removed.to_pylist()}
    assert set(removed) == {"punct", "edited"}
    assert {r["duplicate_of"] for r in removed.values()} == {"orig"}
    assert removed["punct"]["score"] == pytest.approx(1.0)
    assert 0.7 <= removed["edited"]["score"] < 1.0
    assert all(r["reason"] == "near_duplicate" for r in removed.values())
    assert result.kept.column("id").to_pylist() == ["orig", "tree"]


def chain() -> list[str]:
    """A~B, B~C, C~D at Jaccard 0.83; A~C and B~D at 0.68, A~D at 0.56 (conversation view)."""
    a = PARAGRAPH
    b = edit(a, [50, 58])
    c = edit(b, [4, 12], "kiwi")
    return [a, b, c, edit(c, [30, 38], "plum")]


def test_a_chain_is_split_so_no_row_is_removed_as_a_copy_of_a_row_it_is_not_near():
    rows = [conversation(name, "q", text) for name, text in zip("ABCD", chain())] + [conversation("T", "q", OTHER)]
    views = {r["id"]: view_text(r["messages"], "conversation") for r in rows}
    assert sim(views["A"], views["C"]) < 0.7 and sim(views["B"], views["D"]) < 0.7 <= sim(views["C"], views["D"])
    result = run(rows, keeper="first_seen")
    removed = {r["id"]: r for r in result.removed.to_pylist()}
    # B takes both its neighbours; D was near C only, and C is gone, so D stays: nothing is removed as a copy of a far row.
    assert {i: r["duplicate_of"] for i, r in removed.items()} == {"A": "B", "C": "B"}
    assert all(r["score"] == pytest.approx(sim(views[i], views["B"])) and r["score"] >= 0.7 for i, r in removed.items())
    assert all(f"{r['score']:.3f} >= 0.7" in r["detail"] for r in removed.values())
    assert result.kept.column("id").to_pylist() == ["B", "D", "T"]
    assert result.metrics["clusters"] == 1 and result.metrics["chains_broken"] == 1
    assert "chains broken" in result.card
    assert components([(0, 1), (1, 2), (5, 6)]) == [[0, 1, 2], [5, 6]]


def test_the_row_that_takes_the_most_copies_is_kept_and_the_policy_breaks_ties():
    a, b, c, _ = chain()
    rows = [conversation("A", "q", a, meta={"quality": {"score": 1}}), conversation("B", "q", b), conversation("C", "q", c)]
    result = run(rows, keeper="highest_quality")  # A is best, but only B is within reach of both ends
    assert dict(zip(result.removed.column("id").to_pylist(), result.removed.column("duplicate_of").to_pylist())) == {"A": "B", "C": "B"}
    pair = run(rows[:2], keeper="highest_quality")  # a tie: the policy decides
    assert pair.removed.column("id").to_pylist() == ["B"] and pair.metrics["chains_broken"] == 0


def test_shingles_shared_by_most_rows_of_a_source_do_not_make_duplicates():
    """Toolformer-style rows: one long tool preamble, then different questions."""
    preamble = ("toolformer: enabled\ntoolformer access: python\nA Python shell. Use this to execute python commands. "
                "Input should be a valid python command or script. If you expect output it should be printed out. "
                "Useful for all code, as well as math calculations.\npython(codetoexecute)\n")
    asks = ["Calculate the sum of squares of the numbers from 1 to 10.", "Calculate the sum of square roots of 81 and 49.",
            "What is the derivative of x^3 + 2x?", "Convert 100 degrees Fahrenheit to Celsius.",
            "How many moles are in 18 grams of water?", "Integrate sin(x) from 0 to pi.",
            "What is the population density of Japan?", "Find the prime factors of 360.",
            "Solve 3x + 7 = 22 for x.", "What is the distance from the Earth to Mars today?",
            "How many calories are in a banana?", "What is the boiling point of ethanol at sea level?",
            "Compute the determinant of the matrix [[2, 1], [5, 3]].", "What is 15 percent of 240?",
            "Give the half-life of carbon-14.", "What is the area of a circle with radius 7 cm?",
            "How tall is Mount Kilimanjaro in feet?", "Simplify (x^2 - 9) / (x - 3).",
            "What is the speed of sound in water?", "Find the GCD of 84 and 126.",
            "What is the molar mass of sulfuric acid?", "How many seconds are in a leap year?",
            "Expand (a + b)^4.", "What is the escape velocity of the Moon?"]
    rows = [conversation(f"t{i}", preamble + q, "python(...)", source="tools") for i, q in enumerate(asks)]
    rows.append(conversation("copy", preamble + asks[0], "python(...)", source="tools"))
    assert sim(view_text(rows[0]["messages"], "conversation"), view_text(rows[1]["messages"], "conversation")) >= 0.7
    result = run(rows)
    assert result.removed.column("id").to_pylist() == ["copy"]  # the true copy still goes
    assert result.removed.column("duplicate_of").to_pylist() == ["t0"]
    assert result.metrics["boilerplate_shingles"]["tools"] > 20
    assert "a python shell use this to execute python commands" in result.card
    off = run(rows, boilerplate_share=1.0)  # counted as similarity, the preamble would take most rows
    assert off.removed.num_rows > 10


@pytest.mark.parametrize("policy, meta_key, expected", [
    ("first_seen", None, "short"),
    ("longest_answer", None, "long"),
    ("most_turns", None, "turns"),
    ("highest_quality", "quality.score", "best"),
])
def test_keeper_policy_is_deterministic_whatever_the_input_order(policy, meta_key, expected):
    short = conversation("short", "Explain photosynthesis.", PARAGRAPH, meta={"quality": {"score": 0.2}})
    long_ = conversation("long", "Explain photosynthesis.", PARAGRAPH + " Indeed.", meta={"quality": {"score": 0.1}})
    best = conversation("best", "Explain photosynthesis.", edit(PARAGRAPH, [30]), meta={"quality": {"score": 0.9}})
    turns = conversation("turns", "Explain photosynthesis.", PARAGRAPH, meta={})
    turns["messages"] = [{"role": "system", "content": "Be brief", "name": None, "tool_calls": None}] + turns["messages"]
    rows = [short, long_, best, turns]
    keepers = set()
    for seed in range(3):
        shuffled = rows[:1] + random.Random(seed).sample(rows[1:], 3) if policy == "first_seen" else random.Random(seed).sample(rows, 4)
        result = run(shuffled, keeper=policy)
        keepers.add(tuple(result.kept.column("id").to_pylist()))
        assert set(result.removed.column("duplicate_of").to_pylist()) == {expected}
    assert keepers == {(expected,)}


def test_every_removal_links_to_a_kept_id_and_rows_are_accounted_for(store, tmp_path):
    raw = tmp_path / "chat.jsonl"
    rows = [(f"Explain photosynthesis {i}.", edit(PARAGRAPH, [10 + i])) for i in range(6)] + [("What is a BST?", OTHER)]
    raw.write_text("\n".join(json.dumps({"messages": [{"role": "user", "content": u}, {"role": "assistant", "content": a}]})
                             for u, a in rows) + "\n")
    from curate.ingest.stage import Ingest, IngestConfig, Source

    ingested = run_stage(Ingest(), IngestConfig(sources=(Source(path=str(raw)),)), {}, store)
    deduped = run_stage(DedupMinhash(), MinhashConfig(), {"records": ingested}, store)
    kept_ids = set(store.read(deduped).column("id").to_pylist())
    removed = store.read_removed(deduped).to_pylist()
    assert removed and all(r["duplicate_of"] in kept_ids for r in removed)
    assert deduped.rows["in"] == deduped.rows["kept"] + deduped.rows["removed"] == 7
    assert "Near-duplicate pairs" in deduped.card_path.read_text()


def test_same_prompt_with_different_answers_is_flagged_not_removed():
    rows = [
        conversation("p1", "Write a poem about the sea and the wind at night", "Waves whisper under silver moonlight."),
        conversation("p2", "Write a poem about the sea and the wind at night!", "Storm clouds gather; the gulls fall silent."),
        conversation("p3", "write a poem about the sea and the wind at night", "Waves whisper under silver moonlight."),
    ]
    result = run(rows, view="first_user", keeper="first_seen")
    assert result.removed.column("id").to_pylist() == ["p3"]
    assert result.removed.column("duplicate_of").to_pylist() == ["p1"]
    metas = {r["id"]: json.loads(r["meta"]) for r in result.kept.to_pylist()}
    assert metas["p1"]["near_dup_group"] == metas["p2"]["near_dup_group"] == "p1"


def test_bands_and_rows_come_from_datasketch_or_are_explicit():
    b, r = bands_rows(0.7, 128)
    assert b * r <= 128 and b > 1
    assert bands_rows(0.7, 128, 16, 8) == (16, 8)
    with pytest.raises(ValueError, match="bands and rows go together"):
        MinhashConfig(bands=4)
    with pytest.raises(ValueError, match="num_perm"):
        MinhashConfig(bands=20, rows=8)


def test_char_shingles_and_small_shards_find_the_same_pairs():
    rows = [conversation(f"x{i}", "q", edit(PARAGRAPH, [i * 7])) for i in range(5)] + [conversation("t", "q", OTHER)]
    whole = run(rows, shingle="char", ngram=5)
    sharded = run(rows, shingle="char", ngram=5, shard_rows=2)
    assert whole.removed.to_pylist() == sharded.removed.to_pylist()
    assert whole.removed.num_rows == 4
    assert view_text(rows[0]["messages"], "conversation").startswith("user: q")


def test_highest_quality_keeper_reads_the_score_that_score_quality_writes():
    from curate.quality.stage import ScoreConfig, ScoreQuality

    rows = [
        conversation("refusal", "Explain photosynthesis.", PARAGRAPH + " As an AI language model, I hope this helps."),
        conversation("plain", "Explain photosynthesis.", PARAGRAPH),
        conversation("tree", "What is a BST?", OTHER),
    ]
    scored = ScoreQuality().run({"records": conversations_table(rows)}, ScoreConfig(), StageContext()).kept
    scores = {r["id"]: json.loads(r["meta"])["quality"]["score"] for r in scored.to_pylist()}
    assert scores["plain"] > scores["refusal"]
    result = DedupMinhash().run({"records": scored}, MinhashConfig(keeper="highest_quality"), StageContext())
    assert result.removed.column("id").to_pylist() == ["refusal"]
    assert result.removed.column("duplicate_of").to_pylist() == ["plain"]


@pytest.mark.parametrize("meta, key, expected", [
    ({"quality": {"score": 0.8}}, "quality.score", 0.8),
    ({"quality": 0.3}, "quality", 0.3),
    ({"quality": {"score": 0.8}}, "quality", float("-inf")),  # a dict is not a score
    ({"quality": {"score": "n/a"}}, "quality.score", float("-inf")),
    ({}, "quality.score", float("-inf")),
])
def test_quality_key_is_a_dotted_path_and_anything_unreadable_ranks_last(meta, key, expected):
    from curate.dedup.clusters import _quality

    assert _quality(json.dumps(meta), key) == expected


def test_chinese_copies_with_one_character_in_a_hundred_edited_are_found(shared_datasets):
    """Word shingles on unspaced Chinese were whole clauses; curate.script cuts CJK text by character.
    (bench/dedup/cjk_recall.py measures recall on 100 rows.)"""
    rng = random.Random(0)

    def edit(prompt: str, answer: str, rate: float = 0.01) -> tuple[str, str]:
        chars = list(prompt + "\0" + answer)
        for i in rng.sample([i for i, c in enumerate(chars) if c.isalpha()], max(1, round(rate * len(chars)))):
            chars[i] = "错"
        return tuple("".join(chars).split("\0"))

    steps = yaml.safe_load((ROOT / "flows.yaml").read_text())["flows"]["curation"]["steps"]
    config = MinhashConfig(**next(s["config"] for s in steps if s["stage"] == "dedup_minhash"))
    records = json.loads((shared_datasets / "real" / "alpaca_zh" / "alpaca_zh_demo.json").read_text())[:8]
    rows = []
    for n, r in enumerate(records):
        rows.append(conversation(f"o{n}", r["instruction"] + r["input"], r["output"]))
        rows.append(conversation(f"c{n}", *edit(r["instruction"] + r["input"], r["output"])))
    result = DedupMinhash().run({"records": conversations_table(rows)}, config, StageContext())
    links = dict(zip(result.removed.column("id").to_pylist(), result.removed.column("duplicate_of").to_pylist()))
    assert all(copy == f"c{original[1:]}" for copy, original in links.items())  # each copy linked to its own original
    assert len(links) >= 7  # one pair is at Jaccard 0.77 (a short program), which LSH catches about 3 times in 4


def test_template_chats_asking_about_different_companies_are_not_duplicates(shared_datasets):
    """FastChat's dummy chats: one answer template, questions differing by a name ("trained by OpenAI?" vs "by Meta?")."""
    import re

    from curate.ingest.stage import Ingest, IngestConfig, Source

    raw = shared_datasets / "real" / "fastchat" / "data_dummy_conversation.json"
    records = Ingest().run({}, IngestConfig(sources=(Source(path=str(raw), name="fastchat"),)), StageContext()).kept
    result = DedupMinhash().run({"records": records}, MinhashConfig(), StageContext())
    users = {r["id"]: [m["content"] for m in r["messages"] if m["role"] == "user"] for r in records.to_pylist()}
    named = re.compile(r"(trained|created) by|APIs")
    checked = 0
    for r in result.removed.to_pylist():
        question = users[r["id"]][0]
        if named.search(question):
            assert question in users[r["duplicate_of"]], (question, users[r["duplicate_of"]])
            checked += 1
    assert checked > 50
    assert result.metrics["boilerplate_shingles"]["fastchat"] > 20


def test_a_bucket_larger_than_max_bucket_is_verified_against_its_leaders():
    rows = [conversation(f"x{i}", "q", edit(PARAGRAPH, [30 + 3 * i])) for i in range(6)] + [conversation("t", "q", OTHER)]
    views = {r["id"]: view_text(r["messages"], "conversation") for r in rows}
    result = run(rows, keeper="first_seen", max_bucket=2)
    assert result.metrics["large_buckets"] > 0
    removed = result.removed.to_pylist()
    assert len(removed) >= 4 and "t" not in {r["id"] for r in removed}
    assert all(r["score"] == pytest.approx(sim(views[r["id"]], views[r["duplicate_of"]])) and r["score"] >= 0.7 for r in removed)


@pytest.mark.parametrize("view", ["conversation", "first_user"])
def test_reading_the_input_by_location_in_shards_gives_what_one_read_gives_and_never_holds_more(store, view):
    """Sources, signatures, the candidates' rows and the kept rows are each read a shard at a time from
    where the input lies, and each part's decisions wait on disk for the shard their rows are in: the rows
    kept (flags included), removed (records included) and the metrics are those of one read of the whole
    input, and no read returns more than a shard."""
    rows = [conversation(f"p{i}", "Explain photosynthesis.", edit(PARAGRAPH, [i % 40, 45])) for i in range(12)]
    rows += [conversation(f"t{i}", f"Question {i} about trees?", edit(OTHER, [i])) for i in range(12)]
    rows += [conversation(f"s{i}", "Same prompt?", f"A different answer number {i} with its own words entirely.")
             for i in range(4)]
    given = store.write("given", "v1", conversations_table(rows), removed_table([]),
                        {"stage": "given", "rows": {"in": len(rows), "kept": len(rows), "removed": 0}}, "")
    whole = run_stage(DedupMinhash(), MinhashConfig(view=view), {"records": given}, store)
    sharded = DedupMinhash().run({"records": CountedRows.of(store.rows_of(given))},
                                 MinhashConfig(view=view, shard_rows=5), StageContext())
    assert CountedRows.largest == 5
    assert sharded.kept.to_pylist() == store.read(whole).to_pylist()
    assert sharded.removed.to_pylist() == store.read_removed(whole).to_pylist()
    assert whole.rows["removed"] >= (20 if view == "conversation" else 11)
    if view == "first_user":  # same prompt, different answers: kept, in one group across shards
        groups = {json.loads(r["meta"]).get("near_dup_group") for r in sharded.kept.to_pylist() if r["id"].startswith("s")}
        assert len(groups) == 1 and None not in groups
    metrics = {k: v for k, v in sharded.metrics.items() if k != "scratch_bytes"}
    assert metrics == {k: v for k, v in whole.manifest["metrics"].items() if k != "scratch_bytes"}


def test_boilerplate_counted_in_hash_parts_is_the_boilerplate_counted_at_once(tmp_path):
    """Past ``pass_rows`` count rows the counts are written in hash parts and each part is grouped
    alone, holding its share of the distinct shingles: the shingles found are the same."""
    import numpy as np

    from curate.dedup.minhash import CountWriter, boilerplate_shingles

    rng = random.Random(3)
    preamble = "You are a helpful assistant. Answer the question below in one short paragraph please."
    texts = [f"{preamble} " + " ".join(rng.choice(OTHER.split()) for _ in range(12)) for _ in range(300)]
    found = {}
    for pass_rows in (10_000_000, 50):
        folder = tmp_path / str(pass_rows)
        folder.mkdir()
        with CountWriter(folder, len(texts), pass_rows) as counts:
            for half in (texts[:150], texts[150:]):
                counts.add(half, np.zeros(len(half), dtype=np.int32))
        found[pass_rows] = (counts.parts, boilerplate_shingles(counts.files(), {0: 30})[0])
    assert found[10_000_000][0] == 1 and found[50][0] > 10
    assert len(found[50][1]) >= 10  # the preamble's shingles, not the random words'
    assert np.array_equal(found[10_000_000][1], found[50][1])


def test_candidates_are_cut_into_parts_of_whole_components_in_order_of_their_first_row():
    """Verifying a part at a time is resolving every component whole: a part holds at most ``size`` rows
    unless one component alone is larger, and a large bucket is one component whatever its pairs."""
    import numpy as np

    from curate.dedup.candidates import Parts

    pairs = np.array([[0, 9], [9, 12], [1, 2], [3, 4], [5, 6], [5, 7], [5, 8]])
    parts = Parts.of(pairs, [np.array([20, 21, 22, 30])], size=3)
    by_part = [parts.docs[parts.part == p].tolist() for p in range(parts.count)]
    assert by_part == [[0, 9, 12], [1, 2], [3, 4], [5, 6, 7, 8], [20, 21, 22, 30]]
    assert parts.part_of(np.array([12, 4, 30])).tolist() == [0, 2, 4]
    assert Parts.of(np.zeros((0, 2), dtype=np.int64), [], size=3).count == 0


def test_buckets_grouped_a_part_at_a_time_are_the_buckets_grouped_at_once(tmp_path):
    """Past ``group_rows`` (band, bucket, doc) rows the buckets are written and grouped in parts by
    bucket hash, each group-by holding its part's keys: the docs that share a bucket are the same."""
    import numpy as np

    from curate.dedup.hashparts import HashParts, part_count
    from curate.dedup.minhash import candidate_groups, write_shard

    rng = np.random.default_rng(0)
    sig = rng.integers(0, 2**32, size=(400, 128), dtype=np.uint64).astype(np.uint32)
    sig[100:110, :26] = sig[5, :26]  # share the first two bands of 13 rows with doc 5
    sig[300:303] = sig[7]            # copies of doc 7 share every band
    assert part_count(400 * 9, 4_000_000) == 1 and part_count(400 * 9, 1_000) == 4
    found = {}
    for parts in (1, 4):
        folder = tmp_path / f"parts-{parts}"
        folder.mkdir()
        with HashParts(folder, "bands", parts) as buckets:
            for shard in range(4):
                docs = np.arange(shard * 100, shard * 100 + 100)
                write_shard(folder, shard, docs, sig[docs], 9, 13, buckets)
        found[parts] = candidate_groups(buckets.files())
    assert len(buckets.files()) == 4
    assert found[1] == found[4] == [[5, *range(100, 110)], [7, 300, 301, 302]]
