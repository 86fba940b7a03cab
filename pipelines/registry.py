"""Stage names as written in flows.yaml, mapped to their classes.

Imports are lazy so that ``curate --help`` or a flow of cheap stages does not
pay for importing torch, presidio or sentence-transformers.
"""

from __future__ import annotations

import importlib

from curate.stage import Stage

STAGES: dict[str, str] = {
    "ingest": "curate.ingest.stage:Ingest",
    "dedup_exact": "curate.dedup.exact:DedupExact",
    "redact_pii": "curate.pii.stage:RedactPii",
    "dedup_minhash": "curate.dedup.minhash_stage:DedupMinhash",
    "embed": "curate.embed.stage:Embed",
    "dedup_semantic": "curate.dedup.semantic:DedupSemantic",
    "score_quality": "curate.quality.stage:ScoreQuality",
    "score_ifd": "train.ifd.stage:ScoreIfd",
    "filter_quality": "curate.quality.stage:FilterQuality",
    "cluster": "curate.cluster.stage:Cluster",
    "decontaminate": "curate.decontam.stage:Decontaminate",
    "select": "curate.select.stage:Select",
    "split": "curate.split.stage:Split",
    "mix_general": "curate.split.stage:MixGeneral",
    "build_pairs": "curate.pairs.stage:BuildPairs",
    "train_sft": "train.stage:TrainSFT",
    "train_dpo": "train.stage:TrainDPO",
    "evaluate": "train.evaluate.stage:Evaluate",
    "evaluate_dpo": "train.evaluate.stage:EvaluateDpo",
    "compare": "train.evaluate.compare:Compare",
}


class UnknownStage(KeyError):
    pass


def stage_class(name: str) -> type[Stage]:
    try:
        module, _, attr = STAGES[name].partition(":")
    except KeyError:
        raise UnknownStage(f"unknown stage {name!r}; known stages: {', '.join(sorted(STAGES))}") from None
    return getattr(importlib.import_module(module), attr)
