"""Self-contained HTML reports: a comparison report (runs and comparisons) and a sweep report.

Images are embedded as base64 PNG; the file can be mailed or opened offline.
"""
from __future__ import annotations

import base64
import datetime as _dt
import math
import os
import tempfile
from pathlib import Path

import jinja2
import numpy as np

from . import plots, stats
from .params import is_money, is_price, parameter_table, resolved_parameters
from .results import CompareResult, SweepResult, as_comparison, load

TEMPLATES = Path(__file__).resolve().parent / "templates"

# Outcomes a policymaker asks about first. Only those present in the file are used, and the
# figures fall back to the file's own order, so new or renamed outcomes never break a report.
PREFERRED = ["unmet_need_share", "severely_lonely_share", "mean_self_reliance", "no_active_tie_share",
             "informal_hours", "team_mean_wait", "cost_total", "mkba_balance"]


class ReportError(Exception):
    pass


# ---------------------------------------------------------------- formatting

def fmt_value(v: float, unit: str = "", signed: bool = False) -> str:
    """Human number in display units (shares as percentages)."""
    if v is None or (isinstance(v, float) and not math.isfinite(v)):
        return "–"
    f, u = plots.display(unit)
    x = f * float(v)
    a = abs(x)
    sign = "+" if signed else ""
    if a >= 1000:
        s = f"{x:{sign},.0f}"
    elif a >= 100:
        s = f"{x:{sign}.0f}"
    elif a >= 10:
        s = f"{x:{sign}.1f}"
    elif a >= 1:
        s = f"{x:{sign}.2f}"
    elif a >= 0.01 or a == 0:
        s = f"{x:{sign}.3f}"
    else:
        s = f"{x:{sign}.2g}"
    if u.startswith("%"):
        return s + ("%" if not signed else " pt")
    return s


def fmt_with_unit(v: float, unit: str = "", signed: bool = False) -> str:
    """Value and unit: '23.1% of residents', '4.20 hours per week'."""
    s = fmt_value(v, unit, signed)
    u = plots.display(unit)[1]
    if s == "–" or not u:
        return s
    if u.startswith("%"):
        return s + u[1:]
    if u == "scale 0–1":
        return f"{s} (scale 0–1)"
    return f"{s} {u}"


def fmt_unit(unit: str) -> str:
    return plots.display(unit)[1]


def fmt_pct(v: float) -> str:
    if v is None or not math.isfinite(v):
        return "–"
    return f"{100 * v:+.1f}%"


def _img(fig) -> str:
    return base64.b64encode(plots.to_png(fig)).decode("ascii")


def _env() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=jinja2.select_autoescape(["html"]),
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    env.filters["v"] = fmt_value
    env.filters["unit"] = fmt_unit
    env.filters["vu"] = fmt_with_unit
    env.filters["pct"] = fmt_pct
    return env


def pick_outcomes(available: list[str], n: int, varying=None) -> list[str]:
    """Up to n outcomes: preferred ones first (when present and varying), then the file's order."""
    ok = [o for o in available if varying is None or varying.get(o, True)]
    chosen = [o for o in PREFERRED if o in ok][:n]
    for o in ok:
        if len(chosen) >= n:
            break
        if o not in chosen:
            chosen.append(o)
    return chosen


# ---------------------------------------------------------------- comparison report

def _significant(lo, hi) -> bool:
    return math.isfinite(lo) and math.isfinite(hi) and (lo > 0 or hi < 0)


def _describe_change(o, unit, ref_mean, mean, lo, hi, R) -> str:
    name = o.replace("_", " ")
    if R < 2 or not math.isfinite(lo):
        verb = "rises" if mean > ref_mean else "falls" if mean < ref_mean else "stays"
        return f"{name} {verb} from {fmt_with_unit(ref_mean, unit)} to {fmt_with_unit(mean, unit)}"
    d = mean - ref_mean
    ci = f"95% interval {fmt_value(lo, unit, True)} to {fmt_value(hi, unit, True)}"
    if not _significant(lo, hi):
        return f"{name} shows no clear change ({fmt_value(ref_mean, unit)} vs {fmt_value(mean, unit)}; {ci})"
    verb = "rises" if d > 0 else "falls"
    return f"{name} {verb} from {fmt_with_unit(ref_mean, unit)} to {fmt_with_unit(mean, unit)} ({fmt_value(d, unit, True)}; {ci})"


