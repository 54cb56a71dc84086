"""The one query layer: every read of the warehouse by the dashboard and the CLI exports.

Access is enforced here, in SQL, for every query (access.py: the one gate; audience.py and
sql/macros.sql: the three audiences' rules), never by hiding links in the pages.

    access       Viewer, the Gate every query runs through, refusals (logged)
    audience     public, staff and student-level viewers: which rule hides a cell
    connection   read-only connections to the published warehouse, one per file version
    cache        query results and drawn pages, until the next load (bytes-capped LRU)
    exports      CSV: one formatting rule and one writer
    org, metrics, needs, equity, classroom, students, early_warning, quality, plans, teams: one module
    per page family
"""
from dashboards.queries.access import AccessDenied, DataError, Viewer
from dashboards.queries.cache import clear_cache
from dashboards.queries.classroom import cfa_by_classroom, cfa_entities, cfa_mastery, cfa_students, reteach_groups, roster
from dashboards.queries.connection import is_state, warehouse_version
from dashboards.queries.early_warning import (
    INDICATORS, early_warning_counts, early_warning_csv, early_warning_dates, early_warning_students, month_end,
    write_early_warning_csv,
)
from dashboards.queries.equity import equity, equity_categories, equity_schools
from dashboards.queries.exports import csv_text
from dashboards.queries.metrics import (
    METRIC_VALUE_COLUMNS, metric_by_group, metric_children, metric_definitions, metric_detail, metric_info,
    metric_trend, metric_values, metric_values_csv, scorecard, scorecard_as_of, scorecard_children, values_as_of,
    write_metric_values_csv,
)
from dashboards.queries.needs import needs_assessment, needs_heatmap
from dashboards.queries.org import (
    GROUP_DIMENSIONS, breadcrumbs, children, entity, entity_tree, group_label, home, student_groups, years,
)
from dashboards.queries.plans import (
    GOAL_PROGRESS_COLUMNS, action_steps, goal_progress, meeting_cadence, plan_alignment, plan_schedule, roadmap,
    write_goal_progress_csv,
)
from dashboards.queries.quality import (
    banner, data_quality, failed_checks, quarantined_rows, quarantined_rows_csv, recent_failures,
)
from dashboards.queries.teams import check_team_id, team_packet, teams
from dashboards.queries.students import SEARCH_LIMIT, student_folder, student_search

__all__ = [
    "AccessDenied", "DataError", "Viewer", "clear_cache", "warehouse_version", "is_state", "csv_text",
    "home", "entity", "breadcrumbs", "children", "entity_tree", "years", "student_groups", "group_label",
    "GROUP_DIMENSIONS", "METRIC_VALUE_COLUMNS", "metric_values", "write_metric_values_csv", "metric_values_csv",
    "scorecard", "scorecard_children", "metric_info", "metric_trend", "metric_by_group", "metric_children", "metric_detail",
    "metric_definitions", "needs_assessment", "needs_heatmap", "equity", "equity_categories", "equity_schools",
    "cfa_mastery", "cfa_students", "cfa_by_classroom", "cfa_entities", "reteach_groups", "roster", "student_folder",
    "student_search", "SEARCH_LIMIT", "data_quality", "failed_checks",
    "recent_failures", "banner", "quarantined_rows", "quarantined_rows_csv", "GOAL_PROGRESS_COLUMNS", "plan_alignment", "goal_progress",
    "write_goal_progress_csv", "action_steps", "plan_schedule", "meeting_cadence", "roadmap",
    "INDICATORS", "early_warning_dates", "month_end", "early_warning_counts", "early_warning_students",
    "early_warning_csv", "write_early_warning_csv", "scorecard_as_of", "values_as_of", "teams", "team_packet", "check_team_id",
]
