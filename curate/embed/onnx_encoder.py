"""A sentence-transformers mean-pooling model run through ONNX Runtime, int8-quantized.

Why: plain ``SentenceTransformer.encode`` runs PyTorch fp32 on every padded
token. Exporting the transformer once to ONNX, quantizing its weights to int8
(``onnxruntime.quantization.quantize_dynamic``) and sorting texts by length so
each batch pads little makes encoding several times faster on CPU while the
vectors stay within cosine ~0.99 of the fp32 ones (measured by
``bench/dedup/embed_speed.py``). ``sentence-transformers[onnx]`` / optimum
would do this too but downgrade transformers, so this module drives
``torch.onnx.export``, ``onnxruntime`` and ``tokenizers`` directly and repeats
the model's own pipeline: truncation to ``max_seq_length``, mean pooling over
the attention mask, L2 normalisation.

The exported and quantized files are a cache, not an artifact: they live under
``data/models/`` (gitignored; ``LLM_CURATE_MODEL_CACHE`` overrides, read when
called) in a folder named after the hash of the model's files, so a changed
model gets a new export and an unchanged one is exported once per machine.
"""

from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
from pathlib import Path

import numpy as np

BATCH_TOKENS = 512
"""Padded tokens a batch: on 500 Alpaca texts (2 cores, one run, budgets and counts
side by side) ~512 tokens a batch ran fastest: 1,003 prompts/s against 913 at 256
and 924 at 1,024 tokens and 889 in batches of 16 texts; 102 whole conversations/s
against 75 in batches of 16 texts and 93 of 4. Batches of 64 texts
ran prompts at about half the speed of 16 (another run)."""

MODEL_FILES = ("config.json", "model.safetensors", "pytorch_model.bin", "tokenizer.json", "sentence_bert_config.json")


def cache_root() -> Path:
    return Path(os.environ.get("LLM_CURATE_MODEL_CACHE") or Path(__file__).resolve().parents[2] / "data" / "models")


@functools.lru_cache(maxsize=8)
def model_hash(model_dir: Path) -> str:
    """sha256 over the files that decide the outputs, first 16 hex digits.

    Once per folder and process: ``curate run`` asks before its first step
    (is the ONNX export there?) and the embed step asks again, and a model
    folder (an installed package) does not change under a running flow."""
    digest = hashlib.sha256()
    for name in MODEL_FILES:
        path = model_dir / name
        if path.exists():
            digest.update(name.encode())
            with path.open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()[:16]


def max_seq_length(model_dir: Path) -> int:
    config = model_dir / "sentence_bert_config.json"
    return int(json.loads(config.read_text()).get("max_seq_length", 512)) if config.exists() else 512


def export_path(model_dir: Path, quantize: bool = True) -> Path:
    """Where ``export`` puts the ONNX file of ``model_dir``; it exists once exported."""
    return _in(cache_root() / f"{model_dir.parent.name}-{model_dir.name}-onnx-{model_hash(model_dir)}", quantize)


def _in(folder: Path, quantize: bool) -> Path:
    return folder / ("model-int8-pc.onnx" if quantize else "model.onnx")


def export(model_dir: Path, quantize: bool = True) -> Path:
    """The ONNX file for ``model_dir`` (int8 when ``quantize``), exported on first use.

    Written to a temporary name and renamed, so a concurrent or interrupted
    export never leaves a half file in the cache.
    """
    target = export_path(model_dir, quantize)
    folder = target.parent
    fp32, int8 = _in(folder, quantize=False), _in(folder, quantize=True)
    if target.exists():
        return target
    folder.mkdir(parents=True, exist_ok=True)
    if not fp32.exists():
        _export_fp32(model_dir, fp32)
    if quantize and not int8.exists():
        from onnxruntime.quantization import QuantType, quantize_dynamic

        with tempfile.TemporaryDirectory(dir=folder) as tmp:
            part = Path(tmp) / int8.name
            # Per-channel int8 weights of the MatMuls only: per-tensor scales or a quantized
            # embedding table gave mean cosine 0.955 to fp32; this gives 0.994 (300 Alpaca texts).
            quantize_dynamic(str(fp32), str(part), weight_type=QuantType.QInt8, per_channel=True,
                             op_types_to_quantize=["MatMul"])
            part.replace(int8)
    return target


