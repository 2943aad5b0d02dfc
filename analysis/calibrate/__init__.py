"""History matching of the model against reference figures (`buurt calibrate FILE --out posterior.h5`).

The method (Vernon, Goldstein & Bower 2010; Andrianakis et al. 2015), in waves:

1. a design of points in the space not yet ruled out (wave 1: a Latin hypercube of the priors),
2. the simulator run at every point with replicates (`buurt sweep` with an explicit `points` design:
   resumable after a crash, spread over MPI ranks with ``--launcher``),
3. one Gaussian-process emulator per fitted target (scikit-learn, fixed ``random_state``) of the
   target's window mean, with leave-one-out diagnostics,
4. the implausibility of a candidate x for target t,
       I_t(x) = |z_t - E[f_t(x)]| / sqrt(V_obs,t + V_disc,t + V_stoch,t / R + V_em,t(x)),
   and x stays "not ruled out yet" (NROY) when max_t I_t(x) < threshold (3, Pukelsheim's 3-sigma rule),
5. the next wave's design drawn from the NROY space of every wave so far.

After the last wave, candidates from the final NROY space are rerun on the simulator (not the
emulator); the members whose simulated implausibility is below the threshold on every fitted target
form the posterior ensemble. Targets flagged ``held_out`` are never fitted: they are reported as an
out-of-sample check.

The driver is deterministic: designs come from numpy generators seeded by (design.seed, wave), the
emulators from a fixed ``random_state``, BLAS runs single-threaded (``OPENBLAS_NUM_THREADS=1``, set by
`buurt calibrate`), so the same file and seed give the same posterior.

The package along those steps: ``loader`` (the calibration file), ``emulator`` (designs and emulators),
``simulator`` (`buurt sweep`), ``history`` (the waves), ``writer`` (the posterior file) and ``command``
(`python3 -m analysis calibrate`).
"""
from .emulator import Emulator, implausibility, latin_hypercube, loo_diagnostics, maximin_subset
from .history import NothingPlausible, Posterior, Wave, history_match
from .loader import (BOUNDS, THRESHOLD, Calibration, CalibrationError, Prior, Settings, Target, distance, known_outcomes,
                     load_calibration)
from .simulator import BuurtSimulator, Simulator
from .writer import calibration_digest, finished_digest, model_fingerprint, write_posterior
from .command import estimate_seconds, run_command, summary_text

__all__ = ["BOUNDS", "THRESHOLD", "BuurtSimulator", "Calibration", "CalibrationError", "Emulator", "NothingPlausible",
           "Posterior", "Prior", "Settings", "Simulator", "Target", "Wave", "calibration_digest", "distance",
           "estimate_seconds", "finished_digest", "history_match", "implausibility", "known_outcomes", "latin_hypercube",
           "load_calibration", "loo_diagnostics", "maximin_subset", "model_fingerprint", "run_command", "summary_text",
           "write_posterior"]
