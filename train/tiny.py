"""A tiny real Llama and tokenizer, for tests and smoke runs of the training stages.

Real parts, small sizes: a byte-level BPE trained on the given texts in
milliseconds (with the ChatML special tokens) and a Llama of a few hundred
thousand parameters from a config. Saved as an ordinary model folder, so the
stages load it through the same ``from_pretrained`` path as any base model.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from train.chat_template import CHATML_TOKENS, CHATML_TRAINING_TEMPLATE

PAD = "<|pad|>"


def tiny_tokenizer(texts: Iterable[str], vocab_size: int = 512):
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers, trainers
    from transformers import PreTrainedTokenizerFast

    bpe = Tokenizer(models.BPE())
    bpe.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
    bpe.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(
        vocab_size=vocab_size, special_tokens=[PAD, *CHATML_TOKENS],
        initial_alphabet=pre_tokenizers.ByteLevel.alphabet(), show_progress=False,
    )
    bpe.train_from_iterator(list(texts), trainer=trainer)
    return PreTrainedTokenizerFast(
        tokenizer_object=bpe, eos_token="<|im_end|>", pad_token=PAD, chat_template=CHATML_TRAINING_TEMPLATE,
    )


def tiny_llama(vocab_size: int, hidden: int = 64, layers: int = 2, heads: int = 4, seed: int = 0):
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    torch.manual_seed(seed)
    config = LlamaConfig(
        vocab_size=vocab_size, hidden_size=hidden, intermediate_size=hidden * 2, num_hidden_layers=layers,
        num_attention_heads=heads, num_key_value_heads=heads, max_position_embeddings=512, tie_word_embeddings=True,
    )
    return LlamaForCausalLM(config)


def save_tiny_model(folder: Path, texts: Iterable[str], **model_kwargs) -> Path:
    """Train a tokenizer on ``texts``, build a matching tiny Llama and save both to ``folder``.

    Hidden size 64 is the smallest bitsandbytes packs for its CPU 4-bit kernel (one block of 64).
    """
    tokenizer = tiny_tokenizer(texts)
    model = tiny_llama(len(tokenizer), **model_kwargs)
    model.config.eos_token_id = tokenizer.eos_token_id
    model.config.pad_token_id = tokenizer.pad_token_id
    folder = Path(folder)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
