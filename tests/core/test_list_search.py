"""The ``q`` list filter: a case-insensitive substring match, the same on every backend, and indexed
on PostgreSQL (pg_trgm, migration 0005; two-character needles: bigrams, migration 0007)."""

from __future__ import annotations

from typing import Any

import pytest
from factories import list_ids, make_demand, make_org, make_program, make_school
from sqlalchemy import select, text
from sqlalchemy.dialects import postgresql

from app.core.listing import is_caseless, text_contains
from app.demands.models import Demand
from app.organizations.models import Organization
from app.programs.models import Program

PROGRAMS = "/api/v1/programs"
DEMANDS = "/api/v1/demands"


class TestQFilter:
    def test_ascii_case_is_ignored_and_the_total_counts_every_match(self, client: Any) -> None:
        school = make_school(client)
        upper = make_program(client, school["id"], name="PLC 编程", description="")
        lower = make_program(client, school["id"], name="电气", description="西门子 plc 与变频器")
        make_program(client, school["id"], name="护理", description="临床护理")
        page = client.get(PROGRAMS, params={"q": "Plc", "sort": "created_at", "limit": 1})
        assert page.status_code == 200, page.text
        assert [i["id"] for i in page.json()["items"]] == [upper["id"]]
        assert page.json()["total"] == 2
        assert list_ids(client, PROGRAMS, q="pLC", sort="created_at") == [upper["id"], lower["id"]]

    def test_pages_at_and_past_the_end_keep_the_total(self, client: Any) -> None:
        school = make_school(client)
        made = [make_program(client, school["id"], name=f"数控技术 {i}", description="") for i in range(3)]
        make_program(client, school["id"], name="护理", description="")
        last = client.get(PROGRAMS, params={"q": "数控", "sort": "created_at", "offset": 2}).json()
        assert ([i["id"] for i in last["items"]], last["total"], last["offset"]) == ([made[2]["id"]], 3, 2)
        for offset in (3, 500):
            past = client.get(PROGRAMS, params={"q": "数控", "offset": offset, "limit": 5}).json()
            assert past == {"items": [], "total": 3, "limit": 5, "offset": offset}
        none = client.get(PROGRAMS, params={"q": "不存在的专业"}).json()
        assert (none["items"], none["total"]) == ([], 0)

    def test_short_chinese_needle_matches_substrings(self, client: Any) -> None:
        school = make_school(client)
        wanted = make_program(client, school["id"], name="软件技术", description="")
        inside = make_program(client, school["id"], name="大数据", description="含软件工程课程")
        make_program(client, school["id"], name="软装设计", description="件")
        assert list_ids(client, PROGRAMS, q="软件", sort="created_at") == [wanted["id"], inside["id"]]

    @pytest.mark.parametrize(("needle", "hit", "miss"), [
        ("a_b", "x a_b y", "x aXb y"),
        ("50%", "提成 50%", "提成 500"),
        ("5%", "打 5% 折", "打 50 折"),
        ("_", "a_b", "ab"),
        ("c:\\tmp", "path c:\\tmp here", "path c:tmp here"),
    ])
    def test_like_metacharacters_match_literally(self, needle: str, hit: str, miss: str, client: Any) -> None:
        org = make_org(client)
        wanted = make_demand(client, org["id"], title="岗位", description=hit)
        make_demand(client, org["id"], title="岗位", description=miss)
        assert list_ids(client, DEMANDS, q=needle) == [wanted["id"]]


class TestCaseless:
    @pytest.mark.parametrize("needle", ["软件", "工业机器人（高级）", "2026", "50%", " ", "、"])
    def test_needles_without_letter_case(self, needle: str) -> None:
        assert is_caseless(needle)

    @pytest.mark.parametrize("needle", ["PLC", "plc", "软件Java", "École", "Ⅰ", "Ⓐ", "ＡＢ", "ß"])
    def test_needles_with_letters_are_matched_case_insensitively(self, needle: str) -> None:
        assert not is_caseless(needle)


def _uses_index(db_session: Any, stmt: Any, index: str) -> bool:
    db_session.execute(text("SET LOCAL enable_seqscan = off"))
    compiled = stmt.compile(dialect=db_session.bind.dialect, compile_kwargs={"literal_binds": True})
    plan = "\n".join(r[0] for r in db_session.execute(text(f"EXPLAIN {compiled}")))
    db_session.rollback()
    return index in plan


class TestTrigramIndexes:
    """On PostgreSQL the filter is written so that the trigram indexes can serve it."""

    @pytest.fixture(autouse=True)
    def _postgresql_only(self, db_session: Any) -> None:
        if db_session.bind.dialect.name != "postgresql":
            pytest.skip("pg_trgm indexes exist on PostgreSQL only")

    @pytest.mark.parametrize("needle", ["software", "自动化"])  # ILIKE and plain LIKE
    def test_program_search_uses_the_indexes(self, needle: str, db_session: Any) -> None:
        stmt = select(Program.id).where(text_contains(Program.name, Program.description, needle=needle))
        assert _uses_index(db_session, stmt, "ix_program_name_trgm")
        assert _uses_index(db_session, stmt, "ix_program_description_trgm")

    def test_demand_search_uses_the_indexes(self, db_session: Any) -> None:
        stmt = select(Demand.id).where(text_contains(Demand.title, Demand.description, needle="Welder"))
        assert _uses_index(db_session, stmt, "ix_demand_title_trgm")
        assert _uses_index(db_session, stmt, "ix_demand_description_trgm")

    @pytest.mark.parametrize("needle", ["a", "AI"])
    def test_a_generic_plan_does_not_read_a_trigram_index_for_a_short_needle(self, needle: str,
                                                                              db_session: Any) -> None:
        # A prepared statement's generic plan does not know the pattern; psycopg prepares a
        # statement after five runs and PostgreSQL may then keep a generic plan.
        compiled = select(Program.id).where(text_contains(Program.name, Program.description, needle=needle)).compile(
            dialect=postgresql.dialect(paramstyle="numeric_dollar"))
        args = ", ".join(f"'{compiled.params[name]}'" for name in compiled.positiontup or [])
        db_session.execute(text("SET LOCAL enable_seqscan = off"))
        db_session.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
        db_session.execute(text(f"PREPARE short_needle AS {compiled}"))
        try:
            plan = "\n".join(r[0] for r in db_session.execute(text(f"EXPLAIN EXECUTE short_needle({args})")))
        finally:
            db_session.execute(text("DEALLOCATE short_needle"))  # not undone by the rollback
            db_session.rollback()
        assert "_trgm" not in plan


