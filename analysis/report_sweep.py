"""The sweep report's content: sensitivity indices, metamodels and figures for sweep.html."""
from __future__ import annotations

import datetime as _dt
import os

import numpy as np

from . import plots, stats
from .formatting import img
from .headlines import headline_order, pick_outcomes
from .params import parameter_table
from .results import SweepResult

MATTER_THRESHOLD = 0.05     # total-order index or squared standardized coefficient
WIDE_INTERVAL = 0.25        # a Sobol index whose 95% interval is wider than this is too uncertain to be a finding


def sobol_flag(r: dict) -> str:
    """Why a Sobol row is not a finding (too few samples), or '' when it can be read."""
    why = []
    if r["S1"] > r["ST"] + 0.02:
        why.append("S1 > ST")
    if r["S1"] < -0.02:
        why.append("negative S1")
    if max(r["S1_hi"] - r["S1_lo"], r["ST_hi"] - r["ST_lo"]) > WIDE_INTERVAL:
        why.append(f"interval wider than {WIDE_INTERVAL}")
    return ", ".join(why)
MORRIS_THRESHOLD = 0.10     # mu* relative to the largest mu* for that outcome


def _indices(kind: str, X, Y, kcol: dict, analysed: list[str], ranges, names: list[str], n_boot: int):
    """Sobol (Saltelli designs) or Morris indices per analysed outcome; method None when neither applies."""
    P = len(names)
    method, indices, notes = None, {}, []
    if kind == "saltelli":
        method = "sobol"
        try:
            for o in analysed:
                indices[o] = stats.sobol_from_design(X, Y[:, kcol[o]], n_boot=n_boot, names=names)
            layout = next(iter(indices.values())).attrs.get("layout", "") if indices else ""
            notes.append(f"Saltelli design recognised as {layout}; {len(X) // (P + 2)} base samples.")
        except stats.DesignError as e:
            notes.append(f"Sobol indices not computed: {e}.")
            method, indices = None, {}
    elif kind == "morris":
        method = "morris"
        try:
            for o in analysed:
                indices[o] = stats.morris_indices(X, Y[:, kcol[o]], ranges=ranges, n_boot=n_boot, names=names)
        except stats.DesignError as e:
            notes.append(f"Morris indices not computed: {e}.")
            method, indices = None, {}
    return method, indices, notes


def _matrix_row(method, index_df, linear_fit, names: list[str]) -> list[dict]:
    """One row of 'which parameters matter': the method's measure per parameter, marked when it matters."""
    cells = []
    if method == "sobol":
        df = index_df.set_index("parameter")
        for n in names:
            v = df.loc[n, "ST"]
            flag = sobol_flag(df.loc[n].to_dict())
            cells.append({"value": v, "matters": bool(v >= MATTER_THRESHOLD and df.loc[n, "ST_lo"] > 0 and not flag),
                          "text": f"{v:.2f}" + (" (?)" if flag else "")})
    elif method == "morris":
        df = index_df.set_index("parameter")
        top = df["mu_star"].max()
        for n in names:
            v = df.loc[n, "mu_star"] / top if top > 0 else 0.0
            cells.append({"value": v, "matters": bool(v >= MORRIS_THRESHOLD), "text": f"{v:.2f}"})
    else:
        c = linear_fit.coefs.set_index("term")
        for n in names:
            v = c.loc[n, "src2"] if n in c.index else 0.0
            p = c.loc[n, "p"] if n in c.index else 1.0
            cells.append({"value": v, "matters": bool(v >= MATTER_THRESHOLD and p < 0.05), "text": f"{v:.2f}"})
    return cells


def _importance_order(o, method, indices, fits, names) -> list[str]:
    if method == "sobol":
        s = indices[o].set_index("parameter")["ST"]
    elif method == "morris":
        s = indices[o].set_index("parameter")["mu_star"]
    else:
        s = fits[o].coefs.set_index("term")["src2"].reindex(names).fillna(0)
    return list(s.fillna(0).sort_values(ascending=False).index)


