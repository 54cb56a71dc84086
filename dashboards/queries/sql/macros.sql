-- The audience rules of docs/access.md, created once on each read-only connection (connection.py)
-- so that every query hides a cell by the same rule:
--   public    the mart's public suppression: minimum n, complementary suppression, top and bottom
--             coding, one population counted once (assets/metrics/suppression.py);
--   staff     exact values for every cell whose n reaches the metric's minimum n; the public rules
--             instead when the district's disclosure config says `staff: public`;
--   students  everything in the viewer's scope (in_scope); above it, the aggregates of the layers
--             above, as staff.
CREATE OR REPLACE MACRO hidden_for(audience, staff_public, in_scope, suppressed, n, min_n) AS
    CASE WHEN audience = 'students' AND in_scope THEN false
         WHEN audience = 'public' OR staff_public THEN coalesce(suppressed, false)
         ELSE coalesce(n < min_n, false) END;

-- Why a hidden cell is hidden, in words ("fewer than 10 students", "95% or more"); NULL when shown.
CREATE OR REPLACE MACRO hidden_reason(audience, staff_public, in_scope, suppressed, reason, n, min_n, n_unit) AS
    CASE WHEN NOT hidden_for(audience, staff_public, in_scope, suppressed, n, min_n) THEN NULL
         WHEN audience = 'public' OR staff_public THEN reason
         ELSE 'fewer than ' || min_n || ' ' || n_unit END;

-- The range a hidden coded cell may still be shown as (">=95%"): public rules only.
CREATE OR REPLACE MACRO shown_range(audience, staff_public, in_scope, suppressed, value_range, n, min_n) AS
    CASE WHEN hidden_for(audience, staff_public, in_scope, suppressed, n, min_n)
              AND (audience = 'public' OR staff_public) THEN value_range END;
