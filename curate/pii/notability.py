"""Whether the world writes about a full name: a small language model's memory of public text.

A full name of ordinary words ("Michael Jordan", "Christopher Nolan", "Stephen King") looks the
same as a private person's ("Karen Murphy") to every name list, shape and word-frequency test;
what tells them apart is fame. A language model trained on public text has read a public figure's
name many times, so after the first name it expects the rest far more than after other first
names: " King" after "Stephen" is 80 times likelier (lift 4.4 nats) than after "John", "Mary",
"David", "Sarah", "Michael" or "Anna" on average; " James" after "LeBron" 1,300 times (7.2). An
invented or private name gets no such lift: " Burns" after "Janet" -0.5, " Murphy" after "Karen"
-0.8; none of the 396 full names of presidio-research's synth_dataset_v2 passes both this test and
the one below (a rare first name lifts its language's surnames, up to 13 nats, but never makes
them likely outright). Common pairs
are not mistaken for fame, since the lift compares like with like ("David Brown" 0.3,
"Mary Smith" -0.5); a stock placeholder is ("John Smith" 2.7), and is left. The rest must also be
likely outright (``KNOWN_LOG_PROB``), so a rare first name's lift for its language's surnames is not fame.

The model is the offline SmolLM2-135M the training steps use (``curate.base_model``), read once
per process; it is asked about the full names whose later words English text writes at all
(``names.seen_in_english``: "Yousafzai" and "Curie" are rare but seen; a name of unseen words
cannot be famous), in batches: a batch of texts asks once for all its names, cached.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache

from curate.pii.names import seen_in_english

KNOWN_LOG_PROB = -7.0
"""And the rest must be likely after the first name in absolute terms: a rare first name raises
any surname of its language ("Wisława" lifts a Polish surname over "John" does), but the model
only expects a particular one where it has read the pair often. Measured in the same run:
synth_dataset_v2's names -7.4 and below, the public figures above -7.0."""
KNOWN_LIFT = 2.0
"""Nats by which a name's first word must raise the log-probability of the rest (against the mean
over ``GENERIC_FIRST_NAMES``) for the name to count as publicly known. Measured (SmolLM2-135M-Instruct,
one run): synth_dataset_v2's 43 full names of ordinary words -4.9 to 1.7; public figures in the
hand-judged real sample (bench/pii) 2.0 to 15.5, with a few below (those stay redacted)."""
FAMOUS_PROMPT = "\nThe famous "
FAMOUS_LIFT = 3.0
"""A second asking, for names the bare one misses: after "The famous" the model expects a public
figure, so a name it has read often rises further ("John Lennon" -7.1 bare, -3.4 here; "Herman
Melville" -7.5 and -4.6; "F. Scott Fitzgerald" -9.8 and -5.6), while invented and private ones stay low or
gain little. Here it needs ``KNOWN_LOG_PROB`` and a lift of 3 nats: the one synth_dataset_v2 name above
-7 after "The famous" ("Naomi Ryan" -6.6) lifts 2.4. Both thresholds were set reading those figures."""
PROMPTS = (("\n", KNOWN_LIFT), (FAMOUS_PROMPT, FAMOUS_LIFT))
ASK_AGAIN_LOG_PROB = -12.0
"""Only a name whose rest scored above this after the bare prompt is asked again: "The famous" raises a
known name's rest by 3 to 10 nats, never from below -12 to ``KNOWN_LOG_PROB``, so asking about the rest
("Zetticci" -29) would only cost time."""
GENERIC_FIRST_NAMES = ("John", "Mary", "David", "Sarah", "Michael", "Anna")


@lru_cache(maxsize=1)
def model_dtype() -> str:
    """``bfloat16`` where the CPU multiplies it natively (AMX or AVX-512 BF16), else ``float32``.

    The fame passes are most of the stage's model time, and on such a CPU bfloat16 runs them 2 to
    2.5 times faster (SmolLM2-135M, 64 texts of 20 tokens: 2.37 s in float32, 0.93 s in bfloat16, one
    run); elsewhere bfloat16 is emulated and slower than float32. The scores move by hundredths of a
    nat, which changes the verdict only for a name at a threshold's margin: no span on synth_dataset_v2,
    6 of 2,718 on the English real sets (``bench/pii/real_sets.py --unseen --others``, one run each way). The
    vocabulary projection stays in float32 (``_head``): a log-probability is read from it."""
    import torch

    native = getattr(torch.cpu, "_is_avx512_bf16_supported", lambda: False)() or \
        getattr(torch.cpu, "_is_amx_tile_supported", lambda: False)()
    return "bfloat16" if native else "float32"


