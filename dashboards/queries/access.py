"""The one access gate: who is asking, what they may see, and the refusals.

A viewer has a scope (a district, department, school, PLC or classroom; or every district: the
`district` analyst, and the `state` viewer of a state warehouse, who lands on the state's own
rows). They see that entity, the entities below it, and the aggregates of the layers above it
(how their goals align upwards; in a state warehouse, the state's).
Every query of the package runs through a Gate, which prefixes the scope relations of
sql/scope.sql to its SQL and binds the viewer's scope, so no query builds a scope of its own:
- org queries join `visible_org` (or `below`, for what the viewer may open and drill);
- student-level queries join `visible_students`, the (school_year, student_id) pairs of the
  students enrolled that year in the scope: a student who moved is visible only in the years
  they were in the scope;
- ancestors of the scope are aggregates only: students of an ancestor are refused.
A refusal raises AccessDenied and is logged on `alignboard.access` (who and what was asked, never
a student's data). An unknown id and an id outside the scope get the same answer, so the answer
does not tell which ids exist.
"""
from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

import duckdb

from assets.metrics.sqltext import bind, fill
from dashboards.queries.audience import Audience, audience_params
from dashboards.queries.sqlfiles import read
from data_contracts.vocabulary import LEVELS, SCOPE_LEVELS, STATE

log = logging.getLogger("alignboard.access")
_LEADING_WITH = re.compile(r"\A((?:\s*--[^\n]*\n)*\s*)WITH\b", re.IGNORECASE)
# scope.sql's visible_students in a warehouse without students (a state's: they stay in its districts')
NO_STUDENTS = "SELECT NULL::INTEGER AS school_year, NULL::VARCHAR AS student_id WHERE false"


class DataError(Exception):
    """A request that cannot be answered; the message is one line for the user (HTTP 400)."""


class AccessDenied(DataError):
    """Outside the viewer's scope, or unknown: the same answer for both (HTTP 403)."""


@dataclass(frozen=True)
class Viewer:
    """Who is asking. entity_id None with level 'district' means every district (an analyst);
    level 'state' (no entity) every district and the state's own rows, the state viewer of a
    state warehouse. `user` names the person in the access log only."""

    level: str
    entity_id: str | None
    may_see_students: bool = False
    user: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.level not in SCOPE_LEVELS:
            raise DataError(f"a viewer's scope is one of {', '.join(SCOPE_LEVELS)}, not {self.level!r}")
        if self.entity_id is None and self.level not in ("district", STATE):
            raise DataError("only a district-wide or state-wide viewer may have no entity")
        if self.level == STATE and self.entity_id is not None:
            raise DataError("a state-wide viewer has no entity: the state warehouse holds one state")

    @classmethod
    def analyst(cls, may_see_students: bool = True) -> "Viewer":
        return cls("district", None, may_see_students)

    @property
    def scope(self) -> str:
        return self.level if self.entity_id is None else f"{self.level}:{self.entity_id}"

    @property
    def access(self) -> tuple:
        """What the viewer's answers depend on (not their name): the caches' key."""
        return self.level, self.entity_id, self.may_see_students


def check_level(level: str | None, allowed: tuple[str, ...] = (STATE, *LEVELS)) -> None:
    if level is not None and level not in allowed:
        raise DataError(f"level must be one of {', '.join(allowed)}, not {level!r}")


