"""Tokenisation: Chinese, English, mixed, full-width, emoji, empty, synonyms."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from matching import DocTokens, MatchDoc, analyze_doc, normalize, stem, tokenize
from matching.synonyms import parse_synonyms


def test_empty_input_gives_no_tokens() -> None:
    assert tokenize("") == []
    assert tokenize(None) == []
    assert tokenize("   \t\n ") == []
    assert tokenize("，。！？") == []


def test_chinese_words_and_bigrams() -> None:
    assert tokenize("新能源汽车") == ["新能源", "新能", "能源", "源汽", "汽车"]
    assert tokenize("护理") == ["护理"]
    assert tokenize("护") == ["护"]


def test_english_stop_words_and_stemming() -> None:
    assert tokenize("The Managers of Nursing Programs") == ["manag", "nurs", "program"]
    assert stem("engineering") == stem("engineers") == stem("engineer") == "engin"
    assert stem("business") == "business"
    assert stem("c++") == "c++"


def test_mixed_and_full_width() -> None:
    assert normalize("ＰＬＣ编程，Ｊａｖａ") == "plc编程 java"
    assert tokenize("ＰＬＣ编程，Ｊａｖａ开发") == ["plc", "编程", "java", "开发"]
    assert tokenize("C++ / C# 工程师") == ["c++", "c#", "工程师", "工程", "程师"]


def test_emoji_and_control_chars_dropped() -> None:
    assert tokenize("护理😀\x00\u200b专业🚗") == tokenize("护理 专业")
    assert normalize("a\x07b") == "a b"


@given(st.text(max_size=60))
def test_tokenize_never_fails_and_tokens_have_no_spaces(s: str) -> None:
    toks = tokenize(s)
    assert all(t and " " not in t for t in toks)
    assert tokenize(s) == toks


def test_synonyms_expand_aliases() -> None:
    d = analyze_doc(MatchDoc(id=1, kind="demand", title="汽修师傅", text="会PLC和CNC"))
    assert "汽修→汽车维修" in d.synonyms
    assert "plc→可编程控制器" in d.synonyms
    assert "cnc→数控" in d.synonyms
    assert "数控" in d.text and "维修" in d.title


def test_synonym_file_format() -> None:
    table = parse_synonyms(["# comment", "汽车维修 = 汽修, auto repair", "护理 ~ 护士"])
    text, applied = table.expand("招聘汽修 护士 auto repairs")
    assert applied == ("护士→护理", "汽修→汽车维修")  # sorted; "auto repairs" is not the word "auto repair"
    assert text.endswith(" 护理 汽车维修")
    with pytest.raises(ValueError):
        parse_synonyms(["no separator here"])


def test_doc_tokens_round_trip() -> None:
    d = analyze_doc(
        MatchDoc(id=1, kind="program", title="软件技术", text="负责软件测试。任职要求: Python", skills=("auto repair",))
    )
    back = DocTokens.from_string(d.to_string())
    assert back == d
    assert back.lead == len(tokenize("负责软件测试。"))
    assert back.text[back.lead :] == ("任职", "职要", "要求", "python")
