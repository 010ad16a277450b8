"""The pilots' own monitoring data, in one place: the register format, its checks, and its observations.

A *pilot register* is a long table with one row per unit, period and measure (see
``docs/pilot-data.md`` and :data:`REGISTER_COLUMNS`)::

    pilot,unit_id,period,measure,value,unit,group
    houten,P0001,2020-06-22,matches,1,persons,vrijwilligerswerk
    nieuwegein,FLAT2,2020-06,litter_reports,17,reports,

This module gathers the public names of the modules that do the work, in the order of the flow:

* :mod:`~cosie_analysis.pilot.identifiers`: direct-identifier screening (``bsn_11_test``, ...);
* :mod:`~cosie_analysis.pilot.parse`: reading every part of a workbook as text; strict periods and
  numbers; the data dictionary (``load_measures``) and ``template_path``;
* :mod:`~cosie_analysis.pilot.source`: any register source (CSV streamed) in chunks of rows;
* :mod:`~cosie_analysis.pilot.screen` and :mod:`~cosie_analysis.pilot.table`: identifiers in the cells,
  problems between rows;
* :mod:`~cosie_analysis.pilot.check`: :func:`validate_register` and :func:`read_register`;
* :mod:`~cosie_analysis.pilot.build`: :func:`register_to_observations`, :func:`register_observations`;
* :mod:`~cosie_analysis.pilot.synthetic`: :func:`synthetic_register` and its ``PLANTED_EFFECTS``;
* :mod:`~cosie_analysis.pilot.provenance`: the provenance every derived table carries.
"""

from __future__ import annotations

from cosie_analysis.pilot.build import register_observations, register_to_observations
from cosie_analysis.pilot.check import (
    PILOTS,
    REGISTER_COLUMNS,
    SYNTHETIC_LABEL,
    is_synthetic,
    read_register,
    validate_register,
)
from cosie_analysis.pilot.identifiers import IDENTIFIER_COLUMN_HINTS, bsn_11_test
from cosie_analysis.pilot.parse import RegisterProblem, load_measures, template_path
from cosie_analysis.pilot.synthetic import PLANTED_EFFECTS, synthetic_register

__all__ = [
    "IDENTIFIER_COLUMN_HINTS",
    "PILOTS",
    "PLANTED_EFFECTS",
    "REGISTER_COLUMNS",
    "SYNTHETIC_LABEL",
    "RegisterProblem",
    "bsn_11_test",
    "is_synthetic",
    "load_measures",
    "read_register",
    "register_observations",
    "register_to_observations",
    "synthetic_register",
    "template_path",
    "validate_register",
]
