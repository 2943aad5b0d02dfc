"""Self-contained HTML reports: a comparison report (runs and comparisons) and a sweep report.

Images are embedded as base64 PNG; the file can be mailed or opened offline. The content lives in
report_compare (runs and comparisons) and report_sweep; number formats in formatting; which outcomes
lead in headlines (the headline ranks each result file declares).
"""
from __future__ import annotations

import os
from pathlib import Path

from .fileio import replaced_atomically
from .formatting import TEMPLATES, env as _env, fmt_pct, fmt_rel, fmt_unit, fmt_value, fmt_with_unit
from .headlines import LEGACY_HEADLINES, headline_order, pick_outcomes
from .report_compare import comparison_context, scenario_paragraphs
from .report_sweep import MATTER_THRESHOLD, MORRIS_THRESHOLD, sweep_context
from .results import SweepResult, load


__all__ = ["render", "write_report", "ReportError", "comparison_context", "sweep_context", "scenario_paragraphs",
           "pick_outcomes", "headline_order", "LEGACY_HEADLINES", "fmt_value", "fmt_with_unit", "fmt_unit", "fmt_rel",
           "fmt_pct", "TEMPLATES", "MATTER_THRESHOLD", "MORRIS_THRESHOLD"]


class ReportError(Exception):
    """The report cannot be written (it exists without force, or its directory is missing)."""


# ---------------------------------------------------------------- entry points

def render(path: str, outcomes: list[str] | None = None, n_boot: int = 500, lang: str = "en") -> str:
    """The report for any result file, as an HTML string."""
    import h5py
    try:
        with h5py.File(path, "r") as f:
            is_posterior = f.attrs.get("kind", b"") in ("posterior", b"posterior")
    except OSError:
        is_posterior = False  # load() below names the problem
    if is_posterior:
        from .report_posterior import render_posterior
        return render_posterior(path, os.path.basename(path))
    res = load(path)
    env = _env()
    name = os.path.basename(path)
    if isinstance(res, SweepResult):
        return env.get_template("sweep.html").render(**sweep_context(res, outcomes, n_boot=n_boot, source_name=name))
    return env.get_template("compare.html").render(**comparison_context(res, source_name=name, outcomes=outcomes, lang=lang))


def write_report(path: str, out: str | None = None, force: bool = False, outcomes: list[str] | None = None,
                 n_boot: int = 500, lang: str = "en", pdf: bool = False) -> str:
    """Render the report for ``path`` and write it atomically to ``out`` (default: FILE.html).

    An existing report is never replaced without ``force``. With ``pdf`` the same document is also written
    as FILE.pdf (Debian's weasyprint renders the HTML).
    """
    pdf_out = str(Path(out or str(Path(path).with_suffix(".html"))).with_suffix(".pdf")) if pdf else None
    if pdf:
        try:
            import weasyprint  # noqa: F401
        except ImportError as e:
            raise ReportError("--pdf needs weasyprint (Debian package weasyprint; scripts/setup.sh installs it)") from e
        if os.path.exists(pdf_out) and not force:
            raise ReportError(f"'{pdf_out}' already exists; choose another -o or pass --force to replace it")
    out = out or str(Path(path).with_suffix(".html"))
    if os.path.exists(out) and not force:
        raise ReportError(f"'{out}' already exists; choose another -o or pass --force to replace it")
    d = os.path.dirname(os.path.abspath(out))
    if not os.path.isdir(d):
        raise ReportError(f"output directory '{d}' does not exist")
    text = render(path, outcomes=outcomes, n_boot=n_boot, lang=lang)
    with replaced_atomically(out) as tmp:
        with open(tmp, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
    if pdf:
        import weasyprint
        with replaced_atomically(pdf_out) as tmp:
            weasyprint.HTML(string=text, base_url=os.path.dirname(os.path.abspath(out))).write_pdf(tmp)
    return out
