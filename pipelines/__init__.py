"""Prefect flows, the stage registry and the ``curate`` CLI: the only layer that imports Prefect."""
