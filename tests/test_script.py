"""Tokens that work on every script: CJK characters one by one, other scripts by word."""

from curate.script import cjk_share, is_cjk, join_tokens, ngrams, non_latin_share, tokens


def test_spaced_scripts_split_into_lower_case_words():
    assert tokens("Hello, World! café 42") == ["hello", "world", "café", "42"]


def test_each_cjk_character_is_a_token_and_latin_words_inside_stay_whole():
    assert tokens("用 Python 写一个函数") == ["用", "python", "写", "一", "个", "函", "数"]


def test_japanese_and_korean_are_cut_by_character_too():
    assert tokens("東京タワー") == ["東", "京", "タ", "ワ", "ー"]
    assert tokens("안녕하세요") == ["안", "녕", "하", "세", "요"]


def test_a_chinese_text_with_a_few_english_names_is_still_cjk():
    assert is_cjk("请用 Python 和 NumPy 计算矩阵的逆并解释每一步")
    assert not is_cjk("The word 你好 means hello in Chinese")
    assert cjk_share("") == 0.0


def test_the_non_latin_share_counts_letters_of_every_script_but_latin():
    assert non_latin_share("Über café Đà Nẵng") == 0.0  # accented and Vietnamese letters are Latin
    assert non_latin_share("Москва") == 1.0
    assert non_latin_share("ab αβ") == 0.5
    assert non_latin_share("42 + 7") == 0.0


def test_ngrams_slide_over_tokens_and_short_texts_give_one_gram():
    assert ngrams("天气很好", 2) == [("天", "气"), ("气", "很"), ("很", "好")]
    assert ngrams("a b", 3) == [("a", "b")]
    assert ngrams("", 3) == []


def test_joined_tokens_read_as_text_spaced_only_between_words():
    assert join_tokens(tokens("用 Python 写一个函数")) == "用 python 写一个函数"
