"""curate.language: one language identifier for every stage."""

from curate.language import detect_language, english_probability, language_of


def test_english_and_french_are_told_apart():
    assert language_of("The quick brown fox jumps over the lazy dog.") == "en"
    assert language_of("Bonjour, je m'appelle Jean et j'habite à Lyon.") == "fr"


def test_cjk_is_judged_by_script_even_with_latin_words():
    assert detect_language("用 Python 写一个函数，计算斐波那契数列") == ("zh", 1.0)
    assert language_of("こんにちは、世界。今日はいい天気ですね") == "ja"
    assert language_of("안녕하세요, 만나서 반갑습니다") == "ko"


def test_no_letters_is_undetermined():
    assert detect_language("1234 5678 !!") == ("und", 0.0)


def test_english_is_ruled_out_where_the_identifier_is_torn_between_relatives():
    # "es la capital de": Spanish and Extremaduran share the mass, English gets next to none
    assert detect_language("es la capital de es la capital")[1] < 0.8
    assert english_probability("es la capital de es la capital") < 0.003
    assert english_probability("where is the nearest post office, please?") > 0.9
    assert english_probability("12 345") == 0.0
