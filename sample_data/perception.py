"""Perception data: survey items, invitations and responses.

Each year: a student survey in the fall and in the spring (grades 03-12), and staff and family
surveys in the spring. 5-point items in four constructs (belonging, self_efficacy, climate,
teacher_student_relationships), about one in five reverse-coded. Responses: one row per
respondent x item, ~3% skipped (blank value); response rates 50-90% by school.
"""
import datetime as dt

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sample_data import codes

SCALE_POINTS, FAVORABLE_MIN = 5, 4
CONSTRUCT_SHIFT = {"belonging": 0.0, "self_efficacy": 0.1, "climate": -0.1, "teacher_student_relationships": 0.15}
TYPE_SHIFT = {"student": 0.0, "staff": 0.2, "family": 0.35}
ITEMS = {
    "student": (
        ("STU-BEL-1", "belonging", "I feel like I belong at this school.", False),
        ("STU-BEL-2", "belonging", "There is an adult at school I can talk to when I have a problem.", False),
        ("STU-BEL-3", "belonging", "I often feel left out at school.", True),
        ("STU-EFF-1", "self_efficacy", "I can do well on hard schoolwork if I keep trying.", False),
        ("STU-EFF-2", "self_efficacy", "I know what to do when I do not understand something in class.", False),
        ("STU-EFF-3", "self_efficacy", "I give up when schoolwork gets difficult.", True),
        ("STU-CLI-1", "climate", "I feel safe at school.", False),
        ("STU-CLI-2", "climate", "Students at this school treat each other with respect.", False),
        ("STU-CLI-3", "climate", "Rules at this school are applied fairly to all students.", False),
        ("STU-TSR-1", "teacher_student_relationships", "My teachers care about me as a person.", False),
        ("STU-TSR-2", "teacher_student_relationships", "My teachers believe I can do well.", False),
        ("STU-TSR-3", "teacher_student_relationships", "My teachers do not listen to students' ideas.", True),
    ),
    "staff": (
        ("STF-BEL-1", "belonging", "I feel valued as a member of this school community.", False),
        ("STF-BEL-2", "belonging", "I would recommend this school as a place to work.", False),
        ("STF-BEL-3", "belonging", "I often feel isolated from my colleagues.", True),
        ("STF-EFF-1", "self_efficacy", "I can meet the learning needs of all my students.", False),
        ("STF-EFF-2", "self_efficacy", "I have the professional learning I need to improve my practice.", False),
        ("STF-EFF-3", "self_efficacy", "I can use data to adjust my instruction.", False),
        ("STF-CLI-1", "climate", "Staff at this school trust one another.", False),
        ("STF-CLI-2", "climate", "School leaders involve staff in important decisions.", False),
        ("STF-CLI-3", "climate", "Student behavior problems get in the way of teaching.", True),
        ("STF-TSR-1", "teacher_student_relationships", "Staff here know students as individuals.", False),
        ("STF-TSR-2", "teacher_student_relationships", "Students at this school trust the adults here.", False),
        ("STF-TSR-3", "teacher_student_relationships", "Staff have high expectations for every student.", False),
    ),
    "family": (
        ("FAM-BEL-1", "belonging", "My family feels welcome at this school.", False),
        ("FAM-BEL-2", "belonging", "School staff take my concerns seriously.", False),
        ("FAM-BEL-3", "belonging", "It is hard for me to get involved at this school.", True),
        ("FAM-EFF-1", "self_efficacy", "I know how to help my child learn at home.", False),
        ("FAM-EFF-2", "self_efficacy", "I understand what my child is expected to learn this year.", False),
        ("FAM-CLI-1", "climate", "My child is safe at this school.", False),
        ("FAM-CLI-2", "climate", "The school communicates clearly with families.", False),
        ("FAM-TSR-1", "teacher_student_relationships", "My child's teachers care about my child.", False),
        ("FAM-TSR-2", "teacher_student_relationships", "My child's teachers rarely tell me how my child is doing.",
         True),
    ),
}
# (respondent type, season, window start month/day, response rate range)
SURVEYS = (
    ("student", "fall", (10, 6), (0.55, 0.9)),
    ("student", "spring", (4, 6), (0.55, 0.9)),
    ("staff", "spring", (4, 6), (0.6, 0.9)),
    ("family", "spring", (4, 20), (0.5, 0.8)),
)
WINDOW_DAYS = 15


def survey_id(year: int, respondent: str, season: str) -> str:
    return f"{year}-{respondent}-{season}"


def survey_name(year: int, respondent: str, season: str) -> str:
    return f"{year - 1}-{year % 100:02d} {respondent.title()} Survey ({season.title()})"


