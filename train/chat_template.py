"""The chat template used for training, and the conversion of canonical messages to trl's layout.

Loss goes on assistant tokens only. trl's ``assistant_only_loss`` finds those
tokens through ``{% generation %}`` markers in the chat template, and most
shipped templates (SmolLM2's included) have none, so a base tokenizer without
them gets ``CHATML_TRAINING_TEMPLATE``: ChatML, as SmolLM2 and many small
models speak it, with the assistant's content *and* its ``<|im_end|>`` inside
the markers (the model must learn to stop; the newline after it and the
``<|im_start|>assistant`` header are prompt). The template is saved with the
adapter's tokenizer, so inference renders exactly what training saw.

Unlike SmolLM2's stock template it adds no default system prompt: the model
trains on the curated conversation as it is.
"""

from __future__ import annotations

import json
import re
from typing import Any

CHATML_TRAINING_TEMPLATE = (
    "{%- for message in messages -%}"
    "{%- if message['role'] == 'assistant' -%}"
    "{{- '<|im_start|>assistant\\n' -}}"
    "{%- generation -%}{{- message['content'] + '<|im_end|>' -}}{%- endgeneration -%}"
    "{{- '\\n' -}}"
    "{%- else -%}"
    "{{- '<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>\\n' -}}"
    "{%- endif -%}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\\n' -}}{%- endif -%}"
)
CHATML_TOKENS = ("<|im_start|>", "<|im_end|>")


def has_generation_markers(template: str | None) -> bool:
    return bool(template) and re.search(r"\{%-?\s*generation\s*-?%\}", template) is not None


def training_template(tokenizer: Any) -> str:
    """The tokenizer's own template when it marks assistant turns, else the ChatML one.

    Raises when the tokenizer lacks ChatML's special tokens: the template would
    then split ``<|im_end|>`` into pieces and the model could never emit it.
    """
    own = tokenizer.chat_template if isinstance(tokenizer.chat_template, str) else None
    if has_generation_markers(own):
        return own
    vocab = tokenizer.get_vocab()
    missing = [t for t in CHATML_TOKENS if t not in vocab]
    if missing:
        raise ValueError(
            f"tokenizer {getattr(tokenizer, 'name_or_path', '?')!r} has no {{% generation %}} markers in its chat "
            f"template and lacks the ChatML tokens {missing}; give it a template with generation markers"
        )
    return CHATML_TRAINING_TEMPLATE


def prepare_tokenizer(tokenizer: Any) -> Any:
    """Set the training template, ``<|im_end|>`` as end of turn, and a pad token (in place; returns it)."""
    template = training_template(tokenizer)
    tokenizer.chat_template = template
    if template is CHATML_TRAINING_TEMPLATE:
        tokenizer.eos_token = "<|im_end|>"
    if tokenizer.pad_token is None:
        tokenizer.pad_token = tokenizer.eos_token
    return tokenizer


def to_chat(messages: list[dict[str, Any]]) -> list[dict[str, str]]:
    """Canonical ``schemas.MESSAGE`` rows to plain ``{role, content}`` dicts for trl.

    Tool calls are rendered into the assistant's content as ``<tool_call>`` JSON
    (the Hermes/Qwen convention), so they are trained on rather than dropped.
    """
    chat = []
    for m in messages:
        content = m.get("content") or ""
        for call in m.get("tool_calls") or []:
            payload = {"name": call["name"], "arguments": _json_or_text(call["arguments"])}
            content += ("\n" if content else "") + "<tool_call>" + json.dumps(payload, ensure_ascii=False) + "</tool_call>"
        chat.append({"role": m["role"], "content": content})
    return chat


def _json_or_text(text: str) -> Any:
    try:
        return json.loads(text)
    except (TypeError, ValueError):
        return text
