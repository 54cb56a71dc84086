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
