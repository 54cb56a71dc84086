-- mart.cfa_cells: the suppressed CFA cells (cfa_cells.sql, then suppression.py), sorted by entity
-- for the pages that read one entity at a time.
CREATE OR REPLACE TABLE mart.cfa_cells AS
SELECT school_year, level, entity_id, cfa_id, cfa_title, standard_code, administered_date,
       denominator::BIGINT AS students, numerator::BIGINT AS mastered, value AS mastery_rate, n,
       suppressed, suppression_reason, value_range
FROM cfa_cell_work
ORDER BY level, entity_id, school_year, cfa_id, standard_code;
