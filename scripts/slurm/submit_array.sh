#!/usr/bin/env bash
# Submit an array sweep of N shards and its merge job (runs when every shard succeeded).
#   scripts/slurm/submit_array.sh SWEEP.toml N RESULT.h5 [OUTDIR]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
SWEEP=${1:?usage: submit_array.sh SWEEP.toml N RESULT.h5 [OUTDIR]}
N=${2:?number of shards}
RESULT=${3:?result file}
OUTDIR=${4:-$RESULT.shards}
array=$(sbatch --parsable --array=0-$((N - 1)) "$here/sweep_array.sbatch" "$SWEEP" "$OUTDIR")
merge=$(sbatch --parsable --dependency=afterok:${array%%;*} "$here/sweep_merge.sbatch" "$OUTDIR" "$N" "$RESULT")
echo "array job ${array%%;*} ($N shards), merge job ${merge%%;*} -> $RESULT"
