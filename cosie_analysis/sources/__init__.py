"""One module per publisher layout: reading it (and, in :mod:`cosie_analysis.fetch`, fetching it)."""
