"""Readable names for the codes of the vocabulary (data_contracts.vocabulary): the layers
(LEVELS) and the disparity categories (CATEGORIES)."""
from __future__ import annotations

from dashboards import queries
from data_contracts.vocabulary import LEVELS

# 'district' -> 'District', 'plc' -> 'PLC' (an acronym): the layers' codes as people read them.
LEVEL_NAMES = {code: code.upper() if code == "plc" else code.capitalize() for code in LEVELS}


def level_label(code) -> str:
    return LEVEL_NAMES.get(code, code)


WORDS = {"oss": "out-of-school suspension", "iss": "in-school suspension", "exp": "expulsion",
         "le10": "10 days or fewer", "gt10": "more than 10 days", "rc": "regular class", "lt40": "under 40%",
         "mtss": "MTSS", "id": "intellectual disability", "sld": "specific learning disability",
         "ed": "emotional disturbance", "sli": "speech or language impairment", "ohi": "other health impairment",
         "aut": "autism", "tier2": "tier 2", "tier3": "tier 3", "any": "any tier 2 or 3"}


def category_label(code: str) -> str:
    """'discipline_oss_exp_le10' -> 'Discipline: out-of-school suspension expulsion 10 days or fewer'."""
    head, *rest = code.split("_")
    words = [WORDS.get(w, w) for w in rest]
    first = WORDS.get(head, head)
    first = first if first.isupper() else first.capitalize()
    return f"{first}: {' '.join(words)}" if words else first


def race_label(code: str) -> str:
    """'black' -> 'Black' (the group label without its 'Race/ethnicity:' prefix)."""
    label = queries.group_label(f"race_ethnicity:{code}").split(": ", 1)[-1]
    return label[:1].upper() + label[1:]


# --- the codes of the student folder (landing-files.md), as people read them -------------------
ACTIONS = {"oss": "Out-of-school suspension", "iss": "In-school suspension", "expulsion": "Expulsion",
           "iaes": "Interim alternative educational setting", "other": "Other action"}
ATTENDANCE_STATUSES = {"present": "Present", "tardy": "Tardy", "early_departure": "Early departure",
                       "excused_absence": "Excused absence", "unexcused_absence": "Unexcused absence"}
TIERS = {1: "Tier 1 (universal)", 2: "Tier 2 (targeted)", 3: "Tier 3 (intensive)"}
SUBJECTS = {"ela": "ELA", "math": "Math", "science": "Science", "social_studies": "Social studies",
            "arts": "Arts", "physical_education": "Physical education", "world_language": "World language"}
GRADES = {"PK": "Pre-K", "KG": "Kindergarten"}


def code_label(code, words: dict | None = None) -> str:
    """A code in words: from `words` when it is there, else its own words ('dress_code' ->
    'Dress code'); blank for no code."""
    if code is None or (isinstance(code, float) and code != code):
        return ""
    if words and code in words:
        return words[code]
    if isinstance(code, str) and code.lower() in (words or {}):
        return words[code.lower()]
    text = str(code).replace("_", " ")
    return text[:1].upper() + text[1:]


def tier_label(tier) -> str:
    """2 -> 'Tier 2 (targeted)'."""
    if tier is None or (isinstance(tier, float) and tier != tier):
        return ""
    return TIERS.get(int(tier), f"Tier {int(tier)}")


def grade_label(grade) -> str:
    """'04' -> '4', 'KG' -> 'Kindergarten'."""
    if grade is None:
        return ""
    return GRADES.get(grade, grade.lstrip("0") or grade)


def yes_no(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return "Yes" if bool(value) else "No"


def student_label(student_id: str, first_name=None, last_name=None) -> str:
    """'Lee, Ana (s01)' when students.csv has names, else the id alone."""
    names = [n for n in (last_name, first_name) if isinstance(n, str) and n.strip()]
    return f"{', '.join(names)} ({student_id})" if names else str(student_id)
