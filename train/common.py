"""What SFT and DPO share: the logger and library versions."""

from __future__ import annotations

import logging

from curate.artifacts.runner import code_versions

log = logging.getLogger("llm_curate.train")


def library_versions() -> dict[str, str]:
    """The same library list every artifact manifest records, plus this code's version."""
    return code_versions()
