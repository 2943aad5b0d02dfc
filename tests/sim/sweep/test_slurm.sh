#!/usr/bin/env bash
# A real single-node Slurm cluster (Debian's slurm-wlm + munge): submit the sbatch scripts of
# docs/cluster.md (job array + merge, and one MPI job), wait, and check that the results equal a
# local run (h5diff). Exit 77 (ctest SKIP) only where the daemons cannot start.
set -u
BUURT=$1; SRC=$2; MPI=${3:-OFF}
. "$(dirname "$0")/common.sh"
skip() { echo "SKIP: $*"; exit 77; }
for tool in slurmctld slurmd sbatch squeue sinfo scontrol munged munge unmunge; do
  command -v $tool > /dev/null 2>&1 || [ -x /usr/sbin/$tool ] || skip "$tool not installed (packages slurm-wlm munge: bash scripts/setup.sh test)"
done
[ "$(id -u)" -eq 0 ] || skip "starting slurmctld/slurmd needs root"
export PATH=$PATH:/usr/sbin
T=$(mktemp -d /tmp/buurt_slurm_XXXXXX)
chmod 755 "$T"
started_munge=""
ctld_pid="" slurmd_pid=""
cleanup() {
  if [ -n "$ctld_pid$slurmd_pid" ]; then
    scontrol shutdown > /dev/null 2>&1
    for i in $(seq 1 50); do
      alive=0
      for p in $ctld_pid $slurmd_pid; do kill -0 "$p" 2> /dev/null && alive=1; done
      [ $alive -eq 0 ] && break
      sleep 0.1
    done
    for p in $ctld_pid $slurmd_pid; do kill -0 "$p" 2> /dev/null && kill "$p"; done
  fi
  [ -n "$started_munge" ] && kill "$started_munge" 2> /dev/null
  rm -rf "$T"
}
trap cleanup EXIT

# munge: use a running munged, or start one (as user munge) and stop it again at the end.
if ! munge -n 2> /dev/null | unmunge > /dev/null 2>&1; then
  mkdir -p /run/munge && chown munge:munge /run/munge && chmod 755 /run/munge
  [ -f /etc/munge/munge.key ] || skip "no /etc/munge/munge.key"
  runuser -u munge -- /usr/sbin/munged || skip "munged does not start"
  for i in $(seq 1 50); do munge -n 2> /dev/null | unmunge > /dev/null 2>&1 && break; sleep 0.1; done
  started_munge=$(cat /run/munge/munged.pid 2> /dev/null)
  munge -n | unmunge > /dev/null 2>&1 || skip "munge does not work"
fi

# slurm.conf in the scratch folder (SLURM_CONF points every command at it); own ports.
host=$(hostname)
read -r cpus mem < <(slurmd -C | sed -n 's/.*CPUs=\([0-9]*\).*RealMemory=\([0-9]*\).*/\1 \2/p')
port=$((17000 + $$ % 2000))
export SLURM_CONF=$T/slurm.conf
cat > "$SLURM_CONF" <<CONF
ClusterName=buurttest
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
MpiDefault=none
ReturnToService=2
NodeName=$host CPUs=${cpus:-2} RealMemory=$(( ${mem:-2048} - 512 )) State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP OverSubscribe=FORCE:4
CONF
mkdir -p "$T/state" "$T/spool"
slurmctld -f "$SLURM_CONF" > "$T/ctld.out" 2>&1 || skip "slurmctld does not start: $(tail -3 "$T/ctld.out")"
for i in $(seq 1 50); do [ -s "$T/slurmctld.pid" ] && break; sleep 0.1; done
ctld_pid=$(cat "$T/slurmctld.pid" 2> /dev/null)
slurmd -f "$SLURM_CONF" > "$T/slurmd.out" 2>&1 || skip "slurmd does not start: $(tail -3 "$T/slurmd.out")"
for i in $(seq 1 50); do [ -s "$T/slurmd.pid" ] && break; sleep 0.1; done
slurmd_pid=$(cat "$T/slurmd.pid" 2> /dev/null)
for i in $(seq 1 100); do
  state=$(sinfo -h -o %T 2> /dev/null | head -1)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "${state:-}" = idle ] || skip "the node does not become idle (state '${state:-}'): $(tail -3 "$T/slurmctld.log" 2> /dev/null)"
echo "slurm up: node $host idle (slurmctld $ctld_pid, slurmd $slurmd_pid)"

wait_jobs() { # job ids...; polls squeue until none is left (at most ~3 minutes)
  for i in $(seq 1 900); do
    [ -z "$(squeue -h -j "$(IFS=,; echo "$*")" 2> /dev/null)" ] && return 0
    sleep 0.2
  done
  return 1
}

cat > "$T/s.toml" <<TOML
base = "$SRC/scenarios/baseline.toml"
[fixed]
$BURN
population.residents = 500
run.weeks = 12
[design]
kind = "sobol"
points = 10
replicates = 2
[parameters]
helping.share_willing = { min = 0.2, max = 0.7 }
asking.threshold_mean = { min = 0.2, max = 0.5 }
[outcomes]
timeseries = ["in_need_share"]
TOML
"$BUURT" sweep "$T/s.toml" --out "$T/local.h5" -q > /dev/null 2>&1; check "local reference run" $?
cd "$T"
export BUURT
out=$(bash "$SRC/scripts/slurm/submit_array.sh" "$T/s.toml" 3 "$T/array.h5" "$T/shards"); check "submit array (3 shards) + merge: $out" $?
ids=$(echo "$out" | sed -n 's/array job \([0-9]*\).*merge job \([0-9]*\).*/\1 \2/p')
wait_jobs $ids; check "array and merge jobs finished" $?
ls "$T"/shards/ 2> /dev/null | sed 's/^/  /'
h5diff "$T/local.h5" "$T/array.h5"; check "Slurm array + merge = local run (h5diff)" $?
[ $fail -eq 0 ] || { echo "--- job output"; cat "$T"/buurt-*.out 2> /dev/null | tail -20; }
if [ "$MPI" = ON ]; then
  export MPIRUN_ARGS="--allow-run-as-root --oversubscribe"
  jid=$(sbatch --parsable --ntasks=2 "$SRC/scripts/slurm/sweep_mpi.sbatch" "$T/s.toml" "$T/mpi.h5"); check "submit MPI job ($jid)" $?
  wait_jobs "$jid"; check "MPI job finished" $?
  h5diff "$T/local.h5" "$T/mpi.h5"; check "Slurm MPI job (2 ranks) = local run (h5diff)" $?
  grep -q "MPI, 2 ranks" "$T"/buurt-sweep-mpi-*.out; check "the MPI job ran on 2 ranks" $?
  [ $fail -eq 0 ] || { echo "--- MPI job output"; cat "$T"/buurt-sweep-mpi-*.out 2> /dev/null | tail -20; }
fi
exit $fail
