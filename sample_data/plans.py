"""The district's plans: a strategic plan shaped like a real district's (four goals, objectives, numbered
action steps), department plans on their KPIs, school improvement plans whose goals serve district
goals, PLC and classroom SMART goals on catalog metrics with student groups, strategies as
theories of action (If / Then / And), the plan-development schedule in its stages (prepare, then
stages 1-4) and roadmap reviews in the roadmap's five phases.

Plans are written by people, so a few realistic flaws are built in (each listed in FLAWS and
found by `alignboard plans check`): a school without a plan, a PLC without a SMART goal, a PLC
goal pointing straight at the district, a department goal whose parent id has a typo, a
classroom goal without a baseline date, a strategy without its "And", a district goal no school
or department serves, and some action steps past due.
"""
from __future__ import annotations

import datetime as dt

from sample_data.kpis import KPIS
from sample_data.org import District
from sample_data.rng import stream

FLAWS = (
    "school_without_plan", "plc_without_smart_goal", "parent_wrong_layer", "parent_not_found",
    "smart_goal_missing_baseline_date", "strategy_missing_and", "district_goal_unsupported",
    "action_step_overdue",
)

# the district's four goals, their objectives and the metric that tracks each goal
DISTRICT_GOALS = (
    ("Maintain our professional learning focus on the Strategic Plan.",
     "walkthrough_lookfor_rate.empowered_learning", 0.48, 0.70, (
         ("Identify and ensure assured experiences and practices related to the strategic plan.", (
             "Identify and communicate assured practices around equitable and social-emotional learning",
             "Create a model for the whole strategic plan and Profile of the Graduate",
             "Update blast walkthrough observation tools to focus on empowered learning",
             "Use blast walkthroughs to see how far empowered learning practices are present")),
         ("Explore standards, proficiency scales and learning progressions to bring clarity to our curriculum.", (
             "Send teams to training on standards, proficiency scales and learning progressions",
             "Inventory current curriculum for use of standards and proficiency scales")),
         ("Ensure that district, school and individual plans are aligned to the strategic plan.", (
             "Review every school improvement plan against the strategic plan",
             "Publish the plan on a page to every building")))),
    ("Revise, revamp and implement with fidelity the PLC model and MTSS.",
     "proficiency_rate.ela", 0.42, 0.55, (
         ("Use building data to target areas of growth that inform professional learning.", (
             "Train building leadership teams on the needs assessment",
             "Set school SMART goals from the needs assessment")),
         ("Use the PLC Strategic Implementation Guide to differentiate support.", (
             "Every PLC rates itself on the SIG in the fall",
             "Coaches meet PLCs rated initiating or developing")),
         ("Use student data from MTSS to determine growth and support opportunities.", (
             "Review tier 2 and tier 3 entry and exit rules",)),
         ("Identify and address disparate outcomes in student learning.", (
             "Disaggregate every school scorecard by student group",
             "Review discipline and special-education identification by race/ethnicity")))),
    ("Create and implement an ongoing districtwide process for educators to observe practice.",
     "plc_sig_implementing_rate", 0.35, 0.60, (
         ("Develop a toolkit of how to observe one another's practice.", (
             "Draft the peer-observation toolkit", "Pilot the toolkit in two buildings")),
         ("Develop and provide ongoing administrator and evaluator coaching support.", (
             "Monthly evaluator calibration sessions",)))),
    ("Ensure all professional learning connects and supports our work and avoids overwhelming staff.",
     "pd_feedback_favorable", 0.62, 0.75, (
         ("Seek out calibration for our current practices and inspiration for expansion.", (
             "Visit two partner districts",)),
         ("Collect and use ongoing feedback from staff to monitor balance.", (
             "Add a balance question to every PD feedback form", "Review feedback at each OLT meeting")),
         ("Provide embedded professional learning supports in the classroom.", (
             "Schedule instructional coaches into classrooms weekly",)))),
)

# the plan-development schedule, by stage
SCHEDULE = (
    ("prepare", ("Introductory session with superintendent", "DLT orientation")),
    ("stage_1", ("Review structure and organization of the district framework", "Collect, organize and summarize data",
                 "Complete the district framework", "Affirm focus areas")),
    ("stage_2", ("Focused SMART goals", "Research-based strategies and indicators", "Research-based actions",
                 "Public input, plan review, adoption", "Work with BLTs to develop school improvement plans")),
    ("stage_3", ("Communicate plan to stakeholders", "Implement plan with resources", "Approve and support SIPs",
                 "Collect data on strategy indicators", "Refine plan based on data")),
    ("stage_4", ("Report formative plan progress", "Review summative data and use of resources",
                 "Report summative plan results")),
)
PHASES = ("set_vision", "assess_needs", "create_plan", "implement", "monitor_adjust")

