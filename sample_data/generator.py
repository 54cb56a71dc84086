"""The synthetic district generator: plans the district, then writes every landing file school
by school and year by year, streaming (one school-year of rows in memory at a time).

    from sample_data.generator import generate
    summary = generate("landing/", students=5000, seed=42, years=3, end_year=2026)

The same arguments give byte-identical files: every part draws from its own random stream
seeded by (seed, purpose, school, year), see rng.py. The files are the export of one day
(`today`, default the real today): the default last school year is the one that day falls in,
and rows dated after it are left out, so the last year is a year in progress.
"""
import datetime as dt
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from sample_data import (assessments, attendance, cfa, codes, discipline, kpis, learning, meetings, perception,
                         plans, plc_sig, sections, supports, walkthroughs)
from sample_data.calendar import school_calendar, school_year_of
from sample_data.messy import Injector
from sample_data.org import District, build_district
from sample_data.rng import group_bounds, stream
from sample_data.staff import Staff, build_staff
from sample_data.state import Tally, state_rows
from sample_data.students import Registry, YearRoster, build_rosters
from sample_data.writer import COLUMNS, MANIFEST, Output


@dataclass
class Summary:
    out_dir: str
    files: dict = field(default_factory=dict)  # name -> (rows, bytes)
    students_per_year: dict = field(default_factory=dict)
    schools: int = 0
    staff: int = 0
    seconds: float = 0.0
    manifest: dict | None = None

    @property
    def total_bytes(self) -> int:
        return sum(b for _, b in self.files.values())


@dataclass
class _Run:
    out: Output
    seed: int
    district: District
    registry: Registry
    staff: Staff
    tally: Tally
    response_ids: perception.ResponseIds
    plc_effect: list  # per school: persistent effect of each of its PLCs
    birth_days: np.ndarray  # per registry student: birth date as days since 1970-01-01, -1 = not yet set
    last_sections: dict = field(default_factory=dict)  # school idx -> [(section_id, plc_id)] of the last year
    today: dt.date | None = None  # the day of the export: nothing after it
    last_teams: list = field(default_factory=list)  # teams.csv rows of the teams meeting in the last year


def generate(out_dir: str | os.PathLike, students: int = 5000, seed: int = 42, years: int = 3,
             end_year: int | None = None, messy: bool = False, log: Callable[[str], None] | None = None,
             today: dt.date | None = None) -> Summary:
    """Write a synthetic district's landing files into out_dir (created if needed), as exported
    on `today` (default: today): end_year defaults to its school year; nothing is dated after it."""
    if students < 1 or years < 1 or seed < 0:
        raise ValueError("students and years must be >= 1 and seed >= 0")
    today = today or dt.date.today()
    end_year = end_year or school_year_of(today)
    log = log or (lambda _msg: None)
    t0 = time.perf_counter()
    Path(out_dir).mkdir(parents=True, exist_ok=True)
    year_list = list(range(end_year - years + 1, end_year + 1))
    district = build_district(students, seed)
    registry, rosters = build_rosters(district, students, year_list, seed)
    staff = build_staff(district, rosters, seed)
    log(f"district {district.district_id}: {len(district.schools)} schools "
        f"({', '.join(f'{len(ix)} {codes.LEVELS[lv]}' for lv, ix in enumerate(district.by_level))}), "
        f"{len(staff.staff_id):,} staff, {len(registry):,} students over {years} year(s)")
    injector = Injector(seed) if messy else None
    run = _Run(Output(out_dir, injector, through=today), seed, district, registry, staff, Tally(), perception.ResponseIds(),
               [stream(seed, "plc", s.idx).normal(0, 0.4, len(district.plcs[s.idx])) for s in district.schools],
               np.full(len(registry), -1, dtype=np.int64), today=today)
    _write_reference(run, year_list)
    for k, (year, roster) in enumerate(zip(year_list, rosters)):
        _write_year(run, k, year, roster, log)
    run.out.write("state_counts.csv", state_rows(run.tally, seed))
    run.out.write("teams.csv", {c: [t[i] for t in run.last_teams] for i, c in enumerate(COLUMNS["teams.csv"])})
    for name, rows in plans.build(district, end_year, run.last_sections, seed, today).items():
        if rows:
            columns = COLUMNS[f"{name}.csv"]
            run.out.write(f"{name}.csv", {c: [None if r[i] is None else str(r[i]) for r in rows]
                                          for i, c in enumerate(columns)})

    summary = Summary(str(out_dir), schools=len(district.schools), staff=len(staff.staff_id),
                      students_per_year={y: len(r) for y, r in zip(year_list, rosters)})
    for name in COLUMNS:
        rows, size = run.out.close(name)
        summary.files[name] = (rows, size)
        log(f"  {name:<28} {rows:>12,} rows {_size(size):>10}")
    manifest_path = Path(out_dir) / MANIFEST
    if injector is not None:
        run.out.write_manifest(injector.manifest)
        summary.manifest = injector.manifest
    elif manifest_path.exists():
        manifest_path.unlink()  # left by an earlier messy run into the same folder
    summary.seconds = time.perf_counter() - t0
    return summary


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def _write_reference(run: _Run, year_list: list[int]) -> None:
    d, st, out = run.district, run.staff, run.out
    out.write("districts.csv", {"district_id": [d.district_id], "district_name": [d.name]})
    out.write("schools.csv", {
        "school_id": [s.school_id for s in d.schools],
        "school_name": [s.name for s in d.schools],
        "district_id": d.district_id,
        "school_level": [s.level_name for s in d.schools],
    })
    out.write("departments.csv", {
        "department_id": [x[0] for x in d.departments],
        "department_name": [x[1] for x in d.departments],
        "district_id": d.district_id,
    })
    out.write("staff.csv", {
        "staff_id": st.staff_id,
        "staff_name": list(st.names),
        "role": st.role,
        "school_id": [d.schools[s].school_id if s >= 0 else None for s in st.school],
        "department_id": [x or None for x in st.department],
    })
    plcs = [p for per_school in d.plcs for p in per_school]
    out.write("plcs.csv", {
        "plc_id": [p.plc_id for p in plcs],
        "plc_name": [p.name for p in plcs],
        "school_id": [d.schools[p.school].school_id for p in plcs],
        "focus": [p.focus for p in plcs],
    })
    out.write("walkthrough_indicators.csv", walkthroughs.indicator_rows())
    out.write("survey_items.csv", perception.items_rows(year_list))


