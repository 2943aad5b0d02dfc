#!/usr/bin/env bash
# kill -9 at random moments: the working file always opens, completed runs survive, and --resume
# finishes a file identical to an uninterrupted sweep. A different definition is refused.
set -u
BUURT=$1; SRC=$2; MPI=${3:-OFF}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/common.sh"
cat > "$T/s.toml" <<TOML
base = "$SRC/scenarios/baseline.toml"
[fixed]
$BURN
population.residents = 1500
run.weeks = 16
[design]
kind = "grid"
replicates = 8
[parameters]
helping.share_willing = [0.2, 0.35, 0.5, 0.65]
asking.shame_mean = { min = 0.2, max = 0.6, steps = 3 }
[outcomes]
timeseries = ["in_need_share"]
TOML
"$BUURT" sweep "$T/s.toml" --out "$T/ref.h5" -q > /dev/null 2>&1; check "uninterrupted reference (96 runs)" $?
RANDOM=${KILL_SEED:-$$}
kills=0 opened=0 progressed=0 last=0
for attempt in $(seq 1 12); do
  [ -f "$T/r.h5" ] && break
  "$BUURT" sweep "$T/s.toml" --out "$T/r.h5" --resume -q > /dev/null 2>&1 &
  pid=$!
  # Kill only once the working file exists: a slow start (TSan on a loaded machine) would otherwise
  # kill every attempt before the sweep has written anything.
  for _ in $(seq 1 300); do
    { [ -f "$T/r.h5.partial" ] || [ -f "$T/r.h5" ] || ! kill -0 $pid 2> /dev/null; } && break
    sleep 0.1
  done
  delay=$(printf '0.%02d' $((RANDOM % 25 + 3)))
  sleep "$delay"
  if kill -9 $pid 2> /dev/null; then kills=$((kills + 1)); fi
  wait $pid 2> /dev/null
  if [ -f "$T/r.h5.partial" ]; then
    h5dump -H "$T/r.h5.partial" > /dev/null 2>&1 && opened=$((opened + 1))
    done_now=$("$BUURT" sweep --status "$T/r.h5" | sed -n 's/^runs *\([0-9]*\) done.*/\1/p')
    echo "  kill -9 after ${delay}s: ${done_now:-?} runs done"
    [ "${done_now:-0}" -ge "$last" ] && progressed=$((progressed + 1))
    last=${done_now:-0}
  fi
done
echo "  $kills kills"
[ $kills -ge 1 ]; check "killed the sweep at least once" $?
partials=$(( kills ))
[ $opened -ge 1 ] || [ -f "$T/r.h5" ]; check "working file opens after every kill ($opened)" $?
"$BUURT" sweep "$T/s.toml" --out "$T/r.h5" --resume -q > /dev/null 2>&1; check "--resume finishes" $?
h5diff "$T/ref.h5" "$T/r.h5"; check "killed and resumed = uninterrupted (h5diff)" $?
[ ! -e "$T/r.h5.partial" ]; check "working file removed when complete" $?

# A working file from another definition is refused with a clear message.
"$BUURT" sweep "$T/s.toml" --out "$T/x.h5" -q > /dev/null 2>&1 &
pid=$!; sleep 0.3; kill -9 $pid 2> /dev/null; wait $pid 2> /dev/null
if [ -f "$T/x.h5.partial" ]; then
  sed 's/replicates = 8/replicates = 5/' "$T/s.toml" > "$T/s2.toml"
  "$BUURT" sweep "$T/s2.toml" --out "$T/x.h5" --resume -q > /dev/null 2> "$T/err.txt"; rc=$?
  [ $rc -eq 3 ]; check "different definition refused, exit 3 (got $rc)" $?
  grep -q "different sweep definition" "$T/err.txt" && grep -q "replicates = 8" "$T/err.txt"; check "message names the difference" $?
  cat "$T/err.txt"
  "$BUURT" sweep "$T/s.toml" --out "$T/x.h5" -q > /dev/null 2> "$T/err.txt"; rc=$?
  [ $rc -eq 3 ] && grep -q "pass --resume" "$T/err.txt"; check "unfinished sweep without --resume: exit 3 and a hint" $?
fi
if [ "$MPI" = ON ] && command -v mpirun > /dev/null; then
  # Kill an MPI sweep mid-way, resume it with MPI.
  # Longer runs, so that the kill lands mid-way even on an idle machine.
  sed 's/run.weeks = 16/run.weeks = 120/' "$T/s.toml" > "$T/s3.toml"
  "$BUURT" sweep "$T/s3.toml" --out "$T/ref3.h5" -q > /dev/null 2>&1; check "uninterrupted reference for MPI" $?
  # Kill mpirun and both ranks at once (its process group), as a node failure would.
  setsid mpirun --allow-run-as-root --oversubscribe -np 2 "$BUURT" sweep "$T/s3.toml" --out "$T/m.h5" -q > /dev/null 2>&1 &
  pid=$!
  want=$((RANDOM % 40 + 5))  # kill once this many runs are stored
  for i in $(seq 1 400); do
    n=$("$BUURT" sweep --status "$T/m.h5" 2> /dev/null | sed -n 's/^runs *\([0-9]*\) done.*/\1/p')
    [ "${n:-0}" -ge $want ] && break
    [ -f "$T/m.h5" ] && break
    sleep 0.02
  done
  kill -9 -- -$pid 2> /dev/null; wait $pid 2> /dev/null; sleep 0.3
  echo "  MPI sweep killed: $("$BUURT" sweep --status "$T/m.h5" | grep -E '^(runs|state)')"
  [ -f "$T/m.h5.partial" ] && { h5dump -H "$T/m.h5.partial" > /dev/null 2>&1; check "MPI working file opens after kill -9" $?; }
  # A second writer on the same working file is refused while one runs.
  "$BUURT" sweep "$T/s3.toml" --out "$T/m.h5" --resume -q > /dev/null 2>&1 &
  pid=$!; sleep 0.3
  "$BUURT" sweep "$T/s3.toml" --out "$T/m.h5" --resume -q > /dev/null 2> "$T/err2.txt"; rc=$?
  kill -9 $pid 2> /dev/null; wait $pid 2> /dev/null
  if [ -f "$T/m.h5.partial" ]; then [ $rc -eq 3 ] && grep -q "being written by another" "$T/err2.txt"; check "second writer refused (exit $rc)" $?; fi
  mpirun --allow-run-as-root --oversubscribe -np 2 "$BUURT" sweep "$T/s3.toml" --out "$T/m.h5" --resume -q > /dev/null 2>&1; check "MPI --resume after kill -9 of mpirun" $?
  h5diff "$T/ref3.h5" "$T/m.h5"; check "MPI killed and resumed = uninterrupted (h5diff)" $?
fi
exit $fail
