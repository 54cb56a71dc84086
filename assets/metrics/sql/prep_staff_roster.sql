-- Where each staff member counts: their school, their department, and the district (of the
-- school, else of the department, else the only district). Staff without a school or department
-- are district office and count at the district only.
CREATE OR REPLACE TEMP TABLE metric_staff_roster AS
SELECT st.staff_id, st.school_id, st.department_id,
       coalesce(sc.district_id, dp.district_id,
                (SELECT min(district_id) FROM staging.districts HAVING count(*) = 1)) AS district_id
FROM staging.staff AS st
LEFT JOIN staging.schools AS sc ON sc.school_id = st.school_id
LEFT JOIN staging.departments AS dp ON dp.department_id = st.department_id;
