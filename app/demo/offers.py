"""Templates for cooperation offers (校企合作供需) in both directions.

Placeholders: {org} organization name, {major} a major name, {skill} a skill, {district} district name,
{year} a year, {n} capacity.
"""

from typing import NamedTuple


class OfferTpl(NamedTuple):
    kind: str
    direction: str
    title: str
    description: str
    capacity: tuple[int, int] | None


ENTERPRISE_OFFERS = [
    OfferTpl(
        "order_class",
        "seek",
        "{year}级{major}订单班合作院校招募",
        "{org}计划与1-2所职业院校联合开设“{major}”订单班，每班{n}人。企业参与人才培养方案制定，"
        "派驻工程师承担{skill}等核心课程教学，提供奖学金和岗位实习，考核合格的学生毕业后直接入职。"
        "希望合作院校具备相关专业实训条件，学生第三学期起可到企业开展工学交替。",
        (30, 60),
    ),
    OfferTpl(
        "apprenticeship",
        "seek",
        "现代学徒制试点合作：{major}方向",
        "{org}拟面向{major}专业招收现代学徒{n}名，实行“双导师”培养：学校教师负责理论教学，企业师傅负责"
        "{skill}等岗位技能带教。学徒期间享受学徒津贴，签订三方协议，学徒期满经考核转为正式员工。",
        (10, 30),
    ),
    OfferTpl(
        "internship",
        "offer",
        "{year}年岗位实习岗位开放（{district}）",
        "{org}为职业院校学生提供岗位实习岗位{n}个，涉及{skill}等工作内容。实习期6个月，提供实习补贴、"
        "工作餐和住宿，配备实习指导师傅，表现优秀者可提前签订就业协议。欢迎相关专业院校对接。",
        (10, 40),
    ),
    OfferTpl(
        "rd_project",
        "seek",
        "校企联合技术攻关需求：{skill}",
        "{org}在生产中遇到{skill}相关的效率和良率问题，希望与具备科研团队的高职或职业本科院校开展横向课题合作，"
        "共同完成工艺分析、方案设计和现场验证。项目周期约12个月，企业提供研发经费和试验条件。",
        None,
    ),
    OfferTpl(
        "staff_training",
        "seek",
        "一线员工{skill}技能提升培训需求",
        "{org}计划分批组织约{n}名一线员工参加{skill}专项培训，希望合作院校提供课程、师资和实训设备，"
        "培训结束后组织职业技能等级认定。可利用周末或在企业内开展。",
        (20, 100),
    ),
    OfferTpl(
        "training_base",
        "offer",
        "企业生产性实训基地向院校开放",
        "{org}将位于{district}的生产经营场所和培训中心作为校外实训基地，可同时容纳{n}名学生开展{skill}等实训项目，"
        "企业提供安全培训和现场指导，欢迎院校组织认识实习和教师企业实践。",
        (20, 80),
    ),
]

SCHOOL_OFFERS = [
    OfferTpl(
        "training_base",
        "offer",
        "{major}实训基地对外开放共享",
        "{org}{major}实训基地建有{skill}等实训室，设备总值约两千万元，可提供{n}个实训工位。"
        "面向联合体内企业开放，可用于员工技能培训、新产品试制和职业技能等级认定考核。",
        (40, 200),
    ),
    OfferTpl(
        "tech_service",
        "offer",
        "面向中小企业的{skill}技术服务",
        "{org}依托{major}专业教学团队和技术技能平台，为企业提供{skill}相关的技术咨询、设备维护、检测和数字化改造服务。"
        "团队有双师型教师15人，近三年完成横向技术服务项目30余项。",
        None,
    ),
    OfferTpl(
        "staff_training",
        "offer",
        "企业员工{skill}培训与技能等级认定",
        "{org}可为企业在职员工提供{skill}等模块化培训，每期{n}人，培训时间灵活，"
        "结业后可参加学校组织的职业技能等级认定。培训可在校内实训基地或企业现场开展。",
        (20, 100),
    ),
    OfferTpl(
        "industry_college",
        "seek",
        "共建{major}产业学院合作企业招募",
        "{org}拟围绕{major}专业群共建产业学院，诚邀行业龙头企业参与，共同制定人才培养方案、开发{skill}等课程、"
        "共建实训基地和共享师资。学校提供场地和配套经费，企业投入设备与技术标准。",
        None,
    ),
    OfferTpl(
        "internship",
        "seek",
        "{year}届{major}专业学生岗位实习单位征集",
        "{org}{year}届{major}专业约{n}名学生将于下学期开展岗位实习，现征集能提供{skill}等相关岗位的企业。"
        "要求企业保障实习生安全、提供实习补贴并指定指导师傅，学校派驻带队教师全程管理。",
        (20, 120),
    ),
    OfferTpl(
        "order_class",
        "offer",
        "{major}专业订单班合作意向",
        "{org}{major}专业每年招生约{n}人，愿与用人企业合作开设订单班，按企业岗位标准调整{skill}等课程内容，"
        "并在第五、六学期安排学生到企业开展岗位实习。",
        (30, 60),
    ),
]

OTHER_OFFERS = {
    "government": OfferTpl(
        "staff_training",
        "offer",
        "{year}年区级职业技能提升补贴性培训项目",
        "{org}面向辖区企业职工和就业困难人员开展补贴性职业技能培训，重点方向包括{skill}等紧缺工种，"
        "计划培训{n}人次。企业可申报以工代训和新型学徒制培训补贴。",
        (200, 800),
    ),
    "institute": OfferTpl(
        "industry_college",
        "offer",
        "联合体成员单位共建产业学院项目征集",
        "{org}征集联合体成员企业和院校共建产业学院、开展“{skill}”等方向的人才联合培养，"
        "秘书处负责资源对接、项目评审和过程管理。",
        None,
    ),
}
