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
"$BUURT" sweep "$SRC/scenarios/sweeps/grid.toml" --target-ci unmet_need=0.1 2> "$T/err.txt"; [ $? -eq 2 ] && grep -q "did you mean 'unmet_need_share'" "$T/err.txt"; check "bad --target-ci exits 2 with a hint" $?
"$BUURT" sweep --status "$T/nothing.h5" 2> /dev/null; [ $? -eq 3 ]; check "--status of a missing file exits 3" $?
"$BUURT" merge "$T/grid.h5" --out "$T/m.h5" 2> "$T/err.txt"; [ $? -eq 3 ] && grep -q "not a shard" "$T/err.txt"; check "merge of a non-shard exits 3" $?
"$BUURT" sweep "$SRC/scenarios/sweeps/grid.toml" --out "$T/grid.h5" --resume > "$T/out.txt" 2>&1; [ $? -eq 0 ] && grep -q "already complete" "$T/out.txt"; check "--resume of a finished sweep: nothing to do" $?
exit $fail
