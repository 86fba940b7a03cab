"""Keep presidio off the network.

presidio's ``EmailRecognizer`` validates every match with ``tldextract.extract``,
whose module-level extractor downloads the public suffix list on first use and
logs a traceback when it cannot. We validate with a private ``TLDExtract`` that
has no URLs to fetch and no disk cache, so it reads only the suffix-list
snapshot bundled inside the tldextract wheel: no socket, no print, no files.
We subclass rather than patch ``tldextract.TLD_EXTRACTOR`` so that importing
this module changes nothing for other code in the process.
"""

from __future__ import annotations

from functools import lru_cache

import tldextract
from presidio_analyzer.predefined_recognizers import EmailRecognizer


@lru_cache(maxsize=1)
def offline_extractor() -> tldextract.TLDExtract:
    """A suffix extractor that uses only tldextract's bundled snapshot."""
    return tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None, fallback_to_snapshot=True)


def has_public_suffix(text: str) -> bool:
    """True when ``text`` (an address or host) ends in a known public suffix."""
    return offline_extractor()(text).fqdn != ""


class OfflineEmailRecognizer(EmailRecognizer):
    """presidio's email recognizer, validating domains against the bundled suffix list.

    Only the part after the last "@" is a domain: presidio validates the whole match, whose local
    part may hold slashes and dots, so a map link ("www.google.com/maps/place/Main+St/@37.33,-121.82",
    HH-RLHF) passed as an address on the host before its path."""

    def validate_result(self, pattern_text: str) -> bool:
        return has_public_suffix(pattern_text.rpartition("@")[2])
