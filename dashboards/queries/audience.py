"""The three audiences and the parameters that select their rules (sql/macros.sql applies them).

- public: every `--public` export and anything meant for the public: the mart's public
  suppression (minimum n, complementary suppression, top/bottom coding);
- staff: signed in without student access: exact values for every cell whose n reaches the
  metric's minimum n, unless the district's disclosure config says `staff: public`;
- students: signed in with student access: everything in their scope, year by year.
"""
from __future__ import annotations

import enum
import functools
import logging

from assets.config import config_path
from assets.metrics.suppression import DisclosureError, load_staff_rules

log = logging.getLogger("alignboard.access")


class Audience(enum.Enum):
    PUBLIC = "public"
    STAFF = "staff"
    STUDENTS = "students"

    @classmethod
    def of(cls, viewer, public: bool) -> "Audience":
        if public:
            return cls.PUBLIC
        return cls.STUDENTS if viewer.may_see_students else cls.STAFF


def staff_public() -> bool:
    """Whether the district applies the public rules to staff. Read again when the config file
    changes, so an edit takes effect without a restart (the caches key on it)."""
    config = config_path()
    try:
        stamp = (str(config), config.stat().st_mtime_ns) if config else None
    except OSError:
        stamp = (str(config), None)
    return _staff_public(stamp)


@functools.lru_cache(maxsize=8)
def _staff_public(stamp) -> bool:
    try:
        return load_staff_rules() == "public"
    except DisclosureError as error:
        log.warning("disclosure config unreadable, staff see the public rules: %s", error)
        return True  # a broken config protects more, never less


def audience_params(audience: Audience) -> dict:
    return {"audience": audience.value, "staff_public": staff_public()}
