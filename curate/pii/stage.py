"""``redact_pii``: redact PII in every text a row carries (all roles, names, tool calls, source meta).

A thin adapter over ``curate.pii``: it finds and replaces PII in one batched
pass over message contents and ``name`` fields, tool-call arguments and
results (JSON keys and values), a preference row's ``meta.rejected`` reply and
every other value the source put in ``meta`` (extra keys such as
``customer_email`` are kept, their values redacted). Per row it writes to
``meta``:

* ``pii``: entity counts (types and counts, never values);
* ``pii_language``: the row's language (``curate.language``), which decides
  whether English NER can find names in it (``en``) or only the
  language-independent recognizers apply;
* ``raw_digest``: hex sha256 of the canonical JSON of the messages *before*
  redaction, so deduplication can tell rows that were equal from rows that
  redaction made equal.

Records whose policy says ``drop`` are removed (their stored ``record`` is the
*redacted* row, so no raw value reaches the removed table either). The card
reports counts, the policy (with its ``person`` setting), rows per language and how many had no name model
for their language, and redacted examples.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping

import pyarrow as pa

from curate import meta as metajson
from curate.language import UNDETERMINED
from curate.pii.analyzer import LANGUAGE
from curate.pii.batch import redact_in_shards
from curate.pii.context_model import load_model as load_context_model
from curate.pii.notability import model_dtype
from curate.pii.policy import PiiPolicy
from curate.pii.redact import raw_digest
from curate.stage import Stage, StageContext, StageResult, removed_table
from schemas import CONVERSATION

NAME_MODEL_LANGUAGES = frozenset({LANGUAGE})
"""Languages with a name (NER) model; other rows get the language-independent recognizers only."""


class RedactPii(Stage):
    name = "redact_pii"
    version = "55"
    Config = PiiPolicy
    row_local = True
    output_schema = CONVERSATION

    def run(self, inputs: Mapping[str, pa.Table], config: PiiPolicy, ctx: StageContext) -> StageResult:
        table = inputs["records"]
        rows = table.to_pylist()
        kept, removed = [], []
        totals: Counter[str] = Counter()
        rows_with: Counter[str] = Counter()
        languages: Counter[str] = Counter()
        examples: list[str] = []
        redacted = redact_in_shards([r["messages"] for r in rows], config, [metajson.parse(r["meta"]) for r in rows],
                                    ctx.progress)
        for row, red in zip(rows, redacted, strict=True):
            totals.update(red.counts)
            rows_with.update(red.counts.keys())
            languages[red.language] += 1
            meta = {**red.meta, "pii": red.counts, "pii_language": red.language, "raw_digest": raw_digest(row["messages"])}
            new = {**row, "messages": red.messages, "meta": metajson.dump(meta)}
            if red.drop_entities:
                removed.append({
                    "id": row["id"], "stage": self.name, "reason": "pii_drop",
                    "detail": f"contains {', '.join(red.drop_entities)}, whose operator is drop",
                    "source_ref": row["source_ref"],
                    "record": json.dumps(new, ensure_ascii=False, default=str),
                })
                continue
            kept.append(new)
            examples.extend(red.changed_texts[: max(0, config.card_examples - len(examples))])
        no_name_model = sum(n for lang, n in languages.items() if lang not in NAME_MODEL_LANGUAGES | {UNDETERMINED})
        metrics = {
            "entities_found": dict(sorted(totals.items())),
            "rows_with_pii": dict(sorted(rows_with.items())),
            "rows_redacted": sum(1 for r in kept if json.loads(r["meta"])["pii"]),
            "rows_dropped": len(removed),
            "rows_by_language": dict(languages.most_common()),
            "rows_without_name_model": no_name_model,
            "fame_model_dtype": model_dtype() if config.asks_fame else None,
            "policy": {
                "entities": list(config.entities), "person": config.person, "score_threshold": config.score_threshold,
                "default_operator": config.default_operator, "operators": dict(config.operators),
                "allow_list_terms": len(config.allow_list), "extra_patterns": [p.entity for p in config.extra_patterns],
            },
        }
        return StageResult(
            kept=pa.Table.from_pylist(kept, schema=CONVERSATION),
            removed=removed_table(removed),
            metrics=metrics,
            card=_card(totals, rows_with, config, examples, languages, no_name_model),
        )


def _card(totals: Counter[str], rows_with: Counter[str], config: PiiPolicy, examples: list[str],
          languages: Counter[str], no_name_model: int) -> str:
    lines = ["| entity | found | rows | operator |", "|---|---:|---:|---|"]
    lines += [f"| `{e}` | {totals.get(e, 0)} | {rows_with.get(e, 0)} | {config.operator_for(e)} |"
              for e in sorted(set(config.entities) | set(totals))]
    shown_languages = ", ".join(f"{lang} {n}" for lang, n in languages.most_common()) or "none"
    lines += ["", f"Person policy: `{config.person}` (`private`: names of private people only; `all`: every name "
              "found; `off`: none).", "", f"Rows by language (`meta.pii_language`): {shown_languages}. "
              f"Rows with no name model for their language: {no_name_model} (English NER runs on "
              f"{', '.join(sorted(NAME_MODEL_LANGUAGES))} rows only; in other languages a name is found only where the text "
              "gives it as its writer's ('me llamo ...', '我叫...', a letter's closing) or greets its reader by it "
              "('Hola María,'); the other recognizers run on every row)."]
    if config.asks_fame:
        lines += ["", (f"Fame tests: `{config.known_names}` in {model_dtype()} (bfloat16 where the CPU multiplies "
                       "it natively; a name scored at a threshold's margin may get the other verdict in float32).")]
    if config.reads_context:
        lines += ["", ("Person-context model (`person_context`): a name nothing marks private or public is left where "
                       f"every mention of it reads as no private person's (P(private) < {load_context_model().threshold} "
                       "from MiniLM embeddings of the name and its passage; `curate/pii/context_model.py`).")]
    shown = [e.replace("\n", " ").replace("`", "'")[:200] for e in examples]
    lines += ["", f"Redacted examples (after redaction, at most {config.card_examples}):", ""]
    lines += [f"- `{e}`" for e in shown] or ["- (no PII found)"]
    return "\n".join(lines) + "\n"
