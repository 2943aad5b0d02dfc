#!/usr/bin/env bash
# README command 2 (and .ci/run): install what is missing, build, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
t0=$SECONDS
bash scripts/setup.sh all
cmake --preset release > /dev/null
cmake --build build/release -j"$(nproc)"
t_build=$((SECONDS - t0))
# Every tier (labels in tests/CMakeLists.txt), the Python analysis tests included (label analysis).
mkdir -p build
t1=$SECONDS
set +e
ctest --test-dir build/release --output-on-failure -j"$(nproc)" 2>&1 | tee build/ctest.log
rc=${PIPESTATUS[0]}
set -e
t_ctest=$((SECONDS - t1))
# Hardening (docs/hardening.md): the fuzzers for a minute each, an ASan + UBSan subset of the suite and
# the determinism and sweep tests under TSan, each in its own clang build. About 8 minutes on 2 cores.
# BUURT_QUICK=1 skips this stage for a quick local check; CI (.ci/run) always runs it.
t_hard=0
if [ "$rc" = 0 ] && [ "${BUURT_QUICK:-0}" != 1 ]; then
  t2=$SECONDS
  bash scripts/sanitize.sh ci 60
  t_hard=$((SECONDS - t2))
fi
# Time per ctest label (sum of test times; tests run two at a time), so each issue's test-time allowance
# can be checked, then the wall time of each stage.
echo
sed -n '/^Label Time Summary:/,/^$/p' build/ctest.log
echo "Stages (wall): setup+build ${t_build} s, ctest ${t_ctest} s, hardening ${t_hard} s, total $((SECONDS - t0)) s"
exit "$rc"
