"""The report of a calibration (`buurt report posterior.h5`): the fit per target (observed figure against
the ensemble's band), the held-out check, what the model cannot reproduce, how the parameter ranges
narrowed wave by wave, and the emulators' leave-one-out diagnostics."""
from __future__ import annotations

import html
import json

import h5py
import numpy as np

from . import plots
from .calibrate import distance
from .formatting import img


def _s(v) -> str:
    return v.decode() if isinstance(v, bytes) else str(v)


def load_posterior(path: str) -> dict:
    with h5py.File(path, "r") as f:
        if _s(f.attrs.get("kind", "")) != "posterior":
            raise ValueError(f"{path}: not a posterior file (written by `buurt calibrate`)")
        t = f["targets"]
        d = {
            "names": [_s(x) for x in f["posterior/names"][()]],
            "members": f["posterior/parameters"][()],
            "threshold": float(f["posterior"].attrs["threshold"]),
            "prior_min": f["priors/min"][()], "prior_max": f["priors/max"][()],
            "prior_source": [_s(x) for x in f["priors/source"][()]],
            "targets": [_s(x) for x in t["name"][()]], "outcomes": [_s(x) for x in t["outcome"][()]],
            "observed": t["observed"][()], "sd": t["uncertainty"][()], "disc": t["discrepancy"][()],
            "stoch": t["stochastic_sd"][()], "held_out": t["held_out"][()].astype(bool),
            "bound": [_s(x) for x in t["bound"][()]] if "bound" in t else [""] * len(t["name"]),
            "dropped": t["dropped"][()].astype(bool), "source": [_s(x) for x in t["source"][()]],
            "window": t["window"][()], "model_mean": t["model_mean"][()], "model_sd": t["model_sd"][()],
            "ens": t["ensemble_outputs"][()],
            "nroy": f["waves/nroy_fraction"][()], "points": f["waves/points"][()],
            "fingerprint": _s(f.attrs.get("model_fingerprint", "")),
            "prov": {k: _s(v) for k, v in f["provenance"].attrs.items() if k != "calibration_text"},
            "waves": [],
        }
        for k in sorted((int(x) for x in f["waves"] if x.isdigit())):
            g = f["waves"][str(k)]
            d["waves"].append({"index": k, "box_min": g["box_min"][()], "box_max": g["box_max"][()],
                               "loo_targets": [_s(x) for x in g["loo/targets"][()]],
                               "coverage": g["loo/coverage_2sd"][()], "rmse": g["loo/rmse"][()]})
    return d


def fit_rows(d: dict) -> list[dict]:
    rows = []
    for i, name in enumerate(d["targets"]):
        v = d["ens"][:, i]
        lo, hi = np.percentile(v, [2.5, 97.5])
        scale = np.sqrt(d["sd"][i] ** 2 + d["disc"][i] ** 2 + d["stoch"][i] ** 2)
        obs, bound = d["observed"][i], d["bound"][i]
        dist = distance(obs, bound, v)
        role = "dropped" if d["dropped"][i] else ("held out" if d["held_out"][i] else "fitted")
        # Reproduced: the observed figure lies inside the members' band (a one-sided figure: the band's mean is past it).
        inside = (v.mean() >= obs if bound == "at_least" else v.mean() <= obs if bound == "at_most" else lo <= obs <= hi)
        shown = (f"{'≥' if bound == 'at_least' else '≤'} {obs:.4g}" if bound else f"{obs:.4g} ± {2 * d['sd'][i]:.2g}")
        rows.append({"name": name, "outcome": d["outcomes"][i], "observed": obs, "sd": d["sd"][i], "bound": bound, "shown": shown,
                     "low": lo, "high": hi, "mean": v.mean(), "role": role, "share_ok": float(np.mean(dist / scale < d["threshold"])),
                     "inside": bool(inside), "source": d["source"][i], "window": tuple(int(x) for x in d["window"][i])})
    return rows


def fit_figure(rows: list[dict]):
    import matplotlib.pyplot as plt
    fig, ax = plt.subplots(figsize=(8.5, 0.55 * len(rows) + 1.2))
    for k, r in enumerate(reversed(rows)):
        scale = abs(r["observed"]) or 1.0
        ax.plot([r["low"] / scale, r["high"] / scale], [k, k], color=plots.COLORS[2], linewidth=6, solid_capstyle="butt")
        if r["bound"]:  # a one-sided figure: an arrow towards the allowed side
            ax.annotate("", xy=(1.25 if r["bound"] == "at_least" else 0.75, k), xytext=(1.0, k),
                        arrowprops={"arrowstyle": "->", "color": plots.COLORS[0]})
            ax.plot([1.0], [k], "o", color=plots.COLORS[0])
        else:
            ax.errorbar([1.0], [k], xerr=[[2 * r["sd"] / scale]], fmt="o", color=plots.COLORS[0], capsize=4)
    ax.set_yticks(range(len(rows)), [f"{r['name']} ({r['role']})" for r in reversed(rows)])
    ax.axvline(1.0, color="#999999", linewidth=1)
    ax.set_xlabel("relative to the observed figure (1 = observed; dot and whiskers: observed ± 2 sd; bar: 95% of members)")
    return fig


