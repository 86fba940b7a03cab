"""What is evaluated: a base model, optionally with a LoRA adapter on top.

One model is loaded; "base" numbers come from the same object with its
adapter disabled (peft's ``disable_adapter``), so base and tuned share weights,
tokenizer and chat template and differ only by the adapter. The tokenizer is
the adapter's when it has one (training saves it with its chat template),
else the base's with the training template set.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curate.base_model import resolve_base_model


@dataclass(frozen=True)
class ModelRef:
    base: str
    """A base model name (``smollm2-135m-instruct``), a local folder or a cached hub id."""
    adapter: Path | None = None
    """A peft adapter folder (``adapter_config.json`` + weights), or None for the base alone."""


def model_ref_from_training_files(files_dir: Path, base_override: str | None = None) -> ModelRef:
    """The model a training artifact's ``files/`` describes: ``adapter/`` over the base named in ``lineage.json``."""
    files_dir = Path(files_dir)
    adapter = files_dir / "adapter"
    if not (adapter / "adapter_config.json").is_file():
        raise FileNotFoundError(f"{files_dir}: no adapter/adapter_config.json; is this a training artifact's files folder?")
    if base_override:
        return ModelRef(base_override, adapter)
    base = ""
    lineage = files_dir / "lineage.json"
    if lineage.is_file():
        recorded = json.loads(lineage.read_text()).get("base_model", {})
        base = recorded.get("id") or recorded.get("path") or ""
    if not base:
        base = json.loads((adapter / "adapter_config.json").read_text()).get("base_model_name_or_path", "")
    if not base:
        raise ValueError(f"{files_dir}: neither lineage.json nor adapter_config.json names the base model")
    return ModelRef(base, adapter)


@dataclass
class LoadedModel:
    model: Any
    tokenizer: Any
    has_adapter: bool

    @contextlib.contextmanager
    def base(self) -> Iterator[Any]:
        """The model with its adapter switched off (the model itself when it has none)."""
        if self.has_adapter:
            with self.model.disable_adapter():
                yield self.model
        else:
            yield self.model

    @contextlib.contextmanager
    def tuned(self) -> Iterator[Any]:
        yield self.model


def load(ref: ModelRef, models_dir: Path | None = None) -> LoadedModel:
    import torch
    from transformers import AutoModelForCausalLM

    from train.models import load_tokenizer

    base_path = resolve_base_model(ref.base, models_dir)
    adapter = Path(ref.adapter) if ref.adapter else None
    has_tokenizer = adapter is not None and (adapter / "tokenizer_config.json").is_file()
    tokenizer = load_tokenizer(str(adapter if has_tokenizer else base_path))
    model = AutoModelForCausalLM.from_pretrained(base_path, dtype=torch.float32)
    if adapter is not None:
        from peft import PeftModel

        model = PeftModel.from_pretrained(model, str(adapter))
    model.eval()
    return LoadedModel(model, tokenizer, adapter is not None)
