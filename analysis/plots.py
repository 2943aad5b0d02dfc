"""Figures for the reports: readable in grey-scale and on a projector.

Each series differs in line style and marker as well as in colour (Okabe-Ito colours, ordered
so that neighbours differ in lightness); large fonts; no boxes, no 3-D, no legends over data.
Every function returns a matplotlib Figure; ``to_png`` turns it into bytes.
"""
from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

COLORS = ["#000000", "#E69F00", "#0072B2", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442"]
STYLES = ["-", "--", ":", "-.", (0, (6, 2, 1, 2, 1, 2)), (0, (1, 1)), (0, (8, 3)), (0, (3, 1, 1, 1))]
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]
HATCHES = ["", "///", "...", "xx", "\\\\", "oo"]

plt.rcParams.update({
    "font.size": 12, "axes.titlesize": 13, "axes.labelsize": 12, "legend.fontsize": 11,
    "xtick.labelsize": 11, "ytick.labelsize": 11, "axes.spines.top": False, "axes.spines.right": False,
    "axes.grid": True, "grid.color": "#dddddd", "grid.linewidth": 0.8, "axes.axisbelow": True,
    "lines.linewidth": 2.0, "figure.dpi": 100, "savefig.bbox": "tight", "legend.frameon": False,
})


def style(i: int) -> dict:
    return {"color": COLORS[i % len(COLORS)], "linestyle": STYLES[i % len(STYLES)], "marker": MARKERS[i % len(MARKERS)]}


def display(unit) -> tuple[float, str]:
    """Factor and label to show values: format pct (or, in files without metadata, a 'share' unit) as percentages.

    ``unit`` is an OutcomeMeta (analysis.results) or, for values without metadata, a unit string.
    """
    if unit is not None and not isinstance(unit, str):
        fmt, u = unit.format, (unit.unit or "").strip()
        if fmt == "pct":
            rest = u[len("share"):].strip() if u.startswith("share") else ""
            return 100.0, "%" + (f" {rest}" if rest else "")
        if fmt:
            return 1.0, "scale 0–1" if u == "0..1" else u
        unit = u  # no format in the file: derive from the unit as before
    u = (unit or "").strip()
    if u == "0..1":
        return 1.0, "scale 0–1"
    if u.startswith("share"):
        rest = u[len("share"):].strip()
        return 100.0, "%" + (f" {rest}" if rest else "")
    return 1.0, u


def outcome_title(name: str, unit=None) -> str:
    """The outcome's label from its metadata, else its name with spaces."""
    return ("" if unit is None or isinstance(unit, str) else unit.label) or name.replace("_", " ")


def label(name: str, unit="") -> str:
    _, u = display(unit)
    text = outcome_title(name, unit)
    return f"{text} ({u})" if u else text


def to_png(fig, dpi: int = 110) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    plt.close(fig)
    return buf.getvalue()


