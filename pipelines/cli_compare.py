"""`curate compare`: run a flow that holds a ``compare`` step and print its table.

Thin: the comparison is the ``compare`` stage (``train.evaluate.compare``), so
it is an artifact with lineage like any step, and ``curate run`` makes the
same artifact; this command runs the flow (cached steps are reused) and
prints the table from the step's manifest.
"""

from __future__ import annotations

import inspect
from pathlib import Path
from typing import Annotated

import typer

EXAMPLE = """\
Example: a flow in flows.yaml whose compare step names its arms (earlier steps or pinned artifact versions)

```yaml
  compare_selection:
    extends: selection
    steps:
      - stage: select             # a seeded random half
        name: select_random
        inputs: {records: score_ifd, embeddings: embed}
        config: {share: 0.5, by: random, max_cosine: null, max_ifd: null, seed: 0}
      - stage: compare
        inputs: {test: split}     # its test rows are the held-out set
        config:
          arms:
            - {name: random, step: select_random}
            - {name: ifd, step: select}
            - {name: reviewed, artifact: b44fff48351d}
          baseline: random          # every arm is paired against it
          seeds: 3
          max_steps: 100
          batch_size: 8
          max_length: 512
```

then `curate compare compare_selection`.
"""


def compare(
    flow: Annotated[str, typer.Argument(help="A flow with a `compare` step (see the example below).")],
    config: Annotated[Path, typer.Option("--config", "-c", help="The flows file.")] = Path("flows.yaml"),
    step: Annotated[str | None, typer.Option(help="The compare step to print, when the flow has several; default: the last.")] = None,
) -> None:
    """Train one LoRA adapter per arm and seed with the same budget, score each on the same
    decontaminated held-out rows, and print mean ± sd per arm and the paired difference
    against the baseline arm with a 95% t interval. The result is the step's artifact
    (`curate artifacts show VERSION --card`; its files/ hold the plot and every run's log).
    """
    from curate.artifacts.store import ArtifactNotFound
    from curate.stage import StageFailed
    from pipelines.cli_common import fail, out
    from pipelines.config import ConfigError, load_project, resolve_flow
    from pipelines.flows import quiet_prefect, run_flow
    from train.evaluate.compare_card import compare_table

    quiet_prefect()
    try:
        project = load_project(config)
        steps = [s.name for s in resolve_flow(project, flow) if s.stage == "compare"]
        if not steps or (step is not None and step not in steps):
            wanted = f"no compare step named {step!r}" if step else "no compare step"
            fail(f"flow {flow!r} has {wanted} (compare steps: {', '.join(steps) or 'none'}); see `curate compare --help`")
        done = dict(run_flow(project, flow))
    except (ConfigError, ArtifactNotFound, StageFailed) as exc:
        fail(str(exc))
    artifact = done[step or steps[-1]]
    out.print(f"compare/{artifact.version}" + (" (cached)" if artifact.cached else ""), highlight=False)
    out.print(compare_table(artifact.manifest["metrics"]), highlight=False, markup=False)


compare.__doc__ = f"{inspect.cleandoc(compare.__doc__)}\n\n{EXAMPLE}"


if __name__ == "__main__":
    typer.run(compare)
