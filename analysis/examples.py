"""Rebuild the example reports in docs/ from real simulator runs:

    /usr/bin/python3 -m analysis.examples --buurt build/release/buurt [--out docs]

Comparison: baseline vs docs/example_facilitating.toml vs docs/example_community.toml, 8 paired
replicates, full neighbourhood (6,500 residents), 520 weeks (the MKBA's 10-year horizon). Uses `buurt compare` when the binary
has it, else runs `buurt run` per scenario and replicate and assembles the comparison layout.
Sweep: docs/example_sweep.toml run by `buurt sweep` (a Saltelli design over three team and helping
parameters, 256 base samples = 1,280 runs, 2,000 residents, 104 weeks); a binary without the sweep
command gets the same design assembled from `buurt run`s.
Writes example_report.html, example_sweep_report.html and img/report_page1.png,
img/report_sweep_page1.png (headless Chromium, when installed). Each report carries the model's fingerprint
(`buurt fingerprint`) in a <meta name="buurt-model-fingerprint"> tag and its provenance; the test
`test_examples_are_current` fails when the examples were made on another model.
"""
from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from .report import write_report
from .tests import fixtures

REPO = Path(__file__).resolve().parent.parent


def screenshot(html: Path, png: Path, height: int = 2000) -> bool:
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if exe is None:
        return first_page_png(html, png)
    png.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run([exe, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", f"--screenshot={png}",
                    f"--window-size=1280,{height}", html.resolve().as_uri()], check=True, capture_output=True, timeout=180)
    return True


def first_page_png(html: Path, png: Path) -> bool:
    """The first page of the report as PNG without a browser: weasyprint renders the PDF, pdftoppm the page."""
    if shutil.which("pdftoppm") is None:
        print("neither chromium nor pdftoppm installed: no PNG of the first page")
        return False
    try:
        import weasyprint
    except ImportError:
        print("weasyprint not installed: no PNG of the first page")
        return False
    png.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as t:
        pdf = Path(t) / "page.pdf"
        weasyprint.HTML(filename=str(html)).write_pdf(str(pdf))
        subprocess.run(["pdftoppm", "-png", "-r", "90", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(png.with_suffix(""))],
                       check=True, capture_output=True, timeout=180)
    print("wrote", png)
    return True


FINGERPRINT_TAG = "buurt-model-fingerprint"


def fingerprint(exe: str) -> str:
    """The model's fingerprint: schema version and a digest of a short reference run (`buurt fingerprint`)."""
    return subprocess.run([exe, "fingerprint"], check=True, capture_output=True, text=True).stdout.strip()


def stamp(html: Path, fp: str) -> None:
    """Put the model's fingerprint into a report: a meta tag and a visible line at the end."""
    text = html.read_text(encoding="utf-8")
    text = text.replace("<head>", f'<head>\n<meta name="{FINGERPRINT_TAG}" content="{fp}">', 1)
    text = text.replace("</body>", f'<p class="note">Example made on the model with fingerprint <code>{fp}</code> '
                                    "by <code>/usr/bin/python3 -m analysis.examples</code>.</p>\n</body>", 1)
    html.write_text(text, encoding="utf-8")


def stamped_fingerprint(html: Path) -> str | None:
    """The fingerprint a report was stamped with, or None."""
    import re
    m = re.search(rf'<meta name="{FINGERPRINT_TAG}" content="([^"]*)">', html.read_text(encoding="utf-8"))
    return m.group(1) if m else None


def build_compare(exe: str, tmp: Path, out: Path, replicates: int, weeks: int, residents: int, seed: int) -> Path:
    scen = [fixtures.BASELINE, REPO / "docs" / "example_facilitating.toml", REPO / "docs" / "example_community.toml"]
    if fixtures.has_subcommand(exe, "compare"):
        cmd = [exe, "compare", *map(str, scen), "--replicates", str(replicates), "--weeks", str(weeks), "--seed", str(seed),
               "--set", f"population.residents={residents}", "--out", str(out), "--quiet"]
        r = subprocess.run(cmd, capture_output=True, text=True)
        if r.returncode == 0:
            print("built with:", " ".join(cmd))
            return out
        print(f"`buurt compare` failed ({r.stderr.strip()[:200]}); assembling from `buurt run`")
    seeds = [seed + r for r in range(replicates)]
    files, names = [], []
    for s, sc in enumerate(scen):
        row = []
        for r in range(replicates):
            row.append(fixtures.run_sim(exe, tmp / f"s{s}_r{r}.h5", sc, seed=seeds[r], weeks=weeks, residents=residents))
        files.append(row)
        import h5py
        with h5py.File(row[0], "r") as h:
            v = h["meta/scenario_name"][()]
            names.append(v.decode() if isinstance(v, bytes) else str(v))
    cmd = (f"for each scenario and r in 0..{replicates - 1}: buurt run SCENARIO --seed {seed}+r --weeks {weeks} "
           f"--set population.residents={residents}; assembled by analysis/examples.py")
    return fixtures.assemble_compare(files, names, seeds, weeks, out, command=cmd)


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python3 -m analysis.examples", description=__doc__.splitlines()[0])
    p.add_argument("--buurt", default=str(REPO / "build" / "release" / "buurt"))
    p.add_argument("--out", default=str(REPO / "docs"))
    p.add_argument("--replicates", type=int, default=8)
    p.add_argument("--weeks", type=int, default=520)
    p.add_argument("--residents", type=int, default=6500)
    p.add_argument("--base-samples", type=int, default=256)
    a = p.parse_args(argv)
    out = Path(a.out)
    with tempfile.TemporaryDirectory(prefix="buurt-examples-") as t:
        tmp = Path(t)
        cmp = build_compare(a.buurt, tmp, tmp / "example_compare.h5", a.replicates, a.weeks, a.residents, 20261123)
        fp = fingerprint(a.buurt)
        html = Path(write_report(str(cmp), str(out / "example_report.html"), force=True))
        stamp(html, fp)
        print("wrote", html)
        screenshot(html, out / "img" / "report_page1.png")
        sw = tmp / "example_sweep.h5"
        if fixtures.has_subcommand(a.buurt, "sweep"):
            cmd = [a.buurt, "sweep", str(REPO / "docs" / "example_sweep.toml"), "--out", str(sw), "--quiet"]
            subprocess.run(cmd, check=True)
            print("built with:", " ".join(cmd))
        else:
            sw = fixtures.make_sim_sweep(a.buurt, tmp, sw, points=a.base_samples, replicates=1, weeks=104, residents=2000,
                                         seed=7, kind="saltelli", names=["team.mode", "team.fte_per_1000", "helping.share_willing"],
                                         lo=[0.0, 2.0, 0.3], hi=[1.0, 10.0, 0.6])
        html = Path(write_report(str(sw), str(out / "example_sweep_report.html"), force=True))
        stamp(html, fp)
        print("wrote", html)
        screenshot(html, out / "img" / "report_sweep_page1.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
