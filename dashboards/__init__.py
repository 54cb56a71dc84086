"""The Alignboard dashboard. The query layer (queries/) is the only code that reads the warehouse."""
