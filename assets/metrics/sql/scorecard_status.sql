-- The scorecard's status rule, written once: a macro kept in the warehouse, which mart.scorecard
-- (scorecard.sql), mart.metric_cells (entity_cells.py: every student group's cell, with the
-- scorecard's targets), a state's scorecard (assets/state) and the dashboard's scorecard as of
-- a day apply.
CREATE OR REPLACE MACRO scorecard_status(value, target, direction, near_band) AS
    CASE
        WHEN value IS NULL THEN 'no_data'
        WHEN target IS NULL THEN NULL
        WHEN direction = 'higher' AND value >= target THEN 'on_target'
        WHEN direction = 'lower' AND value <= target THEN 'on_target'
        WHEN round(abs(value - target), 9) <= near_band THEN 'near'
        ELSE 'off'
    END;
