"""The posterior file (docs/output.md) and what identifies it: the model fingerprint and the calibration digest."""
from __future__ import annotations

import dataclasses
import datetime as _dt
import json
import math
import subprocess
from pathlib import Path

import numpy as np

from .history import Posterior


def model_fingerprint(exe: str) -> str:
    """`buurt fingerprint`: the schema version and a digest of a short reference run. `buurt compare --ensemble`
    recomputes it and refuses a posterior made on another model."""
    r = subprocess.run([exe, "fingerprint"], capture_output=True, text=True)
    if r.returncode != 0 or not r.stdout.strip():
        raise RuntimeError(f"`{exe} fingerprint` failed: {r.stderr.strip()}")
    return r.stdout.strip()


def calibration_digest(file: str, quick: bool, drop: list[str] | None, fingerprint: str) -> str:
    """What makes a posterior the answer to one command: the calibration file's bytes, --quick, --drop and the model."""
    import hashlib
    h = hashlib.sha256(Path(file).read_bytes())
    h.update(f"\0quick={int(bool(quick))}\0drop={','.join(sorted(drop or []))}\0model={fingerprint}".encode())
    return h.hexdigest()[:16]


def finished_digest(out: str) -> str:
    """The calibration digest stored in an existing posterior ("" if none or not readable)."""
    try:
        import h5py
        with h5py.File(out, "r") as f:
            return str(f.attrs.get("calibration_digest", "")) if f.attrs.get("kind", "") == "posterior" else ""
    except (OSError, ValueError):
        return ""


def write_posterior(post: Posterior, out: str, fingerprint: str, command: str, digest: str = "") -> None:
    import h5py
    cal = post.cal
    from ..fileio import replaced_atomically
    strs = h5py.string_dtype()
    fitted = [t.name for t in cal.fitted]
    with replaced_atomically(out) as tmp:
        with h5py.File(tmp, "w") as f:
            f.attrs["kind"] = "posterior"
            f.attrs["method"] = "history matching"
            f.attrs["model_fingerprint"] = fingerprint
            if digest:
                f.attrs["calibration_digest"] = digest
            g = f.create_group("posterior")
            g.create_dataset("parameters", data=post.members)
            g.create_dataset("names", data=[p.name for p in cal.priors], dtype=strs)
            g.create_dataset("implausibility", data=post.member_implausibility)
            g["implausibility"].attrs["targets"] = fitted
            g.create_dataset("max_implausibility", data=post.member_implausibility.max(axis=1))
            g.attrs["members"] = len(post.members)
            g.attrs["threshold"] = cal.settings.threshold
            pr = f.create_group("priors")
            pr.create_dataset("names", data=[p.name for p in cal.priors], dtype=strs)
            pr.create_dataset("min", data=[p.min for p in cal.priors])
            pr.create_dataset("max", data=[p.max for p in cal.priors])
            pr.create_dataset("source", data=[p.source for p in cal.priors], dtype=strs)
            tg = f.create_group("targets")
            T = cal.targets
            tg.create_dataset("name", data=[t.name for t in T], dtype=strs)
            tg.create_dataset("outcome", data=[t.outcome for t in T], dtype=strs)
            tg.create_dataset("observed", data=[t.observed for t in T])
            tg.create_dataset("uncertainty", data=[t.sd for t in T])
            tg.create_dataset("discrepancy", data=[t.discrepancy for t in T])
            tg.create_dataset("stochastic_sd", data=[math.sqrt(post.stoch_var[t.name]) for t in T])
            tg.create_dataset("window", data=np.array([t.window for t in T], dtype=np.int64))
            tg.create_dataset("held_out", data=np.array([t.held_out for t in T], dtype=np.int8))
            tg.create_dataset("bound", data=[t.bound for t in T], dtype=strs)
            tg.create_dataset("dropped", data=np.array([t.name in post.dropped for t in T], dtype=np.int8))
            tg.create_dataset("source", data=[t.source for t in T], dtype=strs)
            # model mean and spread per wave (over the wave's design points) and over the ensemble (last row)
            mean = np.array([[w.outputs[t.name].mean() for t in T] for w in post.waves] + [[post.member_outputs[t.name].mean() for t in T]])
            spread = np.array([[w.outputs[t.name].mean(axis=1).std() for t in T] for w in post.waves]
                              + [[post.member_outputs[t.name].mean(axis=1).std() for t in T]])
            lo = np.array([np.percentile(post.member_outputs[t.name].mean(axis=1), 2.5) for t in T])
            hi = np.array([np.percentile(post.member_outputs[t.name].mean(axis=1), 97.5) for t in T])
            tg.create_dataset("model_mean", data=mean)
            tg.create_dataset("model_sd", data=spread)
            tg["model_mean"].attrs["rows"] = [f"wave {w.index}" for w in post.waves] + ["ensemble"]
            tg.create_dataset("ensemble_low", data=lo)
            tg.create_dataset("ensemble_high", data=hi)
            tg.create_dataset("ensemble_outputs", data=np.column_stack([post.member_outputs[t.name].mean(axis=1) for t in T]))
            wg = f.create_group("waves")
            wg.create_dataset("nroy_fraction", data=[w.nroy_fraction for w in post.waves])
            wg.create_dataset("points", data=[len(w.design) for w in post.waves])
            for w in post.waves:
                h = wg.create_group(str(w.index))
                h.create_dataset("design", data=w.design)
                h.create_dataset("outputs", data=np.column_stack([w.outputs[t.name].mean(axis=1) for t in T]))
                h.create_dataset("box_min", data=w.box_min)
                h.create_dataset("box_max", data=w.box_max)
                h.attrs["nroy_fraction"] = w.nroy_fraction
                lg = h.create_group("loo")
                lg.create_dataset("targets", data=list(w.loo), dtype=strs)
                for key in ("coverage_2sd", "rmse", "max_abs_z"):
                    lg.create_dataset(key, data=[w.loo[n][key] for n in w.loo])
            ck = f.create_group("check")
            ck.create_dataset("design", data=post.check_design)
            ck.create_dataset("outputs", data=np.column_stack([post.check_outputs[t.name].mean(axis=1) for t in T]))
            ck.create_dataset("accepted", data=post.check_ok.astype(np.int8))
            pv = f.create_group("provenance")
            pv.attrs["calibration_file"] = cal.path
            pv.attrs["calibration_text"] = cal.text
            pv.attrs["base_scenario"] = str(cal.base)
            pv.attrs["fixed"] = json.dumps(cal.fixed)
            pv.attrs["settings"] = json.dumps(dataclasses.asdict(cal.settings))
            pv.attrs["quick"] = int(post.quick)
            pv.attrs["dropped"] = json.dumps(post.dropped)
            pv.attrs["command"] = command
            pv.attrs["created"] = _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            pv.attrs["elapsed_s"] = post.elapsed_s
