"""The first page of a comparison report: what a policymaker can act on, in English or Dutch.

What was compared; three to five findings in plain words with their uncertainty; the MKBA summary;
who gains and who is left behind; what the model cannot say. Built from the same numbers as the
detail below it (comparison_context), never from a separate computation.
"""
from __future__ import annotations

import math

from .formatting import fmt_ci

LANGS = ("en", "nl")

NL = {
    "Decision page": "Beslispagina",
    "What was compared": "Wat is vergeleken",
    "Findings": "Bevindingen",
    "Costs and benefits (MKBA)": "Kosten en baten (MKBA)",
    "Who gains, who is left behind": "Wie wint, wie blijft achter",
    "What the model cannot say": "Wat het model niet kan zeggen",
    "scenario": "scenario", "costs": "kosten", "benefits": "baten", "net present value": "netto contante waarde",
    "benefit/cost ratio": "baten/kostenverhouding", "n/a": "n.v.t.",
    "better": "beter", "worse": "slechter",
    "no clear change in": "geen duidelijke verandering in",
    "net present value {npv} (95% interval {lo} to {hi})": "netto contante waarde {npv} (95%-interval {lo} tot {hi})",
    "{name} against {ref}": "{name} tegenover {ref}",
    "The reference is {ref}.": "De referentie is {ref}.",
    "{n} scenarios in one neighbourhood of {residents} residents, {years} years after week 0, {R} replicates per scenario "
    "from the same burned-in neighbourhood with the same random numbers.":
        "{n} scenario's in één wijk van {residents} inwoners, {years} jaar na week 0, {R} herhalingen per scenario "
        "vanuit dezelfde ingespeelde wijk met dezelfde toevalsgetallen.",
    "The intervals cover chance and the calibrated parameter uncertainty (ensemble {e}).":
        "De intervallen dekken toeval en de gekalibreerde parameteronzekerheid (ensemble {e}).",
    "The intervals cover chance only: the parameters are one set of assumptions (compare with --ensemble for parameter uncertainty).":
        "De intervallen dekken alleen toeval: de parameters zijn één set aannames (vergelijk met --ensemble voor parameteronzekerheid).",
    "Present values over {years} years at {rate}% a year, euros of {year}.":
        "Contante waarden over {years} jaar tegen {rate}% per jaar, euro's van {year}.",
    "most uncertain price: {key} (NPV {lo} to {hi} over its range)":
        "meest onzekere prijs: {key} (NCW {lo} tot {hi} over zijn bandbreedte)",
    "largest gain in {measure}: {group} ({d})": "grootste winst in {measure}: {group} ({d})",
    "least gain in {measure}: {group} ({d})": "minste winst in {measure}: {group} ({d})",
    "least helped by income and by ties at the start, and the newcomers: {groups}": "minst geholpen naar inkomen en naar banden bij de start, en de nieuwkomers: {groups}",
    "The neighbourhood is synthetic: drawn to match Dutch averages (CBS, GGD, SCP), not a real wijk's residents.":
        "De wijk is synthetisch: getrokken naar Nederlandse gemiddelden (CBS, GGD, SCP), niet de bewoners van een echte wijk.",
    "Prices that are assumptions (a low and high end are in the sensitivity analysis): {keys}.":
        "Prijzen die aannames zijn (met een lage en hoge waarde in de gevoeligheidsanalyse): {keys}.",
    "Effects without a price are listed in the MKBA table, not counted: {items}.":
        "Effecten zonder prijs staan in de MKBA-tabel maar tellen niet mee: {items}.",
    "Structural choices of the model (how help, ties and the team work) are not varied; see docs/ODD.md.":
        "Structurele keuzes van het model (hoe hulp, netwerken en het team werken) zijn niet gevarieerd; zie docs/ODD.md.",
    "The horizon ({years} years) is shorter than the {h} years the MKBA asks for: later effects are missing.":
        "De horizon ({years} jaar) is korter dan de {h} jaar die de MKBA vraagt: latere effecten ontbreken.",
}


