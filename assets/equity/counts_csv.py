"""Read and check the aggregated-counts CSV of `alignboard disparity --counts FILE`.

Analysts who only have the counts reported to the state give one row per school year, LEA,
category and group; rows whose lea_id is STATE are the state's counts by group (for the alternate
and weighted risk ratios); rows of group `unknown` are the students whose race/ethnicity is
unknown, outside every ratio and reported as left out. An optional `children` column gives, for
total removals, the children with a removal (the minimum cell counts children). A bad row stops the run with an error naming its line and column,
because one wrong count can flag a district or clear it.
"""
from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

from data_contracts.vocabulary import EVENT_CATEGORIES, GROUPS, UNKNOWN_GROUP

COLUMNS = ("school_year", "lea_id", "category", "group", "count", "population")
OPTIONAL_COLUMNS = ("children",)
STATE_LEA_ID = "STATE"
# Far above any count of children, and low enough for the exact threshold comparison to fit in
# 128 bits (settings.py).
MAX_COUNT = 10**14
_WHOLE = re.compile(r"^[+-]?\d+$")
_YEAR = re.compile(r"^\d{4}$")


class CountsInputError(ValueError):
    """A row (or the header) that cannot be used: line number, column, and what is wrong."""

    def __init__(self, line: int, column: str, message: str):
        super().__init__(f"line {line}: {message} (column {column})")
        self.line = line
        self.column = column
        self.message = message


@dataclass(frozen=True)
class CountRow:
    line: int
    school_year: int
    lea_id: str
    category: str
    group: str
    count: int
    population: int
    children: int | None = None

    @property
    def is_state(self) -> bool:
        return self.lea_id == STATE_LEA_ID

    @property
    def key(self) -> tuple[int, str, str, str]:
        return (self.school_year, self.lea_id, self.category, self.group)


def _whole_number(line: int, column: str, text: str) -> int:
    if text == "":
        raise CountsInputError(line, column, f"{column} is blank")
    if not _WHOLE.match(text):
        raise CountsInputError(line, column, f"{column} {text!r} is not a whole number")
    value = int(text)
    if value < 0:
        raise CountsInputError(line, column, f"{column} {value} is negative")
    if value > MAX_COUNT:
        raise CountsInputError(line, column, f"{column} {value} is larger than {MAX_COUNT}")
    return value


def _row(line: int, fields: dict[str, str]) -> CountRow:
    year = fields["school_year"]
    if not _YEAR.match(year):
        raise CountsInputError(line, "school_year", f"school_year {year!r} is not a year such as 2026")
    for column in ("lea_id", "category"):
        if fields[column] == "":
            raise CountsInputError(line, column, f"{column} is blank")
    group = fields["group"]
    if group not in GROUPS and group != UNKNOWN_GROUP:
        raise CountsInputError(
            line, "group", f"group {group!r} is not one of {', '.join(GROUPS)} (or {UNKNOWN_GROUP})"
        )
    count = _whole_number(line, "count", fields["count"])
    population = _whole_number(line, "population", fields["population"])
    children = None
    if fields.get("children"):
        children = _whole_number(line, "children", fields["children"])
        if children > count or children > population:
            raise CountsInputError(
                line, "children", f"children {children} is more than the count or the population"
            )
    # Total removals count removals, not children: a group may have more removals than children.
    if count > population and fields["category"] not in EVENT_CATEGORIES:
        raise CountsInputError(
            line, "count", f"count {count} is greater than population {population}"
        )
    return CountRow(line, int(year), fields["lea_id"], fields["category"], group, count, population, children)


def read_counts(path: str | Path) -> list[CountRow]:
    """All rows of the file, checked; raises CountsInputError at the first bad one.

    OSError and UnicodeDecodeError propagate: the caller reports an unreadable file.
    """
    rows: list[CountRow] = []
    first_line: dict[tuple[int, str, str, str], int] = {}
    with open(path, newline="", encoding="utf-8-sig") as handle:
        reader = csv.reader(handle)
        header = next(reader, None)
        if header is None:
            raise CountsInputError(1, COLUMNS[0], "the file is empty; expected a header row")
        header = [name.strip() for name in header]
        for column in COLUMNS:
            if column not in header:
                raise CountsInputError(1, column, f"the header has no {column} column")
        for column in COLUMNS:
            if header.count(column) > 1:
                raise CountsInputError(1, column, f"the header has {column} twice")
        where = {column: header.index(column) for column in COLUMNS + OPTIONAL_COLUMNS if column in header}
        for record in reader:
            line = reader.line_num
            if not any(value.strip() for value in record):
                continue  # a blank line
            if len(record) != len(header):
                column = header[len(record)] if len(record) < len(header) else f"after {header[-1]}"
                raise CountsInputError(
                    line, column, f"expected {len(header)} fields, found {len(record)}"
                )
            row = _row(line, {column: record[i].strip() for column, i in where.items()})
            if row.key in first_line:
                raise CountsInputError(
                    line, "group",  # the last of the key columns named in the message
                    f"duplicate row for school_year {row.school_year}, lea_id {row.lea_id}, "
                    f"category {row.category}, group {row.group} (first at line {first_line[row.key]})",
                )
            first_line[row.key] = line
            rows.append(row)
    return rows
