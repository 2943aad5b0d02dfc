"""Reports: render, contain the expected sections and numbers, embed valid PNG images."""
import base64
import io
import re
import subprocess
import sys

import h5py
import matplotlib.image as mpimg
import numpy as np
import pytest

import analysis
from analysis import report, stats
from analysis.formatting import fmt_ci

PNG_RE = re.compile(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


def images(html):
    out = []
    for b64 in PNG_RE.findall(html):
        raw = base64.b64decode(b64, validate=True)
        assert raw[:8] == b"\x89PNG\r\n\x1a\n"
        img = mpimg.imread(io.BytesIO(raw), format="png")   # decodes every chunk
        assert img.ndim == 3 and img.shape[0] > 100 and img.shape[1] > 100
        out.append(img)
    return out


def test_comparison_report(compare_file, tmp_path):
    out = report.write_report(str(compare_file), str(tmp_path / "cmp.html"))
    html = open(out, encoding="utf-8").read()
    for section in ("Summary", "Over time", "Paired differences from 'baseline'", "Social cost-benefit analysis (MKBA)", "Public cost per year",
                    "Prices used", "Who is left behind", "Scenarios", "Provenance"):
        assert section in html, section
    assert len(images(html)) >= 3
    # Who is left behind names the newcomers (residents who moved in since week 0) in plain words.
    assert "moved in since week 0" in html and "living here at week 0" in html
    res = analysis.load(compare_file)
    # The numbers in the report are the paired differences of the file's last-year means.
    d = stats.paired_differences(res.array("last_year_mean"))
    k = res.outcomes.index("in_need_share")
    mid, lo, hi = fmt_ci(d["diff_mean"][1, k], d["diff_lo"][1, k], d["diff_hi"][1, k], res.meta_of("in_need_share"))
    assert f"{mid} [{lo}, {hi}]" in html
    # Rounded to what the interval supports: two significant figures of its half-width.
    half = 100 * (d["diff_hi"][1, k] - d["diff_lo"][1, k]) / 2
    decimals = len(mid.split(" ")[0].split(".")[1]) if "." in mid else 0
    assert decimals == max(0, 1 - int(np.floor(np.log10(half))))
    assert "The summary stored in the file agrees with this recomputation" in html
    # Provenance: seeds and version of the file.
    for seed in res.seeds:
        assert str(seed) in html
    assert str(res.meta["program_version"]) in html
    # The variant's changed parameters are listed with the reference value.
    assert "helping.share_willing" in html and "0.7" in html
    # Plain-language paragraph per scenario.
    assert html.count('<p class="scenario">') == len(res.scenario_names)
    assert "Compared with &#39;baseline&#39;" in html


@pytest.fixture(scope="module")
def policy_compare(buurt, tmp_path_factory):
    """A real comparison of two policy scenarios (a common start, so it has an MKBA)."""
    out = tmp_path_factory.mktemp("policy") / "mkba.h5"
    src = analysis.__path__[0] + "/../scenarios/"
    subprocess.run([buurt, "compare", src + "baseline.toml", src + "community_managers.toml", "-r", "3", "--weeks", "60",
                    "--set", "population.residents=800", "--out", str(out), "-q"], check=True, capture_output=True)
    return out


def test_decision_page_in_both_languages_and_as_pdf(policy_compare, tmp_path):
    """The report opens with a decision page, in English or Dutch, naming the reference; --pdf renders the same."""
    from analysis.mkba import euros, read_mkba
    m = read_mkba(str(policy_compare))
    en = report.render(str(policy_compare), lang="en")
    nl = report.render(str(policy_compare), lang="nl")
    for html, words in ((en, ("Decision page", "What was compared", "What the model cannot say", "The reference is baseline.")),
                        (nl, ("Beslispagina", "Wat is vergeleken", "Wat het model niet kan zeggen", "De referentie is baseline."))):
        for w in words:
            assert w in html, w
        assert html.index('class="decision"') < html.index('id="summary"')   # the first page, before the detail
        assert euros(m["npv"][1]) in html
    # The Dutch page names outcomes by their Dutch labels from the file (Outcomes.def, label_nl), not the English ones.
    from analysis.results import CompareResult
    metas = [CompareResult(str(policy_compare)).meta_of(o) for o in ("severely_lonely_share", "in_need_share")]
    page = lambda html: html[html.index('class="decision"'):html.index('id="summary"')]
    for meta in metas:
        assert meta.label_nl and meta.label_nl != meta.label
        assert meta.label_nl in page(nl) and meta.label not in page(nl), meta.name
        assert meta.label in page(en)
    # Who is left behind: by income, by ties at the start, and the newcomers, in the page's language.
    assert "the newcomers: " in page(en) and "moved in since week 0" in page(en)
    assert "de nieuwkomers: " in page(nl) and "sinds week 0 ingetrokken" in page(nl) and "moved in since" not in page(nl)
    assert "The horizon (1.15 years) is shorter than the 10 years" in en     # 60 weeks
    assert "chance only" in en and "toeval" in nl                            # no ensemble: noise only
    out = report.write_report(str(policy_compare), str(tmp_path / "d.html"), lang="nl", pdf=True)
    pdf = (tmp_path / "d.pdf").read_bytes()
    assert out.endswith("d.html") and pdf[:5] == b"%PDF-" and len(pdf) > 20000
    with pytest.raises(ValueError, match="unknown language"):
        report.render(str(policy_compare), lang="fr")


def test_mkba_section_matches_the_file(policy_compare, tmp_path):
    """The MKBA table shows the stored NPV with its interval; the tornado is ordered widest first."""
    from analysis.mkba import euros, read_mkba, tornado_rows
    compare_file = policy_compare
    m = read_mkba(str(compare_file))
    assert m is not None and m["npv"][0] == 0.0
    html = open(report.write_report(str(compare_file), str(tmp_path / "m.html")), encoding="utf-8").read()
    assert f"<b>{euros(m['npv'][1])}</b> [{euros(m['npv_lo'][1])}, {euros(m['npv_hi'][1])}]" in html
    assert "tornado chart of community_managers" in html
    swings = [b["swing"] for b in tornado_rows(m, 1)]
    assert swings == sorted(swings, reverse=True) and swings[0] > 0
    assert "The horizon is shorter than the 10 years" in html  # the fixture runs 60 weeks
    # Costs minus benefits per replicate is what the file stores as the NPV.
    with h5py.File(compare_file) as f:
        g = f["compare/mkba"]
        assert np.allclose(g["npv"][()], g["benefits_pv"][()] - g["costs_pv"][()])


def test_price_table_lists_every_price_with_source(compare_file, tmp_path):
    html = report.render(str(compare_file))
    tab = analysis.parameter_table()
    prices = tab[[analysis.params.is_price(r) for r in tab["role"]]]
    if len(prices) == 0:
        assert "declares no prices" in html
    from analysis.formatting import cite_links
    from analysis.references import entries, plain
    refs = html[html.index('id="references"'):html.index('id="provenance"')]
    for _, p in prices.iterrows():
        assert f"<code>{p['name']}</code>" in html
        assert str(cite_links(p["source"])) in html
        # every key a price cites is listed in full in the References section, and its link points there
        for key in re.findall(r"\[([a-z][A-Za-z0-9_.-]*)\]", p["source"]):
            assert f'href="#ref-{key}"' in html and f'<li id="ref-{key}">' in refs, key
            assert str(jinja_escape(plain(entries()[key])))[:60] in refs, key


def jinja_escape(s):
    import markupsafe
    return markupsafe.escape(s)


def test_run_report_and_no_overwrite(run_file, tmp_path):
    out = tmp_path / "run.html"
    report.write_report(str(run_file), str(out))
    html = out.read_text(encoding="utf-8")
    assert "Run report: baseline" in html and len(images(html)) >= 1
    with pytest.raises(report.ReportError, match="already exists"):
        report.write_report(str(run_file), str(out))
    out.write_text("keep me")
    with pytest.raises(report.ReportError):
        report.write_report(str(run_file), str(out))
    assert out.read_text() == "keep me"
    report.write_report(str(run_file), str(out), force=True)
    assert "Run report" in out.read_text(encoding="utf-8")


def test_sweep_report_sobol(ishigami_file, tmp_path):
    html = report.render(str(ishigami_file), n_boot=100)
    for section in ("Which parameters matter for which outcome", "Sobol sensitivity indices", "Response curves",
                    "Interactions", "Regression metamodel", "Design and parameters", "Provenance"):
        assert section in html, section
    assert "Not analysed" in html and "constant" in html
    imgs = images(html)
    assert len(imgs) >= 4
    # The table carries the estimates of the file's own data (Ishigami: ST of x3 about 0.24).
    sw = analysis.load(ishigami_file)
    df = stats.sobol_from_design(sw.design().to_numpy(), sw.outcome_matrix()[:, 0], n_boot=100, names=sw.parameter_names)
    assert f'{df.loc[2, "ST"]:.3f}' in html
    # x2 and x1 matter for the Ishigami output; all three in total order.
    row = re.search(r"<tr><td class=\"l\">ishigami</td>(.*?)</tr>", html).group(1)
    assert row.count('class="matters"') == 3


def test_sweep_report_lhs_from_simulator(sim_sweep_file, tmp_path):
    out = tmp_path / "sweep.html"
    rc = subprocess.run([sys.executable, "-m", "analysis", "report", str(sim_sweep_file), "-o", str(out), "--bootstrap", "50"],
                        capture_output=True, text=True)
    assert rc.returncode == 0, rc.stderr
    html = out.read_text(encoding="utf-8")
    assert "Sweep report (lhs)" in html and "squared standardized regression coefficient" in html
    assert "helping.share_willing" in html
    assert len(images(html)) >= 3
    assert "weekly series by parameter level" in html      # the kept weekly series are drawn
    sw = analysis.load(sim_sweep_file)
    fit = stats.fit_metamodel(sw.runs()[sw.parameter_names].to_numpy(), sw.runs()["in_need_share"].to_numpy(), names=sw.parameter_names)
    assert f"{fit.r2:.3f}" in html


def test_sweep_report_morris(tmp_path):
    from analysis.tests import fixtures
    U = fixtures.morris_design(12, 3)
    y = 2 * U[:, 0] - U[:, 1] + 0.1 * U[:, 2]
    f = fixtures.write_sweep(tmp_path / "m.h5", U, ["a", "b", "c"], "morris", y[:, None], ["y"], units=["hours"])
    html = report.render(str(f), n_boot=50)
    assert "Morris elementary effects" in html
    assert "2" in re.search(r"<tr><td class=\"l\">a</td><td>([^<]*)</td>", html).group(1)
    assert len(images(html)) >= 3


def test_cli_errors(tmp_path):
    r = subprocess.run([sys.executable, "-m", "analysis", "report", str(tmp_path / "missing.h5")], capture_output=True, text=True)
    assert r.returncode == 2 and "missing.h5: no such file" in r.stderr
    bad = tmp_path / "bad.h5"
    with h5py.File(bad, "w") as f:
        f.attrs["kind"] = "compare"
    r = subprocess.run([sys.executable, "-m", "analysis", "report", str(bad)], capture_output=True, text=True)
    assert r.returncode == 2 and "bad.h5" in r.stderr and "missing" in r.stderr


def test_buurt_report_command(buurt, run_file, tmp_path):
    out = tmp_path / "via_buurt.html"
    r = subprocess.run([buurt, "report", str(run_file), "-o", str(out)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert "Run report: baseline" in out.read_text(encoding="utf-8")
    r = subprocess.run([buurt, "report", str(run_file), "-o", str(out)], capture_output=True, text=True)
    assert r.returncode == 3 and "already exists" in r.stderr
    r = subprocess.run([buurt, "report", str(tmp_path / "none.h5")], capture_output=True, text=True)
    assert r.returncode == 2 and "none.h5" in r.stderr
    junk = tmp_path / "junk.h5"
    junk.write_bytes(b"\0" * 64)
    r = subprocess.run([buurt, "report", str(junk), "-o", str(tmp_path / "junk.html")], capture_output=True, text=True)
    assert r.returncode == 2 and "not a readable HDF5" in r.stderr
    assert not (tmp_path / "junk.html").exists()


def test_tables_and_indices_commands(compare_file, ishigami_file, tmp_path):
    import pandas as pd
    d = tmp_path / "tables"
    r = subprocess.run([sys.executable, "-m", "analysis", "tables", str(compare_file), str(d)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    res = analysis.load(compare_file)
    lym = pd.read_csv(d / "last_year_mean.csv")
    np.testing.assert_allclose(lym["value"].to_numpy(), res.array("last_year_mean").reshape(-1))
    assert {"final.csv", "timeseries.csv", "by_group.csv", "summary.csv"} <= {p.name for p in d.iterdir()}
    r = subprocess.run([sys.executable, "-m", "analysis", "tables", str(compare_file), str(d)], capture_output=True, text=True)
    assert r.returncode == 3 and "not empty" in r.stderr
    r = subprocess.run([sys.executable, "-m", "analysis", "indices", str(ishigami_file), "--bootstrap", "20"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    idx = pd.read_csv(io.StringIO(r.stdout))
    assert set(idx["outcome"]) == {"ishigami", "ishigami_scaled"}       # the constant outcome is skipped
    a = idx[idx.outcome == "ishigami"]["ST"].to_numpy()
    b = idx[idx.outcome == "ishigami_scaled"]["ST"].to_numpy()
    np.testing.assert_allclose(a, b, atol=1e-9)                          # indices do not depend on scale


@pytest.mark.parametrize("name,method_heading", [("saltelli", "Sobol sensitivity indices"), ("morris", "Morris elementary effects"),
                                                 ("lhs", "Regression metamodel"), ("grid", "Regression metamodel")])
def test_report_on_real_buurt_sweep(buurt, tmp_path, name, method_heading):
    """The example sweeps of scenarios/sweeps/, run by `buurt sweep` itself, load and report."""
    from analysis.tests import fixtures
    if not fixtures.has_subcommand(buurt, "sweep"):
        pytest.skip("this buurt has no sweep command")
    definition = fixtures.REPO / "scenarios" / "sweeps" / f"{name}.toml"
    out = tmp_path / f"{name}.h5"
    r = subprocess.run([buurt, "sweep", str(definition), "--out", str(out), "--quiet", "--threads", "1"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    sw = analysis.load(out)
    assert sw.kind == "sweep" and sw.design_kind == name
    assert all(sw.units[o] for o in sw.outcomes)              # units come with the file
    html = report.render(str(out), n_boot=50)
    assert method_heading in html and "Which parameters matter" in html
    assert "not computed" not in html                           # the design's structure was recognised
    assert len(images(html)) >= 3
    for p in sw.parameter_names:
        assert p in html


def test_comparison_report_chosen_outcomes(compare_file):
    html = report.render(str(compare_file), outcomes=["informal_hours", "ties_per_resident"])
    summary = html[html.index('id="summary"'):html.index('id="time"')]
    res = analysis.load(compare_file)
    for o in ("informal_hours", "ties_per_resident"):     # the labels the file declares
        assert res.meta_of(o).label in summary
    with pytest.raises(ValueError, match="unknown outcome"):
        report.render(str(compare_file), outcomes=["no_such_outcome"])


def test_examples_are_current(buurt):
    """The example reports in docs/ were made on this model (regenerate: /usr/bin/python3 -m analysis.examples)."""
    from pathlib import Path

    from analysis.examples import fingerprint, stamped_fingerprint
    docs = Path(analysis.__path__[0]).parent / "docs"
    now = fingerprint(buurt)
    for name in ("example_report.html", "example_sweep_report.html"):
        assert stamped_fingerprint(docs / name) == now, f"docs/{name} is stale: regenerate with /usr/bin/python3 -m analysis.examples"


def test_unreliable_sobol_indices_are_flagged_not_findings():
    """S1 > ST, a negative S1 or a wide bootstrap interval marks an index as not a finding; a clean one passes."""
    from analysis.report_sweep import sobol_flag
    ok = {"S1": 0.30, "S1_lo": 0.25, "S1_hi": 0.35, "ST": 0.40, "ST_lo": 0.35, "ST_hi": 0.45}
    assert sobol_flag(ok) == ""
    assert "S1 > ST" in sobol_flag(dict(ok, S1=0.5, S1_lo=0.45, S1_hi=0.55))
    assert "negative S1" in sobol_flag(dict(ok, S1=-0.1, S1_lo=-0.15, S1_hi=-0.05))
    assert "interval wider" in sobol_flag(dict(ok, ST_lo=0.05, ST_hi=0.75))
