"""The comparison report's content (runs and comparisons): texts, tables and figures for compare.html."""
from __future__ import annotations

import dataclasses
import datetime as _dt
import math
import os

import numpy as np

from . import plots, stats
from .formatting import fmt_ci, fmt_value, fmt_with_unit, img
from .decision import decision_page
from .headlines import headline_order, pick_outcomes
from .mkba import euros, quantity, read_mkba, tornado_figure
from .params import is_price, parameter_table, resolved_parameters
from .results import CompareResult, OutcomeMeta, as_comparison


def _significant(lo, hi) -> bool:
    return math.isfinite(lo) and math.isfinite(hi) and (lo > 0 or hi < 0)


def verdict(meta: OutcomeMeta, d: float) -> str:
    """'better', 'worse' or '' for a change ``d`` of an outcome with a direction (up or down is better)."""
    if not math.isfinite(d) or d == 0 or meta.direction not in ("up", "down"):
        return ""
    return "better" if (d > 0) == (meta.direction == "up") else "worse"


def _describe_change(meta: OutcomeMeta, ref_mean, mean, lo, hi, R) -> str:
    name = meta.label or meta.name.replace("_", " ")
    if R < 2 or not math.isfinite(lo):
        verb = "rises" if mean > ref_mean else "falls" if mean < ref_mean else "stays"
        return f"{name} {verb} from {fmt_with_unit(ref_mean, meta)} to {fmt_with_unit(mean, meta)}"
    d = mean - ref_mean
    dm, dl, dh = fmt_ci(d, lo, hi, meta)
    ci = f"95% interval {dl} to {dh}"
    if not _significant(lo, hi):
        return f"{name} shows no clear change ({fmt_value(ref_mean, meta)} vs {fmt_value(mean, meta)}; {ci})"
    verb = "rises" if d > 0 else "falls"
    v = verdict(meta, d)
    return f"{name} {verb} from {fmt_with_unit(ref_mean, meta)} to {fmt_with_unit(mean, meta)} ({dm}; {ci}" \
           + (f"; {v})" if v else ")")


def _other_changes(cmp: CompareResult, summ: dict, s: int, headline: list[str]) -> str:
    """Clear changes outside the headline, as differences in each outcome's own unit (the three largest in pt for
    shares, then up to three others)."""
    shares, others = [], []
    for i, o in enumerate(cmp.outcomes):
        if o in headline or not _significant(summ["diff_lo"][s, i], summ["diff_hi"][s, i]):
            continue
        m = cmp.meta_of(o)
        text = f"{m.label} {fmt_ci(summ['diff_mean'][s, i], summ['diff_lo'][s, i], summ['diff_hi'][s, i], m)[0]}"
        (shares if m.format == "pct" else others).append((abs(summ["diff_mean"][s, i]), text))
    shares.sort(key=lambda t: t[0], reverse=True)
    parts = [t for _, t in shares[:3]] + [t for _, t in others[:3]]
    return " Other clear changes: " + "; ".join(parts) + "." if parts else ""


def _unclear(cmp: CompareResult, summ: dict, s: int, headline: list[str]) -> str:
    """The headline outcomes that showed no clear change, named rather than dropped."""
    k = {o: i for i, o in enumerate(cmp.outcomes)}
    names = [cmp.meta_of(o).label for o in headline if not _significant(summ["diff_lo"][s, k[o]], summ["diff_hi"][s, k[o]])]
    return f" No clear change in: {', '.join(names)}." if names else ""


