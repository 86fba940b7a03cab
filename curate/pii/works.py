"""Whether a text is about a published work or quotes someone known: then its names are public.

Answers about novels, films and series name their characters by first name ("Atticus, a lawyer,
defends ...", "Nick grabbed a rocket launcher"), which reads exactly like a story about someone
private. What tells them apart is that the text names the work as a work: a quoted title beside
what kind of work it is ('"To Kill a Mockingbird" is a novel', 'the film "Inception"'), or a title
an encyclopaedia lists where a work's title stands ("In The Avengers, the Council ...", "The
Shawshank Redemption follows ...", "In the movie Titanic, ..."). Generated stories rarely do:
"a story", "a poem" and "a song" are what instruction data asks to be written, so they do not count
as works here, nor do titles the encyclopaedia does not know unless quoted beside their kind.

A quotation signed with a name on its own line ('"The only way ..." - Charles Kingsleigh') is a
famous saying: whoever signs it is public.
"""

from __future__ import annotations

import re
from functools import lru_cache

from curate.pii.encyclopaedia import is_title
from curate.pii.names import seen_in_english

_KINDS = (r"novel|novella|film|movie|book|play|series|show|sitcom|musical|opera|album|(?:video )?game|comic|manga|"
          r"anime|episode|thriller|comedy|drama|documentary|trilogy|saga|franchise|memoir|biography|epic|tragedy")
_QUOTED = r"[\"“](?:[A-Z0-9][^\"”\n]{0,80})[\"”]"
_QUOTED_WORK = re.compile(
    rf"\b(?i:the|a|an|his|her|their)[ ]+(?:[\w-]+[ ]+){{0,2}}?(?i:{_KINDS}),?[ ]+{_QUOTED}"   # the novel "1984"
    rf"|{_QUOTED}(?:[ ]\(\d{{4}}\))?,?[ ]+(?:is|was)[ ]+(?:a|an|the)[ ]+(?:[\w-]+[ ]+){{0,4}}?(?i:{_KINDS})s?\b"
    rf"|{_QUOTED}[ ]+(?:tells|follows|centers|centres|depicts)\b")                        # "1984" tells the story
_TITLE_WORD = r"(?:[A-Z][\w'’-]*|of|the|and)"
_LISTED_WORK = re.compile(
    rf"(?:^|(?<=[.!?\n][ ]))In[ ](?P<a>[A-Z][\w'’-]*(?:[ ]{_TITLE_WORD}){{1,2}}),"              # In The Avengers,
    rf"|(?:^|(?<=[.!?\n][ ]))(?P<b>[A-Z][\w'’-]*(?:[ ]{_TITLE_WORD}){{1,2}})[ ]+(?:tells|follows)[ ]")
# A title after its kind, unquoted: "In the movie Titanic, Jack Dawson ...", "the novel Pride and Prejudice".
_KIND_THEN_TITLE = re.compile(rf"\b(?i:the)[ ]+(?:[\w-]+[ ]+){{0,2}}?(?i:{_KINDS})[ ]+"
                              rf"(?P<c>[A-Z][\w'’-]*(?:[ ]{_TITLE_WORD}){{0,3}})")
# A title the sentence opens by calling it a work, unquoted: "Inception is a movie about a man named Cobb",
# "Hamlet is a tragedy set in Denmark" (a person would be "a film student", "a book lover").
_CALLED_A_WORK = re.compile(
    rf"(?:^|(?<=[.!?\n][ ]))[A-Z][\w'’-]*(?:[ ]{_TITLE_WORD}){{0,3}}[ ]+(?:is|was)[ ]+(?:a|an)[ ]+(?:\d{{4}}[ ]+)?"
    rf"(?:[\w-]+[ ]+){{0,3}}?(?:{_KINDS})[ ]+(?:about|set[ ]in|that|which|in[ ]which)\b")
# Scripture is a work too: a text that names its parts, or cites chapter and verse twice, discusses or retells it,
# and its names are its figures ("listed in both the Old and New Testaments", "Judith 8:1", "the Gospel of
# Superman"). "the Bible" alone does not count: stories mention it ("Then it hits me: the Bible.").
_SCRIPTURE = re.compile(r"\b(?:Old Testament|New Testament|Testaments|Gospels?|Scriptures?|Torah|Quran|Koran)\b")
_VERSE = re.compile(r"\b[A-Z][a-z]+[ ]\d{1,3}:\d{1,3}\b")
_SIGNED_QUOTE = re.compile(r"[\"”][ \t]*[-–—~][ \t]*(?P<name>[A-Z][\w.'’-]*(?:[ ][A-Z][\w.'’-]*){0,3})[ \t]*$", re.M)


@lru_cache(maxsize=8)
def names_a_work(text: str) -> bool:
    """Whether the text names a film, book, series or game as such (quoted beside its kind, a listed title,
    or a sentence that opens by calling its title one), or discusses scripture."""
    if ('"' in text or "“" in text) and _QUOTED_WORK.search(text):
        return True
    if _SCRIPTURE.search(text) or (":" in text and len(_VERSE.findall(text)) >= 2) or _CALLED_A_WORK.search(text):
        return True
    if any(is_title((m.group("a") or m.group("b")).split()) for m in _LISTED_WORK.finditer(text)):
        return True
    return any(_a_title_after_its_kind(text, m) for m in _KIND_THEN_TITLE.finditer(text))


def _a_title_after_its_kind(text: str, m: re.Match) -> bool:
    """Whether the capitalised words after "the movie" open with a listed title, or are one word English
    writes capitalised that the sentence ends or pauses after ("the movie Titanic,"): the encyclopaedia
    here holds titles of two and three words."""
    words = m.group("c").split()
    return any(is_title(words[:k]) for k in (3, 2)) or (
        len(words) == 1 and text[m.end():m.end() + 1] in ",.;:!?)" and seen_in_english(words[0]))


@lru_cache(maxsize=8)
def signed_quotes(text: str) -> tuple[tuple[int, int], ...]:
    """The ``(start, end)`` of the names that sign a quotation at the end of a line."""
    if '"' not in text and "”" not in text:
        return ()
    return tuple((m.start("name"), m.end("name")) for m in _SIGNED_QUOTE.finditer(text))
