"""The vocabulary of the landing files (landing-files.md) as the generator uses it.

Grades are coded internally as integers 0..13 (PK, KG, 01..12); race/ethnicity as the seven
federal groups plus unknown. Everything written to a file goes through the labels here.
"""
import numpy as np

from data_contracts import vocabulary
from data_contracts.vocabulary import GROUPS

GRADES = np.array(vocabulary.GRADES)
N_GRADES = len(GRADES)
PK, KG = 0, 1


def grade_code(label: str) -> int:
    """'PK' -> 0, 'KG' -> 1, '03' -> 4, '12' -> 13."""
    return int(np.flatnonzero(GRADES == label)[0])


# school levels: elementary PK-05, middle 06-08, high 09-12
LEVELS = ("elementary", "middle", "high")
ELEMENTARY, MIDDLE, HIGH = 0, 1, 2
GRADE_LEVEL = np.array([ELEMENTARY] * 7 + [MIDDLE] * 3 + [HIGH] * 4, dtype=np.int8)
LEVEL_GRADES = {lvl: np.flatnonzero(GRADE_LEVEL == lvl) for lvl in range(3)}
LEVEL_SIZE = (450, 700, 1200)  # typical enrollment of one school
COHORT_WEIGHT = np.array([0.5] + [1.0] * 13)  # PK is half a cohort

# federal race/ethnicity groups (the order of state_counts.csv) + unknown
RACE_ETH = (*GROUPS, "unknown")
HISP, AIAN, ASIAN, BLACK, NHPI, WHITE, TWO, UNKNOWN = range(8)
FEDERAL_GROUPS = RACE_ETH[:7]
# the races column (pipe-separated subset, in this order)
RACES = vocabulary.RACES
DISTRICT_MIX = np.array([0.25, 0.01, 0.06, 0.15, 0.005, 0.48, 0.04, 0.005])

SEX = np.array(["F", "M", "X"])

ATTENDANCE_STATUS = ("present", "tardy", "early_departure", "excused_absence", "unexcused_absence")

DISABILITY = ("SLD", "SLI", "OHI", "AUT", "DD", "ID", "ED", "MD", "HI", "DF", "OI", "VI", "TBI", "DB")
ENVIRONMENT = ("rc80", "rc40_79", "rc_lt40", "separate_school", "residential", "homebound")

DISCIPLINE_ACTION = ("other", "iss", "oss", "expulsion", "iaes")
MTSS_AREA = ("reading", "math", "behavior", "attendance")

CORE_SUBJECTS = ("ela", "math", "science", "social_studies")
ELECTIVE_SUBJECTS = ("arts", "physical_education", "world_language")

PERFORMANCE_LEVELS = np.array(["below", "approaching", "meets", "exceeds"])
YN = np.array(["N", "Y"])


def yn(flags) -> np.ndarray:
    """Booleans -> 'Y'/'N' strings."""
    return YN[np.asarray(flags, dtype=np.int8)]


def grade_number_label(g: int) -> str:
    """Grade code -> the short form used in course names and standard codes: PK, K, 1..12."""
    if g == PK:
        return "PK"
    if g == KG:
        return "K"
    return str(g - 1)