def scenario_paragraphs(cmp: CompareResult, summ: dict, headline: list[str]) -> list[dict]:
    """One plain-language paragraph per scenario (the first is the reference)."""
    S, R = len(cmp.scenario_names), cmp.replicates
    k = {o: i for i, o in enumerate(cmp.outcomes)}
    ref = cmp.scenario_names[0]
    out = []
    window = min(52, int(cmp.weeks)) if cmp.weeks else 52
    basis = ("averaged over the last year of the run" if window == 52 else f"averaged over the last {window} weeks of the run") \
        + (f" and over {R} replicates" if R > 1 else "")
    levels = "; ".join(f"{o.replace('_', ' ')} {fmt_with_unit(summ['mean'][0, k[o]], cmp.units[o])}" for o in headline)
    first = cmp.scenario_meta(0).get("scenario_description", "")
    role = "This is the reference. " if S > 1 else ""
    out.append({"name": ref, "reference": True,
                "text": f"{first + '. ' if first else ''}{role}{basis[0].upper() + basis[1:]}: {levels}."})
    for s in range(1, S):
        desc = cmp.scenario_meta(s).get("scenario_description", "")
        parts = [_describe_change(o, cmp.units[o], summ["mean"][0, k[o]], summ["mean"][s, k[o]],
                                  summ["diff_lo"][s, k[o]], summ["diff_hi"][s, k[o]], R) for o in headline]
        # Largest clear relative changes outside the headline outcomes.
        extra = []
        for o in cmp.outcomes:
            if o in headline:
                continue
            i = k[o]
            if R >= 2 and _significant(summ["diff_lo"][s, i], summ["diff_hi"][s, i]) and math.isfinite(summ["rel_mean"][s, i]):
                extra.append((abs(summ["rel_mean"][s, i]), o))
        extra.sort(reverse=True)
        more = ""
        if extra:
            more = " Other clear changes: " + ", ".join(
                f"{o.replace('_', ' ')} {fmt_pct(summ['rel_mean'][s, k[o]])}" for _, o in extra[:3]) + " (relative to the reference)."
        lead = f"{desc}. " if desc else ""
        text = f"{lead}Compared with '{ref}', {basis}: " + "; ".join(parts) + "." + more
        out.append({"name": cmp.scenario_names[s], "reference": False, "text": text})
    return out


def _seeds_text(cmp: CompareResult) -> str:
    """'20261123 (runs 0-7)' when every replicate shares the seed and differs by run index, else the list."""
    seeds = [int(x) for x in cmp.seeds[:cmp.replicates]]
    runs = cmp.meta.get("run_index")
    if len(set(seeds)) == 1 and runs is not None and len(np.atleast_1d(runs)) == len(seeds):
        r = [int(x) for x in np.atleast_1d(runs)]
        return f"{seeds[0]} (replicate r is run {r[0]}..{r[-1]}: random numbers keyed by seed and run)"
    return ", ".join(str(s) for s in seeds)


