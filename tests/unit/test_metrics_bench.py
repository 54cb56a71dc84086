"""benchmarks/bench_metrics.py runs end to end on the hand-built district (not a timing test)."""
import importlib.util
from pathlib import Path

import duckdb

from tests.unit.metrics_fixture import build_warehouse_file

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_metrics.py"


def test_bench_metrics_prints_both_phases_and_the_ratio(tmp_path, capsys):
    warehouse = build_warehouse_file(tmp_path / "warehouse.duckdb")
    landing = tmp_path / "landing"
    landing.mkdir()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        for table in ("students", "attendance_daily", "schools"):
            con.execute(f"COPY staging.{table} TO '{landing / (table + '.csv')}' (HEADER)")
    spec = importlib.util.spec_from_file_location("bench_metrics", BENCH)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--warehouse", str(warehouse), "--landing", str(landing), "--scratch", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    # 11 student records + 111 attendance days (91 in 2026, 20 in 2025) + 2 schools
    assert "raw-read floor" in out and "(3 files, 124 rows" in out
    assert "metric marts" in out and "ratio marts / floor" in out
