"""On-policy pairs through a tiny randomly initialised Llama (no downloads)."""

from __future__ import annotations

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from curate.pairs.guards import check_pair  # noqa: E402
from curate.pairs.onpolicy import generate_answers, on_policy_candidates  # noqa: E402

WORDS = "user assistant system the a cat dog sat on mat what is why how sky blue green red it because light".split()
TEMPLATE = "{% for m in messages %}{{ m['role'] }} : {{ m['content'] }} {% endfor %}{% if add_generation_prompt %}assistant :{% endif %}"


@pytest.fixture(scope="module")
def tiny():
    from tokenizers import Tokenizer, models, pre_tokenizers

    special = ["<pad>", "<unk>", "</s>"]
    vocab = {w: i for i, w in enumerate(special + WORDS + ["?", ".", ":"])}
    tok = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    tok.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Punctuation()])
    tokenizer = transformers.PreTrainedTokenizerFast(tokenizer_object=tok, pad_token="<pad>", unk_token="<unk>", eos_token="</s>")
    tokenizer.chat_template = TEMPLATE
    torch.manual_seed(0)
    config = transformers.LlamaConfig(vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2,
                                      num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=64,
                                      pad_token_id=0, eos_token_id=2, bos_token_id=None)
    model = transformers.LlamaForCausalLM(config).eval()
    return model, tokenizer


def user(text):
    return {"role": "user", "content": text, "name": None, "tool_calls": None}


def test_batched_generation_matches_one_by_one_despite_left_padding(tiny):
    model, tokenizer = tiny
    prompts = [[user("why is the sky blue ?")], [user("cat")], [user("what is a dog on a mat ?")]]
    batched = generate_answers(prompts, model, tokenizer, max_new_tokens=6, batch_size=3)
    single = [generate_answers([p], model, tokenizer, max_new_tokens=6, batch_size=1)[0] for p in prompts]
    assert batched == single
    assert all(isinstance(a, str) for a in batched) and any(a.strip() for a in batched)
    assert tokenizer.padding_side == "right"  # the caller's tokenizer is left as it was


def test_reference_is_chosen_and_the_generation_rejected(tiny):
    model, tokenizer = tiny
    conversations = [[user("why is the sky blue ?"), {"role": "assistant", "content": "because light", "name": None, "tool_calls": None}],
                     [user("no answer yet")]]  # no reference answer: not usable
    [pair] = on_policy_candidates(conversations, model, tokenizer, max_new_tokens=5)
    assert pair.chosen[0]["content"] == "because light"
    assert pair.rejected[0]["role"] == "assistant" and pair.prompt == conversations[0][:1]
    assert pair.meta == {"rejected_from": "on_policy"}
    # the usual guards apply to on-policy pairs too
    result = check_pair(pair.prompt, pair.chosen, pair.rejected, None, 0)
    assert result is None or result[0] in ("empty_answer", "identical_answers")
