"""PII detection on real instruction data nobody here wrote (``../shared/datasets/real``, issue 13).

Tool calls keep their syntax, URLs stay as written, numbers that are years or
constants are not phones, and Chinese text gets no English name model. Each
real-data test reads a few dozen rows of a shared set and skips when it is absent.
"""

from __future__ import annotations

import json
import re

import pytest

from curate.ingest.stage import Ingest, IngestConfig, Source
from curate.pii import PiiPolicy, find_pii, redact_conversations
from curate.pii.analyzer import analyzer_for
from curate.pii.recognizers import STRUCTURED_ENTITIES
from curate.stage import StageContext

CALL = re.compile(r"\b[a-z_]\w*\((?:'[^'\n]*'|\"[^\"\n]*\"|[^()\n])*\)")
URL = re.compile(r"https?://[^\s<>\"'`)\]]+")


@pytest.fixture(scope="module")
def analyzer():
    return analyzer_for(PiiPolicy().model)


def rows_of(shared, rel: str, limit: int | None = None) -> list[dict]:
    path = shared / rel
    if not path.exists():
        pytest.skip(f"{path} is absent")
    kept = Ingest().run({}, IngestConfig(sources=(Source(path=str(path)),)), StageContext()).kept.to_pylist()
    return kept[:limit]


def redacted(analyzer, texts: list[str], policy: PiiPolicy | None = None) -> list[str]:
    """Each text with its findings replaced by ``<ENTITY>`` (as a placeholder operator writes them)."""
    out = []
    for text, found in zip(texts, find_pii(analyzer, texts, policy or PiiPolicy())):
        for f in sorted(found, key=lambda f: -f.start):
            text = text[:f.start] + f"<{f.entity}>" + text[f.end:]
        out.append(text)
    return out


def test_toolformer_calls_keep_their_name_brackets_and_arguments(analyzer, shared_datasets):
    rows = [r for r in rows_of(shared_datasets, "real/toolformer/toolformer-dedupe-only-dataset.json", 400)
            if CALL.search(r["messages"][-1]["content"])][:60]
    answers = [r["messages"][-1]["content"] for r in rows]
    assert any("wikipedia('" in a for a in answers)  # the check reads real calls
    for before, after in zip(answers, redacted(analyzer, answers)):
        for call in CALL.findall(before):
            assert call in after, (call, after)


def test_a_call_naming_a_public_figure_is_not_touched(analyzer):
    text = "Albert Einstein was born in Ulm: wikipedia('Albert Einstein')."
    assert redacted(analyzer, [text], PiiPolicy(person="all"))[0].endswith("wikipedia('Albert Einstein').")
    assert redacted(analyzer, [text])[0] == text


def test_glaive_tool_calls_stay_valid_json_with_the_same_function_and_keys(shared_datasets):
    from curate.pii.stage import RedactPii
    from tests.conftest import conversations_table

    rows = rows_of(shared_datasets, "sharegpt/glaive_toolcall_en_demo.json", 40)
    calls = [(m, c) for r in rows for m in r["messages"] for c in (m.get("tool_calls") or [])]
    assert calls  # the check reads real tool calls
    out = RedactPii().run({"records": conversations_table(rows)}, PiiPolicy(), StageContext()).kept.to_pylist()
    for before, after in zip(rows, out):
        for m0, m1 in zip(before["messages"], after["messages"]):
            for c0, c1 in zip(m0.get("tool_calls") or [], m1.get("tool_calls") or []):
                assert c1["name"] == c0["name"]
                assert json.loads(c1["arguments"]).keys() == json.loads(c0["arguments"]).keys()


def test_urls_are_unchanged_unless_they_hold_an_email_or_key(analyzer, shared_datasets):
    texts = [m["content"] for r in rows_of(shared_datasets, "real/lima/lima.json") for m in r["messages"]
             if URL.search(m["content"])][:40]
    assert len(texts) >= 20
    for before, after in zip(texts, redacted(analyzer, texts, PiiPolicy(person="all"))):
        for url in URL.findall(before):
            if "@" not in url:
                assert url in after, (url, after)
    text = "See https://example.org/wiki/New_York_City or mail mailto:ada.k@example.org."
    assert redacted(analyzer, [text], PiiPolicy(person="all"))[0] == (
        "See https://example.org/wiki/New_York_City or mail mailto:<EMAIL_ADDRESS>.")


