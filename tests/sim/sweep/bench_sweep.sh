#!/usr/bin/env bash
# Sweep benchmarks (not a test: figures for docs/sweeps.md). Usage:
#   bash tests/sim/sweep/bench_sweep.sh build/sweep/buurt [runs=100]
# 1. overhead: wall time of a 1-thread sweep vs the summed time of its runs
# 2. speed-up: 2 threads vs 1, and 2 MPI ranks vs 1
# 3. memory: max RSS (/usr/bin/time -v) for 100, 1,000 and 10,000 runs
set -eu
BUURT=$(realpath "$1"); RUNS=${2:-100}
SRC=$(cd "$(dirname "$0")/../../.." && pwd)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
cat > "$T/b.toml" <<TOML
name = "bench"
base = "$SRC/scenarios/baseline.toml"
[fixed]
population.residents = 2000
run.weeks = 52
[design]
kind = "lhs"
points = $((RUNS / 2))
replicates = 2
[parameters]
helping.share_willing = { min = 0.2, max = 0.7 }
asking.shame_mean = { min = 0.2, max = 0.7 }
[outcomes]
final = "all"
timeseries = "all"
TOML
calc() { awk "BEGIN { printf \"%.2f\", $1 }"; }
run() { # label, command...: prints wall, summed run time
  local label=$1; shift
  local t0 t1 out
  t0=$(date +%s.%N)
  out=$("$@" 2>/dev/null | grep '^wrote')
  t1=$(date +%s.%N)
  local summed=$(echo "$out" | sed -n 's/.*summed run time \([0-9.]*\) s.*/\1/p')
  local loop=$(echo "$out" | sed -n 's/.* in \([0-9.]*\) s wall.*/\1/p')
  printf "%-16s process wall %7.2f s   run loop %7.2f s   summed run time %7.2f s\n" "$label" "$(calc "$t1 - $t0")" "$loop" "$summed"
  echo "$(calc "$t1 - $t0") $summed $loop" > "$T/last"
}
# Parallel capacity of the machine right now: a CPU-bound loop, one copy vs two at once. On an idle
# 2-core machine this is 2.0x; on a shared or oversubscribed one it shows how much 2 cores can give.
spin() { awk 'BEGIN { for (i = 0; i < 3e7; i++) x += i * 1e-9 }'; }
t0=$(date +%s.%N); spin; t1=$(date +%s.%N); spin & spin; wait; t2=$(date +%s.%N)
echo "capacity: two CPU-bound loops at once run $(calc "2 * ($t1 - $t0) / ($t2 - $t1)")x the throughput of one"
echo "--- 1. overhead ($RUNS runs of 2,000 residents x 52 weeks, all outcomes and time series kept)"
run "1 thread" "$BUURT" sweep "$T/b.toml" --out "$T/t1.h5" --threads 1 -q
read w1 s1 l1 < "$T/last"
echo "overhead: $(calc "100 * ($l1 - $s1) / $s1") % of the summed run time in the run loop (storing results); $(calc "100 * ($w1 - $s1) / $s1") % for the whole process (start-up, plan, working file, building the final file)"
echo "--- 2. speed-up"
run "2 threads" "$BUURT" sweep "$T/b.toml" --out "$T/t2.h5" --threads 2 -q
read w2 s2 l2 < "$T/last"
echo "2 threads vs 1: $(calc "$w1 / $w2")x"
if command -v mpirun > /dev/null; then
  run "MPI, 1 rank" mpirun --oversubscribe -np 1 "$BUURT" sweep "$T/b.toml" --out "$T/m1.h5" --threads 1 -q
  read m1 _ _ < "$T/last"
  run "MPI, 2 ranks" mpirun --oversubscribe -np 2 "$BUURT" sweep "$T/b.toml" --out "$T/m2.h5" -q
  read m2 _ _ < "$T/last"
  echo "2 MPI ranks vs 1: $(calc "$m1 / $m2")x"
  h5diff "$T/t1.h5" "$T/m2.h5" && echo "results identical (h5diff)"
fi
echo "--- 3. memory (100 residents x 4 weeks per run, all outcomes + one time series)"
for n in 100 1000 10000; do
  sed -e "s/points = .*/points = $n/" -e 's/replicates = 2/replicates = 1/' -e 's/residents = 2000/residents = 100/' \
      -e 's/weeks = 52/weeks = 4/' -e 's/timeseries = "all"/timeseries = ["in_need_share"]/' "$T/b.toml" > "$T/m$n.toml"
  rss=$(/usr/bin/time -v "$BUURT" sweep "$T/m$n.toml" --out "$T/m$n.h5" -q 2>&1 >/dev/null | sed -n 's/.*Maximum resident set size (kbytes): //p')
  printf "%6d runs: max RSS %6.1f MB\n" $n "$(calc "$rss / 1024")"
done
