"""`curate compare`: "did curation help?" on a flow's raw ingest and curated split.

Thin: runs the flow (cached steps are reused), reads the ingest and split
artifacts, and calls ``train.evaluate.compare.compare_curation``. Hook into
``pipelines/cli.py`` with ``from pipelines.cli_compare import compare`` and
``app.command()(compare)``; or run ``python -m pipelines.cli_compare``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer


def compare(
    flow: Annotated[str, typer.Argument(help="Flow whose ingest (raw) and split (curated) steps are compared.")] = "curation",
    config: Annotated[Path, typer.Option("--config", "-c", help="The flows file.")] = Path("flows.yaml"),
    raw_step: Annotated[str, typer.Option(help="Step holding the raw ingested rows.")] = "ingest",
    split_step: Annotated[str, typer.Option(help="Step holding the curated split.")] = "split",
    base_model: Annotated[str, typer.Option(help="Base model name, folder or cached hub id.")] = "smollm2-135m-instruct",
    steps: Annotated[int, typer.Option(help="Optimizer steps for each adapter (the shared budget).")] = 40,
    batch_size: Annotated[int, typer.Option(help="Examples per step.")] = 4,
    max_length: Annotated[int, typer.Option(help="Tokens per example.")] = 512,
    loss_rows: Annotated[int, typer.Option(help="Held-out rows scored for loss.")] = 100,
    generate_rows: Annotated[int, typer.Option(help="Held-out prompts generated for ROUGE-L.")] = 20,
    max_new_tokens: Annotated[int, typer.Option(help="Greedy tokens per answer.")] = 48,
    out: Annotated[Path, typer.Option(help="Where the two adapters and compare.json go.")] = Path("data/compare"),
    seed: Annotated[int, typer.Option(help="Seed of training and of the evaluation samples.")] = 0,
) -> None:
    """Train one LoRA adapter on the raw ingested rows and one on the curated train split (same step
    budget), evaluate both on the same clean held-out test rows, and print a table.

    Example: `curate compare compare_curation -c bench/eval/flows_compare.yaml --steps 40`
    """
    from curate.artifacts import open_store
    from pipelines.config import load_project
    from pipelines.flows import quiet_prefect, run_flow
    from train.config import TrainSFTConfig
    from train.evaluate.compare import compare_curation, table_markdown
    from train.evaluate.config import EvaluateConfig

    quiet_prefect()
    project = load_project(config)
    done = dict(run_flow(project, flow))
    for step in (raw_step, split_step):
        if step not in done:
            raise typer.BadParameter(f"flow {flow!r} has no step {step!r}; steps: {', '.join(done)}")
    store = open_store(project.artifacts_root)
    train_cfg = TrainSFTConfig(base_model=base_model, max_steps=steps, per_device_batch_size=batch_size,
                               gradient_accumulation_steps=1, max_length=max_length, logging_steps=5, seed=seed,
                               early_stopping_patience=None)
    eval_cfg = EvaluateConfig(max_loss_rows=loss_rows, generate_rows=generate_rows, max_new_tokens=max_new_tokens,
                              max_length=max_length, seed=seed)
    result = compare_curation(store.read(done[raw_step]), store.read(done[split_step]), train_cfg, eval_cfg, out,
                              log=lambda m: typer.echo(m, err=True))
    result["artifacts"] = {raw_step: done[raw_step].version, split_step: done[split_step].version}
    out.mkdir(parents=True, exist_ok=True)
    (out / "compare.json").write_text(json.dumps(result, indent=2) + "\n")
    typer.echo(table_markdown(result))


if __name__ == "__main__":
    typer.run(compare)