def test_a_map_link_with_an_at_sign_is_no_email(analyzer):
    # HH-RLHF (real): a Google Maps link's "/@lat,long" was redacted as an e-mail on the host before its path
    link = "https://www.google.com/maps/place/North+California+Avenue/@37.3362725,-121.8244116,16z/data=!4m8"
    assert redacted(analyzer, [f"Here's the output:\n\n[{link}](map)"], PiiPolicy())[0] == f"Here's the output:\n\n[{link}](map)"
    assert redacted(analyzer, ["Write to maps-team@google.com."], PiiPolicy())[0] == "Write to <EMAIL_ADDRESS>."


@pytest.mark.parametrize("text", [
    "Johannes Brahms (1833-1897) was a German composer.",
    "The war lasted from 1939–1945.",
    "uint32_t hash = 2166136261;\nhash ^= byte; hash *= 16777619;",
    ".. list-table:: Results\n   :widths: 10 25 20 20\n   :header-rows: 1",
    "Install version 1.2.3 or 2.10.4 of the package; the build took 4102 seconds.",
    "Order 4411208 shipped in 1824 boxes.",
])
def test_year_ranges_versions_and_code_constants_are_not_phone_numbers(analyzer, text):
    assert [f for f in find_pii(analyzer, [text], PiiPolicy())[0] if f.entity == "PHONE_NUMBER"] == []


@pytest.mark.parametrize("text", [
    # arena_hard, sharegpt_kto, sharegpt_dpo: four numbers inside an SNMP OID, a quotient's decimals, a binary number
    "snmpwalk -v 2c -c $comm $host SNMPv2-SMI::enterprises.9.9.392.1.3.21.1.8.${username_oid}",
    "So 83265 / 305 = 275.43397884615385 to the last digit.",
    "The hexadecimal number B3A9 can be converted into a binary number as follows:\n\nB3A9 = 1011101011",
])
def test_numbers_inside_longer_numbers_and_binary_digits_are_no_identifiers(analyzer, text):
    assert find_pii(analyzer, [text], PiiPolicy())[0] == []
    assert find_pii(analyzer, ["Log in from 84.12.3.4 with card 4111 1111 1111 1111."], PiiPolicy())[0]


@pytest.mark.parametrize("text, phone", [
    ("Call me on 0490 75 40 81 tomorrow.", "0490 75 40 81"),
    ("Phone:\n467 3395", "467 3395"),
    ("Reach the office at +41 (0)96 471 07 95.", "+41 (0)96 471 07 95"),
    ("They're not answering at 78 651 450", "78 651 450"),
])
def test_phone_numbers_need_their_shape_and_a_word_or_layout_that_says_phone(analyzer, text, phone):
    assert ("PHONE_NUMBER", phone) in [(f.entity, text[f.start:f.end]) for f in find_pii(analyzer, [text], PiiPolicy())[0]]


def test_an_api_key_shape_in_a_url_path_is_not_a_key_but_a_prefixed_key_is(analyzer):
    path = "https://example.org/files/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd/view"
    assert find_pii(analyzer, [f"Download it from {path}"], PiiPolicy())[0] == []
    text = "Set OPENAI_API_KEY=sk-proj-abcdefghijklmnopqrstuvwxyz123456 before running."
    assert [f.entity for f in find_pii(analyzer, [text], PiiPolicy())[0]] == ["API_KEY"]


def test_chinese_text_gets_no_english_name_rules_but_loses_its_writers_own_name(analyzer):
    # the Latin brand names are no persons there; "我叫李明" ("I am Li Ming") introduces one
    text = "我叫李明，在 Apple 和 Microsoft 工作过，邮箱是 liming@example.com，电话 +86 138 0013 8000。"
    found = [(f.entity, text[f.start:f.end]) for f in find_pii(analyzer, [text], PiiPolicy(person="all"))[0]]
    assert found == [("PERSON", "李明"), ("EMAIL_ADDRESS", "liming@example.com"), ("PHONE_NUMBER", "+86 138 0013 8000")]


