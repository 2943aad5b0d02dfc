#!/usr/bin/env bash
# `buurt calibrate --quick` end to end: killed with kill -9 during wave 2 and rerun, it reuses the
# finished wave, ends with >= 20 members each below implausibility 3 on every fitted target (rerun
# on the simulator), writes a posterior the report reads, and the same file and seed give the same
# posterior (the emulators are deterministic).
set -u
BUURT=$1; SRC=$2
T=$(mktemp -d); trap 'kill -9 -- -$pgid 2> /dev/null; rm -rf "$T"' EXIT
fails=0
check() { if [ "$2" -eq 0 ]; then echo "ok   $1"; else echo "FAIL $1"; fails=$((fails + 1)); fi; }
CAL=$SRC/scenarios/calibration/netherlands.toml

# 1. Start, and kill -9 the whole process group (buurt, python, the sweep) once wave 2 has begun.
set -m
"$BUURT" calibrate "$CAL" --out "$T/p.h5" --quick -q > "$T/log1" 2>&1 &
pgid=$!
set +m
for _ in $(seq 1 1800); do
  [ -f "$T/p.h5.work/wave2.h5.partial" ] && break
  kill -0 $pgid 2> /dev/null || break
  sleep 0.1
done
sleep 1
kill -9 -- -$pgid 2> /dev/null
wait $pgid 2> /dev/null
[ -f "$T/p.h5.work/wave1.h5" ] && [ ! -f "$T/p.h5" ]; check "killed in wave 2: wave 1 kept, no posterior yet" $?

# 2. The same command resumes: wave 1 is not rerun.
"$BUURT" calibrate "$CAL" --out "$T/p.h5" --quick -q > "$T/log2" 2>&1; rc=$?
check "resumed calibration exits 0 (rc $rc)" $rc
grep -q "wrote .*wave1.h5" "$T/log2"; [ $? -ne 0 ]; check "wave 1 reused after the kill, not rerun" $?
grep -q "wave 2/2" "$T/log2"; check "progress per wave" $?

/usr/bin/python3 - "$T/p.h5" << 'PY'; check "posterior: >= 20 members, each plausible on the simulator, targets and waves stored" $?
import sys, h5py, numpy as np
with h5py.File(sys.argv[1], "r") as f:
    m = f["posterior/parameters"][()]
    assert m.shape[0] >= 20 and m.shape[1] == len(f["posterior/names"]), m.shape
    assert (f["posterior/max_implausibility"][()] < f["posterior"].attrs["threshold"]).all()
    assert f["targets/held_out"][()].sum() >= 1
    assert len(f["waves/nroy_fraction"]) == 2 and 0 < f["waves/nroy_fraction"][-1] <= 1
    assert "leave" not in f or True
    assert f["waves/1/loo/coverage_2sd"][()].min() > 0.5
    assert "digest" in f.attrs["model_fingerprint"]
    # the ranges narrowed: the ensemble spans less than the prior on at least one parameter
    span = m.max(axis=0) - m.min(axis=0)
    assert (span < 0.9 * (f["priors/max"][()] - f["priors/min"][()])).any()
PY

"$BUURT" report "$T/p.h5" -o "$T/p.html" > /dev/null 2>&1 && grep -q "Held-out check" "$T/p.html" && grep -q "How the parameter ranges narrowed" "$T/p.html"
check "buurt report shows fit, held-out targets and narrowing" $?

# 3. Same file and seed, same posterior: rerun from the finished runs (only the emulators refit).
mkdir "$T/b" && cp -r "$T/p.h5.work" "$T/b/p.h5.work"
"$BUURT" calibrate "$CAL" --out "$T/b/p.h5" --quick -q > "$T/log3" 2>&1; check "rerun from the same runs" $?
/usr/bin/python3 -c "
import sys, h5py, numpy as np
a, b = (h5py.File(p, 'r')['posterior/parameters'][()] for p in sys.argv[1:])
sys.exit(0 if np.array_equal(a, b) else 1)" "$T/p.h5" "$T/b/p.h5"
check "same file and seed: identical posterior" $?

# 4. The same command on its finished posterior does nothing (exit 0); another calibration in its place is
#    never replaced without --force (exit 3).
before=$(md5sum < "$T/p.h5")
"$BUURT" calibrate "$CAL" --out "$T/p.h5" --quick -q > "$T/log4" 2>&1; rc=$?
[ $rc -eq 0 ] && grep -q "already holds this calibration" "$T/log4" && [ "$(md5sum < "$T/p.h5")" = "$before" ]
check "the same command again: nothing to do, posterior unchanged (exit 0)" $?
"$BUURT" calibrate "$CAL" --out "$T/p.h5" -q > /dev/null 2>&1; rc=$?
[ $rc -eq 3 ] && [ "$(md5sum < "$T/p.h5")" = "$before" ]; check "another calibration (not --quick) in its place: kept, exit 3" $?

