"""Outcome metadata read from result files: headline order, labels, formats, directions; money never relative."""
import re
from pathlib import Path

import h5py
import numpy as np
import markupsafe
import pytest

import analysis
from analysis import report
from analysis.headlines import LEGACY_HEADLINES, headline_order
from analysis.report_compare import _forest, comparison_context
from analysis.tests import fixtures

REPO = Path(__file__).resolve().parents[2]

# name: (unit, label, format, kind, direction, headline) of a small synthetic outcome set.
SPECS = {
    "in_need_share": ("share of residents", "residents in need", "pct", "share", "down", 2),
    "team_queue": ("residents", "waiting for the team", "int", "count", "down", 1),
    "informal_hours": ("hours per week", "informal help hours", "int", "hours", "neither", 0),
    "cost_total": ("euro per week", "public cost", "eur", "money", "down", 0),
    "mkba_balance": ("euro per week", "social balance (MKBA)", "eur", "money", "up", 0),
    "requests": ("requests per week", "requests for help", "int", "count", "neither", 0),
}


def def_headlines() -> list[str]:
    """Headline outcomes in rank order, parsed from Outcomes.def (the source of truth)."""
    text = (REPO / "sim" / "include" / "buurt" / "schema" / "Outcomes.def").read_text(encoding="utf-8")
    ranks = {m.group(1): int(m.group(2)) for m in re.finditer(r"^X\((\w+),.*,\s*(\d+),\s*(?:year|end)\)\s*$", text, re.M)}
    return sorted((o for o, r in ranks.items() if r > 0), key=ranks.get)


def write_run(path: Path, levels: dict[str, float], seed: int, weeks: int = 60, metadata: bool = True,
              name: str = "baseline") -> Path:
    """A run file in the documented layout, written with h5py (outcomes from SPECS around ``levels``)."""
    rng = np.random.default_rng(seed)
    with h5py.File(path, "w") as f:
        f.attrs["kind"] = "run"
        m = f.create_group("meta")
        for k, v in {"scenario_name": name, "scenario_description": f"synthetic {name}", "scenario_resolved": "",
                     "scenario_given": "", "program_version": "test", "git_commit": "none"}.items():
            m.create_dataset(k, data=v, dtype=h5py.string_dtype("utf-8"))
        m.create_dataset("seed", data=np.int64(seed))
        f.create_group("population")
        ts, fin = f.create_group("timeseries"), f.create_group("final")
        ts.create_dataset("week", data=np.arange(weeks + 1, dtype=np.int32))
        for o, (unit, label, fmt, kind, direction, headline) in SPECS.items():
            x = levels[o] * (1 + 0.01 * rng.standard_normal(weeks + 1)) + 0.01 * rng.standard_normal(weeks + 1)
            d = ts.create_dataset(o, data=x)
            d.attrs["unit"], d.attrs["description"] = unit, f"{label} (synthetic)"
            if metadata:
                for k, v in {"label": label, "format": fmt, "kind": kind, "direction": direction, "reference": ""}.items():
                    d.attrs[k] = v
                d.attrs["adults_only"] = np.int64(0)
                d.attrs["headline"] = np.int64(headline)
            fin.create_dataset(o, data=x[-1])
    return path


BASE = {"in_need_share": 0.20, "team_queue": 30.0, "informal_hours": 400.0, "cost_total": 10000.0, "mkba_balance": -100.0,
        "requests": 100.0}
# The variant: less residents in need, higher cost (+20%), a social balance that crosses zero (-100 -> +500), 50% more requests.
VARIANT = {"in_need_share": 0.15, "team_queue": 20.0, "informal_hours": 500.0, "cost_total": 12000.0, "mkba_balance": 500.0,
           "requests": 150.0}


