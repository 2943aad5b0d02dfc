# Shared helpers of the sweep shell tests (sourced).
fail=0
check() { # name, status (0 = ok)
  if [ "$2" -eq 0 ]; then echo "ok   - $1"; else echo "FAIL - $1"; fail=1; fi
}
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
runs_in() { # number of runs in a result file
  /usr/bin/python3 -c "import h5py,sys; print(h5py.File(sys.argv[1],'r')['runs/run_index'].shape[0])" "$1"
}
# Tests keep runs short: no burn-in where the schema has one (run.burn_in), whatever its default.
BURN=""
"$BUURT" describe run.burn_in > /dev/null 2>&1 && BURN="run.burn_in = 0"