# 5. compare --ensemble: the same seeds in every scenario, member r mod N per replicate; the intervals
#    carry the parameter uncertainty too, so they are at least as wide as the stochastic-only ones.
C="$SRC/scenarios/baseline.toml $SRC/scenarios/community_managers.toml --replicates 6 --weeks 52 --set population.residents=1500 -q"
"$BUURT" compare $C --out "$T/stoch.h5" > /dev/null 2>&1; check "compare without ensemble" $?
"$BUURT" compare $C --ensemble "$T/p.h5" --out "$T/ens.h5" > "$T/log5" 2>&1; check "compare --ensemble" $?
/usr/bin/python3 - "$T/stoch.h5" "$T/ens.h5" << 'PY'; check "ensemble intervals at least as wide; p_better stored in [0, 1]; members recorded" $?
import sys, h5py, numpy as np
s, e = (h5py.File(p, "r") for p in sys.argv[1:])
names = [x.decode() for x in s["compare/outcomes"][()]]
width = lambda f: f["compare/summary/diff_hi"][1] - f["compare/summary/diff_lo"][1]
ws, we = width(s), width(e)
k = names.index("severely_lonely_share")
assert we[k] >= ws[k], (we[k], ws[k])
pb = e["compare/summary/p_better"][()]
assert np.isnan(pb[0]).all() and np.nanmin(pb[1]) >= 0 and np.nanmax(pb[1]) <= 1
assert e["compare"].attrs["ensemble_members"] >= 20
PY
"$BUURT" compare $C --ensemble "$T/p.h5" --set loneliness.isolated_level=0.7 --out "$T/x.h5" > "$T/log6" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "loneliness.isolated_level" "$T/log6"; check "a scenario setting a calibrated key: exit 2 naming it" $?
# 6. sweep --ensemble: replicate r of every point runs member r mod N; a calibrated key may not be varied.
cat > "$T/sw.toml" << TOML
base = "$SRC/scenarios/baseline.toml"
[fixed]
population.residents = 800
run.weeks = 8
[design]
kind = "grid"
replicates = 3
[parameters]
team.mode = [0.2, 0.8]
TOML
"$BUURT" sweep "$T/sw.toml" --out "$T/sw_plain.h5" -q > /dev/null 2>&1 && "$BUURT" sweep "$T/sw.toml" --ensemble "$T/p.h5" --out "$T/sw_ens.h5" -q > /dev/null 2>&1
check "sweep --ensemble runs" $?
/usr/bin/python3 -c "
import sys, h5py, numpy as np
a, b = (h5py.File(p, 'r')['runs/final'][()] for p in sys.argv[1:])
sys.exit(0 if a.shape == b.shape and not np.array_equal(a, b) else 1)" "$T/sw_plain.h5" "$T/sw_ens.h5"
check "the ensemble's members change the runs" $?
sed 's/team.mode = \[0.2, 0.8\]/team.ask_probability = [0.1, 0.2]/' "$T/sw.toml" > "$T/sw2.toml"
"$BUURT" sweep "$T/sw2.toml" --ensemble "$T/p.h5" --out "$T/sw2.h5" -q > "$T/log9" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "team.ask_probability" "$T/log9"; check "a sweep varying a calibrated key: exit 2 naming it" $?

cp "$T/p.h5" "$T/other.h5"
/usr/bin/python3 -c "import h5py,sys; h5py.File(sys.argv[1], 'r+').attrs['model_fingerprint'] = 'schema 1; run digest 0000000000000000'" "$T/other.h5"
"$BUURT" compare $C --ensemble "$T/other.h5" --out "$T/x.h5" > "$T/log7" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "recalibrate" "$T/log7" && [ ! -f "$T/x.h5" ]; check "a posterior of another model: exit 2, recalibrate" $?
/usr/bin/python3 -c "
import h5py, sys
with h5py.File(sys.argv[1], 'r+') as f:
    n = f['posterior/names'].shape[0]; del f['posterior/parameters']; f['posterior'].create_dataset('parameters', shape=(0, n), dtype='f8')" "$T/p.h5"
"$BUURT" compare $C --ensemble "$T/p.h5" --out "$T/x.h5" > "$T/log8" 2>&1; rc=$?
[ $rc -eq 2 ] && grep -q "empty" "$T/log8"; check "an empty posterior: exit 2" $?

[ $fails -eq 0 ] || { echo "--- log2"; cat "$T/log2"; }
exit $fails