def comparison_context(res, source_name: str = "", outcomes: list[str] | None = None) -> dict:
    cmp = as_comparison(res)
    S, R = len(cmp.scenario_names), cmp.replicates
    lym = cmp.array("last_year_mean")
    summ = stats.paired_differences(lym)  # recomputed; a comparison file's stored summary is checked against it
    K = {o: i for i, o in enumerate(cmp.outcomes)}
    varying = {o: bool(np.nanstd(np.concatenate([cmp.run(s, r).series(o) for s in range(S) for r in range(R)])) > 0)
               for o in cmp.outcomes}
    if outcomes:
        unknown = [o for o in outcomes if o not in cmp.outcomes]
        if unknown:
            raise ValueError(f"unknown outcome(s) {', '.join(unknown)}; the file has: {', '.join(cmp.outcomes)}")
        headline, figure_outcomes = outcomes[:4], outcomes
    else:
        headline = pick_outcomes(cmp.outcomes, 4, varying)
        figure_outcomes = pick_outcomes(cmp.outcomes, 6, varying)

    # Time series with bands.
    weeks = cmp.run(0, 0).weeks
    data, band_label = {}, ""
    for o in figure_outcomes:
        arr = cmp.series_array(o)
        data[o] = {}
        for s, name in enumerate(cmp.scenario_names):
            m, lo, hi, band_label = stats.band(arr[s])
            data[o][name] = (m, lo, hi)
    figs = {"timeseries": _img(plots.timeseries(weeks, data, cmp.units, band_label))}

    # Paired differences table (every outcome) and forest plot (outcomes with a finite relative change).
    diff_rows = []
    for o in cmp.outcomes:
        i = K[o]
        row = {"outcome": o, "unit": cmp.units[o], "description": cmp.descriptions.get(o, ""),
               "means": [summ["mean"][s, i] for s in range(S)], "diffs": []}
        for s in range(1, S):
            row["diffs"].append({"scenario": cmp.scenario_names[s], "mean": summ["diff_mean"][s, i], "lo": summ["diff_lo"][s, i],
                                 "hi": summ["diff_hi"][s, i], "rel": summ["rel_mean"][s, i],
                                 "significant": _significant(summ["diff_lo"][s, i], summ["diff_hi"][s, i])})
        diff_rows.append(row)
    forest = []
    if S > 1 and R > 1:
        for o in pick_outcomes(cmp.outcomes, 12, varying):
            i = K[o]
            for s in range(1, S):
                if all(math.isfinite(summ[k][s, i]) for k in ("rel_mean", "rel_lo", "rel_hi")):
                    forest.append({"outcome": o, "scenario": cmp.scenario_names[s], "rel_mean": summ["rel_mean"][s, i],
                                   "rel_lo": summ["rel_lo"][s, i], "rel_hi": summ["rel_hi"][s, i]})
        if forest:
            figs["differences"] = _img(plots.differences(forest, cmp.scenario_names[0]))

    # Stored summary vs recomputed (a comparison file carries its own; they must agree).
    stored_check = None
    if type(res) is CompareResult and R >= 2:
        st = cmp._summary
        ok = all(np.allclose(st[k], summ[k], rtol=1e-6, atol=1e-9, equal_nan=True) for k in ("mean", "diff_mean", "diff_lo", "diff_hi") if k in st)
        stored_check = ok

    # Costs and MKBA.
    money = [o for o in cmp.outcomes if is_money(cmp.units[o])]
    cost_rows = []
    for o in money:
        i = K[o]
        per_week = "week" in cmp.units[o]
        factor = 52.0 if per_week else 1.0
        unit = cmp.units[o].replace("per week", "per year") if per_week else cmp.units[o]
        cost_rows.append({"outcome": o, "description": cmp.descriptions.get(o, ""), "unit": unit,
                          "means": [factor * summ["mean"][s, i] for s in range(S)],
                          "diffs": [{"mean": factor * summ["diff_mean"][s, i], "lo": factor * summ["diff_lo"][s, i],
                                     "hi": factor * summ["diff_hi"][s, i]} for s in range(1, S)]})
    schema = parameter_table()
    resolved = [resolved_parameters(str(cmp.scenario_meta(s).get("scenario_resolved", ""))) for s in range(S)]
    price_rows = []
    for _, p in schema.iterrows():
        if is_price(p["unit"], p["section"]):
            price_rows.append({"name": p["name"], "unit": p["unit"], "description": p["description"], "source": p["source"],
                               "values": [resolved[s].get(p["name"], p["default"]) for s in range(S)]})

    # Who is left behind (last week, mean over replicates).
    bg = cmp.by_group()
    group_tables, group_figs = [], []
    if len(bg):
        bg["label"] = bg["dimension"] + ": " + bg["group"]
        measures = list(dict.fromkeys(bg["measure"]))
        measures = [m for m in PREFERRED if m in measures] + [m for m in measures if m not in PREFERRED]
        unit_of = {m: (cmp.units.get(m) or ("ties" if "ties" in m else "0..1" if m.startswith("mean") or "gain" in m else "")) for m in measures}
        for m in measures:
            t = bg[bg["measure"] == m].pivot_table(index="label", columns="scenario", values="value", aggfunc="mean", sort=False)
            t = t[cmp.scenario_names]
            res_n = bg[bg["measure"] == m].groupby("label", sort=False)["residents"].mean()
            group_tables.append({"measure": m, "unit": unit_of[m], "rows": [{"group": g, "residents": res_n[g],
                                                                               "values": [t.loc[g, s] for s in cmp.scenario_names]}
                                                                              for g in t.index]})
        for m in [x for x in PREFERRED if x in measures][:2] or measures[:1]:
            t = bg[bg["measure"] == m].pivot_table(index="label", columns="scenario", values="value", aggfunc="mean", sort=False)
            group_figs.append(_img(plots.by_group(t[cmp.scenario_names], m, unit_of[m], cmp.scenario_names)))

    # Scenario texts: description, what differs from the reference, given text.
    scen = []
    for s in range(S):
        meta = cmp.scenario_meta(s)
        differs = []
        if s > 0:
            for key in sorted(set(resolved[s]) | set(resolved[0])):
                if key in ("name", "description", "run.seed"):
                    continue
                a, b = resolved[0].get(key), resolved[s].get(key)
                if a != b:
                    differs.append({"key": key, "ref": a, "value": b})
        scen.append({"name": cmp.scenario_names[s], "description": meta.get("scenario_description", ""),
                     "path": meta.get("scenario_path", ""), "given": meta.get("scenario_given", ""), "differs": differs})

    residents = resolved[0].get("population.residents", "")
    first_meta = cmp.scenario_meta(0)
    prov = {"file": source_name or os.path.basename(cmp.path), "kind": res.kind,
            "command": cmp.meta.get("command", "") or "buurt run",
            "program_version": cmp.meta.get("program_version") or first_meta.get("program_version", ""),
            "git_commit": cmp.meta.get("git_commit") or first_meta.get("git_commit", ""),
            "seeds": _seeds_text(cmp), "replicates": R, "weeks": cmp.weeks,
            "residents": residents, "schema_origin": schema.attrs.get("origin", ""),
            "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    return {"title": "Scenario comparison" if S > 1 else f"Run report: {cmp.scenario_names[0]}",
            "scenarios": cmp.scenario_names, "S": S, "R": R, "paragraphs": scenario_paragraphs(cmp, summ, headline),
            "figs": figs, "band_label": band_label, "diff_rows": diff_rows, "cost_rows": cost_rows, "price_rows": price_rows,
            "group_tables": group_tables, "group_figs": group_figs, "scenario_texts": scen, "prov": prov,
            "stored_check": stored_check, "headline": headline, "ref": cmp.scenario_names[0]}


