#!/usr/bin/env bash
# Faults: for each, the exit code, the message, that an earlier result file is undamaged (md5sum)
# and that no half-written file is left under the final name.
# Usage: test_faults.sh BUURT SOURCE_DIR
set -u
BUURT=$1
SRC=$2
T=$(mktemp -d)
MNT=()
cleanup() {
  for m in "${MNT[@]}"; do umount "$m" 2>/dev/null; done
  rm -rf "$T"
}
trap cleanup EXIT
fail=0
check() { if [ "$2" -eq 0 ]; then echo "ok   - $1"; else echo "FAIL - $1"; fail=1; fi; }
skip() { echo "skip - $1"; }
BASE=$SRC/scenarios/baseline.toml
SMALL=(--set population.residents=300 --weeks 4 --set run.burn_in=0 --set run.snapshot_every=0)
md5() { md5sum < "$1" | cut -d' ' -f1; }
no_temp() { ! ls -a "$1" | grep -q 'tmp'; }

# An earlier result that every fault below must leave alone.
"$BUURT" run "$BASE" "${SMALL[@]}" --out "$T/earlier.h5" -q > /dev/null 2>&1
check "earlier result written" $?
sum=$(md5 "$T/earlier.h5")

# ---- 1. Disk full: a 512 KiB tmpfs (root only): room for the earlier result (~260 KiB), not for the new one (~1.3 MiB) --
mkdir -p "$T/small"
if mount -t tmpfs -o size=512k tmpfs "$T/small" 2>/dev/null; then
  MNT+=("$T/small")
  cp "$T/earlier.h5" "$T/small/result.h5"
  "$BUURT" run "$BASE" --set population.residents=3000 --weeks 8 --set run.burn_in=0 --set run.snapshot_every=1 \
    --out "$T/small/result.h5" --force -q > "$T/out.txt" 2> "$T/err.txt"
  rc=$?
  [ $rc -eq 3 ]; check "disk full: exit 3 (got $rc)" $?
  grep -qiE "no space|disk full|cannot write|cannot flush|HDF5" "$T/err.txt"; check "disk full: message says the write failed: $(head -c 200 "$T/err.txt")" $?
  grep -q "result.h5" "$T/err.txt"; check "disk full: message names the file" $?
  [ "$(md5 "$T/small/result.h5")" = "$sum" ]; check "disk full: earlier result under the final name undamaged" $?
  no_temp "$T/small"; check "disk full: temp file removed" $?
  # A sweep into the same full disk: its working file does not fit.
  cat > "$T/tiny_sweep.toml" <<TOML
name = "tiny"
base = "$BASE"
[fixed]
population.residents = 200
run.weeks = 5
run.burn_in = 0
[design]
kind = "grid"
replicates = 2
seed = 3
[parameters]
helping.share_willing = [0.3, 0.4, 0.5, 0.6]
[outcomes]
final = "all"
timeseries = "all"
TOML
  umount "$T/small" && mount -t tmpfs -o size=160k tmpfs "$T/small"
  "$BUURT" run "$BASE" --set population.residents=40 --weeks 2 --set run.burn_in=0 --set run.snapshot_every=0 --out "$T/small/result.h5" -q > /dev/null 2>&1
  sum_small=$(md5 "$T/small/result.h5")
  "$BUURT" sweep "$T/tiny_sweep.toml" --out "$T/small/result.h5" --force --threads 1 -q > /dev/null 2> "$T/err.txt"
  rc=$?
  [ $rc -eq 3 ]; check "sweep on a full disk: exit 3 (got $rc)" $?
  grep -q "result.h5" "$T/err.txt" && grep -qiE "disk full|no space|cannot" "$T/err.txt"; check "sweep on a full disk: message: $(head -c 160 "$T/err.txt")" $?
  [ "$(md5 "$T/small/result.h5")" = "$sum_small" ]; check "sweep on a full disk: earlier result undamaged" $?
  no_temp "$T/small"; check "sweep on a full disk: temp file removed" $?
else
  skip "disk full: mounting a small tmpfs is not permitted here (needs root); not tested"
fi

# ---- 2. Unwritable output directory ------------------------------------------------------------
mkdir -p "$T/ro"
if [ "$(id -u)" -eq 0 ]; then
  # root ignores permission bits: use a read-only mount instead
  if mount -t tmpfs -o ro,size=64k tmpfs "$T/ro" 2>/dev/null; then MNT+=("$T/ro"); ro_ok=1; else ro_ok=0; fi
else
  chmod 555 "$T/ro"; ro_ok=1
fi
if [ $ro_ok -eq 1 ]; then
  "$BUURT" run "$BASE" "${SMALL[@]}" --out "$T/ro/x.h5" -q > /dev/null 2> "$T/err.txt"
  rc=$?
  [ $rc -eq 3 ]; check "unwritable directory: exit 3 (got $rc)" $?
  grep -q "ro/x.h5" "$T/err.txt"; check "unwritable directory: message names the file: $(head -c 200 "$T/err.txt")" $?
  [ ! -e "$T/ro/x.h5" ]; check "unwritable directory: nothing created" $?
