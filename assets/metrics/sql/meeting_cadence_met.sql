-- meeting_cadence_met: periods in which a team met at least its minimum / periods counted. Each
-- entity of a team's level is expected to meet (DLT district, OLT department, BLT school, PLC,
-- CLC classroom). Cadence periods are the school months, or the school-year quarters containing
-- them, of every year with meeting data. A metric period (metric_periods) counts the cadence
-- periods that start in it and have ended by $as_of and by its own end, or were already met by
-- its end (meetings after its end do not count): a cadence period is met from the day of its
-- min_meetings-th meeting. One row per entity and metric period.
WITH cadences AS (
    SELECT unnest($cadences, recursive := true)
), meetings AS (
    SELECT school_year, upper(trim(team)) AS team, owner_id, meeting_date
    FROM staging.team_meetings
    WHERE meeting_date IS NOT NULL AND school_year IS NOT NULL
), years AS (
    SELECT DISTINCT school_year FROM meetings
), months AS (
    SELECT y.school_year,
           make_date(CASE WHEN m.month >= 7 THEN y.school_year - 1 ELSE y.school_year END, m.month, 1) AS month_start
    FROM years AS y
    CROSS JOIN (SELECT unnest($school_months) AS month) AS m
), periods AS (
    SELECT school_year, 'month' AS period, month_start AS period_start,
           CAST(month_start + INTERVAL 1 MONTH AS DATE) AS period_end
    FROM months
    UNION
    SELECT DISTINCT school_year, 'quarter', CAST(date_trunc('quarter', month_start) AS DATE),
           CAST(date_trunc('quarter', month_start) + INTERVAL 3 MONTH AS DATE)
    FROM months
), entities AS (
    SELECT y.school_year, h.entity_level AS level, h.entity_id
    FROM years AS y
    CROSS JOIN staging.org_hierarchy AS h
    WHERE h.entity_level <> 'classroom'
    UNION ALL
    SELECT s.school_year, 'classroom', s.section_id
    FROM staging.sections AS s
    SEMI JOIN years AS y ON y.school_year = s.school_year
), slots AS (
    SELECT e.school_year, e.level, e.entity_id, c.team, c.min_meetings, p.period_start, p.period_end
    FROM entities AS e
    JOIN cadences AS c ON c.level = e.level
    JOIN periods AS p ON p.school_year = e.school_year AND p.period = c.period
), reached AS (
    -- the day each slot's team held its min_meetings-th meeting of the cadence period
    SELECT x.school_year, x.level, x.entity_id, x.period_start, m.meeting_date AS reached_on
    FROM slots AS x
    JOIN meetings AS m
      ON m.team = x.team AND m.owner_id = x.entity_id
     AND m.meeting_date >= x.period_start AND m.meeting_date < x.period_end
    QUALIFY row_number() OVER (
        PARTITION BY x.school_year, x.level, x.entity_id, x.team, x.period_start ORDER BY m.meeting_date
    ) = x.min_meetings
), counted AS (
    SELECT x.school_year, w.period AS metric_period, x.level, x.entity_id, x.period_end,
           w.period_end AS window_end,
           x.min_meetings <= 0 OR coalesce(r.reached_on <= w.period_end, false) AS met
    FROM slots AS x
    JOIN metric_periods AS w
      ON w.school_year = x.school_year AND x.period_start BETWEEN w.period_start AND w.period_end
    LEFT JOIN reached AS r
      ON r.school_year = x.school_year AND r.level = x.level AND r.entity_id = x.entity_id
     AND r.period_start = x.period_start
)
SELECT $metric_id AS metric_id, school_year, metric_period AS period, level, entity_id, NULL::VARCHAR AS student_id,
       count(*) FILTER (WHERE met) AS numerator, count(*) AS denominator, count(*) AS n
FROM counted
WHERE (period_end <= $as_of AND period_end <= window_end + 1) OR met
GROUP BY school_year, metric_period, level, entity_id