def sweep_context(sw: SweepResult, outcomes: list[str] | None = None, n_boot: int = 500, source_name: str = "") -> dict:
    """Everything sweep.html shows for a sweep file."""
    X = sw.design().to_numpy()
    Y = sw.outcome_matrix(per_point=True)
    names = sw.parameter_names
    P = len(names)
    valid = {o: bool(np.all(np.isfinite(Y[:, k])) and np.nanstd(Y[:, k]) > 0) for k, o in enumerate(sw.outcomes)}
    analysed = [o for o in sw.outcomes if valid[o]]
    constant = [o for o in sw.outcomes if not valid[o]]
    if outcomes:
        unknown = [o for o in outcomes if o not in sw.outcomes]
        if unknown:
            raise ValueError(f"unknown outcome(s) {', '.join(unknown)}; the file has: {', '.join(sw.outcomes)}")
        focus = outcomes
    else:
        focus = pick_outcomes(analysed, 3, headlines=headline_order(sw))
    meta = {o: sw.meta_of(o) for o in set(sw.outcomes) | set(sw.timeseries_outcomes())}
    kcol = {o: k for k, o in enumerate(sw.outcomes)}
    schema = parameter_table()
    sch = {r["name"]: r for _, r in schema.iterrows()}
    ranges = X.max(axis=0) - X.min(axis=0)
    param_rows = [{"name": n, "min": X[:, i].min(), "max": X[:, i].max(), "levels": len(np.unique(X[:, i])),
                   "unit": sch[n]["unit"] if n in sch else "", "description": sch[n]["description"] if n in sch else "",
                   "source": sch[n]["source"] if n in sch else ""} for i, n in enumerate(names)]

    method, indices, notes = _indices(sw.design_kind.lower(), X, Y, kcol, analysed, ranges, names, n_boot)
    figs = {"sensitivity": [], "response": [], "interaction": [], "fit": [], "series": []}

    # Metamodel for every analysed outcome (on runs: replicate noise stays in the residual).
    runs = sw.runs()
    Xr = runs[names].to_numpy()
    fits, linear = {}, {}
    for o in analysed:
        fits[o] = stats.fit_metamodel(Xr, runs[o].to_numpy(), names=names)
        # Main effects only: its squared standardized coefficients are the variance shares (SRC^2).
        linear[o] = fits[o] if not any("×" in t for t in fits[o].terms) else \
            stats.fit_metamodel(Xr, runs[o].to_numpy(), names=names, interactions=False)
    noise = {o: stats.replicate_noise_share(runs[o].to_numpy(), runs["point"].to_numpy()) for o in analysed}

    matrix = [{"outcome": o, "label": meta[o].label, "unit": meta[o].unit,
               "cells": _matrix_row(method, indices.get(o), linear[o], names)} for o in analysed]
    measure = {"sobol": f"total-order Sobol index ST (marked: ST ≥ {MATTER_THRESHOLD} and its 95% interval above 0)",
               "morris": f"μ* relative to the largest μ* for that outcome (marked: ≥ {MORRIS_THRESHOLD})",
               None: f"squared standardized regression coefficient (SRC²) of a main-effects linear metamodel fitted on single runs, the share of variance "
                     f"explained by the parameter alone (marked: ≥ {MATTER_THRESHOLD} and p < 0.05)"}[method]

    for o in focus:
        y = Y[:, kcol[o]]
        m = meta[o]
        if method == "sobol" and o in indices:
            figs["sensitivity"].append(img(plots.sobol_bars(indices[o], o)))
        elif method == "morris" and o in indices:
            figs["sensitivity"].append(img(plots.morris_plot(indices[o], o, m)))
        figs["response"].append(img(plots.response_curves(X, y, names, o, m)))
        if P >= 2:
            order = _importance_order(o, method, indices, linear, names)
            i, j = names.index(order[0]), names.index(order[1])
            figs["interaction"].append(img(plots.interaction(X, y, names, i, j, o, m)))
        fm = fits.get(o)
        if fm is not None:
            figs["fit"].append(img(plots.fit_plot(runs[o].to_numpy(), fm.result.fittedvalues, o, m, fm.r2, fm.q2)))

    # Weekly series kept by the sweep: runs split by thirds of the most influential parameter.
    for o in sw.timeseries_outcomes()[:2]:
        arr = sw.timeseries_array(o)
        top = _importance_order(o, method, indices, linear, names)[0] if o in analysed else names[0]
        x = runs[top].to_numpy()
        t1, t2 = np.quantile(x, [1 / 3, 2 / 3])
        groups = [(f"{top} ≤ {t1:.3g}", x <= t1), (f"{top} middle", (x > t1) & (x <= t2)), (f"{top} > {t2:.3g}", x > t2)]
        data = {o: {}}
        for lab, mask in groups:
            if mask.any():
                mean, lo, hi, _ = stats.band(arr[mask], level=0.8)
                data[o][lab] = (mean, lo, hi)
        figs["series"].append(img(plots.timeseries(np.arange(arr.shape[1]), data, meta, "",
                                                   title=f"{meta[o].label} per week, runs grouped by thirds of {top}: "
                                                         "mean and central 80% of runs")))

    index_tables = []
    for o in focus if indices else []:
        if o in indices:
            df = indices[o]
            sums = {"S1": float(df["S1"].sum()), "ST": float(df["ST"].sum())} if method == "sobol" else None
            rows = df.to_dict("records")
            if method == "sobol":
                for r in rows:
                    r["flag"] = sobol_flag(r)
            index_tables.append({"outcome": o, "label": meta[o].label, "rows": rows, "sums": sums})
    fit_rows = [{"outcome": o, "label": meta[o].label, "r2": fits[o].r2, "r2_adj": fits[o].r2_adj, "q2": fits[o].q2, "n": fits[o].n,
                 "terms": len(fits[o].terms), "interactions": any("×" in t for t in fits[o].terms), "noise": noise[o]}
                for o in analysed]
    coef_tables = []
    for o in focus:
        if o not in fits:
            continue
        # Coefficients in the outcome's display unit (a share's in percentage points), per standard deviation.
        f, u = plots.display(meta[o])
        unit = "percentage points" if u.startswith("%") else (u or "outcome units")
        rows = [dict(r, coef=f * r["coef"], lo=f * r["lo"], hi=f * r["hi"]) for r in fits[o].coefs.to_dict("records")]
        coef_tables.append({"outcome": o, "label": meta[o].label, "unit": unit, "meta": meta[o], "rows": rows})
    prov = {"file": source_name or os.path.basename(sw.path), "kind": "sweep", "design_kind": sw.design_kind,
            "points": sw.n_points, "runs": len(sw.run_index), "replicates": sw.replicates, "seed": sw.seed,
            "program_version": sw.meta.get("program_version", sw.sweep_meta.get("program_version", "")),
            "git_commit": sw.meta.get("git_commit", sw.sweep_meta.get("git_commit", "")),
            "command": sw.meta.get("command") or sw.sweep_meta.get("command")
            or f"buurt sweep (sweep '{sw.sweep_meta.get('name', '')}', definition below)",
            "schema_origin": schema.attrs.get("origin", ""),
            "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    return {"title": f"Sweep report ({sw.design_kind})", "prov": prov, "param_rows": param_rows, "names": names,
            "method": method, "measure": measure, "matrix": matrix, "figs": figs, "index_tables": index_tables,
            "fit_rows": fit_rows, "coef_tables": coef_tables, "focus": focus, "constant": constant, "notes": notes,
            "definition": sw.definition, "base_resolved": sw.base_resolved, "units": sw.units}
