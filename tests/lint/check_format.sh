#!/usr/bin/env bash
# usage: check_format.sh CLANG_FORMAT SOURCE_DIR — fails when a C++ file differs from .clang-format's layout.
# Fix with: git ls-files '*.cpp' '*.h' | xargs clang-format-14 -i
set -euo pipefail
cf=$1; cd "$2"
# Control: a badly laid out snippet must be reported, or the check is blind.
if printf 'int  f( int x ){return x;}\n' | "$cf" --assume-filename=x.cpp --dry-run --Werror >/dev/null 2>&1; then
  echo "FAIL: $cf accepted a misformatted snippet"; exit 1
fi
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files '*.cpp' '*.h')
else
  mapfile -t files < <(find sim visualizer tests -name '*.cpp' -o -name '*.h')
fi
"$cf" --dry-run --Werror "${files[@]}"
echo "ok: ${#files[@]} files formatted"
