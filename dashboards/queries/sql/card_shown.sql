-- The columns of a scorecard row as the viewer gets them (card.sql, card_as_of.sql): a hidden
-- cell shows no value, status, change, numerator, denominator or n, only its reason and, when
-- coded, its range; a hidden prior value gives no change either.
school_year, level, entity_id, entity_name, student_group, perspective, perspective_order,
metric_id, metric_name, metric_version, direction, unit,
CASE WHEN hidden THEN NULL ELSE value END AS value,
target, near_band,
CASE WHEN hidden THEN 'suppressed' WHEN no_cell THEN 'no_data' ELSE cell_status END AS status,
CASE WHEN prior_hidden THEN NULL ELSE prior_value END AS prior_value,
CASE WHEN hidden OR prior_hidden THEN NULL ELSE value - prior_value END AS change_vs_prior,
CASE WHEN hidden THEN NULL ELSE numerator END AS numerator,
CASE WHEN hidden THEN NULL ELSE denominator END AS denominator,
CASE WHEN hidden THEN NULL ELSE n END::DOUBLE AS n,
hidden AS suppressed, hidden_because AS suppression_reason, shown_range AS value_range, definition,
$data_date::TIMESTAMPTZ AS data_date
