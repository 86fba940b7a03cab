"""PII detection and redaction as pure functions (presidio + spaCy, offline).

``nlp_engine`` / ``tuned_analyzer`` build the analyzer, ``find_pii`` finds spans
in a batch of texts, ``redact_conversations`` applies a ``PiiPolicy`` to
conversations (JSON tool arguments and results stay valid JSON). The
``redact_pii`` stage in ``curate.pii.stage`` adapts them to Arrow tables.
"""

from curate.pii.analyzer import default_analyzer, find_pii, nlp_engine, resolve_overlaps, tuned_analyzer
from curate.pii.finding import Finding
from curate.pii.policy import DEFAULT_ENTITIES, ExtraPattern, PiiPolicy
from curate.pii.redact import Pseudonymizer, RedactedConversation, redact_conversations, redact_text

__all__ = [
    "DEFAULT_ENTITIES", "ExtraPattern", "Finding", "PiiPolicy", "Pseudonymizer", "RedactedConversation",
    "default_analyzer", "find_pii", "nlp_engine", "redact_conversations", "redact_text", "resolve_overlaps",
    "tuned_analyzer",
]
