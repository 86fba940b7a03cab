"""Canonical record schemas shared by every stage (imports nothing else of ours)."""

from schemas.records import CONVERSATION, MESSAGE, MESSAGES, PREFERENCE_PAIR, REMOVED, ROLES, TOOL_CALL
from schemas.validate import RecordError, validate_messages, validate_table

__all__ = [
    "CONVERSATION",
    "MESSAGE",
    "MESSAGES",
    "PREFERENCE_PAIR",
    "REMOVED",
    "ROLES",
    "TOOL_CALL",
    "RecordError",
    "validate_messages",
    "validate_table",
]