def _write_year(run: _Run, k: int, year: int, roster: YearRoster, log) -> None:
    d, out, seed = run.district, run.out, run.seed
    cal = school_calendar(year)
    n_schools = len(d.schools)
    seg_order, seg_bounds = group_bounds(roster.seg_school, n_schools)
    prim_order, prim_bounds = group_bounds(roster.school, n_schools)
    step = max(1, n_schools // 10)
    run.last_sections.clear()
    run.last_teams.clear()
    run.last_teams.append(("DLT:" + d.district_id, "DLT", d.district_id, "District Leadership Team",
                           meetings.TEAM_CADENCE["DLT"], None))
    run.last_teams.extend((f"OLT:{dept_id}", "OLT", dept_id, f"{name} operational team", meetings.TEAM_CADENCE["OLT"],
                           None) for dept_id, name in d.departments)
    for s, school in enumerate(d.schools):
        segs = seg_order[seg_bounds[s]:seg_bounds[s + 1]]
        prim = prim_order[prim_bounds[s]:prim_bounds[s + 1]]
        _write_school_year(run, k, year, cal, roster, school, segs, prim)
        if (s + 1) % step == 0 or s + 1 == n_schools:
            log(f"{year}: {s + 1}/{n_schools} schools, attendance_daily.csv {out.count('attendance_daily.csv'):,} rows")
    rng = stream(seed, "district-year", year)
    out.write("professional_learning.csv", learning.build(rng, cal, year, run.staff.staff_id, run.staff.role))
    out.write("department_kpis.csv", kpis.build(rng, year, k, d.departments))
    _write_meetings(out, meetings.build(rng, cal, "DLT", [d.district_id]))
    for dept_id, _ in d.departments:
        metrics = meetings.METRICS["OLT"] + tuple(f"kpi.{x[0]}" for x in kpis.KPIS.get(dept_id, ()))
        _write_meetings(out, meetings.build(rng, cal, "OLT", [dept_id], metrics))


def _birth_dates(birth_days: np.ndarray, stu: np.ndarray, grade: np.ndarray, year: int) -> np.ndarray:
    """Each student's birth date, set the first year they are seen and kept after: the age on
    September 1 of the school year is 4 in PK, 5 in KG, ... (retained students are older), on a
    day of the year spread by the student's registry index (no random draws: the other files
    stay as they were)."""
    new = birth_days[stu] < 0
    age = grade[new].astype(np.int64) + 4
    years = (year - 1 - age - 1970).astype("datetime64[Y]")
    sept_first = (years.astype("datetime64[M]") + 8).astype("datetime64[D]").astype(np.int64)
    birth_days[stu[new]] = sept_first - 1 - (stu[new].astype(np.int64) * 7919) % 365
    return np.datetime_as_string(birth_days[stu].astype("datetime64[D]"), unit="D").astype(object)


def _write_meetings(out: Output, cols) -> None:
    if cols is not None:
        out.write("team_meetings.csv", cols)


def _write_school_year(run: _Run, k: int, year: int, cal, roster: YearRoster, school, segs: np.ndarray,
                       prim: np.ndarray) -> None:
    out, seed, reg, s = run.out, run.seed, run.registry, school.idx
    sid = school.school_id
    rng = lambda purpose: stream(seed, purpose, s, year)  # noqa: E731

    # --- enrollment segments at this school: sections, enrollments, attendance
    seg_rows = roster.seg_row[segs]
    seg_ids = reg.ids.take(pa.array(roster.stu[seg_rows]))
    first, last = roster.seg_first[segs], roster.seg_last[segs]
    ss = sections.build(sid, school.level, year, run.district.plc_index(s), run.staff.teachers[s],
                        roster.grade[seg_rows], first, last, roster.change_day[seg_rows], rng("sections"))
    if len(ss):
        run.last_sections[s] = list(zip(ss.section_id, ss.plc_id))  # the last year's stay
        section_ids = pa.array(ss.section_id, type=pa.string())
        out.write("sections.csv", {
            "section_id": section_ids, "school_id": sid, "staff_id": ss.staff_id, "plc_id": ss.plc_id,
            "school_year": year, "course_name": ss.course, "subject": ss.subject,
            "grade_level": codes.GRADES[np.array(ss.grade, dtype=np.int64)],
        })
        exit_label = cal.label(ss.en_last)
        out.write("section_enrollments.csv", {
            "section_id": section_ids.take(pa.array(ss.en_section)),
            "student_id": seg_ids.take(pa.array(ss.en_seg)),
            "entry_date": cal.label(ss.en_first),
            "exit_date": pc.if_else(pa.array(ss.en_last < cal.n - 1), exit_label,
                                     pa.scalar(None, pa.string())),
        })
    if len(segs):
        att = attendance.build(rng("attendance"), cal, roster.attrs["p_abs"][seg_rows], first, last)
        out.write("attendance_daily.csv", {
            "student_id": seg_ids.take(pa.array(att.seg)), "school_id": sid,
            "calendar_date": cal.labels.take(pa.array(att.day)),
            "status": attendance.STATUS.take(pa.array(att.status)),
        })

    # --- students whose primary school this is: student rows and student-level events
    a = {key: v[prim] for key, v in roster.attrs.items()}
    n = len(prim)
    ids = reg.ids.take(pa.array(roster.stu[prim]))
    grade = roster.grade[prim]
    pf, pl = roster.prim_first[prim], roster.prim_last[prim]
    stu = roster.stu[prim]
    if n:
        out.write("students.csv", {
            "student_id": ids, "school_id": sid, "school_year": year, "grade_level": codes.GRADES[grade],
            "sex": codes.SEX[reg.sex[stu]], "hispanic_latino": codes.yn(reg.hisp[stu]),
            "races": reg.races.take(pa.array(stu)), "english_learner": codes.yn(a["el"]),
            "idea_disability": codes.yn(a["idea"]), "economically_disadvantaged": codes.yn(a["econ"]),
            "birth_date": _birth_dates(run.birth_days, stu, grade, year),
        })
        sped = np.flatnonzero(a["idea"])
        out.write("special_education.csv", {
            "student_id": ids.take(pa.array(sped)), "school_year": year,
            "disability_category": np.array(codes.DISABILITY)[a["cat"][sped]],
            "educational_environment": np.array(codes.ENVIRONMENT)[a["env"][sped]],
        })
        res = assessments.build(rng("assessments"), cal, grade, {"ela": a["th_ela"], "math": a["th_math"]}, pf, pl)
        out.write("assessments.csv", {
            "student_id": ids.take(pa.array(res["row"])), "school_id": sid, "school_year": year,
            "assessment_name": assessments.KIND_NAME[res["kind"]],
            "assessment_type": assessments.KIND_TYPE[res["kind"]],
            "subject": assessments.SUBJECT[res["subject"]], "window": assessments.WINDOW[res["window"]],
            "test_date": cal.label(res["day"]), "scale_score": res["score"],
            "performance_level": codes.PERFORMANCE_LEVELS[res["level"]], "proficient": codes.yn(res["level"] >= 2),
        })
    seg_theta = {"ela": roster.attrs["th_ela"][seg_rows], "math": roster.attrs["th_math"][seg_rows]}
    cfa_cols = cfa.build(rng("cfa"), cal, sid, school.level, year, ss, seg_theta, seg_ids)
    if cfa_cols is not None:
        out.write("cfa_results.csv", cfa_cols)
    inc = discipline.build(rng("discipline"), cal.n, school.level, a, pf, pl)
    if len(inc.row):
        out.write("discipline_incidents.csv", {
            "incident_id": [f"INC-{year}-{sid}-{i + 1:05d}" for i in range(len(inc.row))],
            "student_id": ids.take(pa.array(inc.row)), "school_id": sid, "incident_date": cal.label(inc.day),
            "behavior": discipline.BEHAVIOR_LIST[inc.behavior], "action": discipline.ACTION_CODE[inc.action],
            "days_removed": inc.days_removed,
        })
    mt = supports.mtss(rng("mtss"), school.level, a, pf, pl)
    if len(mt.row):
        out.write("mtss_interventions.csv", {
            "student_id": ids.take(pa.array(mt.row)), "school_id": sid, "school_year": year,
            "area": np.array(codes.MTSS_AREA)[mt.area], "tier": mt.tier, "identified_date": cal.label(mt.identified),
            "intervention_name": list(mt.name), "start_date": cal.label(mt.start),
            "end_date": pc.if_else(pa.array(mt.end >= 0), cal.label(np.maximum(mt.end, 0)),
                                   pa.scalar(None, pa.string())),
        })
    run.tally.add(year, a["race"], grade, a["idea"], a["cat"], a["env"], inc.per_student(n), mt.row, mt.area,
                  mt.tier)

    # --- perception
    invitations, responses = perception.build(rng("perception"), cal, year, sid, school.climate, grade, pf, pl,
                                              len(run.staff.at_school[s]), run.response_ids, run.today)
    if invitations["survey_id"]:
        out.write("survey_invitations.csv", invitations)
    for cols in responses:
        out.write("survey_responses.csv", cols)

    # --- systems: walkthroughs, PLC self-assessment, team meetings
    wt = walkthroughs.build(rng("walkthroughs"), cal, year, k, sid, school.climate, ss, run.staff.observers[s])
    if wt is not None:
        out.write("walkthroughs.csv", wt)
    plcs = run.district.plcs[s]
    active = set(ss.plc_id)
    keep = [i for i, p in enumerate(plcs) if p.plc_id in active]
    sig = plc_sig.build(rng("plc_sig"), cal, k, sid, [plcs[i].plc_id for i in keep], run.plc_effect[s][keep])
    if sig is not None:
        out.write("plc_sig_ratings.csv", sig)
    mrng = rng("meetings")
    if n:
        _write_meetings(out, meetings.build(mrng, cal, "BLT", [sid]))
        run.last_teams.append((f"BLT:{sid}", "BLT", sid, f"{school.name} building leadership team",
                               meetings.TEAM_CADENCE["BLT"], None))
    teachers = {}
    for section_id, plc_id, staff_id in zip(ss.section_id, ss.plc_id, ss.staff_id):
        teachers.setdefault(plc_id, set()).add(staff_id)
        run.last_teams.append((f"CLC:{section_id}", "CLC", section_id, f"Classroom learning community {section_id}",
                               meetings.TEAM_CADENCE["CLC"], staff_id))
    for i in keep:
        run.last_teams.append((f"PLC:{plcs[i].plc_id}", "PLC", plcs[i].plc_id, plcs[i].name,
                               meetings.TEAM_CADENCE["PLC"], "|".join(sorted(teachers.get(plcs[i].plc_id, ())))))
    _write_meetings(out, meetings.build(mrng, cal, "PLC", [plcs[i].plc_id for i in keep]))
    _write_meetings(out, meetings.build(mrng, cal, "CLC", list(ss.section_id)))
