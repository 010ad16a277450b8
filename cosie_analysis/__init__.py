"""cosie-analysis: before, during and after corona in the Dutch CoSIE pilots (Houten, Nieuwegein).

Data flows one way: sources -> ``data/raw`` -> processed observations -> phases -> estimates ->
figures and tables. Importing the package does nothing else than define names; the heavy modules
(pandas, statsmodels, matplotlib) load on first use.

Typical use in a notebook::

    import cosie_analysis as ca
    obs = ca.load_observations()
    obs["phase"] = ca.assign_phase(obs["period"])
"""

from __future__ import annotations

import importlib

__version__ = "0.1.0"

# public name -> module that defines it (loaded lazily, on first attribute access)
_LAZY = {
    # data pipeline
    "load_observations": "observations",
    "build_observations": "observations",
    "validate_observations": "observations",
    "OBSERVATION_COLUMNS": "observations",
    "fetch": "data.fetch",
    "parse_period": "data.periods",
    "parse_periods": "data.periods",
    "pc4_wijk_shares": "observations",
    # corona phases
    "assign_phase": "phases",
    "get_scheme": "phases",
    "load_timeline": "phases",
    "PhaseScheme": "phases",
    "SCHEMES": "phases",
    "draw_phases": "plotting",
    "assign_subphase": "phases",
    "phase_label": "phases",
    "PHASE_LABELS": "phases",
    "PHASES": "phases",
    "RULES": "phases",
    "Subphase": "phases",
    # statistics
    "phase_summary": "estimate.summaries",
    "interrupted_time_series": "estimate.its",
    "synthetic_control": "estimate.comparison",
    "diff_in_diff": "estimate.comparison",
    "placebo_in_time": "estimate.its",
    "batch_its": "estimate.batch",
    "batch_phase_summary": "estimate.batch",
    "donor_pool": "estimate.pools",
    "synthetic_did": "estimate.sdid",
    "multiverse": "estimate.multiverse",
    # the pilots' own registers and disclosure control
    "validate_register": "pilot.register",
    "read_register": "pilot.register",
    "register_observations": "pilot.register",
    "register_to_observations": "pilot.register",
    "synthetic_register": "pilot.register",
    "load_measures": "pilot.register",
    "is_synthetic": "pilot.register",
    "template_path": "pilot.register",
    "protect": "report.disclosure",
    "protect_for_export": "report.disclosure",
    "check_exportable": "report.disclosure",
    "DisclosureRules": "report.disclosure",
    "DisclosureError": "report.disclosure",
    "SUPPRESSED_MARK": "report.disclosure",
    "suppress_small_n": "report.disclosure",
    "mark_suppressed": "report.disclosure",
    # report
    "save_figure": "report.export",
    "save_table": "report.export",
    "build_report": "report.figures",
    "report_figure": "report.figures",
    "report_context": "report.figures",
    "figure_names": "report.figures",
    "pilot_groups": "data.regions",
    "coverage": "report.overview",
    "plot_coverage": "report.overview",
    "phase_totals": "estimate.summaries",
    "plot_timeseries": "plotting",
    "plot_phase_comparison": "plotting",
    "plot_its": "plotting",
    "plot_synthetic_control": "plotting",
    "plot_event_study": "plotting",
    "plot_ranking": "plotting",
    "pooled_rates": "data.regions",
    "report_style": "style",
    # errors
    "CosieError": "errors",
    "InputFileError": "errors",
    "RegistryError": "errors",
    "FetchError": "errors",
    "ParameterError": "errors",
}

__all__ = sorted(_LAZY) + ["__version__"]


def __getattr__(name: str):
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'cosie_analysis' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__():
    return __all__