def policy_summary(p: dict) -> str:
    """What is in force in a scenario, read from its resolved keys (not from its description)."""
    if not p:
        return ""
    parts = []
    if p.get("team.enabled", True) and float(p.get("team.fte_per_1000", 0)) > 0:
        fte = float(p["team.fte_per_1000"]) * float(p.get("population.residents", 0)) / 1000
        mode = float(p.get("team.mode", 0))
        style = "mostly directive" if mode < 0.45 else "mostly facilitating" if mode > 0.55 else "between directive and facilitating"
        parts.append(f"a social team of {fte:.1f} FTE ({style}, team.mode {mode:g})")
    else:
        parts.append("no social team")
    cm, n = int(p.get("community.managers", 0)), int(p.get("initiatives.count", 0))
    parts.append(f"{cm} community manager{'s' if cm != 1 else ''}" if cm else "no community managers")
    parts.append(f"{n} citizen initiative{'s' if n != 1 else ''}" if n else "no citizen initiatives")
    parts.append(f"{100 * float(p.get('volunteers.share', 0)):g}% of adults as volunteers")
    return "In force: " + ", ".join(parts) + ". "


def scenario_paragraphs(cmp: CompareResult, summ: dict, headline: list[str], resolved: list[dict] | None = None) -> list[dict]:
    """One plain-language paragraph per scenario (the first is the reference)."""
    S, R = len(cmp.scenario_names), cmp.replicates
    k = {o: i for i, o in enumerate(cmp.outcomes)}
    ref = cmp.scenario_names[0]
    out = []
    window = min(52, int(cmp.weeks)) if cmp.weeks else 52
    basis = ("averaged over the last year of the run" if window == 52 else f"averaged over the last {window} weeks of the run") \
        + (f" and over {R} replicates" if R > 1 else "")
    levels = "; ".join(f"{cmp.meta_of(o).label} {fmt_with_unit(summ['mean'][0, k[o]], cmp.meta_of(o))}" for o in headline)
    first = cmp.scenario_meta(0).get("scenario_description", "")
    role = "This is the reference. " if S > 1 else ""
    out.append({"name": ref, "reference": True,
                "text": f"{first + '. ' if first else ''}{policy_summary(resolved[0]) if resolved else ''}{role}"
                        f"{basis[0].upper() + basis[1:]}: {levels}."})
    for s in range(1, S):
        desc = cmp.scenario_meta(s).get("scenario_description", "")
        parts = [_describe_change(cmp.meta_of(o), summ["mean"][0, k[o]], summ["mean"][s, k[o]],
                                  summ["diff_lo"][s, k[o]], summ["diff_hi"][s, k[o]], R) for o in headline]
        more = (_other_changes(cmp, summ, s, headline) + _unclear(cmp, summ, s, headline)) if R >= 2 else ""
        lead = (f"{desc}. " if desc else "") + (policy_summary(resolved[s]) if resolved else "")
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


def _per_year(meta: OutcomeMeta) -> tuple[float, OutcomeMeta]:
    """Factor and metadata to show a weekly amount per year."""
    if "week" not in meta.unit:
        return 1.0, meta
    return 52.0, dataclasses.replace(meta, unit=meta.unit.replace("per week", "per year"))


def _diff_rows(cmp: CompareResult, summ: dict) -> list[dict]:
    S = len(cmp.scenario_names)
    rows = []
    for i, o in enumerate(cmp.outcomes):
        m = cmp.meta_of(o)
        row = {"outcome": o, "label": m.label, "meta": m, "unit": m.unit, "description": m.description,
               "means": [summ["mean"][s, i] for s in range(S)], "diffs": []}
        for s in range(1, S):
            sig = _significant(summ["diff_lo"][s, i], summ["diff_hi"][s, i])
            shown = fmt_ci(summ["diff_mean"][s, i], summ["diff_lo"][s, i], summ["diff_hi"][s, i], m)
            row["diffs"].append({"scenario": cmp.scenario_names[s], "mean": summ["diff_mean"][s, i], "lo": summ["diff_lo"][s, i],
                                 "shown": shown,
                                 "hi": summ["diff_hi"][s, i],
                                 "rel": summ["rel_mean"][s, i] if m.relative_change_meaningful else float("nan"),
                                 "significant": sig, "verdict": verdict(m, summ["diff_mean"][s, i]) if sig else ""})
        rows.append(row)
    return rows


