import dataclasses
import json

from app.matches.service import _explanation
from matching import Explanation, Factor, FuzzyPair, TermContribution


def test_explanation_json_equals_the_dataclass_and_misses_no_field() -> None:
    e = Explanation(
        matched_terms=(TermContribution("plc", 0.1),),
        expanded_terms=(TermContribution("电气", 0.02),),
        fuzzy_pairs=(FuzzyPair("title", "PLC工程师", "PLC技术", 0.9),),
        synonyms=("plc→可编程控制器",),
        factors=(Factor("region", None, 0.05, "unknown"),),
        missing_skills=("电气调试",),
    )
    assert json.dumps(_explanation(e)) == json.dumps(dataclasses.asdict(e))
    assert set(_explanation(e)) == {f.name for f in dataclasses.fields(Explanation)}
