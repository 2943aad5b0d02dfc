"""Buurtkracht analysis: load result files into tidy pandas tables, estimate intervals and
sensitivity indices, and write self-contained HTML reports.

    import analysis
    res = analysis.load("results/baseline.h5")      # RunResult, CompareResult or SweepResult
    res.timeseries()                                 # tidy: scenario, replicate, week, outcome, value, unit
    res.final()                                      # tidy: scenario, replicate, outcome, value, unit
    res.headline_outcomes(); res.meta_of("cost_total")  # what the file declares: rank, label, format, kind...

See docs/analysis.md for the whole API and the report contents.
"""
import sys as _sys

try:  # Debian's python3-h5py, -numpy, -pandas (scripts/setup.sh); another Python does not see them
    import h5py as _h5py, numpy as _np, pandas as _pd  # noqa: F401
except ImportError as _e:
    _msg = (f"analysis needs Debian's python3-h5py, python3-numpy and python3-pandas, which this Python "
            f"({_sys.executable}) does not see ({_e}). Use /usr/bin/python3 (scripts/setup.sh installs the "
            f"packages), or a venv made with `/usr/bin/python3 -m venv --system-site-packages`.")
    if _sys.argv and _sys.argv[0] == "-m":  # python -m analysis: a message, not a traceback
        raise SystemExit(f"error: {_msg}") from None
    raise ImportError(_msg) from _e

from .results import (CompareResult, OutcomeMeta, ResultError, RunResult, SweepResult, load, result_kind)
from .params import parameter_table, resolved_parameters
from . import stats

__all__ = ["load", "result_kind", "RunResult", "CompareResult", "SweepResult", "ResultError", "OutcomeMeta",
           "parameter_table", "resolved_parameters", "stats"]
