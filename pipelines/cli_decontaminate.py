"""``curate decontaminate FILE...``: audit any dataset for benchmark items, writing nothing.

Hooked into ``pipelines/cli.py`` with ``app.command()(decontaminate)``.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Annotated, Optional

import typer


def decontaminate(
    paths: Annotated[list[Path], typer.Argument(help="Dataset files in any format ingest reads (.json, .jsonl, .jsonl.gz, .parquet).")],
    eval_set: Annotated[Optional[list[Path]], typer.Option("--eval", help="Your own eval set: a JSONL/CSV/Parquet file or a folder; repeat for more.")] = None,
    text_field: Annotated[str, typer.Option("--text-field", help="The field of each eval record that holds its text.")] = "text",
    benchmark: Annotated[Optional[list[str]], typer.Option("--benchmark", "-b", help="Only this shipped benchmark; repeat for more (default all 13).")] = None,
    views: Annotated[str, typer.Option("--views", help="Turns to check, comma-separated: user, assistant, system.")] = "user,assistant",
    threshold: Annotated[float, typer.Option("--threshold", help="Share of an item's 8-grams a row must hold.")] = 0.4,
    format: Annotated[str, typer.Option("--format", "-f", help="Record layout of the files (ingest's formats); default auto.")] = "auto",
    show: Annotated[int, typer.Option("--show", help="Hits printed, at most.")] = 50,
    paraphrase: Annotated[bool, typer.Option("--paraphrase", help="Also embed each row's first user turn (MiniLM) and list rows "
                                              "close to a benchmark item (cosine >= 0.9): for review, not counted as hits.")] = False,
) -> None:
    """Check dataset files against the shipped benchmark index (and your eval sets), print the rows that hold a
    benchmark item, and write nothing. Exits 1 when a row holds one, 0 when none does.

    Example: `curate decontaminate data/demo/alpaca.json --eval my_evals.jsonl`
    """
    from curate.decontam.stage import Decontaminate, DecontaminateConfig, EvalSet, detail
    from curate.ingest import Ingest, IngestConfig, Source, UnreadableInput
    from curate.stage import StageContext
    from pipelines.cli_common import err, fail, out

    try:
        ingest_config = IngestConfig(sources=tuple(Source(path=str(p), format=format) for p in paths))
        config = DecontaminateConfig(
            benchmarks=tuple(benchmark) if benchmark else DecontaminateConfig().benchmarks, policy="flag", threshold=threshold,
            views=tuple(v.strip() for v in views.split(",") if v.strip()),
            eval_sets=tuple(EvalSet(path=str(p), text_field=text_field) for p in eval_set or ()))
    except ValueError as exc:  # pydantic names the bad value
        fail(str(exc).replace("\n", "; "))
    stage = Decontaminate()
    try:
        stage.external_inputs(config)  # a missing, empty or malformed eval set stops here, before any reading
        rows = Ingest().run({}, ingest_config, StageContext())
    except UnreadableInput as exc:
        fail(str(exc))
    inputs = {"records": rows.kept}
    if paraphrase:
        from rich.progress import track

        from curate.embed.stage import Embed, EmbedConfig

        def progress(items, total=None, description=""):
            return track(items, total=total, description=description, console=err)

        inputs["embeddings"] = Embed().run(inputs, EmbedConfig(chunk_rows=256), StageContext(progress=progress)).kept
    result = stage.run(inputs, config, StageContext())
    from curate import meta as metajson
    from curate.decontam.match import Hit
    from curate.decontam.stage import META_KEY, PARAPHRASE_KEY

    found, similar = [], []
    for row in result.kept.select(["source_ref", "meta"]).to_pylist():
        meta = metajson.parse(row["meta"])
        if m := meta.get(META_KEY):
            found.append((row["source_ref"], Hit(0, m["benchmark"], m["item_id"], m["field"], m["coverage"], m["matched"], m["exact"], m["method"])))
        if m := meta.get(PARAPHRASE_KEY):
            similar.append((row["source_ref"], m))
    quarantined = rows.removed.num_rows
    out.print(f"{rows.kept.num_rows} rows checked ({quarantined} records ingest could not read), {len(found)} hold a benchmark item; "
              f"index {result.metrics['index_version']}", highlight=False)
    for name, count in Counter(h.benchmark for _, h in found).most_common():
        out.print(f"  {name}: {count}", highlight=False)
    for ref, hit in found[:show]:
        out.print(f"{ref}: {detail(hit)} (coverage {hit.coverage:.2f})", highlight=False, markup=False)
    if len(found) > show:
        err.print(f"... and {len(found) - show} more (--show N prints more)")
    if paraphrase:
        out.print(f"{len(similar)} more rows are close to a benchmark item by MiniLM (for review, not hits):", highlight=False)
        for ref, m in sorted(similar, key=lambda s: -s[1]["cosine"])[:show]:
            out.print(f"{ref}: {m['benchmark']} item {m['item_id']} (cosine {m['cosine']:.3f})", highlight=False, markup=False)
    if found:
        raise typer.Exit(1)
