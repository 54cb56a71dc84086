"""Staff: district office, department staff (some placed at schools) and each school's
principal, assistant principals, coaches, counselors and teachers. Teachers are persistent
across years; each PLC gets as many as its busiest year needs."""
from dataclasses import dataclass, field

import numpy as np

from sample_data import codes, sections
from sample_data.names import person_names
from sample_data.org import District
from sample_data.rng import stream

SCHOOL_LEADERS = {  # level -> (assistant principals, coaches, counselors)
    codes.ELEMENTARY: (0, 1, 1),
    codes.MIDDLE: (1, 2, 2),
    codes.HIGH: (2, 2, 3),
}


@dataclass
class Staff:
    staff_id: list = field(default_factory=list)
    role: list = field(default_factory=list)
    school: list = field(default_factory=list)  # school idx or -1
    department: list = field(default_factory=list)  # department id or ''
    names: np.ndarray | None = None
    teachers: list = field(default_factory=list)  # per school: {plc focus: [staff ids]}
    observers: list = field(default_factory=list)  # per school: principal, APs, coaches
    at_school: list = field(default_factory=list)  # per school: all staff ids placed there

    def add(self, role: str, school: int = -1, department: str = "") -> str:
        sid = f"E{len(self.staff_id) + 1:05d}"
        self.staff_id.append(sid)
        self.role.append(role)
        self.school.append(school)
        self.department.append(department)
        if school >= 0:
            self.at_school[school].append(sid)
        return sid


def grade_counts(rosters, district: District) -> np.ndarray:
    """[year, school, grade] -> enrolled segments."""
    n_s = len(district.schools)
    out = np.zeros((len(rosters), n_s, codes.N_GRADES), dtype=np.int64)
    for y, r in enumerate(rosters):
        np.add.at(out[y], (r.seg_school, r.grade[r.seg_row]), 1)
    return out


def build_staff(district: District, rosters, seed: int) -> Staff:
    rng = stream(seed, "staff")
    counts = grade_counts(rosters, district)
    n_students = max(1, int(np.mean([len(r) for r in rosters])))
    st = Staff(at_school=[[] for _ in district.schools])
    st.add("superintendent")
    for _ in range(2 + n_students // 20000):
        st.add("district_administrator")
    for dept_id, _name in district.departments:
        st.add("department_director", department=dept_id)
        for _ in range(2 + n_students // 10000):
            st.add("department_staff", department=dept_id)
    for school in district.schools:
        st.observers.append([st.add("principal", school.idx)])
        aps, coaches, counselors = SCHOOL_LEADERS[school.level]
        st.observers[-1] += [st.add("assistant_principal", school.idx) for _ in range(aps)]
        st.observers[-1] += [st.add("instructional_coach", school.idx) for _ in range(coaches)]
        for _ in range(counselors):
            st.add("counselor", school.idx)
        needs: dict[str, int] = {}
        for y in range(len(rosters)):
            for focus, k in sections.teachers_needed(school.level, counts[y, school.idx]).items():
                needs[focus] = max(needs.get(focus, 0), k)
        st.teachers.append({focus: [st.add("teacher", school.idx) for _ in range(max(1, k))]
                            for focus, k in needs.items()})
        st.add("department_staff", school.idx, "NUT")  # cafeteria manager
        st.add("department_staff", school.idx, "FAC")  # head custodian
    st.names = person_names(len(st.staff_id), rng)
    return st
