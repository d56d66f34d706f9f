"""Deterministic synthetic bilingual records and one-edit typo queries (for tests and benchmarks)."""

from __future__ import annotations

import functools
import math
import random
from collections.abc import Iterator

from .types import EDUCATION_LEVELS, MatchDoc

__all__ = ["synthetic_docs", "one_edit", "typo_queries"]

_ZH_FIELDS = [
    "软件",
    "计算机",
    "网络",
    "数据",
    "人工智能",
    "云计算",
    "电子",
    "通信",
    "机械",
    "数控",
    "模具",
    "焊接",
    "汽车",
    "新能源",
    "电气",
    "自动化",
    "机电",
    "工业机器人",
    "化工",
    "材料",
    "建筑",
    "土木",
    "工程造价",
    "测绘",
    "物流",
    "电子商务",
    "市场营销",
    "会计",
    "金融",
    "旅游",
    "酒店",
    "烹饪",
    "护理",
    "药学",
    "康复",
    "医学影像",
    "学前教育",
    "艺术设计",
    "动漫",
    "农业",
    "园林",
    "畜牧",
    "食品",
    "环境",
    "安全",
    "水利",
    "铁道",
    "航空",
    "船舶",
    "无人机",
    "智能制造",
    "物联网",
    "区块链",
]
_ZH_SUFFIX = [
    "技术",
    "工程",
    "管理",
    "应用",
    "设计",
    "服务",
    "检测",
    "维修",
    "运营",
    "开发",
    "制造",
    "营销",
    "施工",
    "分析",
]
_ZH_WORDS = [
    "培养",
    "掌握",
    "具备",
    "能够",
    "从事",
    "岗位",
    "企业",
    "生产",
    "操作",
    "维护",
    "调试",
    "安装",
    "检测",
    "质量",
    "安全",
    "管理",
    "设计",
    "开发",
    "编程",
    "数据",
    "分析",
    "系统",
    "设备",
    "工艺",
    "流程",
    "标准",
    "规范",
    "项目",
    "团队",
    "沟通",
    "客户",
    "服务",
    "销售",
    "市场",
    "财务",
    "成本",
    "计划",
    "组织",
    "实施",
    "评估",
    "研究",
    "创新",
    "实训",
    "实习",
    "课程",
    "证书",
    "职业",
    "技能",
    "素养",
    "工匠精神",
    "信息化",
    "数字化",
    "智能化",
    "绿色",
    "低碳",
    "国际化",
    "区域",
    "产业",
    "发展",
]
_EN_FIELDS = [
    "software",
    "computer",
    "network",
    "data",
    "artificial",
    "intelligence",
    "cloud",
    "electronics",
    "telecommunications",
    "mechanical",
    "machining",
    "welding",
    "automotive",
    "electrical",
    "automation",
    "mechatronics",
    "robotics",
    "chemical",
    "materials",
    "construction",
    "civil",
    "surveying",
    "logistics",
    "commerce",
    "marketing",
    "accounting",
    "finance",
    "tourism",
    "hospitality",
    "culinary",
    "nursing",
    "pharmacy",
    "rehabilitation",
    "radiology",
    "education",
    "design",
    "animation",
    "agriculture",
    "landscape",
    "food",
    "environmental",
    "safety",
    "railway",
    "aviation",
    "marine",
    "drone",
    "manufacturing",
    "blockchain",
]
_EN_SUFFIX = [
    "technology",
    "engineering",
    "management",
    "systems",
    "design",
    "services",
    "technician",
    "operations",
    "analysis",
]
_EN_WORDS = [
    "train",
    "students",
    "apply",
    "knowledge",
    "install",
    "maintain",
    "repair",
    "operate",
    "inspect",
    "quality",
    "safety",
    "manage",
    "design",
    "develop",
    "program",
    "analyze",
    "systems",
    "equipment",
    "process",
    "standards",
    "projects",
    "teams",
    "communicate",
    "customers",
    "service",
    "sales",
    "market",
    "finance",
    "cost",
    "plan",
    "organize",
    "implement",
    "evaluate",
    "research",
    "innovate",
    "practice",
    "internship",
    "courses",
    "certificate",
    "skills",
    "professional",
    "industry",
    "regional",
    "digital",
    "green",
    "international",
    "laboratory",
    "workshop",
]
_KINDS = ("program", "program", "program", "cohort", "offer")
_PROVINCES = ("11", "31", "44", "50", "51", "33", "32", "37")


def _title(rng: random.Random, zh: bool) -> str:
    if zh:
        return "".join(rng.sample(_ZH_FIELDS, rng.randint(1, 2))) + rng.choice(_ZH_SUFFIX)
    return (
        " ".join(w.capitalize() for w in rng.sample(_EN_FIELDS, rng.randint(1, 2)))
        + " "
        + rng.choice(_EN_SUFFIX).capitalize()
    )


