#!/usr/bin/env bash
# README command 1: install what is missing, build, run the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh core
cmake --preset release > /dev/null
cmake --build build/release -j"$(nproc)"
mkdir -p results
build/release/buurt compare scenarios/baseline.toml scenarios/team_facilitating.toml scenarios/community_managers.toml \
  --replicates 10 --ensemble scenarios/calibration/posterior.h5 --out results/main_comparison.h5 --force
