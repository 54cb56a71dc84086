-- CFA cells for public suppression: mastery on each assessment and standard at each classroom
-- (mart.cfa_mastery), PLC (the sum of its classrooms) and school (the sum of its classrooms, so of
-- its PLCs), shaped as the cells suppression.py marks. Each assessment x standard is its own
-- metric_id (a number after the family, so no id can run into another); the org hierarchy gives
-- the breakdowns (classrooms of a PLC, PLCs of a school).
CREATE OR REPLACE TEMP TABLE cfa_cell_work AS
WITH classroom AS (
    SELECT school_year, section_id, cfa_id, any_value(cfa_title) AS cfa_title, standard_code,
           max(administered_date) AS administered_date, sum(students) AS students, sum(mastered) AS mastered
    FROM mart.cfa_mastery
    GROUP BY school_year, section_id, cfa_id, standard_code
),
placed AS (
    SELECT c.*, h.parent_level, h.parent_id, h.school_id
    FROM classroom AS c
    LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = 'classroom' AND h.entity_id = c.section_id
),
cells AS (
    SELECT school_year, 'classroom' AS level, section_id AS entity_id, cfa_id, cfa_title, standard_code,
           administered_date, students, mastered
    FROM placed
    UNION ALL
    SELECT school_year, 'plc', parent_id, cfa_id, any_value(cfa_title), standard_code, max(administered_date),
           sum(students), sum(mastered)
    FROM placed WHERE parent_level = 'plc'
    GROUP BY school_year, parent_id, cfa_id, standard_code
    UNION ALL
    SELECT school_year, 'school', school_id, cfa_id, any_value(cfa_title), standard_code, max(administered_date),
           sum(students), sum(mastered)
    FROM placed WHERE school_id IS NOT NULL
    GROUP BY school_year, school_id, cfa_id, standard_code
)
SELECT row_number() OVER () AS cell_id,
       $family || '.' || dense_rank() OVER (ORDER BY cfa_id, standard_code) AS metric_id,
       $metric_version AS metric_version, school_year, 'year' AS period, level, entity_id,
       'all' AS student_group, mastered::DOUBLE AS numerator, students::DOUBLE AS denominator,
       mastered / students AS value, students::BIGINT AS n, $min_n AS min_n, $n_unit AS n_unit,
       false AS suppressed, NULL::VARCHAR AS suppression_reason, NULL::VARCHAR AS value_range,
       cfa_id, cfa_title, standard_code, administered_date
FROM cells
WHERE students > 0
