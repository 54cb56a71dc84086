"""Readable names for the codes the warehouse stores: the layers (LEVELS), the disparity
categories (CATEGORIES), the student folder's codes, and the plans' statuses, timings, stages
and problems. A page shows words, never a code: a code no map knows reads with its underscores
as spaces (code_label)."""
from __future__ import annotations

from dashboards import queries
from data_contracts.vocabulary import LEVELS, STATE

# 'district' -> 'District', 'plc' -> 'PLC' (an acronym): the layers' codes as people read them.
LEVEL_NAMES = {code: code.upper() if code == "plc" else code.capitalize() for code in (STATE, *LEVELS)}


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


# why a disproportionality row has no ratio (mart.disparity.na_reason), and its ratio types
NO_RATIO = {
    "group_count_below_min_cell": "fewer in the group with the outcome than the minimum cell",
    "group_population_below_min_n": "the group is smaller than the minimum n",
    "group_population_zero": "no student in the group",
    "comparison_below_minimums_no_state_data": "the other groups are under the minimums and there are no state counts",
    "state_comparison_below_minimums": "the other groups are under the minimums, and so are the state's",
    "comparison_risk_zero": "no student of the other groups has the outcome",
}
RATIO_TYPES = {"RR": "RR", "ARR": "ARR", "NA": "no ratio"}


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


# --- the codes of the plans (assets/plans), as the Plans page says them ----------------------------
# Goal status -> (css class of the status badges, icon, word): never colour alone.
GOAL_STATUS = {
    "met": ("on_target", "✓", "met"), "on_track": ("on_target", "✓", "on track"),
    "at_risk": ("near", "!", "at risk"), "off_track": ("off", "✗", "off track"),
    "no_data": ("no_data", "–", "no data"), "suppressed": ("suppressed", "⊘", "hidden"),
    "no_metric": ("no_target", "–", "no metric"), "not_measurable": ("no_target", "?", "not measurable"),
}
# How an action step's completion compares with its due date (assets/plans/action_steps.sql).
TIMING = {"on_time": "on time", "late": "late", "overdue": "overdue", "open": "not yet due"}
# action_steps.csv status; plan_schedule task status (plan_schedule.sql).
STEP_STATUS = {"not_started": "not started", "in_progress": "in progress", "complete": "complete",
               "blocked": "blocked"}
TASK_STATUS = {"complete": "complete", "overdue": "overdue", "open": "not yet due"}
STAGES = {"prepare": "Preparation", "stage_1": "Stage 1", "stage_2": "Stage 2", "stage_3": "Stage 3",
          "stage_4": "Stage 4"}
GOAL_KINDS = {"goal": "goal", "objective": "objective", "smart_goal": "SMART goal"}
CADENCE = {"met": "met", "missed": "missed"}
# The alignment problems of assets/plans/alignment.sql ('smart_goal_missing_<part>' and
# 'strategy_missing_<part>' are read by problem_label).
PROBLEMS = {
    "parent_missing": "no parent goal", "parent_not_found": "parent goal not found",
    "parent_wrong_layer": "parent goal on the wrong layer",
    "target_date_not_after_baseline": "target date not after the baseline date",
    "metric_unknown": "metric not in the catalog", "student_group_unknown": "unknown student group",
    "strategy_evidence_unknown": "evidence metric not in the catalog",
    "school_without_plan": "school without a plan",
    "school_plan_not_aligned": "school plan not aligned to a district goal",
    "plc_without_smart_goal": "PLC without a SMART goal",
    "district_goal_unsupported": "district goal no school or department goal serves",
    "plan_owner_unknown": "plan owner unknown", "action_step_overdue": "action step overdue",
}
_MISSING_PARTS = {"smart_goal_missing_": "SMART goal without its {}", "strategy_missing_": "strategy without its {}"}
_PARTS = {"if": '"If we..."', "then": '"Then..."', "and": '"And..."', "baseline_date": "baseline date",
          "target_date": "target date", "student_group": "student group"}


def problem_label(code) -> str:
    """'smart_goal_missing_target_date' -> 'SMART goal without its target date'."""
    for prefix, sentence in _MISSING_PARTS.items():
        if isinstance(code, str) and code.startswith(prefix):
            part = code[len(prefix):]
            return sentence.format(_PARTS.get(part, code_label(part).lower()))
    return code_label(code, PROBLEMS)


def goal_status(code) -> tuple[str, str, str]:
    """(css class, icon, word) of a goal status."""
    return GOAL_STATUS.get(code, ("no_target", "–", code_label(code).lower() or "no status"))