# Names the decision page shows come from the file in both languages: outcomes (Outcomes.def, label and
# label_nl), groups of residents (GroupOutcomes.h, kResidentGroups: /final/by_group_labels) and MKBA items
# (experiment/Mkba.cpp: /compare/mkba/items/name and name_nl). Files without the Dutch show the English.
def group_name(row: dict, lang: str) -> str:
    """A group of residents (a row of report_compare's group tables) named in `lang`."""
    return (row.get("group_nl") or row["group"]) if lang == "nl" else row["group"]


def item_name(item: dict, lang: str) -> str:
    """An MKBA item named in `lang`."""
    return (item.get("name_nl") or item["name"]) if lang == "nl" else item["name"]


def outcome_label(meta, lang: str) -> str:
    """An outcome's short label in `lang`: the file's Dutch label where it has one, else the English one."""
    return (getattr(meta, "label_nl", "") or meta.label) if lang == "nl" else meta.label


def tr(text: str, lang: str, **kw) -> str:
    """`text` in `lang` (English source strings), with {placeholders} filled in."""
    s = NL.get(text, text) if lang == "nl" else text
    return s.format(**kw) if kw else s


def _number(x: float, lang: str) -> str:
    return f"{x:g}".replace(".", ",") if lang == "nl" else f"{x:g}"


