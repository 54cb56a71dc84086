-- Each visible student's first and last name by school year (the optional name columns of
-- students.csv), as a CTE `names` for the student-level queries that show names.
, names AS (
    SELECT st.school_year, st.student_id, st.first_name, st.last_name
    FROM staging.students AS st
    WHERE $scope_id IS NULL OR (st.school_year, st.student_id) IN (SELECT school_year, student_id FROM visible_students)
)
