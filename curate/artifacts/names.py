"""Names that become path segments under the artifacts root, and the check that
a path built from data stays under it.

Stage names, versions and flow names come from flows.yaml, the command line
and run records on disk: all data. Joined into a path unchecked, ``../other``
reads another store and a run record whose flow is ``../../x`` writes a report
outside the root. A name is therefore one plain segment: letters, digits,
``_``, ``.`` and ``-``, starting with a letter or digit, so it is never ``..``,
never hidden (``.tmp-*`` scratch), never one of the store's own folders
(``_runs``, ``_reports``) and never holds a separator.
"""

from __future__ import annotations

import re
from pathlib import Path

_SEGMENT = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,127}")


class UnsafeName(ValueError):
    """A name that cannot be one folder under the artifacts root."""


def is_safe_name(value: object) -> bool:
    return isinstance(value, str) and _SEGMENT.fullmatch(value) is not None


def safe_name(value: object, what: str) -> str:
    """``value`` if it is one plain path segment, else ``UnsafeName`` naming ``what``."""
    if not is_safe_name(value):
        shown = repr(value) if isinstance(value, str) and len(value) <= 60 else f"a {type(value).__name__} value"
        raise UnsafeName(f"{what} {shown} is not a plain name: use letters, digits, '_', '.' and '-' "
                         "(starting with a letter or digit, no '/', at most 128 characters)")
    return value


def inside(root: Path | str, path: Path | str, what: str = "path") -> Path:
    """``path`` resolved, if it lies under ``root``; else ``UnsafeName``."""
    root, resolved = Path(root).resolve(), Path(path).resolve()
    if not resolved.is_relative_to(root):
        raise UnsafeName(f"{what} {path} would be outside the artifacts root {root}")
    return resolved
