"""Grouped, stratified train/validation/test splits, the contamination check
between them, and general-data mixing into train."""
