#!/usr/bin/env bash
# The same sweep run 1 way (1 and 2 threads), as 3 shards merged, and on 2 MPI ranks gives the
# identical result file: h5diff finds no difference at all.
set -u
BUURT=$1; SRC=$2; MPI=${3:-OFF}
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
. "$(dirname "$0")/common.sh"
cat > "$T/s.toml" <<TOML
base = "$SRC/scenarios/baseline.toml"
[fixed]
$BURN
population.residents = 400
run.weeks = 10
[design]
kind = "lhs"
points = 7
replicates = 3
seed = 5
[parameters]
helping.share_willing = { min = 0.2, max = 0.7 }
asking.shame_mean = { min = 0.2, max = 0.7 }
network.slack_per_resident = { min = 1, max = 8 }
[outcomes]
timeseries = ["in_need_share", "ties_per_resident"]
TOML
"$BUURT" sweep "$T/s.toml" --out "$T/one.h5" --threads 1 -q > /dev/null 2>&1; check "1 way, 1 thread" $?
[ "$(runs_in "$T/one.h5")" = 21 ]; check "21 runs (7 points x 3 replicates)" $?
"$BUURT" sweep "$T/s.toml" --out "$T/two.h5" --threads 2 -q > /dev/null 2>&1; check "1 way, 2 threads" $?
h5diff "$T/one.h5" "$T/two.h5"; check "1 and 2 threads: identical files (h5diff)" $?
for i in 0 1 2; do
  "$BUURT" sweep "$T/s.toml" --shard $i/3 --out "$T/shard$i.h5" -q > /dev/null 2>&1; check "shard $i/3" $?
done
"$BUURT" merge "$T/shard2.h5" "$T/shard0.h5" "$T/shard1.h5" --out "$T/merged.h5" > /dev/null; check "merge 3 shards" $?
h5diff "$T/one.h5" "$T/merged.h5"; check "1 way and 3 shards merged: identical files (h5diff)" $?
h5diff -d 0 "$T/one.h5" "$T/merged.h5" /runs/final /runs/final; check "identical outcome tables" $?
if [ "$MPI" = ON ] && command -v mpirun > /dev/null; then
  mpirun --allow-run-as-root --oversubscribe -np 2 "$BUURT" sweep "$T/s.toml" --out "$T/mpi.h5" -q > "$T/mpi.txt" 2>&1; check "2 MPI ranks" $?
  grep -q "on 2 parallel worker" "$T/mpi.txt"; check "the MPI sweep ran on 2 ranks" $?
  h5diff "$T/one.h5" "$T/mpi.h5"; check "1 way and 2 MPI ranks: identical files (h5diff)" $?
  mpirun --allow-run-as-root --oversubscribe -np 3 "$BUURT" sweep "$T/s.toml" --shard 1/3 --out "$T/mpishard1.h5" -q > /dev/null 2>&1; check "3 MPI ranks on shard 1/3" $?
  h5diff "$T/shard1.h5" "$T/mpishard1.h5"; check "shard by 1 process and by 3 MPI ranks: identical (h5diff)" $?
  # Adaptive replicates decide the same extra runs on 2 ranks as on 1 process.
  "$BUURT" sweep "$T/s.toml" --out "$T/ad1.h5" --target-ci in_need_share=0.02 -q > /dev/null 2>&1; check "adaptive replicates, 1 process" $?
  mpirun --allow-run-as-root --oversubscribe -np 2 "$BUURT" sweep "$T/s.toml" --out "$T/ad2.h5" --target-ci in_need_share=0.02 -q > /dev/null 2>&1; check "adaptive replicates, 2 MPI ranks" $?
  h5diff "$T/ad1.h5" "$T/ad2.h5"; check "adaptive: 1 process and 2 MPI ranks identical (h5diff), $(runs_in "$T/ad1.h5") runs" $?
else
  echo "skip - MPI tests (built without MPI or no mpirun)"
fi
exit $fail
