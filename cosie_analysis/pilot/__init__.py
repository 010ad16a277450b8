"""The pilots' own registers: format, validation, identifier screening, and their observations.

Everything derived from a pilot register carries that provenance; the disclosure rules in
:mod:`cosie_analysis.report.disclosure` apply to every export of it.
"""