def items_rows(years: list[int]) -> dict:
    cols = {k: [] for k in ("survey_id", "survey_name", "respondent_type", "item_id", "item_text", "construct",
                            "scale_points", "favorable_min", "reverse_coded")}
    for year in years:
        for respondent, season, _, _ in SURVEYS:
            for item_id, construct, text, reverse in ITEMS[respondent]:
                cols["survey_id"].append(survey_id(year, respondent, season))
                cols["survey_name"].append(survey_name(year, respondent, season))
                cols["respondent_type"].append(respondent)
                cols["item_id"].append(item_id)
                cols["item_text"].append(text)
                cols["construct"].append(construct)
                cols["scale_points"].append(str(SCALE_POINTS))
                cols["favorable_min"].append(str(FAVORABLE_MIN))
                cols["reverse_coded"].append("Y" if reverse else "N")
    return cols


class ResponseIds:
    """Anonymous respondent keys, unique across the run (R00000001, ...)."""

    def __init__(self):
        self.next = 1

    def take(self, n: int) -> pa.Array:
        ids = np.char.add("R", np.char.zfill(np.arange(self.next, self.next + n).astype(str), 8))
        self.next += n
        return pa.array(ids.astype(object), type=pa.string())


def build(rng: np.random.Generator, cal, year: int, school_id: str, climate: float, grade: np.ndarray,
          first: np.ndarray, last: np.ndarray, n_staff: int, ids: ResponseIds, through: dt.date | None = None):
    """(invitation rows, list of response column dicts) for one school-year; a survey that opens
    after `through` has not been given yet (no invitations)."""
    invitations = {k: [] for k in ("survey_id", "school_id", "respondent_type", "invited", "school_year")}
    responses = []
    for respondent, season, (month, day), (lo, hi) in SURVEYS:
        sid = survey_id(year, respondent, season)
        d0 = cal.index_on_or_after(month, day)
        if through is not None and cal.dates[d0] > np.datetime64(through):
            continue
        enrolled = (first <= d0) & (d0 <= last)
        rate = rng.uniform(lo, hi)
        if respondent == "student":
            pool = np.flatnonzero(enrolled & (grade >= codes.grade_code("03")))
            invited = len(pool)
            who = pool[rng.random(invited) < rate]
            n_resp = len(who)
            grade_labels = pa.array(codes.GRADES[grade[who]].astype(object), type=pa.string())
        else:
            invited = n_staff if respondent == "staff" else int(round(0.8 * enrolled.sum()))
            n_resp = int(rng.binomial(invited, rate))
            grade_labels = None
        if invited == 0:
            continue
        invitations["survey_id"].append(sid)
        invitations["school_id"].append(school_id)
        invitations["respondent_type"].append(respondent)
        invitations["invited"].append(str(invited))
        invitations["school_year"].append(str(year))
        if n_resp == 0:
            continue
        items = ITEMS[respondent]
        n_items = len(items)
        constructs = sorted(CONSTRUCT_SHIFT)
        item_construct = np.array([constructs.index(it[1]) for it in items])
        item_shift = np.array([CONSTRUCT_SHIFT[it[1]] for it in items]) + rng.normal(0, 0.15, n_items)
        reverse = np.array([it[3] for it in items])
        mu = climate + TYPE_SHIFT[respondent] + (0.05 if season == "spring" else 0.0)
        person = rng.normal(mu, 0.75, n_resp)
        person_construct = rng.normal(0, 0.4, (n_resp, len(constructs)))
        latent = person[:, None] + person_construct[:, item_construct] + item_shift[None, :]
        value = np.clip(np.round(3.8 + latent + rng.normal(0, 0.6, (n_resp, n_items))), 1, SCALE_POINTS)
        value = np.where(reverse[None, :], SCALE_POINTS + 1 - value, value).astype(np.int64).ravel()
        text = pa.array(value).cast(pa.string())
        skipped = rng.random(len(value)) < 0.03
        text = pc.if_else(pa.array(skipped), pa.scalar(None, pa.string()), text)
        submitted = np.minimum(d0 + rng.integers(0, WINDOW_DAYS, n_resp), cal.n - 1)
        resp_ids = ids.take(n_resp)
        rep = pa.array(np.repeat(np.arange(n_resp), n_items))
        responses.append({
            "survey_id": sid,
            "response_id": resp_ids.take(rep),
            "school_id": school_id,
            "respondent_type": respondent,
            "grade_level": None if grade_labels is None else grade_labels.take(rep),
            "item_id": pa.array([it[0] for it in items], type=pa.string()).take(
                pa.array(np.tile(np.arange(n_items), n_resp))),
            "value": text,
            "submitted_date": cal.label(submitted).take(rep),
        })
    return invitations, responses
