#!/usr/bin/env bash
# Static checks of sim/ and visualizer/ (docs/hardening.md): clang-tidy with the checked-in
# .clang-tidy and cppcheck, both driven by build/lint/compile_commands.json (configure only, the
# viewer included). Exit 1 on any finding. Usage: scripts/lint.sh [tidy|cppcheck|all]
set -euo pipefail
cd "$(dirname "$0")/.."
what=${1:-all}
jobs=$(nproc)
cmake -S . -B build/lint -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_EXPORT_COMPILE_COMMANDS=ON \
  -DBUURT_BUILD_VIEWER=ON -DBUURT_BUILD_TESTS=OFF > build/lint-configure.log 2>&1 || { cat build/lint-configure.log; exit 1; }
status=0
# cppcheck suppressions, each with its reason (id:file pattern).
suppress=(
  # ScenarioError's constructor takes its message by value and formats it once, on the error path only.
  --suppress=passedByValue:*sim/src/scenario/Scenario.cpp
)
if [ "$what" = all ] || [ "$what" = tidy ]; then
  echo "== clang-tidy ($(clang-tidy --version | grep -o 'version [0-9.]*'))"
  # run-clang-tidy exits non-zero when a check fires (WarningsAsErrors: '*')
  run-clang-tidy -quiet -p build/lint -j "$jobs" '/(sim|visualizer)/(src|app)/.*\.cpp$' > build/lint-tidy.log 2>&1 || status=1
  sed -i 's/\x1b\[[0-9;]*m//g' build/lint-tidy.log  # no colour codes in the log
  grep -E '^/.*(warning|error):' build/lint-tidy.log | sort -u || true
  [ $status -eq 0 ] && echo "clang-tidy: clean" || echo "clang-tidy: findings above (full log build/lint-tidy.log)"
fi
if [ "$what" = all ] || [ "$what" = cppcheck ]; then
  echo "== $(cppcheck --version)"
  # compile_commands.json holds only sim/ and visualizer/ (tests off); third-party headers are not analysed (--suppress on their paths).
  if ! cppcheck --project=build/lint/compile_commands.json \
      --enable=warning,performance,portability --std=c++20 --inline-suppr --error-exitcode=1 \
      --suppress='*:/usr/*' --suppress=missingIncludeSystem --suppress=unmatchedSuppression \
      "${suppress[@]}" -j "$jobs" --quiet \
      --cppcheck-build-dir=build/lint > build/lint-cppcheck.log 2>&1; then
    status=1
    cat build/lint-cppcheck.log
    echo "cppcheck: findings above"
  else
    echo "cppcheck: clean"
  fi
fi
exit $status
