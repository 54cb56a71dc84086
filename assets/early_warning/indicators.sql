-- The early-warning indicators of every student of ews_students at each of its dates, and the
-- values behind them. Reads ews_attendance and ews_absence_rule (attendance), and for the year
-- to date of each date: discipline incidents (behavior), the latest grading period's marks
-- (course), each subject's latest benchmark result (assessment) and the active interventions
-- (supports). Thresholds are the early-warning settings, as $parameters. {{table}} is the table
-- written: the temp table ews_result, or mart.early_warning itself (one write of its rows, in the
-- order its readers filter by).
CREATE OR REPLACE {{table}} AS
WITH behavior AS (
    SELECT d.as_of, i.student_id,
           count(*)::INTEGER AS incidents,
           (count(*) FILTER (WHERE list_contains($removal_actions, i.action)
                                   AND i.days_removed >= $removal_min_days))::INTEGER AS removals
    FROM staging.discipline_incidents AS i
    JOIN ews_dates AS d ON d.school_year = i.school_year AND i.incident_date <= d.as_of
    GROUP BY d.as_of, i.student_id
), period_marks AS (
    -- each student's failing marks per grading period (and end date: sections may end it apart)
    SELECT student_id, school_year, grading_period, period_end_date,
           count(*) FILTER (WHERE failing) AS failing_marks,
           count(*) FILTER (WHERE failing AND core) AS failing_core_marks
    FROM (
        SELECT m.student_id, m.school_year, m.grading_period, m.period_end_date,
               list_contains($core_subjects, lower(s.subject)) AS core,
               coalesce(list_contains($failing_letters, m.mark_letter) OR m.mark_score < $failing_below,
                        false) AS failing
        FROM staging.course_marks AS m
        JOIN staging.sections AS s ON s.section_id = m.section_id
    ) AS graded
    GROUP BY ALL
), ended AS (
    SELECT d.as_of, p.student_id, p.grading_period, p.period_end_date, p.failing_marks, p.failing_core_marks
    FROM period_marks AS p
    JOIN ews_dates AS d ON d.school_year = p.school_year AND p.period_end_date <= d.as_of
), course AS (
    -- the student's grading period that ended last by the date (a tie goes to the later name)
    SELECT as_of, student_id, grading_period,
           sum(failing_marks)::INTEGER AS failing_marks,
           sum(failing_core_marks)::INTEGER AS failing_core_marks
    FROM ended
    GROUP BY as_of, student_id, grading_period
    QUALIFY row_number() OVER (PARTITION BY as_of, student_id
                               ORDER BY max(period_end_date) DESC, grading_period DESC) = 1
), benchmark_days AS (
    -- each subject's results per day (two on one day: proficient only if both are), and the
    -- subject's next benchmark day: a day is the latest from its date until the next
    SELECT *, lead(test_date) OVER (PARTITION BY student_id, school_year, subject ORDER BY test_date) AS next_date
    FROM (SELECT student_id, school_year, subject, test_date, bool_and(proficient) AS proficient
          FROM staging.assessments
          WHERE assessment_type = 'benchmark' AND proficient IS NOT NULL
          GROUP BY ALL)
), benchmark_latest AS (
    -- each subject's latest benchmark day by the date
    SELECT d.as_of, b.student_id, b.subject, b.test_date, b.proficient
    FROM benchmark_days AS b
    JOIN ews_dates AS d
      ON d.school_year = b.school_year AND b.test_date <= d.as_of AND (b.next_date IS NULL OR b.next_date > d.as_of)
), assessment AS (
    SELECT as_of, student_id,
           bool_or(NOT proficient) AS not_proficient,
           max(test_date) AS benchmark_date,
           nullif(array_to_string(list_sort(list(subject) FILTER (WHERE NOT proficient)), '|'), '')
               AS benchmark_not_proficient
    FROM benchmark_latest
    GROUP BY as_of, student_id
), supports AS (
    -- interventions of the school year active on the date (no start date: from identification)
    SELECT d.as_of, m.student_id, string_agg(DISTINCT m.area, '|' ORDER BY m.area) AS supports
    FROM staging.mtss_interventions AS m
    JOIN ews_dates AS d ON d.school_year = m.school_year
    WHERE coalesce(m.start_date, m.identified_date) <= d.as_of
      AND (m.end_date IS NULL OR m.end_date >= d.as_of)
    GROUP BY d.as_of, m.student_id
), judged AS (
    SELECT s.as_of, s.school_year, s.student_id, s.school_id, s.grade_level,
           CASE WHEN severe.student_id IS NOT NULL THEN 'severe'
                WHEN chronic.student_id IS NOT NULL THEN 'chronic'
                ELSE 'none' END AS attendance,
           CASE WHEN coalesce(b.removals, 0) >= $removals OR coalesce(b.incidents, 0) >= $incidents
                THEN 'Y' ELSE 'N' END AS behavior,
           CASE WHEN c.student_id IS NULL THEN NULL
                WHEN c.failing_core_marks >= $core_failures OR c.failing_marks >= $any_failures THEN 'Y'
                ELSE 'N' END AS course,
           CASE WHEN x.student_id IS NULL THEN NULL WHEN x.not_proficient THEN 'Y' ELSE 'N' END AS assessment,
           sup.supports,
           a.enrolled AS enrolled_days,
           a.enrolled - a.attended AS absent_days,
           CASE WHEN a.enrolled > 0 THEN (a.enrolled - a.attended) / a.enrolled END AS absence_rate,
           coalesce(b.removals, 0) AS removals,
           coalesce(b.incidents, 0) AS incidents,
           c.grading_period,
           c.failing_marks,
           c.failing_core_marks,
           x.benchmark_date,
           x.benchmark_not_proficient
    FROM ews_students AS s
    JOIN ews_attendance AS a ON a.as_of = s.as_of AND a.student_id = s.student_id
    LEFT JOIN ews_absence_rule AS chronic
      ON chronic.as_of = s.as_of AND chronic.student_id = s.student_id AND chronic.attendance = 'chronic'
    LEFT JOIN ews_absence_rule AS severe
      ON severe.as_of = s.as_of AND severe.student_id = s.student_id AND severe.attendance = 'severe'
    LEFT JOIN behavior AS b ON b.as_of = s.as_of AND b.student_id = s.student_id
    LEFT JOIN course AS c ON c.as_of = s.as_of AND c.student_id = s.student_id
    LEFT JOIN assessment AS x ON x.as_of = s.as_of AND x.student_id = s.student_id
    LEFT JOIN supports AS sup ON sup.as_of = s.as_of AND sup.student_id = s.student_id
)
SELECT as_of, school_year, student_id, school_id, grade_level, attendance, behavior, course, assessment,
       (attendance <> 'none')::INTEGER + (behavior = 'Y')::INTEGER
           + coalesce(course = 'Y', false)::INTEGER + coalesce(assessment = 'Y', false)::INTEGER AS flags,
       supports, enrolled_days, absent_days, absence_rate, removals, incidents, grading_period,
       failing_marks, failing_core_marks, benchmark_date, benchmark_not_proficient
FROM judged
ORDER BY as_of, school_id, student_id;
