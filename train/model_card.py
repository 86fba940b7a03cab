"""The model card: the README.md of a training output folder and of its ``adapter/``.

Hugging Face layout (a YAML header, then markdown), written only from what the
run recorded: the lineage (datasets, base model and weights hash, device,
library versions, metrics) and the typed config, so the card never says more
than the files beside it.
"""

from __future__ import annotations

from typing import Any

from train.config import TrainConfig


def model_card(config: TrainConfig, lineage: dict[str, Any], method: str) -> str:
    """The card for ``method`` ("SFT" or "DPO"), from the lineage (which carries the metrics) and the config."""
    import yaml

    base = lineage.get("base_model", {})
    datasets = lineage.get("datasets", {})
    header = {
        "library_name": "peft",
        "base_model": base.get("id", ""),
        "tags": ["llm-curate", "trl", method.lower(), "lora"] + (["qlora"] if config.quantization == "nf4" else []),
        "llm_curate": {"datasets": datasets},
    }
    metrics = lineage.get("metrics", {})
    rows = "\n".join(f"| {k} | {v:.4g} |" if isinstance(v, float) else f"| {k} | {v} |" for k, v in metrics.items())
    return f"""---
{yaml.safe_dump(header, sort_keys=False)}---

# {method} LoRA adapter on `{base.get('id', '?')}`

Trained by llm-curate with trl's `{method}Trainer` and peft LoRA{' on a 4-bit NF4 base (QLoRA)' if config.quantization == 'nf4' else ''}.
{lineage.get('device', '')}.

## Data

{chr(10).join(f'- `{name}`: `{ref}`' for name, ref in datasets.items()) or '- (not recorded)'}

Loss is computed on assistant tokens only (prompt tokens are labelled -100); the chat
template saved with the tokenizer marks them with `{{% generation %}}`.

## Base model

- id: `{base.get('id', '?')}` (loaded from `{base.get('path', '?')}`)
- weights sha256: `{base.get('weights_sha256', '') or 'n/a (hub id)'}`

## Results

| metric | value |
|---|---|
{rows}

Curves: `loss.png`; every logged step: `log.csv`.

## Use

```python
from peft import AutoPeftModelForCausalLM
from transformers import AutoTokenizer
model = AutoPeftModelForCausalLM.from_pretrained("adapter")
tokenizer = AutoTokenizer.from_pretrained("adapter")
```

## Configuration

```yaml
{yaml.safe_dump(config.model_dump(mode='json'), sort_keys=True)}```

## Libraries

{chr(10).join(f'- {k} {v}' for k, v in sorted(lineage.get('libraries', {}).items()))}
"""
