"""Thresholds of the early-warning indicators: defaults here, an `early_warning:` section of the
district's $ALIGNBOARD_CONFIG overrides them (validated by pydantic, so a typo or an impossible
value stops the load with one line naming the setting).

The chronic-absence cut-off and the minimum enrolled days are not repeated here: the attendance
indicator is the chronic_absence_rate metric's own rule, so its parameters (`metrics:` section)
decide both, and only the `severe` level is set here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assets.config import config_path, read_mapping

SECTION = "early_warning"
Action = Literal["oss", "iss", "expulsion", "iaes", "other"]


class EarlyWarningError(ValueError):
    """Settings that cannot be used; the message is one line naming the setting."""


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Attendance(_Section):
    severe: float = Field(0.20, gt=0, le=1, description="absent share of enrolled days that is severe")


class Behavior(_Section):
    removal_actions: tuple[Action, ...] = Field(("oss", "iss", "expulsion"), min_length=1)
    removal_min_days: float = Field(0.5, ge=0, description="a removal counts from this many days")
    removals: int = Field(1, ge=1, description="removals in the year to date that raise the flag")
    incidents: int = Field(2, ge=1, description="incidents in the year to date that raise the flag")


class Course(_Section):
    failing_letters: tuple[str, ...] = Field(("F",), min_length=1)
    failing_below: float = Field(60, gt=0, le=100, description="a numeric mark below this fails")
    core_subjects: tuple[str, ...] = Field(("ela", "math"), description="sections.subject values, any case")
    core_failures: int = Field(1, ge=1, description="failing marks in core subjects that raise the flag")
    any_failures: int = Field(2, ge=1, description="failing marks in any courses that raise the flag")

    @field_validator("failing_letters", "core_subjects")
    @classmethod
    def _normalized(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v.strip() for v in values if v.strip())

    @field_validator("failing_letters")
    @classmethod
    def _upper(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v.upper() for v in values)

    @field_validator("core_subjects")
    @classmethod
    def _lower(cls, values: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(v.lower() for v in values)


class Settings(_Section):
    attendance: Attendance = Attendance()
    behavior: Behavior = Behavior()
    course: Course = Course()


def load_settings(path: str | Path | None = None) -> Settings:
    """The defaults with the `early_warning:` section of `path` (default: $ALIGNBOARD_CONFIG)."""
    path = Path(path) if path else config_path()
    section = read_mapping(path, EarlyWarningError).get(SECTION) if path else None
    try:
        return Settings.model_validate(section or {})
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in (SECTION, *first["loc"]))
        raise EarlyWarningError(f"{path}: {where}: {first['msg']}") from None
