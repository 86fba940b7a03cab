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
    public there (a role, a byline, fame, a text about the public world), which the other turns of the
    conversation read as public too where nothing marks them private; and ``cleared``: the full names it
    judged no private person's ("Steve Jobs"), kept whole or redacted whole where a name found elsewhere
    shares a word with them (``persons.name_mentions``)."""

    def __init__(self, findings: Iterable[Finding] = (), public: Iterable[str] = (),
                 cleared: Iterable[Finding] = ()) -> None:
        super().__init__(findings)
        self.public = frozenset(public)
        self.cleared = tuple(cleared)

    def keeping(self, findings: Iterable[Finding]) -> TextFindings:
        """Other findings of the same text: what was judged of its names (``public``, ``cleared``) still holds."""
        return TextFindings(findings, self.public, self.cleared)

    def __reduce__(self):  # the worker pool pickles results: keep ``public`` and ``cleared`` with the list
        return TextFindings, (list(self), self.public, self.cleared)
