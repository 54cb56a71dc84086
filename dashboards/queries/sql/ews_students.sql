-- The students behind the flags: each visible student of the chosen entity (`members`, among
-- visible_students, school year by school year) flagged or supported at the month end $as_of,
-- with their name (`names`), the values behind each flag, the interventions active on the date,
-- their teachers then, the indicators newly raised since the month end $previous (NULL: not
-- asked), and the two lists an MTSS team works from:
--   unsupported         raised indicators with no active support in their area,
--   unflagged_supports  support areas with no raised indicator of theirs.
-- A support answers an indicator in its area: attendance -> attendance, behavior -> behavior,
-- reading or math -> course or assessment. Filters: $indicator, $grade, $group, $teacher (NULL: all).
, chosen AS (
    SELECT w.*,
           list_filter([CASE WHEN w.attendance <> 'none' THEN 'attendance' END,
                        CASE WHEN w.behavior = 'Y' THEN 'behavior' END,
                        CASE WHEN w.course = 'Y' THEN 'course' END,
                        CASE WHEN w.assessment = 'Y' THEN 'assessment' END], lambda i: i IS NOT NULL) AS raised,
           CASE WHEN w.supports IS NULL THEN []::VARCHAR[] ELSE string_split(w.supports, '|') END AS areas
    FROM mart.early_warning AS w
    JOIN members AS m ON m.school_year = w.school_year AND m.student_id = w.student_id
    WHERE w.as_of = $as_of AND (w.flags > 0 OR w.supports IS NOT NULL)
      AND ($scope_id IS NULL OR (w.school_year, w.student_id) IN (SELECT school_year, student_id FROM visible_students))
      AND ($grade IS NULL OR w.grade_level = $grade)
      AND ($group IS NULL OR $group = 'all' OR (w.school_year, w.student_id) IN (
          SELECT school_year, student_id FROM staging.student_groups WHERE student_group = $group))
), matched AS (
    SELECT c.*,
           list_filter(c.raised, lambda i: len(list_intersect(c.areas, CASE i WHEN 'attendance' THEN ['attendance']
               WHEN 'behavior' THEN ['behavior'] ELSE ['reading', 'math'] END)) = 0) AS unsupported,
           list_filter(c.areas, lambda a: len(list_intersect(c.raised, CASE a WHEN 'attendance' THEN ['attendance']
               WHEN 'behavior' THEN ['behavior'] WHEN 'reading' THEN ['course', 'assessment']
               WHEN 'math' THEN ['course', 'assessment'] ELSE []::VARCHAR[] END)) = 0) AS unflagged_supports
    FROM chosen AS c
), previous AS (
    SELECT w.student_id,
           list_filter([CASE WHEN w.attendance <> 'none' THEN 'attendance' END,
                        CASE WHEN w.behavior = 'Y' THEN 'behavior' END,
                        CASE WHEN w.course = 'Y' THEN 'course' END,
                        CASE WHEN w.assessment = 'Y' THEN 'assessment' END], lambda i: i IS NOT NULL) AS raised
    FROM mart.early_warning AS w
    WHERE w.as_of = $previous AND w.student_id IN (SELECT student_id FROM chosen)
), active AS (
    SELECT i.student_id,
           string_agg(upper(i.area[1]) || i.area[2:] || ', tier ' || i.tier || ': '
                      || coalesce(i.intervention_name, 'intervention') || ' (since '
                      || strftime(coalesce(i.start_date, i.identified_date), '%Y-%m-%d') || ')', '; '
                      ORDER BY i.area, i.tier) AS interventions
    FROM staging.mtss_interventions AS i
    JOIN chosen AS c ON c.school_year = i.school_year AND c.student_id = i.student_id
    WHERE coalesce(i.start_date, i.identified_date) <= $as_of AND (i.end_date IS NULL OR i.end_date >= $as_of)
    GROUP BY i.student_id
), teachers AS (
    SELECT e.student_id,
           list_sort(list(DISTINCT {'id': s.staff_id, 'name': coalesce(f.staff_name, s.staff_id)})) AS pairs
    FROM staging.section_enrollments AS e
    JOIN chosen AS c ON c.school_year = e.school_year AND c.student_id = e.student_id
    JOIN staging.sections AS s ON s.section_id = e.section_id
    LEFT JOIN staging.staff AS f ON f.staff_id = s.staff_id
    WHERE s.staff_id IS NOT NULL AND (e.entry_date IS NULL OR e.entry_date <= $as_of)
      AND (e.exit_date IS NULL OR e.exit_date >= $as_of)
    GROUP BY e.student_id
)
SELECT m.student_id, n.first_name, n.last_name, m.school_year, m.school_id, h.entity_name AS school_name,
       m.grade_level, m.attendance, m.behavior, m.course, m.assessment, m.flags, m.supports,
       m.enrolled_days, m.absent_days, m.absence_rate, m.removals, m.incidents, m.grading_period,
       m.failing_marks, m.failing_core_marks, m.benchmark_date, m.benchmark_not_proficient,
       a.interventions, array_to_string(list_transform(t.pairs, lambda p: p.name), '; ') AS teachers,
       coalesce(list_transform(t.pairs, lambda p: p.id), []::VARCHAR[]) AS teacher_ids,
       coalesce(list_transform(t.pairs, lambda p: p.name), []::VARCHAR[]) AS teacher_names,
       nullif(array_to_string(m.raised, '|'), '') AS raised,
       CASE WHEN $previous IS NOT NULL THEN
           nullif(array_to_string(list_filter(m.raised, lambda i: NOT list_contains(coalesce(p.raised, []::VARCHAR[]), i)),
                                  '|'), '')
       END AS newly_flagged,
       nullif(array_to_string(m.unsupported, '|'), '') AS unsupported,
       nullif(array_to_string(m.unflagged_supports, '|'), '') AS unflagged_supports
FROM matched AS m
LEFT JOIN names AS n ON n.school_year = m.school_year AND n.student_id = m.student_id
LEFT JOIN staging.org_hierarchy AS h ON h.entity_level = 'school' AND h.entity_id = m.school_id
LEFT JOIN previous AS p ON p.student_id = m.student_id
LEFT JOIN active AS a ON a.student_id = m.student_id
LEFT JOIN teachers AS t ON t.student_id = m.student_id
WHERE ($teacher IS NULL OR list_contains(list_transform(t.pairs, lambda p: p.id), $teacher))
  AND ($indicator IS NULL OR list_contains(m.raised, $indicator)
       OR len(list_intersect(m.areas, CASE $indicator WHEN 'attendance' THEN ['attendance']
              WHEN 'behavior' THEN ['behavior'] ELSE ['reading', 'math'] END)) > 0)
ORDER BY m.flags DESC, n.last_name, n.first_name, m.student_id
