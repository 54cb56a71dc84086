"""What an alert says: which files went wrong in a run, why, and the command that shows the rows.

Only file names, counts, reason codes and the load's own one-line messages: never a student row.
"""
from __future__ import annotations

import json
from dataclasses import dataclass


@dataclass(frozen=True)
class FileProblem:
    file: str  # as dropped in the landing folder: students.csv
    status: str  # rejected, not_run, quarantined
    detail: str  # one line


@dataclass(frozen=True)
class Alert:
    subject: str
    text: str
    problems: tuple[FileProblem, ...]


def _display_name(row: dict) -> str:
    if row.get("source_file"):
        return row["source_file"]
    return row["file"] if "." in row["file"] else f"{row['file']}.csv"


def _reasons(row: dict) -> dict[str, int]:
    reasons = row.get("reasons")
    return json.loads(reasons) if isinstance(reasons, str) else dict(reasons or {})


def _percent(share: float) -> str:
    return f"{share * 100:.4g}%"


def too_much_quarantined(row: dict, share: float | None) -> bool:
    """The load judged the file `loaded_with_warnings` (its contract's or the district's
    `ingest.quarantine_warning`, default 1%), or the alerts set their own share and the file's
    quarantined share is more than it."""
    if row["status"] == "loaded_with_warnings":
        return True
    read, quarantined = row.get("rows_read") or 0, row.get("rows_quarantined") or 0
    return share is not None and row["status"] == "loaded" and read > 0 and quarantined / read > share


def file_problems(quality: list[dict], share: float | None = None) -> list[FileProblem]:
    """The files of one run's mart.data_quality rows that a coordinator must look at: rejected,
    then quarantined beyond the threshold, then the files not run (one line per file they wait on)."""
    problems, waiting = [], {}
    for row in sorted(quality, key=lambda r: r["file"]):
        name = _display_name(row)
        if row["status"] == "rejected":
            problems.append(FileProblem(name, "rejected", row.get("message") or f"{name}: rejected"))
        elif row["status"] == "not_run":
            waiting.setdefault(row.get("upstream_file"), []).append(name)
        elif too_much_quarantined(row, share):
            read, quarantined = row["rows_read"], row["rows_quarantined"]
            ranked = sorted(_reasons(row).items(), key=lambda kv: (-kv[1], kv[0]))
            reasons = ", ".join(f"{code} {count:,}" for code, count in ranked[:5])
            if len(ranked) > 5:
                reasons += f", and {len(ranked) - 5} more reasons"
            above = ("above the file's warning threshold" if row["status"] == "loaded_with_warnings"
                     else f"more than {_percent(share)}")
            problems.append(FileProblem(
                name, "quarantined",
                f"{name}: {quarantined:,} of {read:,} rows quarantined ({_percent(quarantined / read)}, {above}): "
                f"{reasons or 'no reason recorded'}"))
    problems.sort(key=lambda p: p.status != "rejected")  # stable: rejected first, each in file order
    for upstream, names in waiting.items():
        because = f"{_display_name({'file': upstream})} did not load" if upstream else "a file they need did not load"
        problems.append(FileProblem(", ".join(names), "not_run", f"not run because {because}: {', '.join(names)}"))
    return problems


def compose(run_id: str, warehouse: str, problems: list[FileProblem], failures: list[str]) -> Alert | None:
    """The alert for a run, or None when there is nothing to say."""
    if not problems and not failures:
        return None
    rejected = sum(p.status == "rejected" for p in problems)
    quarantined = sum(p.status == "quarantined" for p in problems)
    parts = []
    if rejected:
        parts.append(f"{rejected} file{'s' if rejected > 1 else ''} rejected")
    if quarantined:
        parts.append(f"{quarantined} file{'s' if quarantined > 1 else ''} with too many rows quarantined")
    if failures and not parts:
        parts.append("the load failed")
    subject = f"Alignboard load {run_id[:8]}: {', '.join(parts)}"

    lines = [f"The Alignboard load {run_id} needs attention (warehouse {warehouse}).", ""]
    for problem in problems:
        lines.append(problem.detail)
        if problem.status in ("rejected", "quarantined"):
            lines.append(f"  see the rows: alignboard quarantine {problem.file} --warehouse {warehouse}")
    if failures:
        if problems:
            lines.append("")
        lines += failures
    lines += ["", f"Every file of the load: alignboard quality --warehouse {warehouse}"]
    return Alert(subject, "\n".join(lines), tuple(problems))
