"""Sentence embeddings of a conversation view: the ``embed`` stage and its encoders.

Semantic dedup, clustering, selection, pair building and the paraphrase check all read the
vectors this stage stores, so it lives beside them rather than inside dedup."""
