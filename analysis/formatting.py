"""Numbers, units and images as the reports show them, following each outcome's metadata (format, kind, unit).

Every helper takes ``spec``: an OutcomeMeta (analysis.results; format pct shows a share as a
percentage, eur shows whole euros) or, for values without metadata, a plain unit string.
"""
from __future__ import annotations

import base64
import math
from pathlib import Path

import jinja2

from . import plots

TEMPLATES = Path(__file__).resolve().parent / "templates"
MINUS = "−"


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and not math.isfinite(v))


def _format_of(spec) -> str:
    return "" if spec is None or isinstance(spec, str) else (spec.format or "")


def _euros(x: float, signed: bool) -> str:
    """'€1,234', '−€56', '+€7' (whole euros, as the simulator prints them)."""
    r = round(float(x))
    sign = MINUS if r < 0 else ("+" if signed and r > 0 else "")
    return f"{sign}€{abs(r):,.0f}"


def fmt_value(v: float, spec="", signed: bool = False) -> str:
    """Human number in display units: shares as percentages (points when signed), money in whole euros."""
    if _missing(v):
        return "–"
    if _format_of(spec) == "eur":
        return _euros(v, signed)
    f, u = plots.display(spec)
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
    if s.startswith("-"):
        s = MINUS + s[1:]
    if u.startswith("%"):
        return s + ("%" if not signed else " pt")
    return s


def fmt_ci(d: float, lo: float, hi: float, spec="", sep: str = " to ") -> tuple[str, str, str]:
    """A change and its interval rounded to what the interval supports: two significant figures of its
    half-width set the decimals of all three ('−0.94 pt', '−1.01 pt', '−0.87 pt'). Money stays in euros."""
    if _missing(lo) or _missing(hi) or _format_of(spec) == "eur":
        return fmt_value(d, spec, True), fmt_value(lo, spec, True), fmt_value(hi, spec, True)
    f, u = plots.display(spec)
    half = abs(f * (hi - lo)) / 2
    decimals = max(0, 1 - math.floor(math.log10(half))) if half > 0 else 0
    decimals = min(decimals, 6)
    suffix = " pt" if u.startswith("%") else ""

    def one(x: float) -> str:
        t = f"{f * x:+,.{decimals}f}"
        if float(t.replace(",", "")) == 0:
            t = t[1:]
        return t.replace("-", MINUS, 1) + suffix
    return one(d), one(lo), one(hi)


def fmt_unit(spec) -> str:
    """The unit as shown next to a number: '% of residents', 'euro per week', 'scale 0–1'."""
    return plots.display(spec)[1]


def fmt_with_unit(v: float, spec="", signed: bool = False) -> str:
    """Value and unit: '23.1% of residents', '4.20 hours per week', '€12,345 per week'."""
    s = fmt_value(v, spec, signed)
    u = fmt_unit(spec)
    if s == "–" or not u:
        return s
    if _format_of(spec) == "eur":
        rest = u.replace("euro", "", 1).strip() if u.startswith("euro") else u
        return f"{s} {rest}" if rest else s
    if u.startswith("%"):
        return s + u[1:]
    if u == "scale 0–1":
        return f"{s} (scale 0–1)"
    return f"{s} {u}"


def fmt_rel(r: float) -> str:
    """A relative change: '+12.3%'."""
    if _missing(r):
        return "–"
    return f"{100 * r:+.1f}%".replace("-", MINUS, 1)


fmt_pct = fmt_rel  # the earlier name


def fmt_change(diff: float, rel: float, spec) -> str:
    """A change as a reader should see it: relative ('+12.3%') where that is meaningful, else the
    difference in the outcome's own terms (euros for money: '+€1,234 per week'; never a percentage)."""
    meaningful = True if spec is None or isinstance(spec, str) else spec.relative_change_meaningful
    if meaningful and not _missing(rel):
        return fmt_rel(rel)
    return fmt_with_unit(diff, spec, signed=True)


def img(fig) -> str:
    """A matplotlib figure as base64 PNG for a data: URL."""
    return base64.b64encode(plots.to_png(fig)).decode("ascii")


def env() -> jinja2.Environment:
    """The Jinja environment of the report templates, with the number filters v, unit, vu and pct."""
    e = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=jinja2.select_autoescape(["html"]),
                           undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    e.filters["v"] = fmt_value
    e.filters["unit"] = fmt_unit
    e.filters["vu"] = fmt_with_unit
    e.filters["pct"] = fmt_rel
    e.filters["cite"] = cite_links
    return e


def cite_links(text) -> "markupsafe.Markup":
    """Text with each cited key (`[seed002]`) linked to its entry in the report's References section."""
    import re
    import markupsafe
    return markupsafe.Markup(re.sub(r"\[([a-z][A-Za-z0-9_.-]*)\]", r'<a href="#ref-\1">[\1]</a>', str(markupsafe.escape(text or ""))))