@pytest.mark.parametrize("text, found", [
    # CJK and Thai write no spaces: an identifier touches the words around it
    ("我的信用卡号是4111111111111111，有效期到明年。", [("CREDIT_CARD", "4111111111111111")]),
    ("请发邮件到zhang.wei@example.cn联系我", [("EMAIL_ADDRESS", "zhang.wei@example.cn")]),
    ("密钥sk-proj-Q7vX2mLp9RtY4wZs8KdN3bHc已泄露", [("API_KEY", "sk-proj-Q7vX2mLp9RtY4wZs8KdN3bHc")]),
    # a bare number is a phone where a phone word of the text's own language says so
    ("我的手机号码是13812345678，请联系我。", [("PHONE_NUMBER", "13812345678")]),
    ("请致电13812345678联系客服", [("PHONE_NUMBER", "13812345678")]),
    ("บัตรเครดิต4111111111111111ของฉัน ส่งอีเมลถึงsomchai.k@example.co.thได้เลย",
     [("CREDIT_CARD", "4111111111111111"), ("EMAIL_ADDRESS", "somchai.k@example.co.th")]),
    ("โทร0812345678ได้ตลอด", [("PHONE_NUMBER", "0812345678")]),
    ("رقم هاتفي 0501234567", [("PHONE_NUMBER", "0501234567")]),
    ("私の電話番号は090-1234-5678です。", [("PHONE_NUMBER", "090-1234-5678")]),
    ("Sie erreichen mich unter meiner Telefonnummer 030 12345678, am besten abends.",
     [("PHONE_NUMBER", "030 12345678")]),
    ("Mi número de teléfono es 612 345 678.", [("PHONE_NUMBER", "612 345 678")]),
    # and not where none does, nor across the characters between numbers
    ("2023年销售额为13812345678元。", []),
    ("第138号1234号5678", []),
    # a Chinese resident identity number (the standard's published examples) with its birth date and check
    # character; an order number of the same length, a wrong check character or a day that never was are none
    ("我的身份证号是11010519491231002X。", [("CN_RESIDENT_ID", "11010519491231002X")]),
    ("ID: 440524188001010014", [("CN_RESIDENT_ID", "440524188001010014")]),
    ("身份证号：440524188001010015", []),
    ("订单号 440524188002300014 已发货", []),
])
def test_identifiers_in_other_languages_are_found_as_in_english(analyzer, text, found):
    assert [(f.entity, text[f.start:f.end]) for f in find_pii(analyzer, [text], PiiPolicy())[0]] == found


def test_a_text_mostly_in_another_latin_language_gets_no_english_name_finder(analyzer):
    # sharegpt_dpo: an Indonesian content calendar under an English heading (the identifier is 0.84 sure)
    text = ("**2 Weeks Instagram Content Calendar - EKONOMI UNTUK ORANG DENGAN PENGHASILAN SATU MILIAR PER BULAN**\n\n"
            "| 5 Rahasia Pengelolaan Keuangan untuk Miliarder! #ekonomi #sukses | Investasi Pintar untuk Miliarder "
            "pemula: panduan mudah dan cepat! #investasi #miliarder | Langkah Cerdas mengelola keuangan pribadi untuk "
            "penghasilan 1 Miliar setiap bulan #keuangan #sukses | Cara mengatur keuangan rumah tangga dengan "
            "penghasilan besar #keluarga | Hubungi Budi Santoso di budi@contoh.co.id |")
    found = [(f.entity, text[f.start:f.end]) for f in find_pii(analyzer, [text], PiiPolicy())[0]]
    assert found == [("EMAIL_ADDRESS", "budi@contoh.co.id")]


@pytest.mark.parametrize("text, found", [
    # German capitalises its nouns: without them too little is left to judge, so the whole text decides
    ("Guten Morgen! Wie geht es dir heute?", []),
    ("Meine Telefonnummer ist 030 12345678, ruf mich an.", [("PHONE_NUMBER", "030 12345678")]),
    ("Bitte überweisen Sie den Betrag auf DE89 3704 0044 0532 0130 00 bis Freitag.",
     [("IBAN_CODE", "DE89 3704 0044 0532 0130 00")]),
    # lower-case Cyrillic words are no capitalised ones, and a text in another script is not English
    ("Москва — столица России, население 13 010 112 человек по переписи 2021 года.", []),
    ("Меня зовут Иван Петров, мой телефон +7 912 345-67-89.",
     [("PERSON", "Иван Петров"), ("PHONE_NUMBER", "+7 912 345-67-89")]),
    # the identifier torn between relatives (Spanish, Extremaduran) but sure it is no English
    ("¿Cuál es la capital de Francia? París es la capital.", []),
    ("Bratislava je hlavné mesto Slovenskej republiky.", []),
    # an English sentence keeps the name finder, though its names read as another language
    ("Write to Wisława Szczepańska in Toronto.", [("PERSON", "Wisława Szczepańska")]),
    ("Hi Magdalena, call me at 555-0134 tomorrow.", [("PERSON", "Magdalena"), ("PHONE_NUMBER", "555-0134")]),
])
def test_english_name_and_address_rules_stay_off_other_languages(analyzer, text, found):
    assert [(f.entity, text[f.start:f.end]) for f in find_pii(analyzer, [text], PiiPolicy())[0]] == found


