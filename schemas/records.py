"""The record formats every stage reads and writes, as explicit Arrow schemas.

Why explicit: Parquet parts written by different stages, runs and machines must
concatenate without schema drift, and a reader must be able to tell at a glance
what a column holds. Heterogeneous, source-specific extras (ratings, tools,
labels, categories) live in ``meta`` as a JSON object string, because a fixed
Parquet schema cannot hold the union of every source's keys.
"""

from __future__ import annotations

import pyarrow as pa

ROLES = ("system", "user", "assistant", "tool")

TOOL_CALL = pa.struct(
    [
        pa.field("id", pa.string()),
        pa.field("name", pa.string(), nullable=False),
        # JSON text, as OpenAI and trl carry it; kept verbatim so it stays valid JSON.
        pa.field("arguments", pa.string(), nullable=False),
    ]
)

MESSAGE = pa.struct(
    [
        pa.field("role", pa.string(), nullable=False),
        pa.field("content", pa.string(), nullable=False),
        pa.field("name", pa.string()),
        pa.field("tool_calls", pa.list_(TOOL_CALL)),
    ]
)

MESSAGES = pa.list_(MESSAGE)

CONVERSATION = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("messages", MESSAGES, nullable=False),
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_format", pa.string(), nullable=False),
        pa.field("source_ref", pa.string(), nullable=False),
        pa.field("meta", pa.string(), nullable=False),
    ]
)
"""One conversation. ``id`` is a stable hash of the normalised messages (see
``curate.ingest.normalise.conversation_id``); ``source_ref`` is ``file:line`` or
``file#row=N`` so every row can be traced back to the raw input."""

REMOVED = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("stage", pa.string(), nullable=False),
        pa.field("reason", pa.string(), nullable=False),
        pa.field("detail", pa.string(), nullable=False),
        pa.field("duplicate_of", pa.string()),
        pa.field("score", pa.float64()),
        pa.field("source_ref", pa.string(), nullable=False),
        # The row as it entered the stage (JSON), or the raw text for input that
        # never became a row; a stage that handles secrets stores a redacted form.
        pa.field("record", pa.string(), nullable=False),
    ]
)
"""A row a stage dropped or quarantined: why (``reason`` is a short code,
``detail`` a sentence naming the field and value seen), and what it duplicates."""

PREFERENCE_PAIR = pa.schema(
    [
        pa.field("id", pa.string(), nullable=False),
        pa.field("prompt", MESSAGES, nullable=False),
        pa.field("chosen", MESSAGES, nullable=False),
        pa.field("rejected", MESSAGES, nullable=False),
        pa.field("margin", pa.float64()),
        pa.field("source", pa.string(), nullable=False),
        pa.field("source_ref", pa.string(), nullable=False),
        pa.field("meta", pa.string(), nullable=False),
    ]
)
"""A DPO pair in trl's conversational layout: prompt, chosen and rejected are
message lists; ``margin`` is the rating gap where the source had ratings."""

SPLIT_NAMES = ("train", "validation", "test")

SPLIT_CONVERSATION = pa.schema(list(CONVERSATION) + [pa.field("split", pa.string(), nullable=False)])
"""A conversation with the split it was assigned to (``train``, ``validation``, ``test``)."""

PREFERENCE_PAIR_SPLIT = pa.schema(list(PREFERENCE_PAIR) + [pa.field("split", pa.string(), nullable=False)])
"""A DPO pair with the split its prompt belongs to (``build_pairs`` output)."""


def embeddings_schema(dim: int) -> pa.Schema:
    """Embeddings of one text view of each conversation, keyed by conversation id."""
    return pa.schema(
        [
            pa.field("id", pa.string(), nullable=False),
            pa.field("vector", pa.list_(pa.float32(), dim), nullable=False),
        ]
    )
