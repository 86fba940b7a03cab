"""The one artifact mechanism: versions, storage, cards and the runner."""

from curate.artifacts.fingerprint import fingerprint
from curate.artifacts.runner import StageContractError, run_stage
from curate.artifacts.store import Artifact, ArtifactNotFound, ArtifactStore, open_store

__all__ = ["Artifact", "ArtifactNotFound", "ArtifactStore", "StageContractError", "fingerprint", "open_store", "run_stage"]