#: (name, description) pairs for the two-character needles below: needles at the start, the end, in
#: the middle and across a word boundary (软件|工程, "b c"), split by a space or a line break, both
#: letter cases, LIKE metacharacters, CJK next to Latin, a text equal to the needle, texts too short.
_TEXTS = [
    ("数控技术", ""), ("高级数控", "数 控"), ("软件工程", "件工之间"), ("机电", "数\n控与件\n工"),
    ("护理", "护理"), ("AI 应用", "ai, Ai, aI"), ("Go", "go ahead"), ("GOLANG", "algo"), ("ab cd", "b c"),
    ("提成 5% 起", "a_b"), ("c:\\tmp", "100%%"), ("AI工程师", "Java开发"), ("5G 通信", "école"),
    ("École", "x"), ("件", ""), ("其他", "完全无关"),
]
_NEEDLES = ["数控", "件工", "护理", "AI", "ai", "Go", "gO", "b ", " c", "5%", "%%", "a_", "_b", "\\t",
            "I工", "a开", "5g", "éc", "ÉC", "\n控", "无关"]


def _reference(rows: list[tuple[int, str, str]], needle: str) -> list[int]:
    """A plain substring check (Python's lower() agrees with PostgreSQL's on these characters)."""
    low = needle.lower()
    return [i for i, name, description in rows if low in name.lower() or low in description.lower()]


class TestBigramIndexes:
    """On PostgreSQL a two-character needle adds a bigram condition the GIN indexes of migration 0007
    serve; the exact test stays, so the rows are those of a plain substring check."""

    @pytest.fixture(autouse=True)
    def _postgresql_only(self, db_session: Any) -> None:
        if db_session.bind.dialect.name != "postgresql":
            pytest.skip("the bigram indexes exist on PostgreSQL only")

    @pytest.fixture
    def programs(self, client: Any) -> list[tuple[int, str, str]]:
        school = make_school(client)
        made = [make_program(client, school["id"], name=n, description=d) for n, d in _TEXTS]
        return [(p["id"], p["name"], p["description"]) for p in made]

    @pytest.mark.parametrize("plan", ["enable_seqscan", "enable_bitmapscan"])  # index / filter only
    def test_rows_are_those_of_a_plain_substring_check(self, plan: str, programs: Any, db_session: Any) -> None:
        for needle in _NEEDLES:
            db_session.execute(text(f"SET LOCAL {plan} = off"))
            stmt = select(Program.id).where(text_contains(Program.name, Program.description, needle=needle))
            got = list(db_session.scalars(stmt.order_by(Program.id)))
            db_session.rollback()
            assert got == _reference(programs, needle), needle

    def test_every_needle_has_two_characters_and_matches_something(self, programs: Any) -> None:
        assert [n for n in _NEEDLES if len(n) != 2 or not _reference(programs, n)] == []

    def test_the_api_gives_the_same_page_and_total(self, programs: Any, client: Any) -> None:
        for needle in ["数控", "AI", "5%", "a_"]:
            page = client.get(PROGRAMS, params={"q": needle, "sort": "created_at", "limit": 100}).json()
            assert ([i["id"] for i in page["items"]], page["total"]) == (
                _reference(programs, needle), len(_reference(programs, needle))), needle

    @pytest.mark.parametrize(("model", "columns", "needle"), [
        (Program, ("name", "description"), "数控"),  # strpos
        (Program, ("name", "description"), "AI"),  # lower() LIKE lower()
        (Program, ("name", "description"), "5%"),  # with an escape
        (Demand, ("title", "description"), "护理"),
    ])
    def test_the_search_uses_the_indexes(self, model: Any, columns: tuple[str, str], needle: str,
                                         db_session: Any) -> None:
        stmt = select(model.id).where(text_contains(*(getattr(model, c) for c in columns), needle=needle))
        for column in columns:
            assert _uses_index(db_session, stmt, f"ix_{model.__tablename__}_{column}_bigram")

    def test_the_indexes_compare_keys_bytewise(self, db_session: Any) -> None:
        defs = db_session.scalars(text(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = current_schema() AND indexname LIKE '%_bigram'"
        )).all()
        assert len(defs) == 4
        assert all('text_bigrams(lower(' in d and d.endswith('COLLATE "C")') for d in defs)


class TestBigramCondition:
    def _sql(self, clause: Any) -> str:
        return str(select(Program.id).where(clause).compile(dialect=postgresql.dialect()))

    def test_only_two_character_needles_on_indexed_columns_get_it(self) -> None:
        assert "text_bigrams" in self._sql(text_contains(Program.name, Program.description, needle="数控"))
        for needle in ["数", "数控技术", "PLC"]:
            assert "text_bigrams" not in self._sql(text_contains(Program.name, Program.description, needle=needle))
        # No bigram index on organization.name: the condition would cost without serving.
        assert "text_bigrams" not in self._sql(text_contains(Organization.name, needle="数控"))
