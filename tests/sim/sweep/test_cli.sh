#!/usr/bin/env bash
# `buurt sweep` / `buurt merge` end to end: every example sweep runs, exit codes, messages, status.
set -u
BUURT=$1; SRC=$2
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/common.sh"
for f in "$SRC"/scenarios/sweeps/*.toml; do
  n=$(basename "$f" .toml)
  "$BUURT" sweep "$f" --out "$T/$n.h5" > "$T/$n.out" 2> "$T/$n.err"; check "example $n runs" $?
  expect=$(/usr/bin/python3 -c "import h5py,sys; f=h5py.File(sys.argv[1],'r'); print(f['sweep/points'][()]*f['sweep/replicates'][()])" "$T/$n.h5")
  [ "$(runs_in "$T/$n.h5")" = "$expect" ]; check "example $n: points x replicates = $expect runs" $?
done
grep -q "runs/s" "$T/grid.err" && grep -q "ETA" "$T/grid.err"; check "progress shows runs/s and ETA" $?
"$BUURT" sweep --status "$T/grid.h5" > "$T/status.txt"; check "--status of a finished file" $?
grep -q "complete: 18 runs" "$T/status.txt"; check "--status says complete" $?

printf 'base = "%s/scenarios/baseline.toml"\n[design]\nkind = "grid"\n[parameters]\nhelping.share_wiling = [0.2]\n' "$SRC" > "$T/bad.toml"
"$BUURT" sweep "$T/bad.toml" --out "$T/bad.h5" 2> "$T/err.txt"; rc=$?
[ $rc -eq 2 ]; check "bad sweep file exits 2 (got $rc)" $?
grep -q "bad.toml:5:9: key 'helping.share_wiling': unknown parameter; did you mean 'helping.share_willing'?" "$T/err.txt"; check "error names file:line:col, key and a hint" $?
[ ! -e "$T/bad.h5" ] && [ ! -e "$T/bad.h5.partial" ]; check "no file left after bad input" $?

echo precious > "$T/exists.h5"; sum=$(md5sum < "$T/exists.h5")
"$BUURT" sweep "$SRC/scenarios/sweeps/grid.toml" --out "$T/exists.h5" -q 2> "$T/err.txt"; rc=$?
[ $rc -eq 3 ] && grep -q "already exists" "$T/err.txt"; check "existing result refused, exit 3 (got $rc)" $?
[ "$(md5sum < "$T/exists.h5")" = "$sum" ]; check "existing file untouched" $?
"$BUURT" sweep "$SRC/scenarios/sweeps/grid.toml" --resume --force 2> /dev/null; [ $? -eq 2 ]; check "--resume with --force is a usage error" $?
"$BUURT" sweep 2> /dev/null; [ $? -eq 2 ]; check "no sweep file is a usage error" $?
"$BUURT" sweep "$SRC/scenarios/sweeps/grid.toml" --shard 3/3 2> "$T/err.txt"; [ $? -eq 2 ] && grep -q "0 <= I < N" "$T/err.txt"; check "bad --shard exits 2" $?
"$BUURT" sweep "$SRC/scenarios/sweeps/grid.toml" --target-ci in_need=0.1 2> "$T/err.txt"; [ $? -eq 2 ] && grep -q "did you mean 'in_need_share'" "$T/err.txt"; check "bad --target-ci exits 2 with a hint" $?
"$BUURT" sweep --status "$T/nothing.h5" 2> /dev/null; [ $? -eq 2 ]; check "--status of a missing file is bad input, exit 2" $?
"$BUURT" merge "$T/grid.h5" --out "$T/m.h5" 2> "$T/err.txt"; [ $? -eq 2 ] && grep -q "not a shard" "$T/err.txt"; check "merge of a non-shard is bad input, exit 2" $?
"$BUURT" merge "$T/s_missing_0.h5" "$T/s_missing_1.h5" --out "$T/m.h5" 2> "$T/err.txt"; [ $? -eq 2 ]; check "merge of shards that are not there is bad input, exit 2" $?
"$BUURT" sweep "$SRC/scenarios/sweeps/grid.toml" --out "$T/never.h5" --resume 2> "$T/err.txt"; [ $? -eq 0 ] && grep -q "no working file" "$T/err.txt" && [ -e "$T/never.h5" ] && [ ! -e "$T/never.h5.partial" ]
check "--resume without a working file for that --out says so and starts the sweep (job scripts pass --resume from the first try)" $?
"$BUURT" sweep "$SRC/scenarios/sweeps/grid.toml" --out "$T/grid.h5" --resume > "$T/out.txt" 2>&1; [ $? -eq 0 ] && grep -q "already complete" "$T/out.txt"; check "--resume of a finished sweep: nothing to do" $?
# A sweep over policy keys only burns in one neighbourhood per replicate and shares it; each run is
# still the run `buurt run` makes with the same keys and seed (replicate 0 = run 0).
cat > "$T/pol.toml" << TOML
base = "$SRC/scenarios/baseline.toml"
[fixed]
population.residents = 600
run = { weeks = 6, burn_in = 20 }
[design]
kind = "grid"
replicates = 2
seed = 31
[parameters]
team.mode = [0.1, 0.9]
[outcomes]
final = "all"
TOML
"$BUURT" sweep "$T/pol.toml" --out "$T/pol.h5" 2> "$T/pol.err" > /dev/null; check "policy sweep runs" $?
grep -q "2 burned-in neighbourhood(s), one per replicate" "$T/pol.err"; check "policy-only points share each replicate's burn-in" $?
"$BUURT" run "$SRC/scenarios/baseline.toml" --set population.residents=600 --set run.burn_in=20 --weeks 6 --seed 31 --set team.mode=0.9 --out "$T/pol_run.h5" -q > /dev/null 2>&1
/usr/bin/python3 - "$T/pol.h5" "$T/pol_run.h5" << 'PY'; check "a shared-burn-in run equals buurt run with the same keys and seed" $?
import sys, h5py, numpy as np
f, g = h5py.File(sys.argv[1], "r"), h5py.File(sys.argv[2], "r")
names = [x.decode() for x in f["runs/outcome_names"][()]]
row = f["runs/final"][()][(f["runs/point"][()] == 1) & (f["runs/replicate"][()] == 0)][0]
ts = g["timeseries"]
same = [np.array_equal(ts[n][-1], row[i], equal_nan=True) for i, n in enumerate(names) if n in ts]
sys.exit(0 if len(same) > 50 and all(same) else 1)
PY
exit $fail
