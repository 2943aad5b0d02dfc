#!/usr/bin/env bash
# README command 2 (and .ci/run): install what is missing, build, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh all
cmake --preset release > /dev/null
cmake --build build/release -j"$(nproc)"
ctest --test-dir build/release --output-on-failure -j"$(nproc)"
if [ -d analysis/tests ]; then
  BUURT=$PWD/build/release/buurt /usr/bin/python3 -m pytest -q analysis/tests
fi