def _forest(cmp: CompareResult, summ: dict, varying: dict, heads: list[str]) -> list[dict]:
    """Differences of the shares in percentage points for the forest plot (one unit on one axis)."""
    K = {o: i for i, o in enumerate(cmp.outcomes)}
    rows = []
    eligible = [o for o in cmp.outcomes if cmp.meta_of(o).format == "pct"]
    for o in pick_outcomes(eligible, 12, varying, heads):
        i = K[o]
        for s in range(1, len(cmp.scenario_names)):
            if all(math.isfinite(summ[k][s, i]) for k in ("diff_mean", "diff_lo", "diff_hi")):
                rows.append({"outcome": o, "label": cmp.meta_of(o).label, "scenario": cmp.scenario_names[s],
                             "mean": 100 * summ["diff_mean"][s, i], "lo": 100 * summ["diff_lo"][s, i], "hi": 100 * summ["diff_hi"][s, i]})
    return rows


def _cost_rows(cmp: CompareResult, summ: dict) -> list[dict]:
    S = len(cmp.scenario_names)
    rows = []
    for i, o in enumerate(cmp.outcomes):
        m = cmp.meta_of(o)
        if not m.is_money:
            continue
        factor, shown = _per_year(m)
        rows.append({"outcome": o, "label": m.label, "description": m.description, "unit": shown.unit, "meta": shown,
                     "means": [factor * summ["mean"][s, i] for s in range(S)],
                     "diffs": [{"mean": factor * summ["diff_mean"][s, i], "lo": factor * summ["diff_lo"][s, i],
                                "hi": factor * summ["diff_hi"][s, i]} for s in range(1, S)]})
    return rows


def _groups(cmp: CompareResult, heads: list[str]) -> tuple[list[dict], list[str]]:
    """Who is left behind: one table per measure and up to two figures (last week, mean over replicates)."""
    bg = cmp.by_group()
    tables, figs = [], []
    if not len(bg):
        return tables, figs
    # Groups are named by the file in English and Dutch (GroupOutcomes.h, kResidentGroups).
    dim_of = dict(zip(bg["label"], bg["dimension"]))
    code_of = dict(zip(bg["label"], bg["dimension"] + ":" + bg["group"]))
    nl_of = dict(zip(bg["label"], bg["label_nl"]))
    measures = list(dict.fromkeys(bg["measure"]))
    measures = [m for m in heads if m in measures] + [m for m in measures if m not in heads]
    meta = {m: cmp.group_meta(m) for m in measures}
    for m in measures:
        t = bg[bg["measure"] == m].pivot_table(index="label", columns="scenario", values="value", aggfunc="mean", sort=False)
        t = t[cmp.scenario_names]
        res_n = bg[bg["measure"] == m].groupby("label", sort=False)["residents"].mean()
        # Paired over replicates: each scenario's difference from the reference within the group, with its interval.
        sub = bg[bg["measure"] == m]
        by_rep = sub.pivot_table(index=["label", "replicate"], columns="scenario", values="value", aggfunc="mean", sort=False)
        rows = []
        for g in t.index:
            v = np.array([[by_rep.loc[(g, r), sc] for r in by_rep.loc[g].index] for sc in cmp.scenario_names])[:, :, None]
            d = stats.paired_differences(v)
            rows.append({"group": g, "group_nl": nl_of[g], "code": code_of[g], "dimension": dim_of[g], "residents": res_n[g],
                         "values": [t.loc[g, sc] for sc in cmp.scenario_names],
                         "diffs": [fmt_ci(d["diff_mean"][k, 0], d["diff_lo"][k, 0], d["diff_hi"][k, 0], meta[m])
                                   for k in range(1, len(cmp.scenario_names))],
                         "dnum": [float(d["diff_mean"][k, 0]) for k in range(1, len(cmp.scenario_names))]})
        tables.append({"measure": m, "label": meta[m].label, "meta": meta[m], "unit": meta[m].unit, "rows": rows})
    for m in [x for x in heads if x in measures][:2] or measures[:1]:
        t = bg[bg["measure"] == m].pivot_table(index="label", columns="scenario", values="value", aggfunc="mean", sort=False)
        figs.append(img(plots.by_group(t[cmp.scenario_names], m, meta[m], cmp.scenario_names)))
    return tables, figs


