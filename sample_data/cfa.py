"""Common formative assessments of one school in one year.

Every PLC gives three CFAs a year per course it teaches (elementary grade PLCs in ELA and math,
secondary content PLCs in each core course). A CFA covers 2-3 standards (e.g. ELA.3.RL.1), each
scored out of max_score with a proficiency cut of 0.8 or 0.7; every teacher of the PLC gives it
to their sections in the same week. About 12% of students who miss a cut retake the CFA a week
or two later (all its standards again, a later administered_date).
"""
import numpy as np
import pyarrow as pa

from sample_data import codes
from sample_data.rng import group_bounds, ragged_gather, sigmoid
from sample_data.sections import SchoolSections

CFAS_PER_COURSE = 3
CFA_DATES = ((10, 20), (1, 25), (4, 20))
RETAKE_RATE = 0.12
PREFIX = {"ela": "ELA", "math": "MATH", "science": "SCI", "social_studies": "SS"}
DOMAINS = {
    ("ela", codes.ELEMENTARY): ("RL", "RI", "RF", "W", "L"),
    ("ela", codes.MIDDLE): ("RL", "RI", "W", "SL", "L"),
    ("ela", codes.HIGH): ("RL", "RI", "W", "SL", "L"),
    ("math", codes.ELEMENTARY): ("OA", "NBT", "NF", "MD", "G"),
    ("math", codes.MIDDLE): ("RP", "NS", "EE", "G", "SP"),
    ("math", codes.HIGH): ("A", "F", "G", "S", "N"),
    ("science", None): ("PS", "LS", "ESS", "ETS"),
    ("social_studies", None): ("CIV", "ECO", "GEO", "HIS"),
}


def _domains(subject: str, level: int):
    return DOMAINS.get((subject, level)) or DOMAINS[(subject, None)]


def build(rng: np.random.Generator, cal, school_id: str, level: int, year: int, ss: SchoolSections,
          seg_theta: dict, seg_ids: pa.Array) -> dict | None:
    """Column dict of cfa_results rows, or None when the school has no sections."""
    if len(ss) == 0:
        return None
    subjects = ("ela", "math") if level == codes.ELEMENTARY else codes.CORE_SUBJECTS
    # the CFA catalog: one set per (plc, subject, grade)
    courses: dict[tuple, list[int]] = {}
    for s, (plc, subject, g) in enumerate(zip(ss.plc_id, ss.subject, ss.grade)):
        if subject in subjects:
            courses.setdefault((plc, subject, g), []).append(s)
    cfa_id, cfa_title, cfa_plc, cfa_max, cfa_cut, cfa_subject = [], [], [], [], [], []
    std_code, std_start, std_count, std_diff = [], [], [], []
    adm_cfa, adm_sec, adm_day = [], [], []
    for (plc, subject, g), secs in courses.items():
        course = ss.course[secs[0]]
        domains = _domains(subject, level)
        for k, (month, day) in enumerate(CFA_DATES):
            c = len(cfa_id)
            cfa_id.append(f"CFA-{school_id}-{year}-{c + 1:03d}")
            cfa_title.append(f"{course} CFA {k + 1}")
            cfa_plc.append(plc)
            cfa_max.append(int(rng.choice([4, 5, 10])))
            cfa_cut.append(0.8 if rng.random() < 0.6 else 0.7)
            cfa_subject.append(subject)
            n_std = int(rng.integers(2, 4))
            picks = rng.choice(len(domains) * 4, size=n_std, replace=False)
            std_start.append(len(std_code))
            std_count.append(n_std)
            std_code += [f"{PREFIX[subject]}.{codes.grade_number_label(g)}.{domains[p // 4]}.{p % 4 + 1}"
                         for p in picks]
            std_diff += list(rng.normal(0, 0.35, n_std))
            base = cal.index_on_or_after(month, day)
            for s in secs:
                adm_cfa.append(c)
                adm_sec.append(s)
                adm_day.append(min(base + int(rng.integers(0, 5)), cal.n - 1))
    if not adm_cfa:
        return None
    adm_cfa, adm_sec, adm_day = np.array(adm_cfa), np.array(adm_sec), np.array(adm_day)
    std_start, std_count, std_diff = np.array(std_start), np.array(std_count), np.array(std_diff)
    cfa_max_a = np.array(cfa_max)
    cfa_cut_a = np.array(cfa_cut)
    ela, math = seg_theta["ela"], seg_theta["math"]
    subject_theta = {"ela": ela, "math": math, "science": 0.5 * (ela + math), "social_studies": ela}

    # who sat each administration: enrolled in the section that day, not absent
    order, bounds = group_bounds(ss.en_section, len(ss))
    en_pos, adm = ragged_gather(bounds[adm_sec], bounds[adm_sec + 1] - bounds[adm_sec])
    en = order[en_pos]
    day = adm_day[adm]
    sat = (ss.en_first[en] <= day) & (day <= ss.en_last[en]) & (rng.random(len(en)) >= 0.05)
    en, adm, day = en[sat], adm[sat], day[sat]
    seg = ss.en_seg[en]
    cfa = adm_cfa[adm]
    theta = np.zeros(len(seg))
    cfa_subject_a = np.array(cfa_subject)
    for s in subjects:
        m = cfa_subject_a[cfa] == s
        theta[m] = subject_theta[s][seg[m]]

    # retakes: a later sitting of the whole CFA for some who missed a cut
    first_scores = _score(rng, theta, cfa, std_start, std_count, std_diff, cfa_max_a, 0.0)
    std_idx, owner, score = first_scores
    missed = np.zeros(len(seg), dtype=bool)
    np.logical_or.at(missed, owner, score / cfa_max_a[cfa[owner]] < cfa_cut_a[cfa[owner]])
    retake_day = day + rng.integers(5, 12, len(seg))
    retake = missed & (rng.random(len(seg)) < RETAKE_RATE) & (retake_day <= np.minimum(ss.en_last[en], cal.n - 1))
    r = np.flatnonzero(retake)
    std2, owner2, score2 = _score(rng, theta[r], cfa[r], std_start, std_count, std_diff, cfa_max_a, 0.45)
    owner2 = r[owner2]

    owner_all = np.concatenate([owner, owner2])
    std_all = np.concatenate([std_idx, std2])
    day_all = np.concatenate([day[owner], retake_day[owner2]])
    score_all = np.concatenate([score, score2])
    c_all = cfa[owner_all]
    take = lambda values, idx: pa.array(values, type=pa.string()).take(pa.array(idx))  # noqa: E731
    return {
        "cfa_id": take(cfa_id, c_all),
        "cfa_title": take(cfa_title, c_all),
        "plc_id": take(cfa_plc, c_all),
        "section_id": take(ss.section_id, ss.en_section[en[owner_all]]),
        "student_id": seg_ids.take(pa.array(seg[owner_all])),
        "standard_code": take(std_code, std_all),
        "administered_date": cal.label(day_all),
        "score": score_all,
        "max_score": cfa_max_a[c_all],
        "proficiency_cut": cfa_cut_a[c_all],
    }


def _score(rng, theta, cfa, std_start, std_count, std_diff, cfa_max, boost):
    """One row per (sitting, standard): (standard index, sitting index, integer score)."""
    pos, owner = ragged_gather(np.zeros(len(cfa), dtype=np.int64), std_count[cfa])
    std = std_start[cfa[owner]] + pos
    frac = sigmoid(1.3 * (theta[owner] + 1.3 + boost - std_diff[std] + rng.normal(0, 0.55, len(std))))
    mx = cfa_max[cfa[owner]]
    return std, owner, np.round(frac * mx).astype(np.int64)
