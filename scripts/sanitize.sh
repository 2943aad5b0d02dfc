#!/usr/bin/env bash
# Sanitizer and fuzz runs (docs/hardening.md). Usage: scripts/sanitize.sh [ci|asan|tsan|fuzz|all] [fuzz seconds]
#   asan  clang, address + undefined (fatal), build/asan: the whole C++ suite except faults.* (its
#         `ulimit -v` case cannot run under ASan's shadow memory) and the Python/viewer tests;
#   tsan  clang, thread, build/tsan, linked against oneTBB built with TSan from Debian's source package
#         (scripts/tbb-tsan.sh): the determinism and sweep tests (ctest -R 'Determinism|sweep');
#   fuzz  the two libFuzzer targets of build/asan, N seconds each (default 60), side by side;
#   ci    what the test command (scripts/test.sh) runs: the asan build, the fuzzers for N seconds each,
#         the ASan subset below, then tsan. ASan subset = every test except faults.*, the model-level
#         tests (StylizedFacts.*, Monotone.*, Analytic.*, Mechanisms.*, Limits.*, Calibration.*, the
#         population-level CareCircle test: long runs of the same kernel code the unit
#         and determinism tests cover) and the shell sweep tests (sweep.cli/splits/kill_resume/slurm,
#         which run under tsan instead; of those, tsan in ci leaves out sweep.cli and sweep.kill_resume:
#         ~250 s each under TSan, spent in hundreds of process starts of the kernel code the determinism and
#         sweep.splits/slurm tests run threaded; `sanitize.sh tsan` runs them);
#   all   asan (full) + fuzz + tsan.
# Exit 1 when a test, a sanitizer or a fuzzer fails.
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
secs=${2:-60}
jobs=$(nproc)
supp=$PWD/tests/sanitizers
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1:strict_string_checks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$supp/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1:suppressions=$supp/tsan.supp}
exclude_always='^faults\.|visualizer|viewer|analysis|readme'
mpi_tests='sweep\.(splits|kill_resume)'

build_asan() {
  local t0=$SECONDS
  cmake --preset asan > /dev/null
  cmake --build build/asan -j"$jobs" > build/asan-build.log 2>&1 || { tail -40 build/asan-build.log; return 1; }
  echo "asan: build $((SECONDS - t0)) s"
}
test_asan() {  # $1: extra ctest exclusion regex (or empty); $2: also the MPI tests (yes|no)
  local t0=$SECONDS ex=$exclude_always
  [ -z "$1" ] || ex="$ex|$1"
  ctest --test-dir build/asan --output-on-failure -j"$jobs" -E "$ex|$mpi_tests"
  # sweep.splits and sweep.kill_resume run `mpirun`: OpenMPI's plugins (dlopen'ed, unloaded at exit)
  # leak small blocks that LeakSanitizer cannot attribute to a library, so leak checking is off for
  # those tests only (address and undefined checks stay on).
  if [ "$2" = yes ]; then
    ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" ctest --test-dir build/asan --output-on-failure -R "$mpi_tests"
  fi
  echo "asan: tests $((SECONDS - t0)) s"
}
run_tsan() {
  local t0=$SECONDS tbb
  tbb=$(bash scripts/tbb-tsan.sh)
  cmake --preset tsan -DTBB_DIR="$tbb" > /dev/null
  cmake --build build/tsan -j"$jobs" > build/tsan-build.log 2>&1 || { tail -40 build/tsan-build.log; return 1; }
  local t1=$SECONDS
  # $1: tests left out (ci: the two long shell scripts, see above); empty: all of them.
  ctest --test-dir build/tsan --output-on-failure -j"$jobs" -R 'Determinism|sweep' ${1:+-E "$1"}
  echo "tsan: oneTBB + build $((t1 - t0)) s, tests $((SECONDS - t1)) s"
}
run_fuzz() {
  local t0=$SECONDS
  BUURT_FUZZ_BUILT=1 bash scripts/fuzz.sh "$secs"
  echo "fuzz: $((SECONDS - t0)) s"
}
mkdir -p build
case $what in
  ci) build_asan; run_fuzz; test_asan 'StylizedFacts|Monotone|Analytic|Mechanisms|Limits|Calibration|SteadyState|Sizes|CareCircle\.LongOrIntensive|sweep\.(cli|splits|kill_resume|slurm)' no; run_tsan 'sweep\.(cli|kill_resume)' ;;
  asan) build_asan; test_asan '' yes ;;
  tsan) run_tsan ;;
  fuzz) build_asan; run_fuzz ;;
  all) build_asan; test_asan '' yes; run_fuzz; run_tsan ;;
  *) echo "usage: $0 [ci|asan|tsan|fuzz|all] [fuzz seconds]" >&2; exit 2 ;;
esac