THEORIES = (
    ("If we give every PLC a protected weekly hour with a CFA protocol",
     "Then teachers analyse common formative assessments together and regroup students",
     "And students master more of the standards on their CFAs", "cfa_mastery_rate|plc_sig_implementing_rate"),
    ("If we coach teachers on empowered-learning practices",
     "Then walkthroughs see students owning their learning in more classrooms",
     "And proficiency rises for every student group", "walkthrough_lookfor_rate.empowered_learning"),
    ("If we call families after the second absence",
     "Then attendance teams know every chronically absent student by name",
     "And fewer students miss 10% of the school year", "chronic_absence_rate|attendance_rate"),
)


def _date(year: int, month: int, day: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}"


class _Plans:
    def __init__(self) -> None:
        self.rows = {name: [] for name in
                     ("plans", "plan_goals", "plan_strategies", "action_steps", "plan_schedule", "roadmap_reviews")}

    def plan(self, plan_id, level, owner, title, start, end):
        self.rows["plans"].append((plan_id, level, owner, title, start, end))

    def goal(self, goal_id, plan_id, parent, kind, title, metric=None, group=None, baseline=None, b_date=None,
             target=None, t_date=None):
        self.rows["plan_goals"].append((goal_id, plan_id, parent, kind, title, metric, group,
                                        None if baseline is None else round(baseline, 3), b_date,
                                        None if target is None else round(target, 3), t_date))

    def columns(self, name: str, header: list[str]) -> dict:
        rows = self.rows[name]
        return {col: [r[i] for r in rows] for i, col in enumerate(header)}


