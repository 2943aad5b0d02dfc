"""Buurtkracht analysis: load result files into tidy pandas tables, estimate intervals and
sensitivity indices, and write self-contained HTML reports.

    import analysis
    res = analysis.load("results/baseline.h5")      # RunResult, CompareResult or SweepResult
    res.timeseries()                                 # tidy: scenario, replicate, week, outcome, value, unit
    res.final()                                      # tidy: scenario, replicate, outcome, value, unit
    res.headline_outcomes(); res.meta_of("cost_total")  # what the file declares: rank, label, format, kind...

See docs/analysis.md for the whole API and the report contents.
"""
from .results import (CompareResult, OutcomeMeta, ResultError, RunResult, SweepResult, load, result_kind)
from .params import parameter_table, resolved_parameters
from . import stats

__all__ = ["load", "result_kind", "RunResult", "CompareResult", "SweepResult", "ResultError", "OutcomeMeta",
           "parameter_table", "resolved_parameters", "stats"]
