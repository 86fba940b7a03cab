"""Quality signals: pure scorers over one conversation, and the stages that apply them.

``signals`` answers for one record (no tables, no state); ``filters`` turns
signals and declared thresholds into drop reasons; ``stage`` adapts both to
tables (``score_quality``, ``filter_quality``).
"""