else
  skip "unwritable directory: cannot make a read-only directory here"
fi
"$BUURT" run "$BASE" "${SMALL[@]}" --out "$T/no/such/dir/x.h5" -q > /dev/null 2> "$T/err.txt"
rc=$?
[ $rc -eq 3 ]; check "missing output directory: exit 3 (got $rc)" $?
grep -q "no/such/dir" "$T/err.txt"; check "missing output directory: message names the path" $?

# ---- 3. Missing and corrupted result files as input ---------------------------------------------
printf 'this is not HDF5\n' > "$T/garbage.h5"
head -c 4096 "$T/earlier.h5" > "$T/truncated.h5"
cp "$T/earlier.h5" "$T/flipped.h5"
# overwrite 4 KiB in the middle (object headers / B-trees) with zeros
size=$(stat -c %s "$T/flipped.h5")
dd if=/dev/zero of="$T/flipped.h5" bs=1 seek=$((size / 3)) count=4096 conv=notrunc 2>/dev/null
for bad in missing.h5 garbage.h5 truncated.h5; do
  "$BUURT" report "$T/$bad" --out "$T/r.html" > /dev/null 2> "$T/err.txt"
  rc=$?
  [ $rc -ne 0 ] && [ $rc -lt 128 ]; check "report $bad: clean non-zero exit (got $rc)" $?
  grep -q "$bad" "$T/err.txt"; check "report $bad: message names the file: $(head -c 160 "$T/err.txt" | tr '\n' ' ')" $?
  [ ! -e "$T/r.html" ]; check "report $bad: no report file left" $?
done
"$BUURT" report "$T/flipped.h5" --out "$T/r.html" > /dev/null 2> "$T/err.txt"
rc=$?
[ $rc -lt 128 ]; check "report of a file with zeroed bytes does not crash (exit $rc)" $?
for bad in missing.h5 garbage.h5 truncated.h5 earlier.h5; do
  "$BUURT" merge "$T/$bad" --out "$T/m.h5" > /dev/null 2> "$T/err.txt"
  rc=$?
  [ $rc -eq 3 ] || [ $rc -eq 2 ]; check "merge $bad: exit 2 or 3 (got $rc)" $?
  grep -q "$bad" "$T/err.txt"; check "merge $bad: message names the file: $(head -c 160 "$T/err.txt" | tr '\n' ' ')" $?
  [ ! -e "$T/m.h5" ]; check "merge $bad: no output file" $?
  "$BUURT" sweep --status "$T/$bad" > /dev/null 2> "$T/err.txt"
  rc=$?
  [ $rc -eq 3 ] || [ $rc -eq 2 ]; check "sweep --status $bad: exit 2 or 3 (got $rc)" $?
done
[ "$(md5 "$T/earlier.h5")" = "$sum" ]; check "readers left the earlier result undamaged" $?

# ---- 4. kill -9 and SIGINT during a run ---------------------------------------------------------
LONG=(--set population.residents=20000 --weeks 2000 --set run.burn_in=0 --set run.snapshot_every=0)
wait_for_temp() {  # wait until the run has created its temp file (it is then mid-run)
  for _ in $(seq 1 200); do ls "$T" | grep -q "$1.*tmp" && return 0; sleep 0.05; done
  return 1
}
for sig in KILL INT; do
  cp "$T/earlier.h5" "$T/run_$sig.h5"
  "$BUURT" run "$BASE" "${LONG[@]}" --out "$T/run_$sig.h5" --force -q > /dev/null 2> "$T/err_$sig.txt" &
  pid=$!
  wait_for_temp "run_$sig.h5"; check "run ($sig): started writing its temp file" $?
  sleep 0.5
  kill -s $sig $pid
  wait $pid
  rc=$?
  if [ $sig = KILL ]; then
    [ $rc -eq 137 ]; check "run killed with -9 (exit $rc)" $?
    rm -f "$T"/run_KILL.h5.tmp-*  # a killed process cannot clean up; the final name is what matters
  else
    [ $rc -eq 130 ]; check "run SIGINT: exit 130 (got $rc)" $?
    grep -qi "interrupt" "$T/err_$sig.txt"; check "run SIGINT: says it was interrupted: $(head -c 160 "$T/err_$sig.txt")" $?
    ! ls "$T" | grep -q "run_INT.h5.tmp"; check "run SIGINT: temp file removed" $?
  fi
  [ "$(md5 "$T/run_$sig.h5")" = "$sum" ]; check "run ($sig): earlier result under the final name undamaged" $?
done

