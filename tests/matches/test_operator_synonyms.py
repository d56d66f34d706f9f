"""Operators extend the synonym dictionary with their own files (MATCH_SYNONYMS_FILES)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from factories import make_program, make_school

from app.core.config import Settings, get_settings


def _match(client: Any, text: str) -> list[dict[str, Any]]:
    response = client.post("/api/v1/match", json={"target": "programs", "title": text, "text": text})
    assert response.status_code == 200
    return response.json()["items"]


def test_an_operator_synonym_file_takes_effect_at_the_next_build(
    mclient: Any, db_session: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    index = mclient.app.state.match_index
    school = make_school(mclient)
    program = make_program(mclient, school["id"], name="冲压工艺", description="qxlengzuo 冲压 折弯", skills=[],
                           courses=[], certificates=[], major_code=None)
    index.sync(db_session)
    assert all(item["id"] != program["id"] or item["score"] == 0 for item in _match(mclient, "sheetmetalqx"))
    assert all(item["id"] != program["id"] or item["score"] == 0 for item in _match(mclient, "zzcanon"))

    extra = tmp_path / "local.txt"
    extra.write_text("# our own words\nzzcanon = sheetmetalqx, qxlengzuo\n", encoding="utf-8")
    monkeypatch.setenv("MATCH_SYNONYMS_FILES", str(extra))
    get_settings.cache_clear()
    try:
        index.build()
        # the query's alias is expanded ...
        items = _match(mclient, "sheetmetalqx")
        assert items[0]["id"] == program["id"]
        assert "sheetmetalqx→zzcanon" in items[0]["explanation"]["synonyms"]
        # ... and so are the records' (their stored tokens are of the old dictionary: not used)
        items = _match(mclient, "zzcanon")
        assert items[0]["id"] == program["id"]
        assert "qxlengzuo→zzcanon" in items[0]["explanation"]["synonyms"]
    finally:
        monkeypatch.delenv("MATCH_SYNONYMS_FILES")
        get_settings.cache_clear()
        index.build()
    # back to the shipped dictionary only
    assert all(item["id"] != program["id"] or item["score"] == 0 for item in _match(mclient, "sheetmetalqx"))


@pytest.mark.parametrize("content", [None, "钣金 冲压\n"])
def test_a_missing_or_malformed_synonym_file_stops_the_start(tmp_path: Path, content: str | None) -> None:
    path = tmp_path / "bad.txt"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ValueError, match="MATCH_SYNONYMS_FILES: cannot use .*bad.txt"):
        Settings(match_synonyms_files=[str(path)])
