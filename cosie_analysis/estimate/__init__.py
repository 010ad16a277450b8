"""Estimates: phase summaries, interrupted time series, synthetic control and difference-in-differences.

Each estimator returns a frozen result object with ``summary()``, ``plot()``, ``plot_data()``,
``.model`` and ``describe(lang)``. The one-series and many-series calls share one kernel.
"""
