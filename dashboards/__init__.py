"""The Alignboard dashboard. data.py is the only module that reads the warehouse."""
