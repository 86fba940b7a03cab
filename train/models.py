"""Loading what training starts from: the base model (4-bit NF4 for QLoRA), its tokenizer, the LoRA settings.

SFT wraps the base with a fresh adapter (``lora_config``); DPO loads the SFT
adapter on top of it instead. Evaluation and IFD scoring load their tokenizer
here too, so they see the same chat template training uses.
"""

from __future__ import annotations

from typing import Any

from train.config import TrainConfig
from train.device import Device


def load_model(path: str, config: TrainConfig, device: Device):
    """The base model, in 4-bit NF4 (double quantization) when configured, ready for LoRA."""
    import torch
    from transformers import AutoModelForCausalLM, BitsAndBytesConfig

    dtype = torch.bfloat16 if device.on_gpu else torch.float32
    kwargs: dict[str, Any] = {"dtype": dtype}
    if config.quantization == "nf4":
        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True, bnb_4bit_compute_dtype=dtype,
        )
        kwargs["device_map"] = {"": 0} if device.on_gpu else {"": "cpu"}
    model = AutoModelForCausalLM.from_pretrained(path, **kwargs)
    if config.quantization == "nf4":
        from peft import prepare_model_for_kbit_training

        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=device.on_gpu)
    return model


def load_tokenizer(path: str):
    """The tokenizer with the training chat template, whose ``{% generation %}`` marks the tokens that carry loss."""
    from transformers import AutoTokenizer

    from train.chat_template import prepare_tokenizer

    return prepare_tokenizer(AutoTokenizer.from_pretrained(path))


def lora_config(config: TrainConfig):
    """peft's LoRA settings from the typed config; trl's SFTTrainer wraps the model with them."""
    from peft import LoraConfig

    return LoraConfig(
        r=config.lora_r, lora_alpha=config.lora_alpha, lora_dropout=config.lora_dropout,
        target_modules=config.lora_target_modules, bias="none", task_type="CAUSAL_LM",
    )
