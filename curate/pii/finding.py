"""One detected span, and one text's findings, as every part of ``curate.pii`` passes them around."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Finding:
    """One detected span: its type, character offsets and confidence (never its text)."""

    entity: str
    start: int
    end: int
    score: float
    presumed: bool = field(default=False, compare=False)
    """A PERSON the ``private`` policy keeps only because nothing in its text marks it public or
    private (an unknown name in a sentence): another turn of its conversation may still show it public."""


class TextFindings(list):
    """One text's findings in text order, with ``public``: the names the ``private`` policy judged
    public there (a role, a byline, fame, a text about the public world). The other turns of the
    conversation read them as public too, where nothing marks them private."""

    def __init__(self, findings: Iterable[Finding] = (), public: Iterable[str] = ()) -> None:
        super().__init__(findings)
        self.public = frozenset(public)

    def __reduce__(self):  # the worker pool pickles results: keep ``public`` with the list
        return TextFindings, (list(self), self.public)