# ---------------------------------------------------------------- sweep report

MATTER_THRESHOLD = 0.05     # total-order index or squared standardized coefficient
MORRIS_THRESHOLD = 0.10     # mu* relative to the largest mu* for that outcome


def sweep_context(sw: SweepResult, outcomes: list[str] | None = None, n_boot: int = 500, source_name: str = "") -> dict:
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
        focus = pick_outcomes(analysed, 3)
    kcol = {o: k for k, o in enumerate(sw.outcomes)}
    schema = parameter_table()
    sch = {r["name"]: r for _, r in schema.iterrows()}
    ranges = X.max(axis=0) - X.min(axis=0)
    param_rows = [{"name": n, "min": X[:, i].min(), "max": X[:, i].max(), "levels": len(np.unique(X[:, i])),
                   "unit": sch[n]["unit"] if n in sch else "", "description": sch[n]["description"] if n in sch else "",
                   "source": sch[n]["source"] if n in sch else ""} for i, n in enumerate(names)]

    kind = sw.design_kind.lower()
    method, indices, figs, notes = None, {}, {"sensitivity": [], "response": [], "interaction": [], "fit": [], "series": []}, []
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

    # Which parameters matter for which outcome.
    matrix = []
    for o in analysed:
        cells = []
        if method == "sobol":
            df = indices[o].set_index("parameter")
            for n in names:
                v = df.loc[n, "ST"]
                cells.append({"value": v, "matters": bool(v >= MATTER_THRESHOLD and df.loc[n, "ST_lo"] > 0), "text": f"{v:.2f}"})
        elif method == "morris":
            df = indices[o].set_index("parameter")
            top = df["mu_star"].max()
            for n in names:
                v = df.loc[n, "mu_star"] / top if top > 0 else 0.0
                cells.append({"value": v, "matters": bool(v >= MORRIS_THRESHOLD), "text": f"{v:.2f}"})
        else:
            c = linear[o].coefs.set_index("term")
            for n in names:
                v = c.loc[n, "src2"] if n in c.index else 0.0
                p = c.loc[n, "p"] if n in c.index else 1.0
                cells.append({"value": v, "matters": bool(v >= MATTER_THRESHOLD and p < 0.05), "text": f"{v:.2f}"})
        matrix.append({"outcome": o, "unit": sw.units.get(o, ""), "cells": cells})
    measure = {"sobol": f"total-order Sobol index ST (marked: ST ≥ {MATTER_THRESHOLD} and its 95% interval above 0)",
               "morris": f"μ* relative to the largest μ* for that outcome (marked: ≥ {MORRIS_THRESHOLD})",
               None: f"squared standardized regression coefficient (SRC²) of a main-effects linear metamodel fitted on single runs, the share of variance "
                     f"explained by the parameter alone (marked: ≥ {MATTER_THRESHOLD} and p < 0.05)"}[method]

    for o in focus:
        k = kcol[o]
        y = Y[:, k]
        unit = sw.units.get(o, "")
        if method == "sobol" and o in indices:
            figs["sensitivity"].append(_img(plots.sobol_bars(indices[o], o)))
        elif method == "morris" and o in indices:
            figs["sensitivity"].append(_img(plots.morris_plot(indices[o], o, unit)))
        figs["response"].append(_img(plots.response_curves(X, y, names, o, unit)))
        if P >= 2:
            order = _importance_order(o, method, indices, linear, names)
            i, j = names.index(order[0]), names.index(order[1])
            figs["interaction"].append(_img(plots.interaction(X, y, names, i, j, o, unit)))
        fm = fits.get(o)
        if fm is not None:
            figs["fit"].append(_img(plots.fit_plot(runs[o].to_numpy(), fm.result.fittedvalues, o, unit, fm.r2, fm.q2)))

    # Weekly series kept by the sweep: runs split by thirds of the most influential parameter.
    for o in sw.timeseries_outcomes()[:2]:
        with __import__("h5py").File(sw.path, "r") as f:
            arr = np.asarray(f["runs/timeseries"][o][()], dtype=float)
        top = _importance_order(o, method, indices, linear, names)[0] if o in analysed else names[0]
        x = runs[top].to_numpy()
        t1, t2 = np.quantile(x, [1 / 3, 2 / 3])
        groups = [(f"{top} ≤ {t1:.3g}", x <= t1), (f"{top} middle", (x > t1) & (x <= t2)), (f"{top} > {t2:.3g}", x > t2)]
        data = {o: {}}
        for lab, mask in groups:
            if mask.any():
                m, lo, hi, _ = stats.band(arr[mask], level=0.8)
                data[o][lab] = (m, lo, hi)
        figs["series"].append(_img(plots.timeseries(np.arange(arr.shape[1]), data, sw.units,
                                                                   "", title=f"{o.replace('_', ' ')} per week, runs grouped by thirds of {top}: "
                                                                             "mean and central 80% of runs")))

    index_tables = []
    for o in focus if indices else []:
        if o in indices:
            df = indices[o]
            sums = {"S1": float(df["S1"].sum()), "ST": float(df["ST"].sum())} if method == "sobol" else None
            index_tables.append({"outcome": o, "rows": df.to_dict("records"), "sums": sums})
    fit_rows = [{"outcome": o, "r2": fits[o].r2, "r2_adj": fits[o].r2_adj, "q2": fits[o].q2, "n": fits[o].n,
                 "terms": len(fits[o].terms), "interactions": any("×" in t for t in fits[o].terms), "noise": noise[o]}
                for o in analysed]
    coef_tables = [{"outcome": o, "unit": sw.units.get(o, ""), "rows": fits[o].coefs.to_dict("records")} for o in focus if o in fits]
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


