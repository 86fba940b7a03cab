"""llm-curate: curation stages over Arrow/Polars data, and the artifact mechanism that runs them."""

__version__ = "0.1.0"
