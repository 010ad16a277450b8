"""cosie-analysis: before, during and after corona in the Dutch CoSIE pilots (Houten, Nieuwegein).

Data flows one way: sources -> ``data/raw`` -> processed observations -> phases -> estimates ->
figures and tables. Importing the package does nothing else than define names; the heavy modules
(pandas, statsmodels, matplotlib) load on first use.

Every public name is documented where you look first: ``help(ca.assign_phase)``. For IDEs and type
checkers the same names are imported under ``TYPE_CHECKING``, so they see the real signatures.

Typical use in a notebook::

    import cosie_analysis as ca
    obs = ca.load_observations()
    obs["phase"] = ca.assign_phase(obs["period"])
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

# public name -> module that defines it (loaded lazily, on first attribute access). A new public name goes
# here AND in the TYPE_CHECKING block below (tests/test_api_docs.py checks both, and its docstring).
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
    "municipalities": "municipality_table",
    "load_mergers": "data.mergers",
    "live_tables": "data.registry",
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
    "SUPPRESSED_MARK": "report.disclosure",
    "suppress_small_n": "report.disclosure",
    "mark_suppressed": "report.disclosure",
    # provenance of pilot data (#16)
    "protect_summary": "report.pilot_tables",
    "pilot_provenance": "pilot.provenance",
    # report
    "save_figure": "report.export",
    "save_table": "report.export",
    "build_report": "report.build",
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
    "plot_facets": "facets",
    "pooled_rates": "data.regions",
    "report_style": "style",
    # finding and citing data (H-report)
    "indicators": "catalog",
    "select": "catalog",
    "cite": "citation",
    "build_site": "report.site",
    # coded narratives (qualitative data)
    "read_codings": "qda.read",
    "load_codings": "qda.read",
    "Codings": "qda.read",
    "codings_template_path": "qda.read",
    "codings_dictionary": "qda.read",
    "example_qdpx": "qda.example",
    "write_example_qdpx": "qda.example",
    "intercoder_agreement": "qda.agreement",
    "theme_frequencies": "qda.themes",
    "co_occurrence": "qda.themes",
    "plot_joint_display": "report.joint_display",
    "joint_display": "report.joint_display",
    "protected_themes": "report.joint_display",
    "export_themes": "report.joint_display",
    # errors
    "CosieError": "errors",
    "InputFileError": "errors",
    "RegistryError": "errors",
    "FetchError": "errors",
    "ParameterError": "errors",
    "SchemaError": "errors",
    "DisclosureError": "errors",
}

if TYPE_CHECKING:  # pragma: no cover - for IDEs and type checkers; tests/test_api_docs.py keeps it in step with _LAZY
    # `name as name` marks an explicit re-export (PEP 484), so type checkers and ruff treat these as public.
    from cosie_analysis.catalog import (
        indicators as indicators,
        select as select,
    )
    from cosie_analysis.citation import cite as cite
    from cosie_analysis.data.fetch import (
        fetch as fetch,
    )
    from cosie_analysis.data.mergers import load_mergers as load_mergers
    from cosie_analysis.data.periods import (
        parse_period as parse_period,
        parse_periods as parse_periods,
    )
    from cosie_analysis.data.regions import (
        pilot_groups as pilot_groups,
        pooled_rates as pooled_rates,
    )
    from cosie_analysis.data.registry import live_tables as live_tables
    from cosie_analysis.errors import (
        CosieError as CosieError,
        DisclosureError as DisclosureError,
        FetchError as FetchError,
        InputFileError as InputFileError,
        ParameterError as ParameterError,
        RegistryError as RegistryError,
        SchemaError as SchemaError,
    )
    from cosie_analysis.estimate.batch import (
        batch_its as batch_its,
        batch_phase_summary as batch_phase_summary,
    )
    from cosie_analysis.estimate.comparison import (
        diff_in_diff as diff_in_diff,
        synthetic_control as synthetic_control,
    )
    from cosie_analysis.estimate.its import (
        interrupted_time_series as interrupted_time_series,
        placebo_in_time as placebo_in_time,
    )
    from cosie_analysis.estimate.multiverse import multiverse as multiverse
    from cosie_analysis.estimate.pools import donor_pool as donor_pool
    from cosie_analysis.estimate.sdid import synthetic_did as synthetic_did
    from cosie_analysis.estimate.summaries import (
        phase_summary as phase_summary,
        phase_totals as phase_totals,
    )
    from cosie_analysis.facets import plot_facets as plot_facets
    from cosie_analysis.municipality_table import municipalities as municipalities
    from cosie_analysis.observations import (
        OBSERVATION_COLUMNS as OBSERVATION_COLUMNS,
        build_observations as build_observations,
        load_observations as load_observations,
        pc4_wijk_shares as pc4_wijk_shares,
        validate_observations as validate_observations,
    )
    from cosie_analysis.phases import (
        PHASE_LABELS as PHASE_LABELS,
        PHASES as PHASES,
        RULES as RULES,
        SCHEMES as SCHEMES,
        PhaseScheme as PhaseScheme,
        Subphase as Subphase,
        assign_phase as assign_phase,
        assign_subphase as assign_subphase,
        get_scheme as get_scheme,
        load_timeline as load_timeline,
        phase_label as phase_label,
    )
    from cosie_analysis.pilot.provenance import (
        pilot_provenance as pilot_provenance,
    )
    from cosie_analysis.pilot.register import (
        is_synthetic as is_synthetic,
        load_measures as load_measures,
        read_register as read_register,
        register_observations as register_observations,
        register_to_observations as register_to_observations,
        synthetic_register as synthetic_register,
        template_path as template_path,
        validate_register as validate_register,
    )
    from cosie_analysis.plotting import (
        draw_phases as draw_phases,
        plot_event_study as plot_event_study,
        plot_its as plot_its,
        plot_phase_comparison as plot_phase_comparison,
        plot_ranking as plot_ranking,
        plot_synthetic_control as plot_synthetic_control,
        plot_timeseries as plot_timeseries,
    )
    from cosie_analysis.qda.agreement import (
        intercoder_agreement as intercoder_agreement,
    )
    from cosie_analysis.qda.example import (
        example_qdpx as example_qdpx,
        write_example_qdpx as write_example_qdpx,
    )
    from cosie_analysis.qda.read import (
        Codings as Codings,
        codings_dictionary as codings_dictionary,
        codings_template_path as codings_template_path,
        load_codings as load_codings,
        read_codings as read_codings,
    )
    from cosie_analysis.qda.themes import (
        co_occurrence as co_occurrence,
        theme_frequencies as theme_frequencies,
    )
    from cosie_analysis.report.build import build_report as build_report
    from cosie_analysis.report.disclosure import (
        SUPPRESSED_MARK as SUPPRESSED_MARK,
        DisclosureRules as DisclosureRules,
        check_exportable as check_exportable,
        mark_suppressed as mark_suppressed,
        protect as protect,
        protect_for_export as protect_for_export,
        suppress_small_n as suppress_small_n,
    )
    from cosie_analysis.report.export import (
        save_figure as save_figure,
        save_table as save_table,
    )
    from cosie_analysis.report.figures import (
        figure_names as figure_names,
        report_context as report_context,
        report_figure as report_figure,
    )
    from cosie_analysis.report.joint_display import (
        export_themes as export_themes,
        joint_display as joint_display,
        plot_joint_display as plot_joint_display,
        protected_themes as protected_themes,
    )
    from cosie_analysis.report.overview import (
        coverage as coverage,
        plot_coverage as plot_coverage,
    )
    from cosie_analysis.report.pilot_tables import (
        protect_summary as protect_summary,
    )
    from cosie_analysis.report.site import build_site as build_site
    from cosie_analysis.style import (
        report_style as report_style,
    )

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