@pytest.mark.parametrize("text, names", [
    ("Hola, me llamo María García y vivo en Madrid. Gracias, María.", ["María García", "María"]),
    ("Mi nombre es María de la Cruz y soy de Lima.", ["María de la Cruz"]),
    ("Je m'appelle Pierre Dubois, mon numéro est le 06 12 34 56 78.", ["Pierre Dubois"]),
    ("Mein Name ist Hans-Peter Müller.", ["Hans-Peter Müller"]),
    ("Меня зовут Иван Петров, мой телефон +7 912 345-67-89.", ["Иван Петров"]),
    ("我叫李明，在北京工作。李明是工程师。", ["李明", "李明"]),
    ("私は田中太郎と申します。", ["田中太郎"]),
    ("제 이름은 김민수입니다.", ["김민수"]),
    ("मेरा नाम राहुल शर्मा है।", ["राहुल शर्मा"]),
    # a letter's closing, then a name that opens with a first name
    ("Gracias por su pedido.\n\nAtentamente,\nJuan Pérez\nGerente de Ventas", ["Juan Pérez"]),
    ("Mit freundlichen Grüßen\n\nJürgen Schmidt", ["Jürgen Schmidt"]),
    ("Cordiali saluti,\nMarco Rossi, responsabile vendite", ["Marco Rossi"]),
    ("С уважением,\nИван Петров", ["Иван Петров"]),
    # a greeting that addresses its reader by a first name
    ("Hola María, gracias por tu mensaje.", ["María"]),
    ("Querida Ana:\nTe escribo para contarte algo.", ["Ana"]),
    ("Дорогой Иван! Поздравляю с днём рождения.", ["Иван"]),
    ("Liebe Kolleginnen und Kollegen,\nvielen Dank.", []),
    # after a title, a surname: the letter's addressee ("Frau Bundeskanzlerin" is an office)
    ("Guten Tag, Frau Müller!", ["Müller"]),
    ("Estimado Sr. García:\nLe escribo por su pedido.", ["García"]),
    ("Уважаемый господин Петров!", ["Петров"]),
    ("Sehr geehrte Frau Bundeskanzlerin,", []),
    ("Sehr geehrte Damen und Herren,", []),
    ("Hola, ¿cómo estás?", []),
    ("Cher Lloyd is a British singer.", []),
    # a team or a department signs, a blank to fill, a greeting to all
    ("Atentamente,\nDepartamento de Ventas", []),
    ("Mit freundlichen Grüßen\nIhr Team von Beispiel GmbH", []),
    ("Bien à vous,\n[Votre nom]", []),
    ("Saludos a todos los presentes.", []),
    # the same words as grammar: a pronoun, a lower-case phrase, a verb's object, a student, a first visit
    ("Ich heiße Sie herzlich willkommen!", []),
    ("Esto me llamó la atención.", []),
    ("我叫车了。", []),
    ("我叫他来。", []),
    ("私は学生です。", []),
    ("저는 이번에 처음 왔어요.", []),
])
def test_a_name_its_writer_introduces_is_found_in_other_languages(analyzer, text, names):
    found = find_pii(analyzer, [text], PiiPolicy())[0]
    assert [text[f.start:f.end] for f in found if f.entity == "PERSON"] == names


def test_an_introduced_name_goes_from_the_turns_that_mention_it_and_not_under_person_off(analyzer):
    conv = [{"role": "user", "content": "Hola, me llamo Lucía Fernández y tengo un problema con mi pedido."},
            {"role": "assistant", "content": "Hola Lucía, siento mucho el problema. ¿Me das el número de pedido?"}]
    policy = PiiPolicy()
    [red] = redact_conversations([conv], lambda texts: find_pii(analyzer, texts, policy), policy)
    assert [m["content"] for m in red.messages] == [
        "Hola, me llamo <PERSON_1> y tengo un problema con mi pedido.",
        "Hola <PERSON_1>, siento mucho el problema. ¿Me das el número de pedido?"]
    assert red.language == "es"
    assert find_pii(analyzer, [conv[0]["content"]], PiiPolicy(person="off")) == [[]]