@pytest.fixture()
def synthetic_compare(tmp_path):
    R = 4
    files = [[write_run(tmp_path / f"s{s}_r{r}.h5", lv, seed=100 * s + r, name=nm) for r in range(R)]
             for s, (nm, lv) in enumerate((("baseline", BASE), ("variant", VARIANT)))]
    return fixtures.assemble_compare(files, ["baseline", "variant"], list(range(R)), 60, tmp_path / "cmp.h5")


def test_headline_order_comes_from_the_file(tmp_path):
    run = analysis.load(write_run(tmp_path / "run.h5", BASE, seed=1))
    assert run.has_outcome_metadata
    assert run.headline_outcomes() == ["team_queue", "in_need_share"]     # ranks 1, 2 as the file says
    assert headline_order(run) == ["team_queue", "in_need_share"]
    ctx = comparison_context(run)
    assert ctx["headline"][:2] == ["team_queue", "in_need_share"]
    text = ctx["paragraphs"][0]["text"]
    assert text.index("waiting for the team") < text.index("residents in need")      # labels from the file, in rank order
    assert "20.0% of residents" in text or "20.0" in text                    # format pct: a percentage


def test_headline_order_falls_back_for_files_without_metadata(tmp_path):
    run = analysis.load(write_run(tmp_path / "old.h5", BASE, seed=1, metadata=False))
    assert not run.has_outcome_metadata and run.headline_outcomes() == []
    assert headline_order(run) == [o for o in LEGACY_HEADLINES if o in SPECS]
    assert run.meta_of("in_need_share").format == "pct"                    # derived from the unit
    corpus = analysis.load(REPO / "tests" / "fuzz" / "corpus" / "results" / "run.h5")
    assert headline_order(corpus) == [o for o in LEGACY_HEADLINES if o in corpus.outcomes]


def test_headline_order_of_a_real_run_matches_outcomes_def(buurt, tmp_path):
    out = fixtures.run_sim(buurt, tmp_path / "short.h5", weeks=4, residents=300, sets=["run.burn_in=0"])
    run = analysis.load(out)
    assert run.headline_outcomes() == def_headlines()
    m = run.meta_of("cost_total")
    assert (m.format, m.kind, m.direction, m.from_file) == ("eur", "money", "down", True)
    assert run.meta_of("helper_share_adults").adults_only
    assert run.meta_of("severely_lonely_share").reference == "ggd_severe_loneliness"
    assert run.group_meta("mean_active_ties").unit == "ties"                 # by-group measures carry it too
    varying = [o for o in def_headlines() if np.nanstd(run.series(o)) > 0]
    assert comparison_context(run)["headline"] == varying[:4]                # the report leads with them, in rank order
    html = report.render(str(out))
    summary = html[html.index('id="summary"'):html.index('id="time"')]
    positions = [summary.index(str(markupsafe.escape(run.meta_of(o).label))) for o in varying[:4]]
    assert positions == sorted(positions)


def test_comparison_file_carries_headlines(compare_file):
    cmp = analysis.load(compare_file)
    assert cmp.headline_outcomes() == def_headlines()


def test_money_never_gets_a_percentage_change(synthetic_compare):
    cmp = analysis.load(synthetic_compare)
    ctx = comparison_context(cmp)
    rows = {r["outcome"]: r for r in ctx["diff_rows"]}
    for o in ("cost_total", "mkba_balance"):
        d = rows[o]["diffs"][0]
        assert d["significant"] and np.isnan(d["rel"])
    assert np.isfinite(rows["informal_hours"]["diffs"][0]["rel"])
    summ = analysis.stats.paired_differences(cmp.array("last_year_mean"))
    forest = _forest(cmp, summ, {o: True for o in cmp.outcomes}, headline_order(cmp))
    assert forest and not {"cost_total", "mkba_balance"} & {r["outcome"] for r in forest}
    assert ctx["headline"] == ["team_queue", "in_need_share", "cost_total", "informal_hours"]
    text = ctx["paragraphs"][1]["text"]
    assert re.search(r"public cost rises from €10,0\d\d per week to €1[12],\d{3} per week \(\+€[12],\d{3}; 95% interval "
                     r"\+€[\d,]+ to \+€[\d,]+; worse\)", text)                                 # a headline: in euros
    assert re.search(r"Other clear changes: .*requests for help \+(49|50)\.\d+\.", text)       # a difference in its unit
    assert not re.search(r"requests for help [+−][\d.]+%", text)                              # never relative
    assert re.search(r"social balance \(MKBA\) \+€6\d\d", text)                                 # money in euros
    assert not re.search(r"(public cost|social balance \(MKBA\))[^;.]*\d%", text)
    html = report.render(str(synthetic_compare))
    assert not re.search(r"(public cost|social balance \(MKBA\))[^<.;]*\d%", html)
    # Directions from the file: less residents in need is better, a higher public cost worse.
    assert rows["in_need_share"]["diffs"][0]["verdict"] == "better"
    assert rows["cost_total"]["diffs"][0]["verdict"] == "worse"
    assert rows["informal_hours"]["diffs"][0]["verdict"] == ""


