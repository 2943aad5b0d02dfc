#!/usr/bin/env bash
# README command 2 (and .ci/run): install what is missing, build, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh all
cmake --preset release > /dev/null
cmake --build build/release -j"$(nproc)"
ctest --test-dir build/release --output-on-failure -j"$(nproc)"
# Hardening (docs/hardening.md): the fuzzers for a minute each, an ASan + UBSan subset of the suite and
# the determinism and sweep tests under TSan, each in its own clang build. About 8 minutes on 2 cores.
# BUURT_QUICK=1 skips this stage for a quick local check; CI (.ci/run) always runs it.
if [ "${BUURT_QUICK:-0}" != 1 ]; then
  bash scripts/sanitize.sh ci 60
fi
