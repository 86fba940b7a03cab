"""The person-context model (curate/pii/context_model.py): names that nothing marked private and that
read as no private person's in their passage are left; private people's names stay redacted; a name's
mentions are judged together; texts with contact details are not asked. Real MiniLM, real weights."""

from __future__ import annotations

import pytest

from curate.pii.analyzer import analyzer_for, find_pii
from curate.pii.context_model import drop_public_by_context, load_model
from curate.pii.finding import Finding
from curate.pii.policy import PiiPolicy

RECIPE = "Whisk 1 tablespoon Dijon mustard with the juice of 1 lemon, then season the dressing with salt and pepper."
FILLER = " Let it rest for ten minutes before you pour it over the leaves, and keep the rest in a jar in the fridge."
AUNT = "My aunt Dijon called me last night; she is moving to a new flat next month and asked me to help her pack."
LETTER = AUNT + "\n\n" + FILLER.strip() + " " + RECIPE  # the same word as a person, then as a mustard


@pytest.fixture(scope="module")
def analyzer():
    policy = PiiPolicy()
    return analyzer_for(policy.model, policy.extra_patterns, policy.name_gazetteer)


def persons(analyzer, text: str, **policy) -> list[str]:
    return [text[f.start:f.end] for f in find_pii(analyzer, [text], PiiPolicy(**policy))[0] if f.entity == "PERSON"]


@pytest.mark.parametrize("text, thing", [
    ("- 1 tablespoon Dijon mustard\n- Juice of 1 lemon\n- Salt and freshly ground black pepper", "Dijon"),
    ("I found a recipe for you! You can make Chicken Fajitas. Here are the instructions: Slice the chicken.",
     "Chicken Fajitas"),
])
def test_a_thing_the_rules_take_for_a_name_is_left_where_its_passage_shows_no_person(analyzer, text, thing):
    assert persons(analyzer, text, person_context=False) == [thing]  # the rules alone redact it
    assert persons(analyzer, text) == []


def test_a_private_person_in_a_private_passage_stays_redacted(analyzer):
    text = "My neighbour Megan Kowalski keeps parking in front of my garage. How do I ask her to stop?"
    assert persons(analyzer, text) == ["Megan Kowalski"]


def test_the_policy_names_the_model_and_can_switch_it_off():
    assert PiiPolicy().reads_context
    assert not PiiPolicy(person_context=False).reads_context
    assert not PiiPolicy(person="all").reads_context
    model = load_model()
    assert model.coef.shape == (768,) and 0 < model.threshold < 0.5


def _mentions(text: str) -> tuple[Finding, Finding]:
    first = text.index("Dijon")
    second = text.index("Dijon", first + 1)
    return (Finding("PERSON", first, first + 5, 0.6, presumed=True),
            Finding("PERSON", second, second + 5, 0.6, presumed=True))


def test_a_name_is_dropped_only_where_none_of_its_mentions_reads_private():
    aunt, recipe = _mentions(LETTER)
    assert drop_public_by_context([LETTER], [[recipe]]) == [[]]  # the recipe's mention alone reads as a thing
    assert drop_public_by_context([LETTER], [[aunt, recipe]]) == [[aunt, recipe]]  # the aunt keeps both redacted


def test_a_name_shown_private_elsewhere_in_the_text_is_not_asked():
    aunt, recipe = _mentions(LETTER)
    cued = Finding("PERSON", aunt.start, aunt.end, 0.85)  # a cue made this mention private, not a presumption
    assert drop_public_by_context([LETTER], [[cued, recipe]]) == [[cued, recipe]]


def test_a_text_with_contact_details_is_about_private_people_and_is_not_asked():
    text = RECIPE + " Send questions to dijon.fan@example.com"
    recipe = Finding("PERSON", text.index("Dijon"), text.index("Dijon") + 5, 0.6, presumed=True)
    at = text.index("dijon.fan")
    email = Finding("EMAIL_ADDRESS", at, len(text), 1.0)
    assert drop_public_by_context([text], [[recipe, email]]) == [[recipe, email]]
    assert drop_public_by_context([RECIPE], [[recipe]]) == [[]]
