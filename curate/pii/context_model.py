"""Whether a found name reads as a private person's, judged from its words and the text around it.

The rules of ``curate.pii.private`` clear a name where the text says it is public (a role, a byline,
fame the language model knows); what they leave is "presumed" private. On public instruction data
most of what is left and wrong is a public figure or character the rules cannot place: an essay on
Moby-Dick, a list of CMU researchers, a question about a senator's address. A linear model over two
MiniLM sentence embeddings (``curate.embed``), one of the name alone and one of the 100 characters
either side with the name replaced by a neutral one, reads both the genre of the passage and how
a name sounds; trained on the hand-judged spans of ``bench/pii`` that rules were written from, and
on synth_dataset_v2's labelled names (all private), it ranks the spans of the unread judged samples at
AUC 0.73, one mention at a time (``bench/pii/train_person_context.py`` prints the figures). A name is dropped only where
every mention of it in the text scores below ``threshold``, a low bar chosen so that private names,
invented or real, are rarely lost: the model's errors are meant to cost precision, not privacy.

The weights live beside this module (``person_context.json``), written by the training script from
files in the repository, so they are reproducible. The embeddings are the ``embed`` stage's MiniLM
through ONNX in float32, exported once per machine: its int8 form runs twice as fast, but quantising
activations per batch moves a vector with its batch-mates, and findings must not depend on how many
workers share the texts.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from curate.pii.finding import Finding, TextFindings
from curate.pii.private import CONTACT_ENTITIES, PERSON

WEIGHTS = Path(__file__).with_name("person_context.json")
STAND_IN = "Alex"
"""The name written in the span's place in the context embedding, so the context is read for what
it says about the person and not for the name itself (that is the other embedding's job)."""
_WORD = re.compile(r"[^\W\d_]{3,}")


@dataclass(frozen=True)
class ContextModel:
    coef: np.ndarray
    intercept: float
    window: int
    threshold: float

    def private_probability(self, texts: Sequence[str], spans: Sequence[tuple[int, int]]) -> np.ndarray:
        """P(private) for each ``(start, end)`` span of the matching text."""
        if not spans:
            return np.zeros(0)
        return 1 / (1 + np.exp(-(features(texts, spans, self.window) @ self.coef + self.intercept)))


def features(texts: Sequence[str], spans: Sequence[tuple[int, int]], window: int) -> np.ndarray:
    """``(len(spans), 768)``: each span's passage embedding (``context``) beside its name's embedding,
    as the model reads them and as the training script fits them."""
    contexts = [context(t, s, e, window) for t, (s, e) in zip(texts, spans)]
    names = [t[s:e] for t, (s, e) in zip(texts, spans)]
    vectors = _encode(contexts + names)
    return np.hstack([vectors[:len(spans)], vectors[len(spans):]])


def context(text: str, start: int, end: int, window: int) -> str:
    """The span's surroundings as the model reads them: ``window`` characters each side, the span
    itself replaced by ``STAND_IN``."""
    return text[max(0, start - window):start] + STAND_IN + text[end:end + window]


@lru_cache(maxsize=1)
def load_model(path: Path = WEIGHTS) -> ContextModel:
    data = json.loads(path.read_text())
    return ContextModel(np.asarray(data["coef"], dtype=np.float32), float(data["intercept"]), int(data["window"]),
                        float(data["threshold"]))


def preload() -> None:
    """Load the weights and the encoder now, where a process starts, rather than inside its first batch."""
    load_model()
    _encoder()


def _encode(texts: list[str]) -> np.ndarray:
    return _encoder().encode(texts)


@lru_cache(maxsize=1)
def _encoder():
    """MiniLM in float32 (see the module's docstring), on as many threads as torch has here: one in a
    worker of the stage's pool."""
    import torch

    from curate.embed.onnx_encoder import OnnxEncoder
    from curate.embed.stage import DEFAULT_MODEL, model_path

    return OnnxEncoder(model_path(DEFAULT_MODEL), quantize=False, threads=torch.get_num_threads())


def drop_public_by_context(texts: Sequence[str], found: Sequence[list[Finding]],
                           model: ContextModel | None = None) -> list[list[Finding]]:
    """Each text's findings less the presumed names the model reads as no private person's.

    Only presumed names in texts without contact details are asked (a cue showed the others private,
    and a text that holds an e-mail, a phone or an address is about private people), in one batch for
    all texts. A name's mentions go together: the mentions sharing a word ("Graham Neubig",
    "Neubig") are dropped only if none of them scores ``threshold`` or more, so a name is never left
    in one place and redacted in the next."""
    model = model or load_model()
    asked = [(i, f) for i, fs in enumerate(found) if not any(g.entity in CONTACT_ENTITIES for g in fs)
             for f in fs if f.entity == PERSON and f.presumed]
    if not asked:
        return list(found)
    scores = model.private_probability([texts[i] for i, _ in asked], [(f.start, f.end) for _, f in asked])
    best: dict[tuple[int, str], float] = {}
    groups: dict[tuple[int, Finding], list[tuple[int, str]]] = {}
    for (i, f), p in zip(asked, scores):
        words = [(i, w.lower()) for w in _WORD.findall(texts[i][f.start:f.end])] or [(i, texts[i][f.start:f.end])]
        groups[(i, f)] = words
        for w in words:
            best[w] = max(best.get(w, 0.0), float(p))
    for i, fs in enumerate(found):  # a word of a name shown private elsewhere in the text is private here too
        for f in fs:
            if f.entity == PERSON and not f.presumed:
                for w in _WORD.findall(texts[i][f.start:f.end]):
                    if (i, w.lower()) in best:
                        best[(i, w.lower())] = 1.0
    # a word's best score spreads to every mention holding it, and on to their other words
    changed = True
    while changed:
        changed = False
        for words in groups.values():
            top = max(best[w] for w in words)
            for w in words:
                if best[w] < top:
                    best[w], changed = top, True
    dropped = {key for key, words in groups.items() if max(best[w] for w in words) < model.threshold}
    out = []
    for i, fs in enumerate(found):
        kept = [f for f in fs if (i, f) not in dropped]
        out.append(_like(fs, kept))
    return out


def _like(original: list[Finding], kept: list[Finding]) -> list[Finding]:
    """``kept`` as the same kind of list as ``original`` (a ``TextFindings`` keeps its public names)."""
    return original.keeping(kept) if isinstance(original, TextFindings) else kept