@lru_cache(maxsize=4)
def _model(name: str):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from curate.base_model import resolve_base_model

    path = resolve_base_model(name)
    shown = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # a loading bar per worker would scroll the stage's own progress away
    try:
        model = AutoModelForCausalLM.from_pretrained(path, dtype=getattr(torch, model_dtype())).eval()
        return AutoTokenizer.from_pretrained(path), model
    finally:
        if shown:
            hf_logging.enable_progress_bar()


def preload(model_name: str) -> None:
    """Load the model now (about 0.6 s), where a process starts, rather than inside its first batch."""
    _model(model_name)


def pair_log_probs(model_name: str, pairs: Sequence[tuple[str, str]], prompt: str = "\n") -> list[float]:
    """log P(" " + rest | prompt + first name) for each ``(first, rest)``."""
    return continuation_log_probs(model_name, [(prompt + first, rest) for first, rest in pairs])


def continuation_log_probs(model_name: str, items: Sequence[tuple[str, str]]) -> list[float]:
    """log P(" " + continuation | prefix) for each ``(prefix, continuation)``."""
    return [own for own, _ in _log_probs(model_name, items, ())]


def _log_probs(model_name: str, items: Sequence[tuple[str, str]], others: Sequence[int],
            ) -> list[tuple[float, float | None]]:
    """For each ``(prefix, continuation)``: log P(" " + continuation | prefix), and the mean
    log-probability of the ``others`` token ids in the continuation's place (``None`` without them),
    read from the same pass. Padded batches of ``BATCH`` (right padding: a causal model's real
    positions are unchanged)."""
    import torch

    tokenizer, model = _model(model_name)
    encoded = [(tokenizer(prefix, add_special_tokens=False)["input_ids"],
                tokenizer(" " + rest, add_special_tokens=False)["input_ids"]) for prefix, rest in items]
    out: list[tuple[float, float | None]] = []
    for at in range(0, len(encoded), BATCH):
        chunk = encoded[at:at + BATCH]
        width = max(len(prefix) + len(tail) for prefix, tail in chunk)
        ids = torch.zeros((len(chunk), width), dtype=torch.long)
        mask = torch.zeros_like(ids)
        for row, (prefix, tail) in enumerate(chunk):
            ids[row, :len(prefix) + len(tail)] = torch.tensor(prefix + tail)
            mask[row, :len(prefix) + len(tail)] = 1
        rows = torch.cat([torch.full((len(tail),), row) for row, (_, tail) in enumerate(chunk)])
        positions = torch.cat([torch.arange(len(prefix) - 1, len(prefix) + len(tail) - 1) for prefix, tail in chunk])
        with torch.inference_mode():
            hidden = model.base_model(input_ids=ids, attention_mask=mask).last_hidden_state
            # the vocabulary projection only where a rest token is read: a fifth of the work at these lengths
            log_probs = torch.log_softmax(hidden[rows, positions].float() @ _head(model_name).T, dim=-1)
        picked = log_probs[torch.arange(len(rows)), torch.tensor([t for _, tail in chunk for t in tail])]
        at_row = 0
        for _, tail in chunk:
            other = float(log_probs[at_row, list(others)].mean()) if others else None
            out.append((float(picked[at_row:at_row + len(tail)].sum()), other))
            at_row += len(tail)
    return out


@lru_cache(maxsize=4)
def _head(model_name: str):
    """The vocabulary projection's weights in float32 (the model's own where it runs in float32)."""
    return _model(model_name)[1].get_output_embeddings().weight.float()


BATCH = 64
_FAME: dict[tuple[str, str, str, str], tuple[float, float | None]] = {}
_FAME_LIMIT = 200_000  # entries kept per process; past it the cache starts over


