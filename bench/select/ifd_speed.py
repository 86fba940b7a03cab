"""IFD scoring throughput: the score_ifd scorer vs a plain transformers loop computing the same losses.

    HF_HUB_OFFLINE=1 .venv/bin/python bench/select/ifd_speed.py [--rows 200] [--batch-size 8] [--chunk 40] [--device auto]

Rows: the first ``--rows`` records of ../shared/datasets/alpaca/alpaca_en_demo.json
(instruction, then a blank line and the input when there is one, as a user
turn; the output as the assistant turn). Model: SmolLM2-135M-Instruct (the
project's offline copy), fp32, rendered with the training chat template.

Plain: for each row, two ``model(input_ids=..., labels=...)`` calls, one on the
whole rendered conversation and one on the assistant message alone, labels
-100 outside the assistant tokens (the template's generation mask), so
``.loss`` is each mean cross-entropy; IFD is their ratio. One sequence per
call, full logits, ``torch.inference_mode`` as ours. Ours:
``train.ifd.scorer.score_rows`` as the stage calls it (length-sorted batches,
output head on answer positions only). Both run in the same process, on the
same loaded model, alternating by chunks of ``--chunk`` rows (ours first); rows/s and tokens/s (tokens of both rendered
sequences of each row, the same count for both) and the largest difference of
IFD and of each loss are printed.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from train.ifd.scorer import score_rows  # noqa: E402
from train.ifd.stage import load_scorer, pick_device  # noqa: E402

ALPACA = Path(__file__).resolve().parents[3] / "shared" / "datasets" / "alpaca" / "alpaca_en_demo.json"


def alpaca_rows(n: int) -> list[list[dict[str, str]]]:
    records = json.loads(ALPACA.read_text())[:n]
    return [[{"role": "user", "content": r["instruction"] + (f"\n\n{r['input']}" if r.get("input") else "")},
             {"role": "assistant", "content": r["output"]}] for r in records]


def plain_losses(model, tokenizer, chat, device: str) -> tuple[float, float, int]:
    """(loss conditioned, loss alone, tokens of both renders) with one plain forward each."""
    import torch

    losses, tokens = [], 0
    for messages in (chat, [m for m in chat if m["role"] == "assistant"]):
        out = tokenizer.apply_chat_template(messages, tokenize=True, return_dict=True, return_assistant_tokens_mask=True)
        ids = torch.tensor([out["input_ids"]], device=device)
        labels = torch.tensor([[t if m else -100 for t, m in zip(out["input_ids"], out["assistant_masks"])]], device=device)
        losses.append(model(input_ids=ids, labels=labels).loss.item())
        tokens += len(out["input_ids"])
    return losses[0], losses[1], tokens


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200)
    ap.add_argument("--batch-size", type=int, default=8)
    ap.add_argument("--chunk", type=int, default=40, help="Rows per alternation of ours and plain.")
    ap.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    args = ap.parse_args()
    if not ALPACA.is_file():
        sys.exit(f"{ALPACA} is absent: the shared datasets are only beside the checkout in dev sessions")
    import torch

    device = pick_device(args.device)
    model, tokenizer = load_scorer("smollm2-135m-instruct", device)
    rows = alpaca_rows(args.rows)
    print(f"{len(rows)} rows, device {device}, torch threads {torch.get_num_threads()}, batch {args.batch_size}")

    ours, plain, ours_s, plain_s = [], [], 0.0, 0.0
    for start in range(0, len(rows), args.chunk):  # alternate, so a busy shared box slows both alike
        chunk = rows[start : start + args.chunk]
        started = time.perf_counter()
        ours += score_rows(model, tokenizer, chunk, max_length=4096, batch_size=args.batch_size, device=device)
        if device == "cuda":
            torch.cuda.synchronize()
        ours_s += time.perf_counter() - started
        started = time.perf_counter()
        with torch.inference_mode():
            plain += [plain_losses(model, tokenizer, chat, device) for chat in chunk]
        plain_s += time.perf_counter() - started

    tokens = sum(t for _, _, t in plain)
    diff_ifd = max(abs(o.ifd - c / a) for o, (c, a, _) in zip(ours, plain))
    diff_loss = max(max(abs(o.loss_conditioned - c), abs(o.loss_answer - a)) for o, (c, a, _) in zip(ours, plain))
    print(f"ours : {ours_s:8.1f} s  {len(rows) / ours_s:7.3f} rows/s  {tokens / ours_s:8.1f} tokens/s")
    print(f"plain: {plain_s:8.1f} s  {len(rows) / plain_s:7.3f} rows/s  {tokens / plain_s:8.1f} tokens/s")
    print(f"speed ratio ours/plain: {plain_s / ours_s:.2f}x; {tokens} tokens")
    print(f"largest |IFD difference| {diff_ifd:.2e}, largest |loss difference| {diff_loss:.2e} (scores rounded to 1e-6)")


if __name__ == "__main__":
    main()
