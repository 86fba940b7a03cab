"""The eval card section and plots, from an ``EvalReport`` (model-card-like: what, on what, how well)."""

from __future__ import annotations

import io
from typing import Any

from train.evaluate.core import EvalReport
from train.evaluate.leakage import DisjointnessProof


def _cell(text: Any, limit: int = 240) -> str:
    s = "" if text is None else str(text)
    s = s if len(s) <= limit else s[:limit] + "…"
    return s.replace("|", "\\|").replace("\n", "<br>")


def _fmt(x: Any) -> str:
    return "n/a" if x is None else (f"{x:.4f}" if isinstance(x, float) else str(x))


def eval_card(report: EvalReport, proof: DisjointnessProof, model_desc: str) -> str:
    m = report.metrics
    lines = [f"## Evaluation of {model_desc}", ""]
    if report.gate is not None:
        lines += [f"**{report.gate.sentence()}**", ""]
    lines += ["### Held-out data is disjoint from training data", "",
              f"{proof.held_out_rows} held-out rows ({'/'.join(proof.held_out_splits)}) against {proof.train_rows} trained rows: "
              f"no shared id, and no shared group among {', '.join(f'{n} `{k}`' for k, n in proof.groups_checked.items())}.", ""]
    lines += ["### Metrics (base = adapter disabled)", "", "| set | metric | base | tuned |", "|---|---|---|---|"]
    h = m.get("held_out", {})
    lines += [f"| held-out ({h.get('rows_scored')} rows, {h.get('tokens')} tokens) | loss | {_fmt(h.get('base_loss'))} | {_fmt(h.get('tuned_loss'))} |",
              f"| held-out | perplexity | {_fmt(h.get('base_perplexity'))} | {_fmt(h.get('tuned_perplexity'))} |"]
    if g := m.get("generation"):
        lines += [f"| generation ({g['prompts']} prompts, greedy, ≤{g['max_new_tokens']} tokens) | ROUGE-L | {_fmt(g['base_rouge_l'])} | {_fmt(g['tuned_rouge_l'])} |",
                  f"| generation | exact match | {_fmt(g['base_exact_match'])} | {_fmt(g['tuned_exact_match'])} |",
                  f"| generation ({g['formatted_references']} JSON references) | format ok | {_fmt(g['base_format_ok'])} | {_fmt(g['tuned_format_ok'])} |"]
    if gen := m.get("general"):
        lines += [f"| general ({gen['rows_scored']} rows) | loss | {_fmt(gen['base_loss'])} | {_fmt(gen['tuned_loss'])} |"]
    if p := m.get("preference"):
        lines += [f"| pairs ({p['pairs']}, beta {p['beta']}) | preference accuracy | — | {_fmt(p['accuracy'])} |",
                  f"| pairs | mean reward margin | — | {_fmt(p['mean_reward_margin'])} |"]
    lines.append("")
    if report.samples:
        lines += ["### Side-by-side samples", "", "| prompt | reference | base | tuned |", "|---|---|---|---|"]
        lines += [f"| {_cell(s['prompt'])} | {_cell(s['reference'])} | {_cell(s['base_output'])} | {_cell(s['tuned_output'])} |"
                  for s in report.samples]
        lines.append("")
    lines += ["Plots: `files/losses.png` (set losses, base vs tuned), `files/per_example_loss.png`.", ""]
    return "\n".join(lines)


def plots(report: EvalReport) -> dict[str, bytes]:
    """PNG bytes by file name."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out: dict[str, bytes] = {}
    sets = [(name, report.metrics[key]) for name, key in (("held-out", "held_out"), ("general", "general")) if key in report.metrics]
    fig, ax = plt.subplots(figsize=(5, 3.2), dpi=100)
    xs = range(len(sets))
    ax.bar([x - 0.2 for x in xs], [s["base_loss"] or 0 for _, s in sets], 0.4, label="base")
    ax.bar([x + 0.2 for x in xs], [s["tuned_loss"] or 0 for _, s in sets], 0.4, label="tuned")
    ax.set_xticks(list(xs), [n for n, _ in sets])
    ax.set_ylabel("loss on assistant tokens")
    if report.gate is not None:
        ax.set_title(f"gate {'passed' if report.gate.passed else 'FAILED'} ({report.gate.rel_change:+.1%} general)", fontsize=9)
    ax.legend()
    fig.tight_layout()
    out["losses.png"] = _png(fig, plt)

    pts = [(r["base_loss"], r["tuned_loss"]) for r in report.rows if r["set"] == "test" and r.get("base_loss") is not None]
    fig, ax = plt.subplots(figsize=(4, 4), dpi=100)
    if pts:
        xs_, ys_ = zip(*pts)
        ax.scatter(xs_, ys_, s=8, alpha=0.6)
        hi = max(max(xs_), max(ys_))
        ax.plot([0, hi], [0, hi], color="grey", lw=0.8)
    ax.set_xlabel("base loss")
    ax.set_ylabel("tuned loss")
    ax.set_title("held-out loss per example (below the line: better)", fontsize=8)
    fig.tight_layout()
    out["per_example_loss.png"] = _png(fig, plt)
    return out


def _png(fig, plt) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()
