-- One round of merging the cells that are one population (suppression_twins): each twin takes
-- the smallest population id of its twins. The engine repeats rounds until one changes nothing,
-- so a chain (a school's grade:KG, the KG PLC's grade:KG, the KG PLC's 'all') becomes one
-- population.
UPDATE suppression_populations AS p
SET population = pick.population
FROM (
    SELECT t.cell_id, min(o.population) AS population
    FROM (SELECT a AS cell_id, b AS other FROM suppression_twins
          UNION ALL SELECT b, a FROM suppression_twins) AS t
    JOIN suppression_populations AS o ON o.cell_id = t.other
    GROUP BY t.cell_id
) AS pick
WHERE p.cell_id = pick.cell_id AND pick.population < p.population