# ---- 5. kill -9 and SIGINT during a sweep -------------------------------------------------------
cat > "$T/sweep.toml" <<TOML
name = "faults"
base = "$BASE"
[fixed]
population.residents = 4000
run.weeks = 1000   # long enough (~7 s on 2 idle cores) that the signal lands mid-sweep
run.burn_in = 0
[design]
kind = "grid"
replicates = 2
seed = 11
[parameters]
helping.share_willing = [0.3, 0.4, 0.5, 0.6]
[outcomes]
final = "all"
timeseries = ["in_need_share"]
TOML
"$BUURT" sweep "$T/sweep.toml" --out "$T/ref.h5" --threads 2 -q > /dev/null 2>&1
check "reference sweep finished" $?
for sig in KILL INT; do
  cp "$T/earlier.h5" "$T/sw_$sig.h5"
  "$BUURT" sweep "$T/sweep.toml" --out "$T/sw_$sig.h5" --force --threads 2 -q > /dev/null 2> "$T/err_sw_$sig.txt" &
  pid=$!
  for _ in $(seq 1 200); do [ -e "$T/sw_$sig.h5.partial" ] && break; sleep 0.05; done
  sleep 1.5
  kill -s $sig $pid
  wait $pid
  rc=$?
  if [ $sig = KILL ]; then [ $rc -eq 137 ]; else [ $rc -eq 130 ]; fi
  check "sweep $sig: exit $rc" $?
  [ "$(md5 "$T/sw_$sig.h5")" = "$sum" ]; check "sweep $sig: earlier file under the final name undamaged" $?
  "$BUURT" sweep "$T/sweep.toml" --out "$T/sw_$sig.h5" --resume --threads 2 -q > /dev/null 2> "$T/err.txt"
  rc=$?
  if [ $rc -ne 0 ]; then
    # resume does not replace the unrelated earlier file under the final name: it must say so
    # cleanly (exit 2/3, not a crash); move that file away, then resume
    { [ $rc -eq 3 ] || [ $rc -eq 2 ]; }; check "sweep $sig: --resume refuses the unrelated file under the final name (exit $rc: $(head -c 120 "$T/err.txt"))" $?
    grep -q "is not a sweep result (no /sweep group): --resume will not touch it" "$T/err.txt"; check "sweep $sig: ... and says why" $?
    [ "$(md5 "$T/sw_$sig.h5")" = "$sum" ]; check "sweep $sig: ... and leaves it undamaged" $?
    mv "$T/sw_$sig.h5" "$T/sw_${sig}_earlier.h5"
    "$BUURT" sweep "$T/sweep.toml" --out "$T/sw_$sig.h5" --resume --threads 2 -q > /dev/null 2> "$T/err.txt"
    rc=$?
  fi
  [ $rc -eq 0 ]; check "sweep $sig: --resume finishes (exit $rc) $(head -c 160 "$T/err.txt")" $?
  h5diff --exclude-path /runtime "$T/ref.h5" "$T/sw_$sig.h5" > /dev/null 2>&1 || h5diff -q "$T/ref.h5" "$T/sw_$sig.h5" > /dev/null 2>&1
  check "sweep $sig: resumed result equals the uninterrupted one" $?
done

# ---- 6. More residents than memory allows -------------------------------------------------------
# A 2 GiB address-space limit (ulimit -v) and the schema's largest neighbourhood (20 million).
( ulimit -v 2097152; exec /usr/bin/time -f 'maxrss_kb=%M' "$BUURT" run "$BASE" --set population.residents=20000000 --out "$T/huge.h5" -q ) > /dev/null 2> "$T/err.txt"
rc=$?
[ $rc -eq 2 ]; check "too many residents for memory: exit 2 (got $rc)" $?
grep -q "population.residents" "$T/err.txt" && grep -q "available" "$T/err.txt"
check "too many residents: message names the key and the memory: $(grep -v "maxrss\|Command exited" "$T/err.txt" | head -c 300)" $?
rss=$(sed -n 's/.*maxrss_kb=\([0-9]*\).*/\1/p' "$T/err.txt")
[ -n "$rss" ] && [ "$rss" -lt 300000 ]; check "too many residents: refused before allocating (max RSS ${rss:-?} KiB < 300 MB)" $?
[ ! -e "$T/huge.h5" ] && no_temp "$T"; check "too many residents: no file written" $?
( ulimit -v 2097152; exec "$BUURT" compare "$BASE" "$BASE" --set population.residents=20000000 --out "$T/hugec.h5" -q ) > /dev/null 2> "$T/err.txt"
rc=$?
[ $rc -eq 2 ] && grep -q "population.residents" "$T/err.txt"; check "compare with too many residents: exit 2 with the key named (got $rc)" $?

[ "$(md5 "$T/earlier.h5")" = "$sum" ]; check "earlier result undamaged at the end" $?
exit $fail