class Gate:
    """One viewer's reads on one connection: every query goes through run(), which puts the
    viewer's scope relations in front of it and binds the audience's parameters."""

    def __init__(self, con: duckdb.DuckDBPyConnection, viewer: Viewer, public: bool = False) -> None:
        self.con = con
        self.viewer = viewer
        self.audience = Audience.of(viewer, public)
        self._scope: str | None = None

    @property
    def students(self) -> bool:
        """Whether this request may return student-level rows."""
        return self.audience is Audience.STUDENTS

    def params(self) -> dict:
        return {"scope_level": self.viewer.level, "scope_id": self.viewer.entity_id,
                **audience_params(self.audience)}

    def text(self, sql: str) -> str:
        """`sql` behind the scope relations: it may name scope, below, above, visible_org and
        visible_students, and starts with SELECT, or with WITH or ', name AS (...)' to add CTEs."""
        if self._scope is None:
            [(students,)] = self.con.execute(
                "SELECT count(*) > 0 FROM information_schema.tables WHERE table_catalog = current_database() "
                "AND table_schema = 'staging' AND table_name = 'students'").fetchall()
            self._scope = fill(read("scope.sql"), {"visible_students": read("visible_students.sql")
                                                   if students else NO_STUDENTS})
        return self._scope + "\n" + _LEADING_WITH.sub(r"\1,", sql, count=1)

    def run(self, sql: str, params: dict | None = None) -> duckdb.DuckDBPyConnection:
        """Execute `sql` (see text()) for this viewer."""
        text = self.text(sql)
        return self.con.execute(text, bind(text, {**(params or {}), **self.params()}))

    def refuse(self, asked: str, why: str = "outside the scope") -> DataError:
        """Log a refused request (who, what they asked for, why) and return the error to raise:
        the same words for an unknown id and one outside the scope. Only a district-wide viewer,
        for whom nothing is outside the scope, is told that an id is unknown."""
        if why == "unknown" and self.viewer.entity_id is None:
            return DataError(f"unknown {asked}")
        log.warning("refused: user=%r scope=%s students=%s asked=%s (%s)", self.viewer.user, self.viewer.scope,
                    self.viewer.may_see_students, asked, why)
        return AccessDenied(f"{asked} is not in your scope")

    def entity(self, level: str, entity_id: str, *, drill: bool = False) -> str:
        """The entity's name if the viewer may see it: in the scope or below, or (unless `drill`,
        which student-level and drill-down reads ask for) an ancestor's aggregates."""
        check_level(level, SCOPE_LEVELS)
        row = self.run(
            """SELECT h.entity_name,
                      (h.entity_level, h.entity_id) IN (SELECT level, entity_id FROM below) AS opens,
                      (h.entity_level, h.entity_id) IN (SELECT level, entity_id FROM visible_org) AS visible
               FROM staging.org_hierarchy AS h WHERE h.entity_level = $level AND h.entity_id = $entity_id""",
            {"level": level, "entity_id": entity_id},
        ).fetchone()
        if row is None:
            raise self.refuse(f"{level} {entity_id!r}", "unknown")
        name, opens, visible = row
        if not (opens if drill else visible):
            raise self.refuse(f"{level} {entity_id!r}", "an ancestor: aggregates only" if visible else "outside")
        return name

    def in_scope(self, level: str, entity_id: str) -> bool:
        """Whether the entity is the scope or below it (not an ancestor): where a viewer with
        student access sees everything."""
        return self.run("SELECT ($level, $id) IN (SELECT level, entity_id FROM below)",
                        {"level": level, "id": entity_id}).fetchone()[0]

    def whole(self) -> bool:
        """Whether nothing of the warehouse lies outside the scope (every district in it is the
        scope or below it): who may read a record that names no place, or an unknown one."""
        return self.run("""SELECT count(*) = 0 FROM (
                               SELECT entity_level, entity_id FROM staging.org_hierarchy WHERE entity_level = 'district'
                               EXCEPT SELECT level, entity_id FROM below)""").fetchone()[0]

    def students_of(self, level: str, entity_id: str) -> str:
        """Check a read of the students of an entity: the viewer may see students, and the entity
        is in their scope (not an ancestor). Returns its name."""
        if not self.students:
            raise self.refuse(f"students of {level} {entity_id!r}", "no student access")
        return self.entity(level, entity_id, drill=True)

    def student(self, student_id: str, asked: str | None = None) -> list[int]:
        """The school years in which the viewer may see this student (refused when none, in the
        same words whether the id is unknown or outside the scope; `asked` names the request)."""
        asked = asked or f"student {student_id!r}"
        if not self.students:
            raise self.refuse(asked, "no student access")
        years = [y for (y,) in self.run(
            "SELECT DISTINCT school_year FROM visible_students WHERE student_id = $student ORDER BY school_year",
            {"student": student_id},
        ).fetchall()]
        if not years:
            raise self.refuse(asked, "unknown" if self.viewer.entity_id is None else "unknown or outside the scope")
        return years
