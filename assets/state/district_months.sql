-- A district's months computed by the roll-up (months.py; the registered table district_months)
-- into the state warehouse's marts, as its own load writes them: values, their n, and the cells
-- the dashboard reads (a month's cell has no scorecard status).
INSERT INTO mart.metric_values BY NAME
SELECT * EXCLUDE (n) FROM district_months ORDER BY metric_id, school_year, level, entity_id, student_group;

INSERT INTO mart.metric_value_counts BY NAME
SELECT metric_id, metric_version, school_year, period, level, entity_id, student_group, n FROM district_months;

INSERT INTO mart.metric_cells BY NAME
SELECT * FROM district_months ORDER BY level, entity_id, student_group, metric_id, school_year, period;