@pytest.mark.parametrize("turns, redacted", [
    (["你好，我叫李明，我的订单还没到。", "李明您好，请提供订单号。"],
     ["你好，我叫<PERSON_1>，我的订单还没到。", "<PERSON_1>您好，请提供订单号。"]),
    (["私は田中太郎と申します。注文が届きません。", "田中様、ご連絡ありがとうございます。"],
     ["私は<PERSON_1>と申します。注文が届きません。", "<PERSON_1>様、ご連絡ありがとうございます。"]),
    (["제 이름은 김민수입니다.", "김민수님, 안녕하세요."], ["제 이름은 <PERSON_1>입니다.", "<PERSON_1>님, 안녕하세요."]),
    (["私の名前は田中 太郎です。", "田中 太郎様、ありがとうございます。"],
     ["私の名前は<PERSON_1>です。", "<PERSON_1>様、ありがとうございます。"]),
])
def test_a_name_written_without_spaces_goes_from_every_turn_that_holds_it(analyzer, turns, redacted):
    # no word boundary sets the name apart from the honorific or the words after it ("李明您好", "田中様")
    conv = [{"role": role, "content": text} for role, text in zip(("user", "assistant"), turns)]
    policy = PiiPolicy()
    [red] = redact_conversations([conv], lambda texts: find_pii(analyzer, texts, policy), policy)
    assert [m["content"] for m in red.messages] == redacted


def test_lima_teaching_the_phrases_for_my_name_is_names_no_one(analyzer, shared_datasets):
    path = shared_datasets / "real/lima/lima.json"
    if not path.exists():
        pytest.skip(f"{path} is absent")
    [text] = [r["output"] for r in json.loads(path.read_text()) if r["output"].startswith('Here is how to say "My name is')]
    assert "Me llamo" in text and "Je m'appelle" in text and "Ik heet" in text  # each followed by a blank to fill
    assert [text[f.start:f.end] for f in find_pii(analyzer, [text], PiiPolicy())[0] if f.entity == "PERSON"] == []


def test_spacys_example_sentences_in_other_scripts_and_german_get_no_names_or_addresses(analyzer):
    # spaCy ships example sentences per language, written by its authors: news-like, full of places,
    # companies and public figures (Москва, Barack Obama in Armenian), with no private person in them
    import importlib

    languages = ("de", "ru", "uk", "bg", "sr", "el", "hy", "ky", "tt", "he", "ar", "fa", "hi", "si", "ta", "te")
    texts = [s for lang in languages for s in importlib.import_module(f"spacy.lang.{lang}.examples").sentences]
    assert len(texts) >= 120
    found = find_pii(analyzer, texts, PiiPolicy())
    assert [(text[f.start:f.end], f.entity) for text, doc in zip(texts, found) for f in doc] == []


def test_real_chinese_rows_get_no_name_findings(analyzer, shared_datasets):
    rows = rows_of(shared_datasets, "real/alpaca_zh/alpaca_zh_demo.json", 150)
    texts = [m["content"] for r in rows for m in r["messages"] if m["content"].strip()]
    found = find_pii(analyzer, texts, PiiPolicy(person="all"))
    assert [text[f.start:f.end] for text, doc in zip(texts, found) for f in doc if f.entity not in STRUCTURED_ENTITIES] == []


def test_urls_stay_as_written_when_whole_conversations_are_redacted(analyzer, shared_datasets):
    # a name found in one turn is redacted in the others, but not inside their links
    rows = [r for r in rows_of(shared_datasets, "hh_rlhf/harmless-base_test.jsonl.gz")
            if any(URL.search(m["content"] or "") for m in r["messages"])]
    assert len(rows) >= 20
    policy = PiiPolicy()
    for row, red in zip(rows, redact_conversations([r["messages"] for r in rows],
                                                   lambda texts: find_pii(analyzer, texts, policy), policy)):
        for before, after in zip(row["messages"], red.messages):
            for url in URL.findall(before["content"] or ""):
                if "@" not in url:
                    assert url in after["content"], (url, after["content"])
