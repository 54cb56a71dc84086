"""Classrooms: the sections of one school in one year and who is enrolled in them.

Elementary students are in a homeroom (class of ~22) that has an ELA, math, science and social
studies section, all taught by the homeroom teacher; the PLC is the grade. Secondary students
take the four core subjects and one elective in sections of ~26, each teacher teaching up to
five sections of one content area (the PLC). A mid-year section change closes the old
enrollment (exit_date = last day there) and opens a new one the next day.
"""
import math
from dataclasses import dataclass

import numpy as np

from sample_data import codes
from sample_data.org import Plc

CLASS_SIZE = (22, 26, 26)
SECTIONS_PER_TEACHER = 5
ELECTIVE_SHARE = np.array([0.40, 0.35, 0.25])
SUBJECT_LABEL = {"ela": "ELA", "math": "Math", "science": "Science", "social_studies": "Social Studies",
                 "arts": "Art", "physical_education": "Physical Education", "world_language": "Spanish"}
HS_COURSES = {
    "ela": ("English 9", "English 10", "English 11", "English 12"),
    "math": ("Algebra I", "Geometry", "Algebra II", "Precalculus"),
    "science": ("Biology", "Chemistry", "Physics", "Environmental Science"),
    "social_studies": ("World History", "U.S. History", "Government", "Economics"),
}


def teachers_needed(level: int, grade_counts: np.ndarray) -> dict[str, int]:
    """Teachers each PLC needs for the given students per grade (same formula as build())."""
    size = CLASS_SIZE[level]
    out: dict[str, int] = {}
    grades = codes.LEVEL_GRADES[level]
    if level == codes.ELEMENTARY:
        for g in grades:
            out[f"grade_{codes.GRADES[g]}"] = math.ceil(grade_counts[g] / size)
        return out
    for subject in codes.CORE_SUBJECTS:
        out[subject] = math.ceil(sum(math.ceil(grade_counts[g] / size) for g in grades) / SECTIONS_PER_TEACHER)
    elective = sum(math.ceil(grade_counts[g] * share / size) + 1 for g in grades for share in ELECTIVE_SHARE)
    out["electives"] = math.ceil(elective / SECTIONS_PER_TEACHER)
    return out


def course_name(subject: str, g: int) -> str:
    if subject in HS_COURSES and codes.GRADE_LEVEL[g] == codes.HIGH:
        return HS_COURSES[subject][g - codes.grade_code("09")]
    label = SUBJECT_LABEL[subject]
    if subject in codes.ELECTIVE_SUBJECTS:
        return label
    if codes.GRADE_LEVEL[g] == codes.MIDDLE:
        return f"{label} {g - 1}"
    grade = {codes.PK: "Pre-K", codes.KG: "Kindergarten"}.get(g, f"Grade {g - 1}")
    return f"{grade} {label}"


@dataclass
class SchoolSections:
    section_id: list
    staff_id: list
    plc_id: list
    subject: list
    grade: list  # grade codes
    course: list
    en_section: np.ndarray  # enrollments: section index, local segment index, first/last day
    en_seg: np.ndarray
    en_first: np.ndarray
    en_last: np.ndarray

    def __len__(self) -> int:
        return len(self.section_id)


