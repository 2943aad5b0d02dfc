"""The simulator: a wave's design run through `buurt sweep` (points design), each wave a resumable sweep file."""
from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path
from typing import Callable

import numpy as np

from .loader import Calibration, CalibrationError


Simulator = Callable[[str, np.ndarray, int], dict[str, np.ndarray]]
"""simulate(label, design [points x parameters, parameter units], replicates) -> {target: [points x replicates]}."""


class BuurtSimulator:
    """Runs a design through `buurt sweep` (points design); each wave is a resumable sweep file in ``workdir``."""

    def __init__(self, cal: Calibration, workdir: Path, exe: str, threads: int | None = None,
                 launcher: str = "", quiet: bool = False, log=print):
        self.cal, self.workdir, self.exe = cal, workdir, exe
        self.threads, self.launcher, self.quiet, self.log = threads, launcher, quiet, log
        self.runs_done = 0

    def sweep_text(self, label: str, design: np.ndarray, replicates: int) -> str:
        def val(v):
            if isinstance(v, bool):
                return "true" if v else "false"
            if isinstance(v, str):
                return json.dumps(v)
            return repr(v)
        lines = [f"# {self.cal.name} calibration, {label}: written by `buurt calibrate` (do not edit: the sweep resumes from it)",
                 f'name = "{self.cal.name}_{label}"', f"base = {json.dumps(str(self.cal.base))}", "", "[fixed]"]
        lines += [f"{k} = {val(v)}" for k, v in self.cal.fixed.items()]
        lines += ["", "[design]", 'kind = "points"', f"replicates = {replicates}", f"seed = {self.cal.settings.seed}", "", "[parameters]"]
        for j, p in enumerate(self.cal.priors):
            col = design[:, j]
            vals = [str(int(round(v))) for v in col] if p.integer else [repr(float(v)) for v in col]
            lines.append(f"{p.name} = [{', '.join(vals)}]")
        outs = sorted({t.outcome for t in self.cal.targets})
        lines += ["", "[outcomes]", f"final = {json.dumps(outs)}", f"timeseries = {json.dumps(outs)}", ""]
        return "\n".join(lines)

    def __call__(self, label: str, design: np.ndarray, replicates: int) -> dict[str, np.ndarray]:
        from ..results import SweepResult
        toml_path = self.workdir / f"{label}.toml"
        out = self.workdir / f"{label}.h5"
        text = self.sweep_text(label, design, replicates)
        if toml_path.exists() and toml_path.read_text(encoding="utf-8") != text:
            raise CalibrationError(str(toml_path), 0, "", f"the working directory {self.workdir} holds a different {label}: "
                                   "it belongs to another calibration file, seed or --quick; pass --force to start over")
        if not out.exists():
            if not toml_path.exists():
                toml_path.write_text(text, encoding="utf-8")
            cmd = shlex.split(self.launcher) + [self.exe, "sweep", str(toml_path), "--out", str(out)]
            if Path(str(out) + ".partial").exists():
                cmd.append("--resume")
            if self.threads:
                cmd += ["--threads", str(self.threads)]
            if self.quiet:
                cmd.append("--quiet")
            rc = subprocess.call(cmd)
            if rc == 130 or rc == -2:
                raise KeyboardInterrupt
            if rc != 0:
                raise RuntimeError(f"`{' '.join(cmd)}` failed with exit code {rc}")
        res = SweepResult(out)
        n, R = len(design), replicates
        if not np.allclose(res.design().to_numpy(), design, rtol=1e-12, atol=0):
            raise CalibrationError(str(out), 0, "", f"holds another design than {label}; pass --force to start over")
        order = np.lexsort((res.replicate, res.point))
        result = {}
        for t in self.cal.targets:
            ts = res.timeseries_array(t.outcome)[order]
            W = ts.shape[1] - 1
            if t.window[1] > W:
                raise CalibrationError(self.cal.path, t.line, f"targets.{t.name}.window",
                                       f"window ends at week {t.window[1]} but runs last {W} weeks (run.weeks in [fixed])")
            result[t.name] = ts[:, t.window[0] + 1:t.window[1] + 1].mean(axis=1).reshape(n, R)
        self.runs_done += n * R
        return result