def _grid(n: int, ncols: int = 2, w: float = 6.2, h: float = 3.6):
    ncols = min(ncols, max(n, 1))
    nrows = int(np.ceil(max(n, 1) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(w * ncols, h * nrows), squeeze=False)
    for ax in axes.flat[n:]:
        ax.set_visible(False)
    return fig, list(axes.flat)


def timeseries(weeks, data: dict[str, dict[str, tuple]], units: dict, band_label: str, title: str = ""):
    """Small multiples: one panel per outcome, one line (mean) and band per scenario.

    data[outcome][scenario] = (mean, lo, hi) arrays over weeks.
    """
    outcomes = list(data)
    fig, axes = _grid(len(outcomes))
    for ax, o in zip(axes, outcomes):
        f, _ = display(units.get(o, ""))
        for i, (scen, (m, lo, hi)) in enumerate(data[o].items()):
            st = style(i)
            ax.fill_between(weeks, f * lo, f * hi, color=st["color"], alpha=0.15, linewidth=0)
            ax.plot(weeks, f * m, color=st["color"], linestyle=st["linestyle"], marker=st["marker"],
                    markevery=max(1, len(weeks) // 8), markersize=6, label=scen)
        ax.set_title(outcome_title(o, units.get(o)))
        ax.set_xlabel("week")
        ax.set_ylabel(display(units.get(o, ""))[1] or "value")
    handles, labels = next(iter(axes)).get_legend_handles_labels()
    if not title:
        title = "Outcomes per week" + (f": mean line, band = {band_label}" if band_label and band_label != "one run" else "")
    # Title, then legend, then panels: reserve the header in inches so nothing overlaps at any height.
    h = fig.get_figheight()
    header = 0.45 + (0.4 if len(labels) > 1 else 0.0)
    fig.tight_layout(rect=(0, 0, 1, 1 - header / h))
    fig.suptitle(title, y=1 - 0.08 / h, va="top")
    if len(labels) > 1:
        fig.legend(handles, labels, loc="upper center", ncol=min(4, len(labels)), bbox_to_anchor=(0.5, 1 - 0.45 / h))
    return fig


def differences(rows: list[dict], ref: str, level: float = 0.95, unit: str = "percentage points"):
    """Forest plot of paired differences with intervals, all in one unit (the shares, in percentage points).

    rows: dicts with outcome, scenario, mean, lo, hi (in ``unit``).
    """
    outcomes = list(dict.fromkeys(r["outcome"] for r in rows))
    scen = list(dict.fromkeys(r["scenario"] for r in rows))
    fig, ax = plt.subplots(figsize=(10, 0.55 * len(outcomes) * max(1, len(scen)) ** 0.5 + 1.6))
    off = np.linspace(-0.25, 0.25, len(scen)) if len(scen) > 1 else [0.0]
    for j, s in enumerate(scen):
        st = style(j + 1)
        ys, xs, lo, hi = [], [], [], []
        for r in rows:
            if r["scenario"] != s:
                continue
            ys.append(outcomes.index(r["outcome"]) + off[j])
            xs.append(r["mean"])
            lo.append(r["lo"])
            hi.append(r["hi"])
        xs, lo, hi = map(np.asarray, (xs, lo, hi))
        err = np.vstack([xs - lo, hi - xs])
        err = np.where(np.isfinite(err), err, 0)
        ax.errorbar(xs, ys, xerr=err, fmt=st["marker"], color=st["color"], markersize=7, capsize=3, label=s, linewidth=1.6)
    ax.axvline(0, color="#555555", linewidth=1)
    ax.set_yticks(range(len(outcomes)))
    labels = {r["outcome"]: r.get("label") or r["outcome"].replace("_", " ") for r in rows}
    ax.set_yticklabels([labels[o] for o in outcomes])
    ax.invert_yaxis()
    ax.set_xlabel(f"difference from '{ref}' ({unit}), {level:.0%} interval")
    ax.set_title(f"Paired differences from '{ref}' over the last year")
    if len(scen) > 1:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.04), ncol=min(4, len(scen)))
    fig.tight_layout()
    return fig


def by_group(table, measure: str, unit, scenarios: list[str]):
    """Dot plot: one row per group, one marker per scenario (table columns = scenarios)."""
    f, u = display(unit)
    fig, ax = plt.subplots(figsize=(9, 0.42 * len(table) + 1.4))
    y = np.arange(len(table))
    for i, s in enumerate(scenarios):
        st = style(i)
        ax.plot(f * table[s].to_numpy(), y + (i - (len(scenarios) - 1) / 2) * 0.12, linestyle="none", marker=st["marker"],
                color=st["color"], markersize=8, label=s)
    ax.set_yticks(y)
    ax.set_yticklabels(list(table.index))
    ax.invert_yaxis()
    ax.set_xlabel(label(measure, unit))
    ax.set_title(f"{outcome_title(measure, unit)} by group (last week)")
    if len(scenarios) > 1:
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.06), ncol=min(4, len(scenarios)))
    fig.tight_layout()
    return fig


def response_curves(X, y, names: list[str], outcome: str, unit, grid_levels: int = 12):
    """One panel per parameter: every point (grey), and the mean per level or per bin (black)."""
    f, u = display(unit)
    fig, axes = _grid(len(names), ncols=min(3, len(names)), w=4.6, h=3.4)
    for ax, i in zip(axes, range(len(names))):
        x = X[:, i]
        ax.scatter(x, f * y, s=10, color="#9a9a9a", alpha=0.6, linewidths=0)
        levels = np.unique(x)
        if len(levels) <= grid_levels:
            centers = levels
            means = np.array([np.mean(y[x == v]) for v in levels])
        else:
            edges = np.quantile(x, np.linspace(0, 1, 9))
            idx = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, 7)
            centers = np.array([x[idx == b].mean() for b in range(8) if np.any(idx == b)])
            means = np.array([y[idx == b].mean() for b in range(8) if np.any(idx == b)])
        ax.plot(centers, f * means, color="#000000", marker="o", markersize=5)
        ax.set_xlabel(names[i])
        ax.set_ylabel(u or outcome)
    fig.suptitle(f"Response of {outcome_title(outcome, unit)} to each parameter (grey: runs; black: mean per level or octile)")
    fig.tight_layout()
    return fig