def _importance_order(o, method, indices, fits, names) -> list[str]:
    if method == "sobol":
        s = indices[o].set_index("parameter")["ST"]
    elif method == "morris":
        s = indices[o].set_index("parameter")["mu_star"]
    else:
        s = fits[o].coefs.set_index("term")["src2"].reindex(names).fillna(0)
    return list(s.fillna(0).sort_values(ascending=False).index)


# ---------------------------------------------------------------- entry points

def render(path: str, outcomes: list[str] | None = None, n_boot: int = 500) -> str:
    """The report for any result file, as an HTML string."""
    res = load(path)
    env = _env()
    name = os.path.basename(path)
    if isinstance(res, SweepResult):
        return env.get_template("sweep.html").render(**sweep_context(res, outcomes, n_boot=n_boot, source_name=name))
    return env.get_template("compare.html").render(**comparison_context(res, source_name=name, outcomes=outcomes))


def write_report(path: str, out: str | None = None, force: bool = False, outcomes: list[str] | None = None,
                 n_boot: int = 500) -> str:
    """Render the report for ``path`` and write it atomically to ``out`` (default: FILE.html).

    An existing report is never replaced without ``force``.
    """
    out = out or str(Path(path).with_suffix(".html"))
    if os.path.exists(out) and not force:
        raise ReportError(f"'{out}' already exists; choose another -o or pass --force to replace it")
    d = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(d):
        raise ReportError(f"output directory '{d}' does not exist")
    text = render(path, outcomes=outcomes, n_boot=n_boot)
    fd, tmp = tempfile.mkstemp(prefix=os.path.basename(out) + ".tmp-", dir=d)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, out)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    return out
