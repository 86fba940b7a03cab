"""Ingest: raw chat and instruction files to canonical conversations."""

from curate.ingest.read import UnreadableInput
from curate.ingest.stage import Ingest, IngestConfig, Source

__all__ = ["Ingest", "IngestConfig", "Source", "UnreadableInput"]
