"""One module per publisher layout: reading it (and, in :mod:`cosie_analysis.data.fetch`, fetching it)."""