def interaction(X, y, names: list[str], i: int, j: int, outcome: str, unit):
    """Mean outcome against parameter i, one line per third (low/middle/high) of parameter j."""
    f, u = display(unit)
    xi, xj = X[:, i], X[:, j]
    fig, ax = plt.subplots(figsize=(7.5, 4.4))
    lj = np.unique(xj)
    groups = [(f"{names[j]} = {v:g}", xj == v) for v in lj] if len(lj) <= 4 else None
    if groups is None:
        t1, t2 = np.quantile(xj, [1 / 3, 2 / 3])
        groups = [(f"{names[j]} low (≤ {t1:.3g})", xj <= t1), (f"{names[j]} middle", (xj > t1) & (xj <= t2)),
                  (f"{names[j]} high (> {t2:.3g})", xj > t2)]
    li = np.unique(xi)
    for k, (lab, mask) in enumerate(groups):
        st = style(k)
        if len(li) <= 12:
            cx = [v for v in li if np.any(mask & (xi == v))]
            my = [y[mask & (xi == v)].mean() for v in cx]
        else:
            e = np.quantile(xi, np.linspace(0, 1, 6))
            b = np.clip(np.searchsorted(e, xi, side="right") - 1, 0, 4)
            cx = [xi[mask & (b == q)].mean() for q in range(5) if np.any(mask & (b == q))]
            my = [y[mask & (b == q)].mean() for q in range(5) if np.any(mask & (b == q))]
        ax.plot(cx, f * np.asarray(my), label=lab, markersize=7, **st)
    ax.set_xlabel(names[i])
    ax.set_ylabel(label(outcome, unit))
    ax.set_title(f"Interaction: {names[i]} × {names[j]} on {outcome_title(outcome, unit)}")
    ax.legend(loc="best")
    fig.tight_layout()
    return fig


def sobol_bars(df, outcome: str):
    """Horizontal bars: first-order (dark) and total-order (light, hatched) indices with intervals."""
    n = len(df)
    fig, ax = plt.subplots(figsize=(8, 0.55 * n + 1.6))
    y = np.arange(n)
    h = 0.38
    for k, (col, lab, colr, hatch) in enumerate((("S1", "first order S1", "#333333", ""), ("ST", "total order ST", "#bbbbbb", "///"))):
        v = df[col].to_numpy()
        err = np.vstack([v - df[f"{col}_lo"].to_numpy(), df[f"{col}_hi"].to_numpy() - v])
        ax.barh(y + (k - 0.5) * h, v, height=h, color=colr, hatch=hatch, edgecolor="#333333", label=lab,
                xerr=np.clip(err, 0, None), error_kw={"ecolor": "#000000", "capsize": 3, "linewidth": 1.2})
    ax.set_yticks(y)
    ax.set_yticklabels(df["parameter"])
    ax.invert_yaxis()
    ax.axvline(0, color="#555555", linewidth=1)
    ax.set_xlabel("Sobol index (share of output variance), 95% bootstrap interval")
    ax.set_title(f"Sensitivity of {outcome.replace('_', ' ')}", pad=34)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2)   # above the axes, never over a bar
    fig.tight_layout()
    return fig


def morris_plot(df, outcome: str, unit):
    f, u = display(unit)
    fig, ax = plt.subplots(figsize=(7.5, 5))
    ax.scatter(f * df["mu_star"], f * df["sigma"], color="#000000", s=40)
    # Parameters with (nearly) the same point get stacked labels instead of overprinted ones.
    xs, ys = f * df["mu_star"].to_numpy(), f * np.nan_to_num(df["sigma"].to_numpy())
    span = max(np.ptp(xs), np.ptp(ys), 1e-300)
    placed: list[tuple[float, float]] = []
    for k, r in enumerate(df.itertuples()):
        same = sum(1 for (a, b) in placed if abs(a - xs[k]) < 0.02 * span and abs(b - ys[k]) < 0.02 * span)
        placed.append((xs[k], ys[k]))
        ax.annotate(r.parameter, (xs[k], ys[k]), xytext=(5, 4 + 14 * same), textcoords="offset points", fontsize=11)
    ax.set_xlabel(f"μ* mean |elementary effect| ({u or 'outcome units'} per full range)")
    ax.set_ylabel(f"σ of elementary effects ({u or 'outcome units'})")
    ax.set_title(f"Morris screening: {outcome_title(outcome, unit)}")
    fig.tight_layout()
    return fig


def fit_plot(observed, predicted, outcome: str, unit, r2: float, q2: float):
    f, u = display(unit)
    fig, ax = plt.subplots(figsize=(5.5, 5))
    ax.scatter(f * np.asarray(observed), f * np.asarray(predicted), s=14, color="#333333", alpha=0.7, linewidths=0)
    lo = f * min(np.min(observed), np.min(predicted))
    hi = f * max(np.max(observed), np.max(predicted))
    ax.plot([lo, hi], [lo, hi], color="#E69F00", linestyle="--", label="perfect fit")
    ax.set_xlabel(f"simulated ({u})" if u else "simulated")
    ax.set_ylabel(f"metamodel ({u})" if u else "metamodel")
    ax.set_title(f"{outcome_title(outcome, unit)}: R² = {r2:.2f}, cross-validated Q² = {q2:.2f}")
    ax.legend(loc="upper left")
    fig.tight_layout()
    return fig
