"""`generate state`: districts of varied sizes, ids unique across the state, the same bytes for a seed."""
import csv
import hashlib

import numpy as np

from pipelines.cli import main
from sample_data.state_landing import district_sizes, generate_state


def digest(folder) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*.csv"))}


def column(path, name) -> list[str]:
    with open(path, newline="", encoding="utf-8") as f:
        return [row[name] for row in csv.DictReader(f)]


def test_a_state_is_the_same_files_for_the_same_seed_and_its_ids_are_unique_across_districts(tmp_path):
    assert main(["generate", "state", "--out", str(tmp_path / "a"), "--districts", "3", "--students", "60",
                 "--seed", "4", "--years", "1"]) == 0
    generate_state(tmp_path / "b", districts=3, students=60, seed=4, years=1)
    assert digest(tmp_path / "a") == digest(tmp_path / "b")
    folders = sorted(p for p in (tmp_path / "a").iterdir())
    assert [p.name for p in folders] == ["0010412", "0020412", "0030412"]
    for key, file in (("student_id", "students.csv"), ("school_id", "schools.csv"), ("staff_id", "staff.csv"),
                      ("incident_id", "discipline_incidents.csv"), ("section_id", "sections.csv")):
        ids = [column(folder / file, key) for folder in folders]
        assert len(set().union(*map(set, ids))) == sum(len(set(i)) for i in ids), key  # no id in two districts
        for folder, per_district in zip(folders, ids):
            assert all(i.startswith(folder.name[:3]) for i in per_district), key
    for folder in folders:  # the state's counts are its own districts', never a district's file
        assert not (folder / "state_counts.csv").exists()
        assert column(folder / "districts.csv", "district_id") == [folder.name]


def test_district_sizes_vary_around_the_students_asked_for():
    sizes = district_sizes(200, 1000, seed=1)
    # lognormal with sd 0.35 of the log: the median is the size asked for, the quartiles about
    # exp(+-0.674 * 0.35) = 0.79x and 1.27x of it
    assert 900 <= np.median(sizes) <= 1100
    assert 740 <= np.percentile(sizes, 25) <= 840 and 1200 <= np.percentile(sizes, 75) <= 1340
    assert (district_sizes(5, 1000, seed=1, spread=0.0) == 1000).all()