def _score(model_name: str, prompt: str, names: Iterable[tuple[str, str]]) -> None:
    """Score every ``(first, rest)`` not yet known after ``prompt`` in two batched passes: the name
    itself, then the generic first names for those that pass ``KNOWN_LOG_PROB``."""
    todo = sorted({(first, rest) for first, rest in names if (model_name, prompt, first, rest) not in _FAME},
                  key=lambda pair: (len(pair[0]) + len(pair[1]), pair))  # like lengths share a batch: less padding
    if not todo:
        return
    if len(_FAME) + len(todo) > _FAME_LIMIT:
        _FAME.clear()
    own = pair_log_probs(model_name, todo, prompt)
    likely = [(pair, score) for pair, score in zip(todo, own) if score > KNOWN_LOG_PROB]
    generic = [[(g, rest) for g in GENERIC_FIRST_NAMES if g != first] for (first, rest), _ in likely]
    scores = iter(pair_log_probs(model_name, [pair for group in generic for pair in group], prompt))
    for (first, rest), score in zip(todo, own):
        _FAME[(model_name, prompt, first, rest)] = (score, None)
    for ((first, rest), score), group in zip(likely, generic):
        others = [next(scores) for _ in group]
        _FAME[(model_name, prompt, first, rest)] = (score, score - sum(others) / len(others))


def fame(model_name: str, first: str, rest: str, prompt: str = "\n") -> tuple[float, float | None]:
    """(log-probability of the rest after the prompt and the first name, its lift in nats over generic
    first names; the lift only where the log-probability passes ``KNOWN_LOG_PROB``, as it decides
    nothing otherwise)."""
    _score(model_name, prompt, [(first, rest)])
    return _FAME[(model_name, prompt, first, rest)]


def _known(model_name: str, prompt: str, lift: float, pair: tuple[str, str]) -> bool:
    gain = _FAME[(model_name, prompt, *pair)][1]
    return gain is not None and gain >= lift


def prefetch(model_name: str, names: Iterable[tuple[str, str]]) -> None:
    """Ask about all names at once, each prompt of ``PROMPTS`` in turn for the names the ones before
    did not find known: a batch of texts asks once for all its names, a fraction of one forward pass each."""
    todo = set(names)
    for prompt, lift in PROMPTS:
        _score(model_name, prompt, todo)
        todo = {pair for pair in todo if not _known(model_name, prompt, lift, pair)
                and _FAME[(model_name, "\n", *pair)][0] > ASK_AGAIN_LOG_PROB}
        if not todo:
            return


CREATOR_LOG_PROB = -11.0
CREATOR_LIFT = 3.0
CREATOR_BASELINE = "\nIt was made by"
"""A work's title predicts its maker: after '"To Kill a Mockingbird" by' the model expects " Harper Lee"
(-0.1 nats) far more than after a bare "It was made by" (-15.0), and a name it has read with the work
passes both ``CREATOR_LOG_PROB`` and ``CREATOR_LIFT``, common words or not. An invented name in the same
place does not: the 23 creators synth_dataset_v2 writes after "by" ('"Tube Snake Boogie" by Natalie
Åberg', "film directed by Maciej Borkowski") score -12.9 and below in their own texts, and a private
person after "by" ("prepared by John Smith") is no likelier there than anywhere (lift -2.3 to 0.8).
Measured in one run on those 23, eight public creators from the hand-judged real sample and similar
prompts (Harper Lee -6.2 and -0.1, Donald E. Knuth -10.6, John Lennon -5.4; Frank Darabont -12.8 and
Aurélien Géron -12.3 miss), and five invented private ones."""


CREATOR_CONTEXT = 120
"""Characters before "by" the creator test reads (the caller cuts them): the work's title and what it
is; a longer prompt only costs time (a forward pass over every token)."""
_CREATOR: dict[tuple[str, str, str], bool] = {}


def prefetch_creators(model_name: str, questions: Iterable[tuple[str, str]]) -> None:
    """Answer every ``(before, name)`` not yet known in two batched passes: the name after its own text,
    then after ``CREATOR_BASELINE`` for those likely enough there."""
    todo = sorted({(before.rstrip(), name) for before, name in questions
                   if (model_name, before.rstrip(), name) not in _CREATOR}, key=lambda q: len(q[0]))
    if not todo:
        return
    if len(_CREATOR) + len(todo) > _FAME_LIMIT:
        _CREATOR.clear()
    in_context = continuation_log_probs(model_name, todo)
    likely = [(q, score) for q, score in zip(todo, in_context) if score > CREATOR_LOG_PROB]
    baseline = continuation_log_probs(model_name, [(CREATOR_BASELINE, name) for (_, name), _ in likely])
    for q in todo:
        _CREATOR[(model_name, *q)] = False
    for ((before, name), score), base in zip(likely, baseline):
        _CREATOR[(model_name, before, name)] = score - base >= CREATOR_LIFT