def render_posterior(path: str, source_name: str) -> str:
    d = load_posterior(path)
    rows = fit_rows(d)
    e = html.escape
    not_repr = [r for r in rows if r["role"] != "held out" and not r["inside"] or r["role"] == "dropped"]
    held = [r for r in rows if r["role"] == "held out"]
    out = ["<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Calibration " + e(source_name) + "</title>",
           "<style>body{font-family:DejaVu Sans,sans-serif;max-width:1100px;margin:2em auto;line-height:1.45}"
           "table{border-collapse:collapse}td,th{padding:4px 10px;border-bottom:1px solid #ddd;text-align:right}"
           "td:first-child,th:first-child{text-align:left}.bad{color:#b00}</style></head><body>",
           f"<h1>Calibration: {e(source_name)}</h1>",
           f"<p>History matching, {len(d['waves'])} waves ({', '.join(str(int(p)) for p in d['points'])} design points), "
           f"ensemble of <b>{len(d['members'])}</b> parameter sets, each rerun on the simulator with implausibility "
           f"&lt; {d['threshold']:g} on every fitted target. Calibration file <code>{e(d['prov'].get('calibration_file', ''))}</code>"
           f"{' (--quick)' if d['prov'].get('quick') == '1' else ''}; model: {e(d['fingerprint'])}; created {e(d['prov'].get('created', ''))}.</p>",
           "<h2>Fit per target</h2><p>Window means of the outcome over weeks after week 0 (after the burn-in). "
           "Observed ± 2 standard errors of the source (a one-sided figure: ≥ or ≤ a bound, an arrow in the figure); "
           "the model band holds 95% of the ensemble members' means.</p>",
           img(fit_figure(rows)),
           "<table><tr><th>target</th><th>outcome</th><th>weeks</th><th>observed ± 2 sd</th><th>model: 95% of members</th>"
           "<th>members plausible</th><th>role</th><th>source</th></tr>"]
    for r in rows:
        bad = not r["inside"]
        out.append(f"<tr><td>{e(r['name'])}</td><td><code>{e(r['outcome'])}</code></td><td>{r['window'][0]}–{r['window'][1]}</td>"
                   f"<td>{e(r['shown'])}</td><td class='{'bad' if bad else ''}'>{r['low']:.4g} – {r['high']:.4g}</td>"
                   f"<td>{100 * r['share_ok']:.0f}%</td><td>{e(r['role'])}</td><td style='text-align:left'>{e(r['source'])}</td></tr>")
    out.append("</table>")
    out.append("<h2>Held-out check</h2><ul>" + "".join(
        f"<li>{e(r['name'])}: observed {e(r['shown'])}, model {r['low']:.4g} – {r['high']:.4g}: "
        f"{('met' if r['bound'] else 'inside the band') if r['inside'] else ('<b>not met</b>' if r['bound'] else '<b>outside the band</b>')}</li>"
        for r in held) + "</ul>")
    out.append("<h2>What the model does not reproduce</h2>" + ("<ul>" + "".join(
        f"<li>{e(r['name'])} ({e(r['role'])}): observed {e(r['shown'])}, model {r['low']:.4g} – {r['high']:.4g}</li>"
        for r in not_repr) + "</ul>" if not_repr else "<p>Every fitted target's observed figure lies inside the ensemble's band.</p>"))
    out.append("<h2>How the parameter ranges narrowed</h2><table><tr><th>parameter</th><th>prior</th>"
               + "".join(f"<th>wave {w['index']} design</th>" for w in d["waves"]) + "<th>ensemble</th><th>prior source</th></tr>")
    for j, n in enumerate(d["names"]):
        cells = "".join(f"<td>{w['box_min'][j]:.4g} – {w['box_max'][j]:.4g}</td>" for w in d["waves"])
        m = d["members"][:, j]
        out.append(f"<tr><td><code>{e(n)}</code></td><td>{d['prior_min'][j]:.4g} – {d['prior_max'][j]:.4g}</td>{cells}"
                   f"<td>{m.min():.4g} – {m.max():.4g} (median {np.median(m):.4g})</td><td style='text-align:left'>{e(d['prior_source'][j])}</td></tr>")
    out.append("</table><p>Share of the prior space not ruled out after each wave: "
               + ", ".join(f"wave {w['index']}: {100 * f:.3g}%" for w, f in zip(d["waves"], d["nroy"])) + ".</p>")
    out.append("<h2>Emulator diagnostics (leave-one-out)</h2><table><tr><th>target</th>"
               + "".join(f"<th>wave {w['index']}: within 2 sd</th><th>RMSE</th>" for w in d["waves"]) + "</tr>")
    for n in d["waves"][0]["loo_targets"]:
        cells = ""
        for w in d["waves"]:
            k = w["loo_targets"].index(n)
            cells += f"<td>{100 * w['coverage'][k]:.0f}%</td><td>{w['rmse'][k]:.3g}</td>"
        out.append(f"<tr><td>{e(n)}</td>{cells}</tr>")
    out.append("</table><p>About 95% of left-out design points should lie within 2 predictive standard deviations.</p>")
    out.append(f"<h2>Provenance</h2><pre>{e(json.dumps(d['prov'], indent=1))}</pre></body></html>")
    return "\n".join(out)