def test_formats_follow_metadata():
    from analysis.formatting import fmt_change, fmt_value, fmt_with_unit
    from analysis.results import OutcomeMeta
    money = OutcomeMeta("mkba_balance", unit="euro per week", format="eur", kind="money")
    share = OutcomeMeta("x", unit="share of helpers", format="pct", kind="share")
    assert fmt_value(-1234.4, money) == "−€1,234" and fmt_value(600, money, True) == "+€600"
    assert fmt_with_unit(600, money, True) == "+€600 per week"
    assert fmt_change(600, -6.0, money) == "+€600 per week"                  # never '-600.0%'
    assert fmt_with_unit(0.231, share) == "23.1% of helpers" and fmt_value(0.02, share, True) == "+2.00 pt"
    assert fmt_change(0.02, 0.1, share) == "+10.0%"


def test_metadata_columns_of_compare_and_sweep_files(synthetic_compare, tmp_path):
    """/compare/{labels,...} and /runs/outcome_{labels,...} (write_outcome_columns) are read when present."""
    with h5py.File(synthetic_compare, "a") as f:
        c = f["compare"]
        names = [x.decode() for x in c["outcomes"][()]]
        ranks = {"cost_total": 1, "requests": 2}
        for col, vals in {"labels": [f"L {o}" for o in names], "formats": [SPECS[o][2] for o in names],
                          "kinds": [SPECS[o][3] for o in names], "directions": [SPECS[o][4] for o in names]}.items():
            c.create_dataset(col, data=np.array(vals, dtype=object), dtype=h5py.string_dtype("utf-8"))
        c.create_dataset("headlines", data=np.array([ranks.get(o, 0) for o in names], dtype=np.int64))
    cmp = analysis.load(synthetic_compare)
    assert cmp.headline_outcomes() == ["cost_total", "requests"] and cmp.meta_of("requests").label == "L requests"
    names = ["mkba_balance", "in_need_share", "x"]
    sw = fixtures.write_sweep(tmp_path / "sw.h5", np.array([[0.0], [1.0]]), ["a"], "grid", np.array([[1.0, 0.1, 3.0], [2.0, 0.2, 4.0]]),
                              names, units=["euro per week", "share of residents", "hours"])
    with h5py.File(sw, "a") as f:
        r = f["runs"]
        r.create_dataset("outcome_formats", data=np.array(["eur", "pct", ""], dtype=object), dtype=h5py.string_dtype("utf-8"))
        r.create_dataset("outcome_kinds", data=np.array(["money", "share", ""], dtype=object), dtype=h5py.string_dtype("utf-8"))
        r.create_dataset("outcome_headlines", data=np.array([2, 1, 0], dtype=np.int64))
    res = analysis.load(sw)
    assert res.headline_outcomes() == ["in_need_share", "mkba_balance"]
    assert res.meta_of("mkba_balance").is_money and res.meta_of("x").unit == "hours" and not res.meta_of("x").from_file
