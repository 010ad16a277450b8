"""Sources -> ``data/raw``: the registry of public tables, fetching them, and one reader per layout.

Modules here import only the package's base modules (``errors``, ``paths``, ``_io``, ``words``),
never anything further down the flow (pilot registers, observations, phases, estimates, reports).
"""
