"""Where training runs: a CUDA GPU when present, else the CPU, so the same config runs on either.

The device decides the model's dtype (``train.models``), the trainer's
precision flags (``train.arguments``) and the line the lineage and model card
record (``Device.describe``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Device:
    kind: str  # "cuda" | "cpu"
    name: str

    @property
    def on_gpu(self) -> bool:
        return self.kind == "cuda"

    def describe(self) -> str:
        return f"training on {self.name}" + (" (bf16)" if self.on_gpu else " (fp32; no CUDA GPU found)")


def pick_device() -> Device:
    """CUDA when present, else CPU: the same config runs on either."""
    import torch

    if torch.cuda.is_available():
        return Device("cuda", f"CUDA GPU {torch.cuda.get_device_name(0)}")
    return Device("cpu", "CPU")
