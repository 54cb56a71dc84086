"""The synthetic district generator (`alignboard generate`): a realistic, seeded district of any
size written as the landing files of docs/landing-files.md.

Entry point: sample_data.generator.generate(). One module per part of the district:
org (district, schools, departments, PLCs), staff, students (who is enrolled where, yearly
attributes), sections, attendance, assessments, cfa, discipline, supports (MTSS), perception
(surveys), walkthroughs, plc_sig, learning (professional learning), kpis, meetings, state (the
state's counts), messy (fault injection), writer (streaming CSV), calendar, codes, names, rng.
Nothing is imported here, so `import sample_data` stays cheap.
"""
