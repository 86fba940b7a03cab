"""Deduplication: text views of a conversation and the dedup stages over them."""
