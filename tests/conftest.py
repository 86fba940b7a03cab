"""Shared fixtures: tiny real tables, an artifact store in a temp dir, and
Prefect pointed at a throwaway home so tests never touch ~/.prefect."""

from __future__ import annotations

import dataclasses
import json
import os
import typing
from pathlib import Path

import pyarrow as pa
import pytest

from curate.artifacts.store import StoredRows

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "datasets"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


def conversation(cid: str, user: str, assistant: str, *, source: str = "test", meta: dict | None = None,
                 system: str | None = None) -> dict:
    """One canonical conversation row (schemas.CONVERSATION) for hand-written fixtures."""
    messages = [{"role": "system", "content": system, "name": None, "tool_calls": None}] if system else []
    messages += [
        {"role": "user", "content": user, "name": None, "tool_calls": None},
        {"role": "assistant", "content": assistant, "name": None, "tool_calls": None},
    ]
    return {"id": cid, "messages": messages, "source": source, "source_format": "openai",
            "source_ref": f"{source}.jsonl:{cid}", "meta": json.dumps(meta or {})}


def conversations_table(rows: list[dict]) -> pa.Table:
    from schemas import CONVERSATION

    return pa.Table.from_pylist(rows, schema=CONVERSATION)


@pytest.fixture
def store(tmp_path):
    from curate.artifacts import ArtifactStore

    return ArtifactStore(tmp_path / "artifacts")


@pytest.fixture
def shared_datasets() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent: shared sample datasets are only beside the checkout in CI and dev sessions")
    return SHARED


@pytest.fixture
def real(shared_datasets) -> Path:
    """``../shared/datasets/real``: unedited public files, for checks on data nobody here wrote."""
    path = shared_datasets / "real"
    if not path.is_dir():
        pytest.skip(f"{path} is absent: the real public datasets are only beside the checkout in dev sessions")
    return path


@pytest.fixture(scope="session")
def prefect_home(tmp_path_factory):
    """A private Prefect home and quiet settings for tests that run real flows."""
    home = tmp_path_factory.mktemp("prefect-home")
    os.environ["PREFECT_HOME"] = str(home)
    from pipelines.flows import quiet_prefect

    quiet_prefect()
    return home


@dataclasses.dataclass(frozen=True)
class CountedRows(StoredRows):
    """Stored rows that note the most rows one read returned: a step that reads its input by location
    in batches must never read more than a batch."""

    largest: typing.ClassVar[int] = 0

    @classmethod
    def of(cls, rows: StoredRows) -> CountedRows:
        CountedRows.largest = 0
        return cls(**dataclasses.asdict(rows))

    def read(self, columns=None):
        table = super().read(columns)
        CountedRows.largest = max(CountedRows.largest, table.num_rows)
        return table