def known_creator(model_name: str, before: str, name: str) -> bool:
    """Whether the text before a name ("... 'The TeXBook' by") leads the model to expect that name:
    a public work's known maker, not a private person."""
    prefetch_creators(model_name, [(before, name)])
    return _CREATOR[(model_name, before.rstrip(), name)]


CONTEXT_CHARS = 300
"""Characters before a name's first mention that the in-context test reads (the caller cuts them):
enough for the work or world a passage is about ("Voldemort", "Scout Finch"); measured on the
hand-judged real sample, 200 characters find 36 of its false names, 400 find 42, at a forward pass
over every token."""
CONTEXT_LOG_PROB = -7.0
CONTEXT_LIFT = 4.0
"""A name the passage before it leads the model to expect: likely outright after that passage
(``CONTEXT_LOG_PROB``) and lifted by it, over the name's own sentence alone, by ``CONTEXT_LIFT`` nats
more than the same passage lifts ordinary first names (``GENERIC_FIRST_NAMES``: a passage about a
family raises every name). "Atticus" after "...Scout Finch and her father," scores -0.3 with a lift
of 12.8; "Iago" after "...the innocence of Desdemona and the lies of" -2.9 and 6.6. An invented or
private name at its first mention cannot be foreseen: none of synth_dataset_v2's 271 first mentions
with a passage before them passes both, nor any but one of the names judged private in the real
sample ("Mrs. Smith", a stock name after a title; titled names are not asked). Thresholds set reading
those figures (one run, ``CONTEXT_CHARS`` 200 and 400)."""
_IN_CONTEXT: dict[tuple[str, str, str, str], bool] = {}


@lru_cache(maxsize=4)
def _generic_ids(model_name: str) -> list[int]:
    tokenizer, _ = _model(model_name)
    return [tokenizer(" " + g, add_special_tokens=False)["input_ids"][0] for g in GENERIC_FIRST_NAMES]


def prefetch_in_context(model_name: str, questions: Iterable[tuple[str, str, str]]) -> None:
    """Answer every ``(passage, sentence, name)`` not yet known: the name after the passage, then,
    for those likely enough there, after its sentence alone; ordinary first names read from the same passes."""
    todo = sorted({q for q in questions if (model_name, *q) not in _IN_CONTEXT}, key=lambda q: len(q[0]))
    if not todo:
        return
    if len(_IN_CONTEXT) + len(todo) > _FAME_LIMIT:
        _IN_CONTEXT.clear()
    generic = _generic_ids(model_name)
    passage = _log_probs(model_name, [(long, name) for long, _, name in todo], generic)
    likely = [(q, score) for q, score in zip(todo, passage) if score[0] > CONTEXT_LOG_PROB]
    sentence = _log_probs(model_name, [(local, name) for (_, local, name), _ in likely], generic)
    for q in todo:
        _IN_CONTEXT[(model_name, *q)] = False
    for (q, (own, others)), (own_local, others_local) in zip(likely, sentence):
        _IN_CONTEXT[(model_name, *q)] = (own - own_local) - (others - others_local) >= CONTEXT_LIFT


def known_in_context(model_name: str, passage: str, sentence: str, name: str) -> bool:
    """Whether the passage before a name's first mention leads the model to expect it: a character
    of a known work, a figure of a known story, a product of a known kind, not someone private."""
    prefetch_in_context(model_name, [(passage, sentence, name)])
    return _IN_CONTEXT[(model_name, passage, sentence, name)]


def forget() -> None:
    """Drop every answer this process holds, as in a fresh one: a benchmark times cold runs."""
    for answers in (_FAME, _CREATOR, _IN_CONTEXT):
        answers.clear()


def full_name(words: Sequence[str]) -> tuple[str, str] | None:
    """``(first, rest)`` of a name the model may know: two or more words (initials and suffixes already
    left out) whose later words English text writes at all; ``None`` for any other."""
    if len(words) < 2 or not all(seen_in_english(w) for w in words[1:]):
        return None
    return words[0], " ".join(words[1:])


def known_pair(model_name: str, pair: tuple[str, str]) -> bool:
    """Whether the model knows the full name ``(first, rest)`` after any of ``PROMPTS``."""
    prefetch(model_name, [pair])
    return any((model_name, prompt, *pair) in _FAME and _known(model_name, prompt, lift, pair) for prompt, lift in PROMPTS)


def publicly_known(model_name: str, words: Sequence[str]) -> bool:
    """Whether a name of two or more words (initials and suffixes left out) is one the model knows."""
    pair = full_name(words)
    return pair is not None and known_pair(model_name, pair)