_ZH_CHARS = (
    "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所"
    "民得经十三之进着等部度家电力里如水化高自二理起小物现实加量都两体制机当使点从业本去把性好应开它合还因由其些然前外天政四日"
    "那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气第向道命此变条只没结解问意建月公无系军很情者最立代想"
    "已通并提直题党程展五果料象员革位入常文总次品式活设及管特件长求老头基资边流路级少图山统接知较将组见计别她手角期根论运农指"
    "几九区强放决西被干做必战先回则任取据处队南给色光门即保治北造百规热领七海口东导器压志世金增争济阶油思术极交受联什认六共权"
).replace(" ", "")
_EN_SYLLABLES = [
    "ba",
    "be",
    "bi",
    "bo",
    "bu",
    "ca",
    "ce",
    "ci",
    "co",
    "cu",
    "da",
    "de",
    "di",
    "do",
    "du",
    "fa",
    "fe",
    "fi",
    "fo",
    "ga",
    "ge",
    "gi",
    "go",
    "la",
    "le",
    "li",
    "lo",
    "lu",
    "ma",
    "me",
    "mi",
    "mo",
    "mu",
    "na",
    "ne",
    "ni",
    "no",
    "nu",
    "pa",
    "pe",
    "pi",
    "po",
    "pu",
    "ra",
    "re",
    "ri",
    "ro",
    "ru",
    "sa",
    "se",
    "si",
    "so",
    "su",
    "ta",
    "te",
    "ti",
    "to",
    "tu",
    "va",
    "ve",
    "vi",
    "vo",
    "za",
]


def _zipf_word(rng: random.Random, zh: bool) -> str:
    """A word from a large Zipf-distributed vocabulary (realistic posting-list lengths)."""
    rank = int(math.exp(rng.random() * math.log(200_000)))  # P(rank) ~ 1/rank
    return _spell(rank, zh)


@functools.cache
def _spell(rank: int, zh: bool) -> str:
    r2 = random.Random(rank * 2 + zh)  # the same rank always spells the same word
    if zh:
        return r2.choice(_ZH_CHARS) + r2.choice(_ZH_CHARS)
    return "".join(r2.choice(_EN_SYLLABLES) for _ in range(r2.randint(2, 4)))


def synthetic_docs(n: int, *, seed: int = 0, kind: str | None = None, text_words: int = 40) -> Iterator[MatchDoc]:
    """Yield ``n`` bilingual records (about 60 % Chinese), deterministic for a given ``seed``.

    Titles repeat (like real catalogues). A text has ``text_words`` words:
    half from a small domain vocabulary (very common terms), half from a
    large Zipf-distributed vocabulary of generated words, plus three field
    words, so posting lists range from a few records to most of the corpus.
    """
    rng = random.Random(seed)
    for i in range(n):
        zh = rng.random() < 0.6
        title = _title(rng, zh)
        words = _ZH_WORDS if zh else _EN_WORDS
        fields = _ZH_FIELDS if zh else _EN_FIELDS
        body = [rng.choice(words) if k % 2 else _zipf_word(rng, zh) for k in range(text_words)]
        body += rng.sample(fields, 3)
        sep = "，" if zh else " "
        prov = rng.choice(_PROVINCES)
        yield MatchDoc(
            id=i + 1,
            kind=kind or rng.choice(_KINDS),  # type: ignore[arg-type]
            title=title,
            text=sep.join(body),
            skills=tuple(rng.sample(fields, 2)),
            education_level=rng.choice(EDUCATION_LEVELS[:4]),
            region_code=f"{prov}{rng.randint(1, 20):02d}{rng.randint(1, 30):02d}",
            organization_id=rng.randint(1, max(1, n // 20)),
        )


_ZH_NOISE = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"


def one_edit(s: str, rng: random.Random) -> str:
    """Apply one random edit: substitute, delete, insert, or swap two adjacent characters."""
    if len(s) < 2:
        return s + "x"
    op = rng.choice(("sub", "del", "ins", "swap"))
    i = rng.randrange(len(s))
    is_zh = any("\u4e00" <= ch <= "\u9fff" for ch in s)
    alphabet = _ZH_NOISE if is_zh else "abcdefghijklmnopqrstuvwxyz"
    if op == "sub":
        c = rng.choice([a for a in alphabet if a != s[i].lower()])
        return s[:i] + c + s[i + 1 :]
    if op == "del":
        return s[:i] + s[i + 1 :]
    if op == "ins":
        return s[:i] + rng.choice(alphabet) + s[i:]
    i = min(i, len(s) - 2)
    if s[i] == s[i + 1]:
        return s[:i] + rng.choice(alphabet) + s[i + 1 :]
    return s[:i] + s[i + 1] + s[i] + s[i + 2 :]


def typo_queries(titles: list[str], n: int, *, seed: int = 0) -> list[tuple[int, str]]:
    """``n`` pairs of (index into ``titles``, one-edit variant of that title)."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        j = rng.randrange(len(titles))
        out.append((j, one_edit(titles[j], rng)))
    return out
