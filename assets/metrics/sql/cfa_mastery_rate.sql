-- cfa_mastery_rate: the latest result of the period of each student on each CFA and standard;
-- mastered when score / max_score reaches the result's proficiency_cut (1e-9 tolerance for
-- decimal ties). A result is the latest of a period when it falls in the period and the next
-- result on the same CFA and standard (later date, or the same date with a higher score) does
-- not. Detailed periods (the school year; a day asked for): one row per student and classroom
-- (the result's section), PLC, or the student. The nightly months and years to date (all
-- students at the PLC): one row per PLC and period, from running totals over the months: a dated
-- result is the latest at every month end from its own month until the month it is superseded
-- in, so each year to date adds up the results that became latest by its end and takes away those
-- superseded by then; a student counts while holding one.
WITH results AS (
    SELECT r.school_year, r.student_id, r.section_id, coalesce(r.plc_id, s.plc_id) AS plc_id, r.administered_date,
           r.score / r.max_score >= r.proficiency_cut - 1e-9 AS mastered,
           lead(r.administered_date) OVER later AS superseded_on,
           lead(true, 1, false) OVER later IS false AS last_of_year
    FROM staging.cfa_results AS r
    LEFT JOIN staging.sections AS s ON s.section_id = r.section_id AND s.school_year = r.school_year
    WHERE r.score IS NOT NULL AND r.max_score > 0 AND r.proficiency_cut IS NOT NULL
      AND r.school_year IS NOT NULL
    WINDOW later AS (PARTITION BY r.school_year, r.student_id, r.cfa_id, r.standard_code
                     ORDER BY r.administered_date NULLS FIRST, r.score)
), latest AS MATERIALIZED (
    SELECT r.school_year, p.period, r.student_id, r.section_id, r.plc_id, r.mastered
    FROM results AS r
    JOIN metric_periods AS p
      ON p.school_year = r.school_year AND p.detailed
     AND CASE WHEN p.period = 'year' THEN r.last_of_year
              ELSE r.administered_date BETWEEN p.period_start AND p.period_end
                   AND (r.superseded_on IS NULL OR r.superseded_on > p.period_end) END
), spans AS MATERIALIZED (
    -- the PLC results of the years with nightly periods that are the latest at a month end: from
    -- their month until the month they are superseded in (NULL: not superseded)
    SELECT school_year, plc_id, student_id, mastered,
           CAST(date_trunc('month', administered_date) AS DATE) AS from_month,
           CAST(date_trunc('month', superseded_on) AS DATE) AS until_month
    FROM results
    WHERE plc_id IS NOT NULL AND administered_date >= make_date(school_year - 1, 7, 1)
      AND (superseded_on IS NULL OR date_trunc('month', superseded_on) > date_trunc('month', administered_date))
      AND school_year IN (SELECT school_year FROM metric_periods WHERE NOT detailed)
), changes AS (
    -- per PLC, student and month: results becoming the latest (+1) or superseded (-1)
    SELECT school_year, plc_id, student_id, month_start, sum(results) AS results, sum(mastered) AS mastered
    FROM (SELECT school_year, plc_id, student_id, from_month AS month_start, 1 AS results,
                 CAST(mastered AS INTEGER) AS mastered
          FROM spans
          UNION ALL
          SELECT school_year, plc_id, student_id, until_month, -1, -CAST(mastered AS INTEGER)
          FROM spans
          WHERE until_month IS NOT NULL)
    GROUP BY ALL
), per_month AS (
    -- per PLC and month: the changes, and the students who start (+1) or stop (-1) holding a result
    SELECT school_year, plc_id, month_start, sum(results) AS results, sum(mastered) AS mastered,
           count(*) FILTER (WHERE held > 0 AND held = results) - count(*) FILTER (WHERE held = 0) AS students
    FROM (SELECT *, sum(results) OVER (PARTITION BY school_year, plc_id, student_id ORDER BY month_start) AS held
          FROM changes)
    GROUP BY ALL
)
SELECT $metric_id AS metric_id, school_year, period, 'classroom' AS level, section_id AS entity_id,
       student_id, count(*) FILTER (WHERE mastered) AS numerator, count(*) AS denominator, 1 AS n
FROM latest WHERE section_id IS NOT NULL
GROUP BY school_year, period, section_id, student_id
UNION ALL
SELECT $metric_id, school_year, period, 'plc', plc_id, student_id,
       count(*) FILTER (WHERE mastered), count(*), 1
FROM latest WHERE plc_id IS NOT NULL
GROUP BY school_year, period, plc_id, student_id
UNION ALL
SELECT $metric_id, school_year, period, 'student', student_id, student_id,
       count(*) FILTER (WHERE mastered), count(*), 1
FROM latest
GROUP BY school_year, period, student_id
UNION ALL
-- a month alone: the results that are the latest at its end and dated in it
SELECT $metric_id, p.school_year, p.period, 'plc', s.plc_id, NULL,
       count(*) FILTER (WHERE s.mastered), count(*), count(DISTINCT s.student_id)
FROM spans AS s
JOIN metric_periods AS p
  ON p.school_year = s.school_year AND NOT p.detailed AND starts_with(p.period, 'month:')
 AND p.period_start = s.from_month
GROUP BY p.school_year, p.period, s.plc_id
UNION ALL
-- a year to date: the running totals of the months to its end
SELECT $metric_id, p.school_year, p.period, 'plc', m.plc_id, NULL,
       sum(m.mastered), sum(m.results), sum(m.students)
FROM per_month AS m
JOIN metric_periods AS p
  ON p.school_year = m.school_year AND NOT p.detailed AND starts_with(p.period, 'ytd:')
 AND m.month_start <= p.period_end
GROUP BY p.school_year, p.period, m.plc_id
