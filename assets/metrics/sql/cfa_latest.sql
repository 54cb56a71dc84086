-- The latest result of each student on each CFA and standard, mastered when score / max_score
-- reaches the result's proficiency_cut (the rule of cfa_mastery_rate.sql, 1e-9 tolerance for
-- decimal ties). A CTE named `latest`, for the CFA mart and the dashboard's student rows;
-- parameters (NULL = all): $sections (a list of section_id), $year, $student.
WITH latest AS (
    SELECT r.*, r.score / r.max_score >= r.proficiency_cut - 1e-9 AS mastered
    FROM staging.cfa_results AS r
    WHERE r.score IS NOT NULL AND r.max_score > 0 AND r.proficiency_cut IS NOT NULL
      AND r.school_year IS NOT NULL
      AND ($sections IS NULL OR list_contains($sections, r.section_id))
      AND ($year IS NULL OR r.school_year = $year)
      AND ($student IS NULL OR r.student_id = $student)
    QUALIFY row_number() OVER (
        PARTITION BY r.school_year, r.student_id, r.cfa_id, r.standard_code
        ORDER BY r.administered_date DESC NULLS LAST, r.score DESC) = 1
)
