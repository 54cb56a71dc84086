"""The one vocabulary of Alignboard (landing-files.md): layers, grades, races, groups, and the
disparity categories. Every other module (assets, dashboards, the CLI, the generator) imports it
from here instead of typing its own copy."""

# The layers of the alignment model (DESIGN.md): organisation levels, then students.
ORG_LEVELS = ("district", "department", "school", "plc", "classroom")
LEVELS = (*ORG_LEVELS, "student")
# A state warehouse (`alignboard state load`) has one entity above its districts: level and id "state".
STATE = "state"
# What a dashboard viewer's scope, or an entity they open, may be: the state or an org level.
SCOPE_LEVELS = (STATE, *ORG_LEVELS)

# grade_level codes of students.csv and sections.csv, youngest first.
GRADES = ("PK", "KG", *(f"{g:02d}" for g in range(1, 13)))

# The races column of students.csv: a pipe-separated subset of these.
RACES = ("american_indian_alaska_native", "asian", "black", "native_hawaiian_pacific_islander", "white")

# 34 CFR 300.647(b)(2): the racial and ethnic groups, as coded in staging.students.race_ethnicity.
GROUPS = (
    "hispanic_latino",
    "american_indian_alaska_native",
    "asian",
    "black",
    "native_hawaiian_pacific_islander",
    "white",
    "two_or_more",
)
# staging.students.race_ethnicity of a student with no race who is not Hispanic: outside every
# disproportionality ratio, and counted as left out (docs/disparity.md).
UNKNOWN_GROUP = "unknown"

# Categories whose count is removals (events), not children: the count may exceed the population,
# there is no odds ratio, and the confidence interval uses the rate-ratio variance.
EVENT_CATEGORIES = ("discipline_total_removals",)

# Categories of 300.647(b)(3)-(4), plus MTSS identification for support (not in the regulation).
# counts_from_warehouse.sql defines how each is counted; a unit test keeps the two in step.
CATEGORIES = (
    "identification_all",
    "identification_id",
    "identification_sld",
    "identification_ed",
    "identification_sli",
    "identification_ohi",
    "identification_aut",
    "placement_rc_lt40",
    "placement_separate",
    "discipline_oss_exp_le10",
    "discipline_oss_exp_gt10",
    "discipline_iss_le10",
    "discipline_iss_gt10",
    "discipline_total_removals",
    "mtss_any",
    *(f"mtss_{area}_tier{tier}" for area in ("reading", "math", "behavior", "attendance") for tier in (2, 3)),
)

# The plan files (landing-files.md, Plans): optional, and also read from the sheets of plans.xlsx.
PLAN_FILES = ("plans", "plan_goals", "plan_strategies", "action_steps", "plan_schedule", "roadmap_reviews")
