#!/usr/bin/env bash
# Build the libFuzzer targets (clang, address + undefined sanitizers) in build/fuzz and run each for
# N seconds (default 60). Usage: scripts/fuzz.sh [seconds] [target...]   (targets: scenario results)
# New inputs that add coverage go to build/fuzz/corpus/<target> (the checked-in seed corpus in
# tests/fuzz/corpus/<target> is read, not modified). A crash leaves build/fuzz/crash-* and exits 1:
# copy that file into tests/fuzz/regressions/<target>/ so that ctest replays it from then on.
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(scenario results)
mkdir -p build
jobs=${BUURT_FUZZ_JOBS:-$(nproc)}

CC=clang CXX=clang++ cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DBUURT_FUZZ=ON -DBUURT_BUILD_VIEWER=OFF -DBUURT_SANITIZE="address;undefined" \
  -DCMAKE_C_FLAGS="-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link -fno-sanitize-recover=all" > build/fuzz-configure.log 2>&1 \
  || { cat build/fuzz-configure.log; exit 1; }
rm -f build/fuzz-configure.log
cmake --build build/fuzz -j"$jobs" --target $(printf 'fuzz_%s ' "${targets[@]}")

# libhdf5 (Debian 12: 1.10.8) is not instrumented and not hardened against crafted files: a corrupt
# global-heap record makes H5HG_read memcpy past its buffer (an upstream bug, docs/hardening.md).
# ASan sees that only through its memcpy interceptor; reports from inside libhdf5 are suppressed so
# that the fuzzer keeps looking for bugs in our code. A SEGV inside libhdf5 is still reported.
printf 'interceptor_via_lib:libhdf5_serial.so\n' > build/fuzz/asan.supp
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1:suppressions=$PWD/build/fuzz/asan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
status=0
for t in "${targets[@]}"; do
  mkdir -p build/fuzz/corpus/$t build/fuzz/artifacts/$t
  echo "== fuzz_$t for ${secs}s"
  extra=()
  # libhdf5 can hang on crafted files (an infinite loop in H5HG/H5C, tests/fuzz/known/hdf5/): for the
  # result-file target, run in fork mode so that a hang inside the library is saved as
  # artifacts/results/timeout-* and fuzzing goes on; crashes and our own exceptions still stop it.
  [ "$t" = results ] && extra=(-fork=1 -ignore_timeouts=1 -ignore_ooms=1)
  if ! build/fuzz/fuzz_$t "${extra[@]}" -max_total_time="$secs" -rss_limit_mb=2048 -max_len=262144 -timeout=10 \
       -print_final_stats=1 -artifact_prefix=build/fuzz/artifacts/$t/ \
       -dict=tests/fuzz/$t.dict build/fuzz/corpus/$t tests/fuzz/corpus/$t 2>build/fuzz/fuzz_$t.log \
     || { [ "$t" = results ] && ! ls build/fuzz/artifacts/$t | grep -qv '^timeout-' && ! grep -qE 'ERROR: |unexpected exception' build/fuzz/fuzz_$t.log; }; then
    status=1
    echo "!! fuzz_$t found a problem: see build/fuzz/fuzz_$t.log and build/fuzz/artifacts/$t/"
    grep -A30 -m1 'ERROR\|unexpected exception\|runtime error' build/fuzz/fuzz_$t.log || tail -40 build/fuzz/fuzz_$t.log
  fi
  grep -E '^(#[0-9]+.*DONE|stat::)' build/fuzz/fuzz_$t.log | sed "s/^/   /" || true
  grep -E 'cov: ' build/fuzz/fuzz_$t.log | tail -1 | sed "s/^/   last: /" || true
  n=$(ls build/fuzz/artifacts/$t | grep -c '^timeout-' || true)
  [ "$n" -eq 0 ] || echo "   $n input(s) hang inside libhdf5 (build/fuzz/artifacts/$t/timeout-*; known upstream issue, docs/hardening.md)"
done
exit $status
