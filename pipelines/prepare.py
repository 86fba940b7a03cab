"""Models a flow needs, made once per machine before its first step, one line each.

On a fresh machine the first run exports the embedding model to ONNX and
quantizes it to int8 (torch TracerWarnings, an exporter UserWarning, an
onnxruntime WARNING) and turns the GGUF base model into a safetensors folder
(progress bars per tensor and per shard), minutes in all on a small machine.
None of that output is for the person running the flow, and it scrolled the
stage progress away: each preparation says in one line what is being made, its
own output is kept, and shown only if it fails.
"""

from __future__ import annotations

import contextlib
import io
import logging
import sys
import warnings
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import partial

from pipelines.config import ResolvedStep


@dataclass(frozen=True)
class Preparation:
    what: str
    make: Callable[[], object]


def needed(steps: Sequence[ResolvedStep]) -> list[Preparation]:
    """What the steps' stages would build on first use and is not built yet, each once."""
    from curate.embed.stage import EmbedConfig, model_path
    from curate.base_model import is_prepared, resolve_base_model

    found: dict[str, Preparation] = {}
    for step in steps:
        config = step.config
        if isinstance(config, EmbedConfig) and config.backend == "onnx-int8":
            from curate.embed import onnx_encoder

            folder = model_path(config.model)
            if folder.is_dir() and not onnx_encoder.export_path(folder).exists():
                found.setdefault(f"onnx {folder}", Preparation(
                    f"the embedding model {config.model} for ONNX Runtime (export, int8 quantization)",
                    partial(onnx_encoder.export, folder)))
        for base in (getattr(config, "base_model", None), getattr(config, "known_names", None)):
            if isinstance(base, str) and not is_prepared(base):
                found.setdefault(f"base {base}", Preparation(
                    f"the base model {base} (GGUF weights to a safetensors folder)", partial(resolve_base_model, base)))
    return list(found.values())


def prepare(steps: Sequence[ResolvedStep], say: Callable[[str], None]) -> None:
    for preparation in needed(steps):
        say(f"preparing {preparation.what}; once per machine, this takes a while")
        with captured_output() as output:
            try:
                preparation.make()
            except BaseException:
                sys.stderr.write(output.getvalue())
                raise


@contextlib.contextmanager
def captured_output() -> Iterator[io.StringIO]:
    """Warnings, log records and progress bars written while this lasts go into
    the buffer it yields, not to the console.

    ``logging.warning`` installs a handler on the root logger when it has none,
    bound to the stream of that moment (the buffer): handlers added meanwhile
    are removed again, so later warnings are not lost into a dead buffer."""
    buffer = io.StringIO()
    handlers = list(logging.root.handlers)
    disabled = logging.root.manager.disable
    try:
        with warnings.catch_warnings(), contextlib.redirect_stderr(buffer), contextlib.redirect_stdout(buffer):
            warnings.simplefilter("always")  # written into the buffer, so a failure can tell them
            warnings.showwarning = lambda message, category, filename, lineno, file=None, line=None: buffer.write(
                warnings.formatwarning(message, category, filename, lineno, line))
            logging.disable(logging.WARNING)
            yield buffer
    finally:
        logging.disable(disabled)
        for handler in [h for h in logging.root.handlers if h not in handlers]:
            logging.root.removeHandler(handler)
