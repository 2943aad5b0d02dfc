#!/usr/bin/env bash
# Sanitizer and fuzz runs (docs/hardening.md, "What runs where"). Usage: scripts/sanitize.sh [ci|asan|tsan|fuzz|all] [fuzz seconds]
#   asan  clang, address + undefined (fatal), build/asan: the whole C++ suite except faults.* (its
#         `ulimit -v` case cannot run under ASan's shadow memory) and the Python/viewer tests;
#   tsan  clang, thread, build/tsan, linked against oneTBB built with TSan from Debian's source package
#         (scripts/tbb-tsan.sh): the determinism and sweep tests and the scenario, output and
#         experiment unit tests;
#   fuzz  the two libFuzzer targets of build/asan, N seconds each (default 60), side by side;
#   ci    what the test command (scripts/test.sh) runs, bounded: the asan build without the model tests'
#         executable, the fuzzers for N seconds each side by side, the ASan subset (every module's fast
#         tests: the unit tier, the scenario tier with the command line end to end (app), the sweep
#         gtests and the fuzz replays), then a TSan build of only the executables
#         it runs and the TSan subset (determinism: kernel and output; sweep.splits and sweep.slurm:
#         the app's threaded and MPI sweeps; the sweep gtests: experiment; the scenario, result-file and
#         MKBA unit tests). Left out of ci, run by `asan`/`tsan`: the model tier (long runs of the kernel
#         code the unit and determinism tests cover), sweep.cli/kill_resume/splits/slurm under ASan and
#         sweep.cli/kill_resume under TSan (hundreds of process starts of code the others run);
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
exclude_always='^faults\.|visualizer|viewer|analysis|readme|_NOT_BUILT'
mpi_tests='sweep\.(splits|kill_resume)'
# The ci subsets, by module (docs/hardening.md): the TSan executables and test names.
tsan_ci_targets=(buurt test_determinism test_sweep test_scenario test_output test_experiment)
tsan_ci_tests='^Determinism\.|^sweep\.|^(Scenario|Cbs|Recorder|StateFile|Mkba)\.'
tsan_ci_exclude='sweep\.(cli|kill_resume)'

build_asan() {  # $1: model tests too (ON|OFF)
  local t0=$SECONDS
  cmake --preset asan -DBUURT_MODEL_TESTS="${1:-ON}" > /dev/null
  cmake --build build/asan -j"$jobs" > build/asan-build.log 2>&1 || { tail -40 build/asan-build.log; return 1; }
  echo "asan: build $((SECONDS - t0)) s"
}
test_asan() {  # $1: extra ctest exclusion regex (or empty); $2: also the MPI tests (yes|no)
  local t0=$SECONDS ex=$exclude_always
  [ -z "$1" ] || ex="$ex|$1"
  # $3: ci: the model tier is left out (its determinism tests run under TSan; the kernel's unit tests run here),
  # and the lint tier (formatting, linked symbols, cited test names: nothing a sanitizer checks).
  if [ "${3:-}" = ci ]; then
    ctest --test-dir build/asan --output-on-failure -j"$jobs" -E "$ex|$mpi_tests" -LE 'model|lint'
  else
    ctest --test-dir build/asan --output-on-failure -j"$jobs" -E "$ex|$mpi_tests"
  fi
  # sweep.splits and sweep.kill_resume run `mpirun`: OpenMPI's plugins (dlopen'ed, unloaded at exit)
  # leak small blocks that LeakSanitizer cannot attribute to a library, so leak checking is off for
  # those tests only (address and undefined checks stay on).
  if [ "$2" = yes ]; then
    ASAN_OPTIONS="$ASAN_OPTIONS:detect_leaks=0" ctest --test-dir build/asan --output-on-failure -R "$mpi_tests"
  fi
  echo "asan: tests $((SECONDS - t0)) s"
}
run_tsan() {  # $1: ci (the subset above, only its executables built) or empty (every determinism, sweep, scenario, output and experiment test)
  local t0=$SECONDS tbb targets=() tests='Determinism|sweep|^(Scenario|Cbs|Recorder|StateFile|Mkba)\.' exclude=''
  tbb=$(bash scripts/tbb-tsan.sh)
  cmake --preset tsan -DTBB_DIR="$tbb" > /dev/null
  if [ "${1:-}" = ci ]; then
    targets=(--target "${tsan_ci_targets[@]}")
    tests=$tsan_ci_tests
    exclude=$tsan_ci_exclude
  fi
  cmake --build build/tsan -j"$jobs" "${targets[@]}" > build/tsan-build.log 2>&1 || { tail -40 build/tsan-build.log; return 1; }
  local t1=$SECONDS
  ctest --test-dir build/tsan --output-on-failure -j"$jobs" -R "$tests" ${exclude:+-E "$exclude"}
  echo "tsan: oneTBB + build $((t1 - t0)) s, tests $((SECONDS - t1)) s"
}
run_fuzz() {
  local t0=$SECONDS
  BUURT_FUZZ_BUILT=1 bash scripts/fuzz.sh "$secs"
  echo "fuzz: $((SECONDS - t0)) s"
}
mkdir -p build
case $what in
  ci) build_asan OFF; run_fuzz; test_asan 'sweep\.(cli|splits|kill_resume|slurm)' no ci; run_tsan ci ;;
  asan) build_asan ON; test_asan '' yes ;;
  tsan) run_tsan ;;
  fuzz) build_asan ON; run_fuzz ;;
  all) build_asan ON; test_asan '' yes; run_fuzz; run_tsan ;;
  *) echo "usage: $0 [ci|asan|tsan|fuzz|all] [fuzz seconds]" >&2; exit 2 ;;
esac