def decision_page(ctx: dict, cmp, lang: str = "en") -> dict | None:
    """The decision page's content, or None for a file without a comparison MKBA."""
    if lang not in LANGS:
        raise ValueError(f"unknown language '{lang}': expected one of {', '.join(LANGS)}")
    mk = ctx.get("mkba")
    if not mk or ctx["S"] < 2:
        return None
    M, E = mk["m"], mk["euros"]
    ref = ctx["ref"]
    years = _number(round(M["horizon_years"], 2), lang)
    compared = [tr("{n} scenarios in one neighbourhood of {residents} residents, {years} years after week 0, {R} replicates per scenario "
                   "from the same burned-in neighbourhood with the same random numbers.", lang, n=ctx["S"],
                   residents=f"{int(ctx['prov']['residents'] or 0):,}".replace(",", "." if lang == "nl" else ","), years=years, R=ctx["R"]),
                tr("The reference is {ref}.", lang, ref=ref)]
    compared.append(tr("The intervals cover chance and the calibrated parameter uncertainty (ensemble {e}).", lang, e=M["ensemble"])
                    if M["ensemble"] else
                    tr("The intervals cover chance only: the parameters are one set of assumptions (compare with --ensemble for parameter uncertainty).", lang))

    # Findings: per scenario its NPV, then its clear headline changes with intervals (at most five lines in all).
    rows = {r["outcome"]: r for r in ctx["diff_rows"]}
    findings = []
    for s_idx, x in enumerate(mk["scenarios"], start=1):
        clear, unclear = [], []
        for o in ctx["headline"]:
            d = rows[o]["diffs"][s_idx - 1]
            label = outcome_label(rows[o]["meta"], lang)
            if d["significant"]:
                v = tr(d["verdict"], lang) if d["verdict"] else ""
                clear.append(f"{label} {d['shown'][0]} ({d['shown'][1]} – {d['shown'][2]}){', ' + v if v else ''}")
            else:
                unclear.append(label)
        npv = tr("net present value {npv} (95% interval {lo} to {hi})", lang, npv=E(x["npv"]), lo=E(x["npv_lo"]), hi=E(x["npv_hi"]))
        text = "; ".join([npv] + clear)
        if unclear:
            text += f"; {tr('no clear change in', lang)}: {', '.join(unclear)}"
        findings.append({"title": tr("{name} against {ref}", lang, name=x["name"], ref=ref), "text": text})
    findings = findings[:5]

    money = [{"name": x["name"], "costs": E(x["costs"]), "benefits": E(x["benefits"]),
              "npv": f"{E(x['npv'])} ({E(x['npv_lo'])} – {E(x['npv_hi'])})",
              "bcr": (f"{x['bcr']:.2f}".replace(".", "," if lang == "nl" else ".") if isinstance(x["bcr"], float) and math.isfinite(x["bcr"])
                      else tr("n/a", lang))} for x in mk["scenarios"]]
    uncertain = []
    for s_idx, x in enumerate(mk["scenarios"], start=1):
        bars = M["tornado"][s_idx]
        if bars:
            b = bars[0]
            uncertain.append(f"{x['name']}: " + tr("most uncertain price: {key} (NPV {lo} to {hi} over its range)", lang, key=b["key"],
                                                   lo=E(b["npv_low"]), hi=E(b["npv_high"])))

    # Who gains and who is left behind: for the first headline measure with groups, per scenario the groups with
    # the largest and the least improvement (the paired difference within the group), then the least improved
    # group of each dimension (income, ties at the start, arrival: the newcomers) with its interval.
    who = []
    for t in ctx["group_tables"][:1]:
        direction = t["meta"].direction
        measure = outcome_label(t["meta"], lang)
        for k, name in enumerate(ctx["scenarios"][1:]):
            def gain(r):
                d = r["dnum"][k]
                return -d if direction == "down" else d
            rows = [r for r in t["rows"] if math.isfinite(r["dnum"][k])]
            ranked = sorted(rows, key=gain)
            if not ranked:
                continue
            best, worst = ranked[-1], ranked[0]

            def ci(r):
                d = r["diffs"][k]
                return f"{d[0]} [{d[1]}, {d[2]}]"
            text = (f"{name}: " + tr("largest gain in {measure}: {group} ({d})", lang, measure=measure, group=group_name(best, lang), d=ci(best))
                    + "; " + tr("least gain in {measure}: {group} ({d})", lang, measure=measure, group=group_name(worst, lang), d=ci(worst)))
            per_dim = []
            for dim in ("income", "start_ties"):
                of_dim = [r for r in ranked if r.get("dimension") == dim]
                if of_dim:
                    per_dim.append(f"{group_name(of_dim[0], lang)} {ci(of_dim[0])}")
            per_dim += [f"{group_name(r, lang)} {ci(r)}" for r in rows if r.get("code") == "arrival:newcomer"]
            if per_dim:
                text += "; " + tr("least helped by income and by ties at the start, and the newcomers: {groups}", lang, groups="; ".join(per_dim))
            who.append(text)

    assumed = sorted({it["price_key"] for it in M["items"] if it["price_key"] and ctx["assumed_prices"].get(it["price_key"])})
    unpriced = [item_name(it, lang) for it in M["items"] if it["kind"] == "unpriced effect"]
    caveats = [tr("The neighbourhood is synthetic: drawn to match Dutch averages (CBS, GGD, SCP), not a real wijk's residents.", lang),
               compared[-1],
               tr("Prices that are assumptions (a low and high end are in the sensitivity analysis): {keys}.", lang, keys=", ".join(assumed) or "–"),
               tr("Effects without a price are listed in the MKBA table, not counted: {items}.", lang, items=", ".join(unpriced)),
               tr("Structural choices of the model (how help, ties and the team work) are not varied; see docs/ODD.md.", lang)]
    if mk["short"]:
        caveats.insert(0, tr("The horizon ({years} years) is shorter than the {h} years the MKBA asks for: later effects are missing.", lang,
                             years=years, h=M["guideline_horizon_years"]))
    return {"lang": lang, "t": lambda text, **kw: tr(text, lang, **kw), "compared": compared, "findings": findings, "money": money,
            "money_note": tr("Present values over {years} years at {rate}% a year, euros of {year}.", lang, years=years,
                             rate=_number(round(100 * M["discount_rate"], 3), lang), year=M["price_year"]),
            "uncertain": uncertain, "who": who, "caveats": caveats, "tornado": mk["scenarios"][0]["tornado"] if mk["scenarios"] else None}
