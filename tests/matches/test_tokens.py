"""Keys of stored tokens: a change of anything the tokens depend on gives a new key."""

from __future__ import annotations

import dataclasses

from app.matches.tokens import token_key
from matching import MatchDoc, Matcher, MatchParams
from matching.synonyms import parse_synonyms

DOC = MatchDoc(id=1, kind="program", title="数控技术", text="数控编程", skills=("CAD", "CAM"), majors=("460103",),
               industries=("智能装备",))


def test_the_key_covers_every_field_the_tokens_are_made_of() -> None:
    fp = Matcher(semantic=None).analysis_fingerprint()
    base = token_key(fp, DOC)
    assert token_key(fp, dataclasses.replace(DOC, id=9, region_code="500117", status="closed")) == base
    for change in ({"title": "数控技朮"}, {"text": "数控编程 "}, {"skills": ("CAD CAM",)}, {"skills": ("CAM", "CAD")},
                   {"majors": ()}, {"industries": ("智能", "装备")}):
        assert token_key(fp, dataclasses.replace(DOC, **change)) != base, change


def test_the_fingerprint_follows_the_synonyms_and_the_lead(tmp_path) -> None:  # type: ignore[no-untyped-def]
    default = Matcher(semantic=None).analysis_fingerprint()
    assert Matcher(semantic=None).analysis_fingerprint() == default
    extra = tmp_path / "mine.txt"
    extra.write_text("数控 = 数字控制\n", encoding="utf-8")
    with_file = Matcher(params=MatchParams(synonyms_paths=(str(extra),)), semantic=None).analysis_fingerprint()
    assert with_file != default
    assert Matcher(params=MatchParams(lead_chars=200), semantic=None).analysis_fingerprint() != default
    assert parse_synonyms(["a = b"]).fingerprint() == parse_synonyms(["a=b  # same"]).fingerprint()
    assert parse_synonyms(["a = b"]).fingerprint() != parse_synonyms(["a = c"]).fingerprint()
