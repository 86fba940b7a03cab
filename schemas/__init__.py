"""Canonical record schemas shared by every stage (imports nothing else of ours)."""

from schemas.records import (
    CONVERSATION,
    MESSAGE,
    MESSAGES,
    PREFERENCE_PAIR,
    REMOVED,
    ROLES,
    SPLIT_CONVERSATION,
    SPLIT_NAMES,
    TOOL_CALL,
    embeddings_schema,
)
from schemas.validate import RecordError, validate_messages, validate_table

__all__ = [
    "CONVERSATION",
    "MESSAGE",
    "MESSAGES",
    "PREFERENCE_PAIR",
    "REMOVED",
    "ROLES",
    "SPLIT_CONVERSATION",
    "SPLIT_NAMES",
    "TOOL_CALL",
    "embeddings_schema",
    "RecordError",
    "validate_messages",
    "validate_table",
]
