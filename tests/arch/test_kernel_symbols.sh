#!/usr/bin/env bash
# usage: test_kernel_symbols.sh CONTROL_LIB KERNEL_LIB...
# The kernel (and the schema it builds on) must not reference HDF5, toml++ or GUI symbols: the direction
# of the module graph (docs/architecture.md) is enforced by what the libraries leave undefined.
# CONTROL_LIB (the output library) must reference HDF5, or the check could not see such symbols at all.
set -euo pipefail
forbidden='^(H5|hid_t)|toml::|^sf::|ImGui|CLI::|spdlog::|MPI_'
control=$1; shift
# (nm's output is captured first: `grep -q` closing the pipe early would fail the pipeline under pipefail.)
control_undefined=$(nm -u -C "$control" | awk '{print $NF}' | sort -u)
if ! grep -Eq "$forbidden" <<<"$control_undefined"; then
  echo "FAIL: control $(basename "$control") shows no HDF5 symbol; the check is blind"; exit 1
fi
fail=0
for lib in "$@"; do
  undefined=$(nm -u -C "$lib" | awk '{print $NF}' | sort -u)
  bad=$(grep -E "$forbidden" <<<"$undefined" || true)
  if [ -n "$bad" ]; then
    echo "FAIL: $(basename "$lib") references symbols it must not:"; echo "$bad" | head -20; fail=1
  else
    echo "ok: $(basename "$lib") references no HDF5, TOML, GUI, CLI or MPI symbol ($(wc -l <<<"$undefined") undefined symbols checked)"
  fi
done
exit $fail