def _export_fp32(model_dir: Path, out: Path) -> None:
    import torch
    from transformers import AutoModel

    class Hidden(torch.nn.Module):
        """Keyword call, so the export does not depend on forward()'s positional order."""

        def __init__(self) -> None:
            super().__init__()
            self.model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids).last_hidden_state

    model = Hidden().eval()
    sample = torch.ones((2, 8), dtype=torch.int64)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    axes = {name: {0: "batch", 1: "tokens"} for name in names} | {"last_hidden_state": {0: "batch", 1: "tokens"}}
    with tempfile.TemporaryDirectory(dir=out.parent) as tmp, torch.no_grad():
        part = Path(tmp) / out.name
        # dynamo=False: the TorchScript exporter needs no onnxscript and handles BERT's dynamic shapes.
        torch.onnx.export(model, (sample, sample, torch.zeros_like(sample)), str(part), input_names=names,
                          output_names=["last_hidden_state"], dynamic_axes=axes, opset_version=17, dynamo=False)
        part.replace(out)


class OnnxEncoder:
    """``encode(texts) -> (n, dim)`` float32, as the sentence-transformers
    pipeline (Transformer -> mean Pooling -> Normalize) would give."""

    def __init__(self, model_dir: Path, quantize: bool = True, threads: int | None = None):
        import onnxruntime as ort
        from tokenizers import Tokenizer

        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self.session = ort.InferenceSession(str(export(model_dir, quantize)), options, providers=["CPUExecutionProvider"])
        self.inputs = {i.name for i in self.session.get_inputs()}
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_seq_length(model_dir))
        self.tokenizer.no_padding()
        self.dim = int(self.session.get_outputs()[0].shape[-1])

    def encode(self, texts: list[str], batch_tokens: int = BATCH_TOKENS, normalize: bool = True) -> np.ndarray:
        """Texts sorted by length and cut into batches of at most ``batch_tokens``
        padded tokens (one text at least), so a batch of prompts holds many texts and
        a batch of long conversations few."""
        encodings = self.tokenizer.encode_batch(texts)
        lengths = np.array([len(e.ids) for e in encodings], dtype=np.int64)
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for idx in _batches(lengths, batch_tokens):
            width = int(lengths[idx].max())
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            types = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                e = encodings[i]
                ids[row, : len(e.ids)], mask[row, : len(e.ids)], types[row, : len(e.ids)] = e.ids, e.attention_mask, e.type_ids
            feed = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
            hidden = self.session.run(["last_hidden_state"], {k: v for k, v in feed.items() if k in self.inputs})[0]
            weights = mask[:, :, None].astype(np.float32)
            out[idx] = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
        if normalize:
            out /= np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)
        return out


def _batches(lengths: np.ndarray, budget: int):
    """Positions of texts of ``lengths`` tokens, shortest first (similar lengths share a batch: little
    padding), cut into batches whose padded size (count x longest) stays within ``budget``."""
    order = np.argsort(lengths, kind="stable")
    sorted_lengths = lengths[order]
    start = 0
    while start < len(order):
        end = start + 1
        while end < len(order) and (end + 1 - start) * sorted_lengths[end] <= budget:
            end += 1
        yield order[start:end]
        start = end


@functools.lru_cache(maxsize=2)
def load(model_dir: str, quantize: bool = True) -> OnnxEncoder:
    """One session per process and model: a flow or a test session pays the load once."""
    return OnnxEncoder(Path(model_dir), quantize)
