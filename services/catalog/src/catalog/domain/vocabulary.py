"""The catalog's words: categories, routes of administration, conditions (regions: clinic_shared.regions)."""

from __future__ import annotations

from enum import StrEnum


class Category(StrEnum):
    evaluation = "evaluation"
    infusion = "infusion"
    injection = "injection"
    troche = "troche"
    nasal_spray = "nasal_spray"
    therapy = "therapy"
    membership = "membership"


class Route(StrEnum):
    IV = "IV"
    IM = "IM"
    sublingual = "sublingual"
    intranasal = "intranasal"


class Condition(StrEnum):
    depression = "depression"
    anxiety = "anxiety"
    ptsd = "ptsd"
    bipolar = "bipolar"
    ocd = "ocd"
    chronic_pain = "chronic_pain"
    suicidal_ideation = "suicidal_ideation"


class Status(StrEnum):
    draft = "draft"
    active = "active"
    archived = "archived"
