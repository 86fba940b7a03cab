"""Diversity clustering over stored embeddings: k-means, c-TF-IDF labels, a
diversity summary and a diversity-aware selection to a budget."""
