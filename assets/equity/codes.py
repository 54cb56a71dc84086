"""Codes shared by the disparity engine, the CLI reader, the marts and the sample generator."""

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