def _scenario_texts(cmp: CompareResult, resolved: list[dict]) -> list[dict]:
    """Per scenario: description, path, text as given and the parameters that differ from the reference."""
    out = []
    for s in range(len(cmp.scenario_names)):
        meta = cmp.scenario_meta(s)
        differs = []
        if s > 0:
            for key in sorted(set(resolved[s]) | set(resolved[0])):
                if key in ("name", "description", "run.seed"):
                    continue
                a, b = resolved[0].get(key), resolved[s].get(key)
                if a != b:
                    differs.append({"key": key, "ref": a, "value": b})
        out.append({"name": cmp.scenario_names[s], "description": meta.get("scenario_description", ""),
                    "path": meta.get("scenario_path", ""), "given": meta.get("scenario_given", ""), "differs": differs})
    return out


def comparison_context(res, source_name: str = "", outcomes: list[str] | None = None, lang: str = "en") -> dict:
    """Everything compare.html shows for a run or comparison file."""
    cmp = as_comparison(res)
    S, R = len(cmp.scenario_names), cmp.replicates
    summ = stats.paired_differences(cmp.array("last_year_mean"))  # recomputed; the stored summary is checked against it
    varying = {o: bool(np.nanstd(np.concatenate([cmp.run(s, r).series(o) for s in range(S) for r in range(R)])) > 0)
               for o in cmp.outcomes}
    heads = headline_order(cmp)
    if outcomes:
        unknown = [o for o in outcomes if o not in cmp.outcomes]
        if unknown:
            raise ValueError(f"unknown outcome(s) {', '.join(unknown)}; the file has: {', '.join(cmp.outcomes)}")
        headline, figure_outcomes = outcomes[:4], outcomes
    else:
        headline = pick_outcomes(cmp.outcomes, 4, varying, heads)
        figure_outcomes = pick_outcomes(cmp.outcomes, 6, varying, heads)
    meta = {o: cmp.meta_of(o) for o in cmp.outcomes}

    # Time series with bands.
    weeks = cmp.run(0, 0).weeks
    data, band_label = {}, ""
    for o in figure_outcomes:
        arr = cmp.series_array(o)
        data[o] = {}
        for s, name in enumerate(cmp.scenario_names):
            m, lo, hi, band_label = stats.band(arr[s])
            data[o][name] = (m, lo, hi)
    figs = {"timeseries": img(plots.timeseries(weeks, data, meta, band_label))}

    # Paired differences table (every outcome) and forest plot (outcomes with a meaningful relative change).
    diff_rows = _diff_rows(cmp, summ)
    if S > 1 and R > 1:
        forest = _forest(cmp, summ, varying, heads)
        if forest:
            figs["differences"] = img(plots.differences(forest, cmp.scenario_names[0]))

    # Stored summary vs recomputed (a comparison file carries its own; they must agree).
    stored_check = None
    if cmp.has_stored_summary and R >= 2:
        st = cmp.stored_summary()
        stored_check = all(np.allclose(st[k], summ[k], rtol=1e-6, atol=1e-9, equal_nan=True)
                           for k in ("mean", "diff_mean", "diff_lo", "diff_hi") if k in st)

    # Costs and MKBA, and the prices behind them.
    schema = parameter_table()
    resolved = [resolved_parameters(str(cmp.scenario_meta(s).get("scenario_resolved", ""))) for s in range(S)]
    price_rows = [{"name": p["name"], "unit": p["unit"], "description": p["description"], "source": p["source"],
                   "values": [resolved[s].get(p["name"], p["default"]) for s in range(S)]}
                  for _, p in schema.iterrows() if is_price(p["role"])]
    group_tables, group_figs = _groups(cmp, heads)
    from .references import cited, plain
    references = [{"key": k, "text": plain(e)} for k, e in cited(p["source"] for p in price_rows)]

    # The MKBA of each scenario against the reference (/compare/mkba; docs/mkba.md).
    mk = read_mkba(cmp.path) if S > 1 and res.kind == "compare" else None
    mkba_ctx = None
    if mk is not None:
        mkba_ctx = {"m": mk, "euros": euros, "quantity": quantity, "scenarios": [], "short": mk["horizon_years"] + 1e-9 < mk["guideline_horizon_years"]}
        for s in range(1, S):
            items = [dict(it, effect=mk["effect"][s, i], lo=mk["effect_lo"][s, i], hi=mk["effect_hi"][s, i], pv=mk["pv"][s, i])
                     for i, it in enumerate(mk["items"]) if not (it["kind"] == "cost" and not it["price_key"])]
            allowances = [mk["pv"][s, i] for i, it in enumerate(mk["items"]) if it["kind"] == "cost" and not it["price_key"]]
            mkba_ctx["scenarios"].append({
                "name": cmp.scenario_names[s], "npv": mk["npv"][s], "npv_lo": mk["npv_lo"][s], "npv_hi": mk["npv_hi"][s],
                "costs": mk["costs"][s], "costs_lo": mk["costs_lo"][s], "costs_hi": mk["costs_hi"][s],
                "benefits": mk["benefits"][s], "benefits_lo": mk["benefits_lo"][s], "benefits_hi": mk["benefits_hi"][s],
                "bcr": mk["bcr"][s], "npv_without_time": mk["npv_without_time"][s], "allowances": sum(allowances),
                "bearers": list(zip(mk["bearers"], mk["bearer_npv"][s])), "items": items,
                "break_even_key": mk["break_even_key"][s], "break_even_price": mk["break_even_price"][s],
                "break_even_current": mk["break_even_current"][s],
                "tornado": img(tornado_figure(mk, s, cmp.scenario_names[s], cmp.scenario_names[0]))})

    first_meta = cmp.scenario_meta(0)
    prov = {"file": source_name or os.path.basename(cmp.path), "kind": res.kind,
            "command": cmp.meta.get("command", "") or "buurt run",
            "program_version": cmp.meta.get("program_version") or first_meta.get("program_version", ""),
            "git_commit": cmp.meta.get("git_commit") or first_meta.get("git_commit", ""),
            "seeds": _seeds_text(cmp), "replicates": R, "weeks": cmp.weeks,
            "residents": resolved[0].get("population.residents", ""), "schema_origin": schema.attrs.get("origin", ""),
            "generated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")}
    ctx = {"title": "Scenario comparison" if S > 1 else f"Run report: {cmp.scenario_names[0]}",
            "scenarios": cmp.scenario_names, "S": S, "R": R, "paragraphs": scenario_paragraphs(cmp, summ, headline, resolved),
            "figs": figs, "band_label": band_label, "diff_rows": diff_rows, "cost_rows": _cost_rows(cmp, summ),
            "price_rows": price_rows, "references": references, "mkba": mkba_ctx, "group_tables": group_tables, "group_figs": group_figs,
            "scenario_texts": _scenario_texts(cmp, resolved), "prov": prov, "stored_check": stored_check,
            "headline": headline, "ref": cmp.scenario_names[0],
            "assumed_prices": {p["name"]: str(p["source"]).startswith("assumption") for p in price_rows}}
    ctx["decision"] = decision_page(ctx, cmp, lang)
    ctx["lang"] = lang
    return ctx