class _Builder:
    def __init__(self, school_id: str, year: int, plcs: dict[str, Plc], teachers: dict[str, list[str]]):
        self.prefix = f"{school_id}-{year}-"
        self.plcs, self.teachers = plcs, teachers
        self.next_teacher = {k: 0 for k in teachers}
        self.cols = {k: [] for k in ("section_id", "staff_id", "plc_id", "subject", "grade", "course")}
        self.en = []

    def section(self, focus: str, subject: str, g: int, teacher: str | None = None) -> int:
        if teacher is None:
            pool = self.teachers[focus]
            teacher = pool[self.next_teacher[focus] % len(pool)]
            self.next_teacher[focus] += 1
        c = self.cols
        c["section_id"].append(f"{self.prefix}{len(c['section_id']) + 1:04d}")
        c["staff_id"].append(teacher)
        c["plc_id"].append(self.plcs[focus].plc_id)
        c["subject"].append(subject)
        c["grade"].append(int(g))
        c["course"].append(course_name(subject, g))
        return len(c["section_id"]) - 1

    def enroll(self, sections, segs, first, last):
        self.en.append((np.asarray(sections), np.asarray(segs), np.asarray(first), np.asarray(last)))

    def enroll_with_change(self, group_sections: np.ndarray, group: np.ndarray, members, first, last, change):
        """Enroll members (local segs) in group_sections[group]; a member with change >= 0 moves to the
        next group of the same set on that day."""
        n_groups = len(group_sections)
        moving = (change > first) & (change <= last) & (n_groups > 1)
        stay = ~moving
        self.enroll(group_sections[group[stay]], members[stay], first[stay], last[stay])
        if moving.any():
            m = moving
            self.enroll(group_sections[group[m]], members[m], first[m], change[m] - 1)
            self.enroll(group_sections[(group[m] + 1) % n_groups], members[m], change[m], last[m])

    def done(self) -> SchoolSections:
        if self.en:
            sec, seg, f, l = (np.concatenate(x) for x in zip(*self.en))
        else:
            sec = seg = f = l = np.zeros(0, dtype=np.int64)
        return SchoolSections(**self.cols, en_section=sec.astype(np.int64), en_seg=seg.astype(np.int64),
                              en_first=f.astype(np.int64), en_last=l.astype(np.int64))


def build(school_id: str, level: int, year: int, plcs: dict[str, Plc], teachers: dict[str, list[str]],
          seg_grade: np.ndarray, seg_first: np.ndarray, seg_last: np.ndarray, seg_change: np.ndarray,
          rng: np.random.Generator) -> SchoolSections:
    """Sections of one school-year and the enrollments of its segments (local indices)."""
    b = _Builder(school_id, year, plcs, teachers)
    size = CLASS_SIZE[level]
    for g in codes.LEVEL_GRADES[level]:
        members = np.flatnonzero(seg_grade == g)
        cnt = len(members)
        if cnt == 0:
            continue
        first, last, change = seg_first[members], seg_last[members], seg_change[members]
        if level == codes.ELEMENTARY:
            focus = f"grade_{codes.GRADES[g]}"
            n_home = math.ceil(cnt / size)
            home = np.empty(cnt, dtype=np.int64)
            home[rng.permutation(cnt)] = np.arange(cnt) % n_home
            pool = teachers[focus]
            for j, subject in enumerate(codes.CORE_SUBJECTS):
                secs = np.array([b.section(focus, subject, g, pool[h % len(pool)]) for h in range(n_home)])
                b.enroll_with_change(secs, home, members, first, last, change)
            continue
        change_subject = rng.integers(0, len(codes.CORE_SUBJECTS), cnt)
        for j, subject in enumerate(codes.CORE_SUBJECTS):
            n_sec = math.ceil(cnt / size)
            grp = np.empty(cnt, dtype=np.int64)
            grp[rng.permutation(cnt)] = np.arange(cnt) % n_sec
            secs = np.array([b.section(subject, subject, g) for _ in range(n_sec)])
            ch = np.where(change_subject == j, change, -1)
            b.enroll_with_change(secs, grp, members, first, last, ch)
        elective = rng.choice(len(codes.ELECTIVE_SUBJECTS), size=cnt, p=ELECTIVE_SHARE)
        for e, subject in enumerate(codes.ELECTIVE_SUBJECTS):
            m = np.flatnonzero(elective == e)
            if len(m) == 0:
                continue
            n_sec = math.ceil(len(m) / size)
            grp = np.empty(len(m), dtype=np.int64)
            grp[rng.permutation(len(m))] = np.arange(len(m)) % n_sec
            secs = np.array([b.section("electives", subject, g) for _ in range(n_sec)])
            b.enroll(secs[grp], members[m], first[m], last[m])
    return b.done()
