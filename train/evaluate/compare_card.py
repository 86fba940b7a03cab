"""What a ``compare`` artifact shows: the table of arms (card and console alike) and the loss plot.

Both read the stage's metrics only, so ``curate compare`` prints from a cached
artifact's manifest exactly what its card says.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any


def _f(x: float | None, sign: bool = False) -> str:
    return "n/a" if x is None else (f"{x:+.4f}" if sign else f"{x:.4f}")


def compare_table(metrics: Mapping[str, Any]) -> str:
    """One Markdown row per arm: rows, tokens seen, loss mean +- sd over seeds, paired difference against the baseline."""
    baseline = metrics["baseline"]
    lines = [f"| arm | training rows | tokens seen per run (mean) | held-out loss, mean ± sd over {len(metrics['seeds'])} seeds "
             f"| loss({baseline}) − loss(arm), mean [95% t interval] |",
             "|---|---:|---:|---|---|"]
    for arm in metrics["arms"]:
        p = arm["vs_baseline"]
        paired = "baseline" if p is None else (f"{_f(p['mean'], True)} [{_f(p['low'], True)}, {_f(p['high'], True)}]")
        tokens = round(sum(arm["tokens_seen"]) / len(arm["tokens_seen"]))
        lines.append(f"| {arm['name']} | {arm['rows']} | {tokens} | {_f(arm['mean'])} ± {_f(arm['sd'])} | {paired} |")
    base = metrics["base_model"]
    lines.append(f"| base model (no adapter) | 0 | 0 | {_f(base['held_out_loss'])} | |")
    return "\n".join(lines)


def compare_card(metrics: Mapping[str, Any]) -> str:
    b, t = metrics["budget"], metrics["test"]
    removed = ", ".join(f"{a['name']} {sum(a['removed_for_test_overlap'].values())}" for a in metrics["arms"])
    return "\n".join([
        f"## Did the training data help? {len(metrics['arms'])} arms on `{metrics['base_model']['name']}`", "",
        f"Every run: a LoRA adapter, {b['optimizer_steps']} optimizer steps of {b['batch_size']} rows "
        f"(max_length {b['max_length']}, longer rows truncated), training seeds {', '.join(map(str, metrics['seeds']))}. "
        f"Held-out: {t['rows']} `{t['split']}` rows of `{t['input']}` ({t['tokens']} assistant tokens), the same for every run; "
        f"each arm was decontaminated against them first (rows removed: {removed}; see removed.parquet), "
        "then proved disjoint by id and duplicate group.", "",
        compare_table(metrics), "",
        f"Paired difference: per seed, loss({metrics['baseline']}) − loss(arm); above zero the arm has the lower loss. "
        "An interval that holds zero does not show a difference at these seeds. Tokens seen are the trainer's non-padding tokens "
        "(prompt and answer), so arms with longer rows see more tokens in the same steps.", "",
        "Files: `files/held_out_loss.png` (loss per arm and seed), `files/runs/<arm>-seed<N>/` (each run's log, loss plot, "
        "lineage and model card).", "",
    ])


def plot_arms(metrics: Mapping[str, Any], path: Path) -> None:
    """Held-out loss per arm: one dot per seed, the mean with an sd bar, the base model as a dashed line."""
    import matplotlib

    matplotlib.use("Agg")  # no display; a file only
    import matplotlib.pyplot as plt

    arms = metrics["arms"]
    fig, ax = plt.subplots(figsize=(max(4.0, 1.2 * len(arms) + 2), 3.5), dpi=100)
    for x, arm in enumerate(arms):
        losses = arm["held_out_loss"]
        spread = [x + 0.08 * (i - (len(losses) - 1) / 2) for i in range(len(losses))]
        ax.scatter(spread, losses, s=14, color="0.55", zorder=2)
        ax.errorbar([x], [arm["mean"]], yerr=[[arm["sd"] or 0.0], [arm["sd"] or 0.0]], fmt="o", color="C0", capsize=6, zorder=3)
    ax.axhline(metrics["base_model"]["held_out_loss"], color="C3", linestyle="--", linewidth=1, label="base model")
    ax.set_xticks(range(len(arms)), [a["name"] for a in arms])
    ax.set_ylabel("held-out loss")
    ax.set_title(f"{len(metrics['seeds'])} seeds per arm, {metrics['budget']['optimizer_steps']} steps each", fontsize=9)
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
