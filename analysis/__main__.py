"""python3 -m analysis {report,tables,indices,calibrate} ...  (run from the repository root, or with PYTHONPATH set).

Exit codes follow `buurt`: 0 ok, 2 bad input (missing or unreadable result file, bad arguments),
3 output problem (report exists without --force, directory missing), 1 internal error.
"""
from __future__ import annotations

import argparse
import os
import sys

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_OUTPUT = 0, 1, 2, 3


def _cmd_report(a) -> int:
    from .report import write_report
    outcomes = [o.strip() for o in a.outcomes.split(",") if o.strip()] if a.outcomes else None
    out = write_report(a.file, a.out, force=a.force, outcomes=outcomes, n_boot=a.bootstrap, lang=a.lang, pdf=a.pdf)
    print(f"wrote {out}")
    return EXIT_OK


def _cmd_tables(a) -> int:
    """Write tidy CSV tables of a result file into a directory."""
    from .results import load
    res = load(a.file)
    if os.path.exists(a.dir) and os.listdir(a.dir) and not a.force:
        raise FileExistsError(f"'{a.dir}' exists and is not empty; pass --force to write into it")
    os.makedirs(a.dir, exist_ok=True)
    tables = {"final": res.final}
    if res.kind in ("run", "compare"):
        tables.update(timeseries=res.timeseries, by_group=res.by_group)
    if res.kind == "compare":
        tables.update(last_year_mean=res.last_year_mean, summary=res.summary)
    if res.kind == "sweep":
        tables.update(design=lambda: res.design().reset_index(), runs=res.runs)
    for name, fn in tables.items():
        path = os.path.join(a.dir, f"{name}.csv")
        fn().to_csv(path, index=False)
        print(f"wrote {path}")
    return EXIT_OK


def _cmd_indices(a) -> int:
    """Print sensitivity indices of a sweep as CSV on stdout."""
    import pandas as pd

    from . import stats
    from .results import load
    res = load(a.file)
    if res.kind != "sweep":
        raise ValueError(f"{a.file}: a {res.kind} file has no sweep design")
    X, Y = res.design().to_numpy(), res.outcome_matrix()
    frames = []
    for k, o in enumerate(res.outcomes):
        if not (Y[:, k].std() > 0):
            continue
        if res.design_kind == "saltelli":
            df = stats.sobol_from_design(X, Y[:, k], n_boot=a.bootstrap, names=res.parameter_names)
        elif res.design_kind == "morris":
            df = stats.morris_indices(X, Y[:, k], n_boot=a.bootstrap, names=res.parameter_names)
        else:
            df = stats.fit_metamodel(X, Y[:, k], names=res.parameter_names).coefs
        df.insert(0, "outcome", o)
        frames.append(df)
    pd.concat(frames, ignore_index=True).to_csv(sys.stdout, index=False)
    return EXIT_OK


def _cmd_calibrate(a) -> int:
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from .calibrate import run_command
    return run_command(a)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m analysis", description="Buurtkracht result analysis and reports")
    sub = p.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("report", help="write a self-contained HTML report of a run, comparison or sweep file")
    r.add_argument("file", help="result file (.h5)")
    r.add_argument("-o", "--out", help="report file (default: FILE with .html)")
    r.add_argument("--force", action="store_true", help="replace an existing report")
    r.add_argument("--outcomes", help="comma-separated outcomes to summarise and draw (default: chosen automatically)")
    r.add_argument("--bootstrap", type=int, default=500, help="bootstrap resamples for index intervals (default 500)")
    r.add_argument("--lang", choices=["en", "nl"], default="en", help="language of a comparison's decision page (default en)")
    r.add_argument("--pdf", action="store_true", help="also write the report as PDF (FILE.pdf, rendered by weasyprint)")
    r.set_defaults(fn=_cmd_report)
    t = sub.add_parser("tables", help="write the tidy tables of a result file as CSV")
    t.add_argument("file")
    t.add_argument("dir", help="output directory")
    t.add_argument("--force", action="store_true")
    t.set_defaults(fn=_cmd_tables)
    i = sub.add_parser("indices", help="print sensitivity indices of a sweep as CSV")
    i.add_argument("file")
    i.add_argument("--bootstrap", type=int, default=500)
    i.set_defaults(fn=_cmd_indices)
    c = sub.add_parser("calibrate", help="history matching against reference figures; writes a posterior ensemble")
    c.add_argument("file", help="calibration file (TOML: targets, priors, design)")
    c.add_argument("--out", "-o", required=True, help="posterior file (.h5)")
    c.add_argument("--quick", action="store_true", help="the file's [quick] settings: a small neighbourhood, few waves")
    c.add_argument("--drop", action="append", default=[], metavar="TARGET", help="do not fit TARGET (report it as not reproduced)")
    c.add_argument("--force", action="store_true", help="replace an existing posterior and its working directory")
    c.add_argument("--threads", type=int, help="threads per sweep process")
    c.add_argument("--launcher", help="prefix for every sweep, e.g. 'mpirun -np 4' (MPI ranks share the runs)")
    c.add_argument("--quiet", "-q", action="store_true", help="no progress bars")
    c.set_defaults(fn=_cmd_calibrate)
    a = p.parse_args(argv)

    from .report import ReportError
    from .results import ResultError
    from .stats import DesignError
    from .calibrate import CalibrationError
    try:
        return a.fn(a)
    except (ResultError, DesignError, CalibrationError, ValueError) as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_INPUT
    except (FileExistsError, ReportError, OSError) as e:
        msg = str(e)
        print(f"error: {msg}", file=sys.stderr)
        return EXIT_OUTPUT
    except KeyboardInterrupt:
        return 130
    except RuntimeError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_INTERNAL


if __name__ == "__main__":
    sys.exit(main())
