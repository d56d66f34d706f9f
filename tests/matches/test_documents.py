"""Index documents are built from plain column rows: they must equal the documents of the entities."""

from __future__ import annotations

from typing import Any

from factories import make_cohort, make_demand, make_offer, make_org, make_program, make_school

from app.cohorts.models import Cohort
from app.demands.models import Demand
from app.matches import documents
from app.offers.models import CooperationOffer
from app.programs.models import Program


def test_loaded_documents_equal_the_documents_of_the_entities(client: Any, db_session: Any) -> None:
    school = make_school(client)
    company = make_org(client)
    program = make_program(client, school["id"], name="数控技术", major_code="460103", region_code="500117",
                           skills=["数控编程", "CAD"], courses=["机械制图"], certificates=["车工证"],
                           industries=["智能装备"], description="数控 加工")
    cohort = make_cohort(client, program["id"], skills=["五轴加工"], region_code="500118")
    demand = make_demand(client, company["id"], skills=["PLC"], majors=["460103"], industry="智能装备",
                         region_code="500117", valid_until="2099-01-01")
    offer = make_offer(client, school["id"], skills=["实训"], valid_from="2026-01-01")

    built = {
        "program": documents.program_doc(db_session.get(Program, program["id"])),
        "cohort": documents.cohort_doc(db_session.get(Cohort, cohort["id"]), db_session.get(Program, program["id"])),
        "demand": documents.demand_doc(db_session.get(Demand, demand["id"])),
        "offer": documents.offer_doc(db_session.get(CooperationOffer, offer["id"])),
    }
    ids = {"program": program["id"], "cohort": cohort["id"], "demand": demand["id"], "offer": offer["id"]}
    for kind, doc in built.items():
        loaded = list(documents.load_docs(db_session, kind, [ids[kind]]))
        assert loaded == [doc], kind
        assert doc.extra == loaded[0].extra
    # every record when no ids are given, in id order
    assert [d.id for d in documents.load_docs(db_session, "cohort")][-1] == built["cohort"].id
    assert built["cohort"].title == "数控技术（2026届）"
    assert built["cohort"].skills == ("数控编程", "CAD", "五轴加工", "车工证")
