"""What every ``curate`` command shares: the consoles, the one-line failure, the common
options and the artifact store a command reads. Commands import from here, never from each
other, so ``pipelines/cli.py`` can import the command modules to register them."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape

from curate.artifacts import ArtifactStore, open_store
from curate.artifacts.store import is_url
from pipelines.config import ConfigError, load_project

out = Console(width=None if sys.stdout.isatty() else 140)
err = Console(stderr=True)

ConfigOption = Annotated[Path, typer.Option("--config", "-c", help="The flows file.", show_default=True)]
ArtifactsOption = Annotated[Optional[str], typer.Option("--artifacts", help="Artifact root, a folder or an fsspec URL (s3://bucket/prefix); defaults to artifacts_url or artifacts_dir in flows.yaml, else data/artifacts.")]


def fail(message: str) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(2)


def store_for(config: Path, artifacts: str | None) -> ArtifactStore:
    """The store the command reads: ``--artifacts``, else the flows file's, else data/artifacts."""
    if artifacts:
        return open_store(artifacts if is_url(artifacts) else store_root(Path(artifacts), "--artifacts"))
    if config.is_file():
        try:
            project = load_project(config)
        except ConfigError as exc:
            fail(str(exc))
        return open_store(project.artifacts_url or store_root(project.artifacts_dir, f"{config}: artifacts_dir"))
    return open_store("data/artifacts")


def store_root(root: Path, where: str) -> Path:
    """An artifacts root that is a folder, or will be made as one."""
    if root.exists() and not root.is_dir():
        fail(f"{where} {root} is a file, not a folder; point it at a folder (a missing one is made)")
    return root