def build(district: District, end_year: int, sections_by_school: dict[int, list[tuple[str, str]]],
          seed: int, today: dt.date | None = None) -> dict[str, list[tuple]]:
    """Rows of the six plan files. sections_by_school: school idx -> [(section_id, plc_id)] of end_year.
    As known on `today` (default: no cut): a step that would be completed later is still open
    (in progress once started), a review or scheduled task done later is not done yet."""
    last_day = (today or dt.date.max).isoformat()
    rng = stream(seed, "plans")
    out = _Plans()
    start, end = end_year, end_year + 2
    base_date, target_date = _date(end_year - 1, 6, 30), _date(end, 6, 30)
    year_start, year_end = _date(end_year - 1, 8, 1), _date(end_year, 6, 15)
    did = district.district_id
    steps: list[tuple] = []

    def add_steps(goal_id: str, strategy_id: str | None, texts, owner: str) -> None:
        for n, text in enumerate(texts, start=1):
            month = 9 + int(rng.integers(0, 9))
            due = _date(end_year - 1 + (month > 12), (month - 1) % 12 + 1, 28)
            roll = rng.random()
            if roll < 0.07:  # flaw: past due and not complete
                done, status = None, str(rng.choice(["in_progress", "not_started", "blocked"]))
            else:
                slip = int(rng.integers(1, 25)) if roll < 0.25 else -int(rng.integers(0, 20))
                done, status = _shift(due, slip), "complete"
            if done is not None and done > last_day:  # not done yet on the day of the export
                done, status = None, "in_progress" if year_start <= last_day else "not_started"
            steps.append((f"{goal_id}-A{n}", goal_id, strategy_id, n, text, owner, year_start, due, done, status))

    # --- the strategic plan
    out.plan("SP", "district", did, f"Strategic Plan {start - 1}-{end}", start, end)
    strategies = []
    for g, (title, metric, baseline, target, objectives) in enumerate(DISTRICT_GOALS, start=1):
        gid = f"SP-G{g}"
        out.goal(gid, "SP", None, "goal", f"Goal {g}: {title}", metric, "all", baseline, base_date, target,
                 target_date)
        for o, (obj_title, actions) in enumerate(objectives, start=1):
            oid = f"{gid}-O{o}"
            out.goal(oid, "SP", gid, "objective", f"Objective {o}: {obj_title}")
            add_steps(oid, None, actions, "District Leadership Team")
    # the district's own SMART goal on a disparate outcome (Goal 2, Objective 4)
    out.goal("SP-G2-O4-S1", "SP", "SP-G2-O4", "smart_goal",
             "Close the chronic-absence gap for students with disabilities", "chronic_absence_rate", "idea:yes",
             0.30, base_date, 0.20, target_date)
    for k, (if_we, then, and_, evidence) in enumerate(THEORIES[:2], start=1):
        strategies.append((f"SP-S{k}", f"SP-G{k + 1}" if k == 1 else "SP-G1", if_we, then, and_, evidence))

    # --- department plans on their KPIs, serving goal 4 (one parent id has a typo: a flaw)
    for d, (dept_id, dept_name) in enumerate(district.departments):
        plan_id = f"DP-{dept_id}"
        out.plan(plan_id, "department", dept_id, f"{dept_name} improvement plan", start, end)
        for k, (kpi_id, name, target, _direction, first, _sd, _digits) in enumerate(KPIS.get(dept_id, ()), start=1):
            parent = "SP-G4" if d != 1 else "SP-G04"
            out.goal(f"{plan_id}-G{k}", plan_id, parent, "smart_goal", f"{name}: reach {target:g}",
                     f"kpi.{kpi_id}", "all", first, base_date, target, target_date)
            add_steps(f"{plan_id}-G{k}", None, (f"Review {name.lower()} monthly at OLT",), f"{dept_name} director")

    # --- school improvement plans, PLC and classroom SMART goals
    schools = district.schools
    skip_school = schools[-1].idx if len(schools) >= 3 else None  # flaw: no plan
    first_plc_flawed = True
    for school in schools:
        if school.idx == skip_school:
            continue
        sid, plan_id = school.school_id, f"SIP-{school.school_id}"
        out.plan(plan_id, "school", sid, f"{school.name} school improvement plan", start, end_year)
        ela = 0.35 + 0.15 * rng.random()
        out.goal(f"{plan_id}-G1", plan_id, "SP-G2", "smart_goal",
                 f"ELA proficiency at {school.name} rises from {ela:.0%} to {ela + 0.08:.0%}",
                 "proficiency_rate.ela", "all", ela, base_date, ela + 0.08, _date(end_year + 1, 6, 30))
        absent = 0.12 + 0.1 * rng.random()
        out.goal(f"{plan_id}-G2", plan_id, "SP-G2-O4", "smart_goal",
                 "Fewer chronically absent students from low-income families", "chronic_absence_rate",
                 "econ_disadvantaged:yes", absent, base_date, absent - 0.04, _date(end_year + 1, 6, 30))
        strategy = f"{plan_id}-S1"
        if_we, then, and_, evidence = THEORIES[2]
        strategies.append((strategy, f"{plan_id}-G2", if_we, then,
                           None if school.idx == schools[0].idx else and_, evidence))  # flaw: no "And"
        add_steps(f"{plan_id}-G2", strategy, ("Attendance team reviews the absence list weekly",
                                              "Home visits for students with five or more absences",
                                              "Recognise classrooms with improved attendance"), "Building Leadership Team")
        plcs = district.plcs[school.idx]
        for p, plc in enumerate(plcs):
            if p == len(plcs) - 1 and len(plcs) > 1 and school.idx == schools[0].idx:
                continue  # flaw: a PLC without a SMART goal
            pplan = f"PLC-{plc.plc_id}"
            out.plan(pplan, "plc", plc.plc_id, f"{plc.name} SMART goals", end_year, end_year)
            mastery = 0.45 + 0.12 * rng.random()
            group = "english_learner:yes" if rng.random() < 0.3 else "all"
            parent = f"{plan_id}-G1"
            if first_plc_flawed:
                parent, first_plc_flawed = "SP-G2", False  # flaw: a PLC goal serving the district directly
            out.goal(f"{pplan}-G1", pplan, parent, "smart_goal",
                     f"CFA mastery in {plc.name} rises by 8 points", "cfa_mastery_rate", group, mastery,
                     _date(end_year - 1, 9, 30), mastery + 0.08, _date(end_year, 5, 31))
        for c, (section_id, plc_id) in enumerate(sections_by_school.get(school.idx, ())[:3]):
            cplan = f"CL-{section_id}"
            out.plan(cplan, "classroom", section_id, f"Classroom SMART goal {section_id}", end_year, end_year)
            mastery = 0.45 + 0.15 * rng.random()
            missing_date = c == 0 and school.idx == schools[0].idx  # flaw: no baseline date
            out.goal(f"{cplan}-G1", cplan, f"PLC-{plc_id}-G1" if plc_id else f"{plan_id}-G1", "smart_goal",
                     "Students master the unit standards on the CFA", "cfa_mastery_rate", "all", mastery,
                     None if missing_date else _date(end_year - 1, 9, 30), mastery + 0.08,
                     _date(end_year, 5, 31))

    out.rows["plan_strategies"] = strategies
    out.rows["action_steps"] = steps
    # --- the plan-development schedule of the strategic plan (the year before it starts)
    for s, (stage, tasks) in enumerate(SCHEDULE):
        for t, task in enumerate(tasks):
            month = 8 + 2 * s
            expected = _date(end_year - 2 + (month > 12), (month - 1) % 12 + 1, 10 + 3 * t)
            slip = int(rng.integers(-5, 40))
            done = _shift(expected, slip) if stage != "stage_4" or t == 0 else None
            done = done if done is not None and done <= last_day else None
            out.rows["plan_schedule"].append(("SP", stage, task, "District Leadership Team", expected, done))
    # --- roadmap reviews: every phase but the last has been reviewed this year
    for k, phase in enumerate(PHASES[:-1]):
        if _date(end_year - 1, 9 + k, 15) > last_day:
            continue
        out.rows["roadmap_reviews"].append((
            "SP", phase, _date(end_year - 1, 9 + k, 15), "Reviewed with the DLT",
            "Staff and family survey; board work session", "Share results with buildings",
            _date(end_year, 1 + k, 28), "Superintendent"))
    return out.rows


def _shift(day: str, days: int) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=days)).isoformat()
