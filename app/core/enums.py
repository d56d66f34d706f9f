"""Enumerations shared by schemas, models and the catalog."""

from __future__ import annotations

from enum import StrEnum


class OrganizationKind(StrEnum):
    enterprise = "enterprise"
    school = "school"
    government = "government"
    institute = "institute"


class EducationLevel(StrEnum):
    secondary_vocational = "secondary_vocational"
    higher_vocational = "higher_vocational"
    vocational_bachelor = "vocational_bachelor"
    bachelor = "bachelor"
    master = "master"
    doctorate = "doctorate"
    any = "any"


class EmploymentType(StrEnum):
    full_time = "full_time"
    internship = "internship"
    apprenticeship = "apprenticeship"
    part_time = "part_time"


class DemandStatus(StrEnum):
    draft = "draft"
    open = "open"
    filled = "filled"
    closed = "closed"


class RecordStatus(StrEnum):
    """Status of programs and cooperation offers."""

    draft = "draft"
    open = "open"
    closed = "closed"


class CooperationDirection(StrEnum):
    offer = "offer"
    seek = "seek"


class CooperationKind(StrEnum):
    order_class = "order_class"
    apprenticeship = "apprenticeship"
    internship = "internship"
    training_base = "training_base"
    industry_college = "industry_college"
    rd_project = "rd_project"
    tech_service = "tech_service"
    staff_training = "staff_training"


#: Which organization kinds may own each resource.
OWNER_KINDS: dict[str, frozenset[OrganizationKind]] = {
    "demand": frozenset({OrganizationKind.enterprise, OrganizationKind.institute}),
    "program": frozenset({OrganizationKind.school}),
    "cohort": frozenset({OrganizationKind.school}),
    "cooperation_offer": frozenset(OrganizationKind),
}
