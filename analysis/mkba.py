"""The MKBA of a comparison file (`/compare/mkba`, written by `buurt compare`; docs/mkba.md)."""
from __future__ import annotations

import math

import h5py


def _texts(ds) -> list[str]:
    return [x.decode() if isinstance(x, bytes) else str(x) for x in ds[()]]


def read_mkba(path: str) -> dict | None:
    """The MKBA of every scenario against the first, or None for a file without one (older files, runs)."""
    with h5py.File(path, "r") as f:
        if "compare/mkba" not in f:
            return None
        g = f["compare/mkba"]
        s, it, t = g["summary"], g["items"], g["tornado"]
        S = g["npv"].shape[0]
        F = t["npv_low"].shape[1] if t["npv_low"].ndim == 2 else 0
        keys = _texts(t["key"])
        out = {
            "discount_rate": float(g.attrs["discount_rate"]), "horizon_years": float(g.attrs["horizon_years"]),
            "guideline_horizon_years": int(g.attrs["guideline_horizon_years"]), "price_year": int(g.attrs["price_year"]),
            "replicates": int(g["npv"].shape[1]),
            "ensemble": (lambda e: e.decode() if isinstance(e, bytes) else e)(f["compare"].attrs.get("ensemble", "")),
            "npv": s["npv_mean"][()], "npv_lo": s["npv_lo"][()], "npv_hi": s["npv_hi"][()],
            "costs": s["costs_pv_mean"][()], "costs_lo": s["costs_pv_lo"][()], "costs_hi": s["costs_pv_hi"][()],
            "benefits": s["benefits_pv_mean"][()], "benefits_lo": s["benefits_pv_lo"][()], "benefits_hi": s["benefits_pv_hi"][()],
            "bcr": s["bcr_of_means"][()], "npv_without_time": s["npv_without_residents_time_mean"][()],
            "bearers": _texts(s["bearers"]), "bearer_npv": s["bearer_npv"][()],
            "break_even_key": _texts(s["break_even_key"]), "break_even_price": s["break_even_price"][()],
            "break_even_current": s["break_even_current"][()],
            # name_nl: the item's Dutch name (Mkba.cpp), absent from files written before it was stored.
            "items": [{"name": n, "name_nl": nl, "kind": k, "unit": u, "bearer": b, "price_key": pk, "price": float(p)}
                      for n, nl, k, u, b, pk, p in zip(_texts(it["name"]), _texts(it["name_nl"]) if "name_nl" in it else [""] * len(it["name"]),
                                                       _texts(it["kind"]), _texts(it["unit"]), _texts(it["bearer"]), _texts(it["price_key"]),
                                                       it["price"][()])],
            "effect": it["effect_mean"][()], "effect_lo": it["effect_lo"][()], "effect_hi": it["effect_hi"][()],
            "pv": it["pv_mean"][()],
            "tornado": [[{"key": keys[s_ * F + f], "low": float(t["low"][s_, f]), "high": float(t["high"][s_, f]),
                          "npv_low": float(t["npv_low"][s_, f]), "npv_high": float(t["npv_high"][s_, f])}
                         for f in range(F)] if s_ > 0 else [] for s_ in range(S)],
        }
    return out


def euros(v: float, signed: bool = True) -> str:
    """Money in euros, three significant figures where large ("+€1.23 M", "−€456 k", "€7,890")."""
    if v is None or not math.isfinite(v):
        return "n/a"
    a = abs(v)
    sign = "\u2212" if v < -0.5 else ("+" if signed and v > 0.5 else "")
    if a >= 1e6:
        return f"{sign}€{a / 1e6:.{0 if a >= 1e8 else 1 if a >= 1e7 else 2}f} M"
    if a >= 1e4:
        return f"{sign}€{a / 1e3:.0f} k"
    return f"{sign}€{a:,.0f}"


def quantity(v: float) -> str:
    """A natural-unit effect to three significant figures, signed."""
    if v is None or not math.isfinite(v):
        return "n/a"
    if v == 0:
        return "0"
    digits = int(math.floor(math.log10(abs(v)))) + 1
    r = round(v, 3 - digits)
    sign = "\u2212" if r < 0 else "+"
    return f"{sign}{abs(r):,.0f}" if abs(r) >= 1000 or 3 - digits <= 0 else f"{sign}{abs(r):.{3 - digits}f}"


def tornado_rows(m: dict, s: int) -> list[dict]:
    """Scenario s's bars as stored (ordered widest first), with their swing."""
    return [dict(b, swing=abs(b["npv_high"] - b["npv_low"])) for b in m["tornado"][s]]


def tornado_figure(m: dict, s: int, scenario: str, ref: str):
    """Tornado chart: the mean NPV with each price (and the discount rate) at its low and high end."""
    import matplotlib.pyplot as plt
    bars = tornado_rows(m, s)
    from matplotlib.ticker import MaxNLocator
    fig, ax = plt.subplots(figsize=(10, 0.5 * len(bars) + 1.9))
    base = float(m["npv"][s])
    for y, b in enumerate(bars):
        ax.barh(y, b["npv_low"] - base, left=base, color="#0072B2", height=0.6)
        ax.barh(y, b["npv_high"] - base, left=base, color="#E69F00", height=0.6, hatch="///")
    ax.axvline(base, color="#000000", linewidth=1.2)
    ax.axvline(0, color="#888888", linewidth=1, linestyle=":")
    ax.set_yticks(range(len(bars)))
    ax.set_yticklabels([f"{b['key']} ({b['low']:g} – {b['high']:g})" for b in bars])
    ax.invert_yaxis()
    ax.set_xlabel(f"net present value (euros of {m['price_year']})\nblue: price at its low end; orange, hatched: at its high end")
    ax.set_title(f"{scenario} vs {ref}: sensitivity of the NPV")
    ax.xaxis.set_major_locator(MaxNLocator(5))
    ax.xaxis.set_major_formatter(lambda x, _pos: euros(x, signed=False))
    fig.tight_layout()
    return fig

