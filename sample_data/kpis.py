"""Support-services scorecard: monthly KPIs per department with a target and a direction.
Values start off target and drift toward it over the months and years, with noise."""
import numpy as np

from sample_data.calendar import month_end_labels

# department -> (kpi_id, name, target, direction, starting mean, noise sd, digits); shares are fractions
KPIS = {
    "TRN": (("on_time_routes", "On-time bus routes", 0.95, "higher_is_better", 0.915, 0.018, 3),),
    "NUT": (("meal_participation", "Meal participation", 0.70, "higher_is_better", 0.64, 0.025, 3),),
    "HR": (("vacancy_fill_days", "Days to fill a vacancy", 30.0, "lower_is_better", 38.0, 4.0, 1),
           ("staff_retention_rate", "Staff retention", 0.90, "higher_is_better", 0.865, 0.012, 3)),
    "TECH": (("ticket_resolution_hours", "Help-desk ticket resolution (hours)", 24.0, "lower_is_better", 29.0,
              3.5, 1),),
    "FAC": (("work_orders_closed_on_time", "Work orders closed on time", 0.90, "higher_is_better", 0.84, 0.03,
             3),),
}


def build(rng: np.random.Generator, year: int, year_index: int, departments) -> dict:
    cols = {k: [] for k in ("department_id", "kpi_id", "kpi_name", "period_end", "value", "target", "direction")}
    months = month_end_labels(year)
    for dept_id, _ in departments:
        for kpi_id, name, target, direction, start, sd, digits in KPIS.get(dept_id, ()):
            progress = (year_index + np.arange(len(months)) / len(months)) * 0.25
            values = start + (target - start) * np.minimum(progress, 1.2) + rng.normal(0, sd, len(months))
            values = np.clip(values, 0, 1) if target <= 1 else np.maximum(values, 0)
            for (_, end), v in zip(months, values):
                cols["department_id"].append(dept_id)
                cols["kpi_id"].append(kpi_id)
                cols["kpi_name"].append(name)
                cols["period_end"].append(end)
                cols["value"].append(f"{v:.{digits}f}")
                cols["target"].append(f"{target:.{digits}f}")
                cols["direction"].append(direction)
    return cols
