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
    "fetch": "fetch",
    "parse_period": "periods",
    "parse_periods": "periods",
    "pc4_wijk_shares": "observations",
    # corona phases
    "assign_phase": "phases",
    "get_scheme": "phases",
    "load_timeline": "phases",
    "PhaseScheme": "phases",
    "SCHEMES": "phases",
    "draw_phases": "phases",
    "assign_subphase": "phases",
    "phase_label": "phases",
    "PHASE_LABELS": "phases",
    "PHASES": "phases",
    "RULES": "phases",
    "Subphase": "phases",
    # statistics
    "phase_summary": "summaries",
    "interrupted_time_series": "its",
    "synthetic_control": "comparison",
    "diff_in_diff": "comparison",
    "placebo_in_time": "its",
    "batch_its": "batch",
    "batch_phase_summary": "batch",
    # the pilots' own registers and disclosure control
    "validate_register": "pilot",
    "read_register": "pilot",
    "register_observations": "pilot",
    "register_to_observations": "pilot",
    "synthetic_register": "pilot",
    "load_measures": "pilot",
    "is_synthetic": "pilot",
    "template_path": "pilot",
    "protect": "disclosure",
    "protect_for_export": "disclosure",
    "check_exportable": "disclosure",
    "DisclosureRules": "disclosure",
    "DisclosureError": "disclosure",
    "SUPPRESSED_MARK": "disclosure",
    "suppress_small_n": "disclosure",
    "mark_suppressed": "disclosure",
    # report
    "save_figure": "export",
    "save_table": "export",
    "build_report": "figures",
    "report_figure": "figures",
    "report_context": "figures",
    "figure_names": "figures",
    "pilot_groups": "regions",
    "coverage": "overview",
    "plot_coverage": "overview",
    "phase_totals": "summaries",
    "plot_timeseries": "plotting",
    "plot_phase_comparison": "plotting",
    "plot_its": "plotting",
    "plot_synthetic_control": "plotting",
    "plot_event_study": "plotting",
    "plot_ranking": "plotting",
    "pooled_rates": "regions",
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
