#pragma once
// `mpirun -np N buurt sweep ...`: rank 0 owns the working file and hands out runs; only in builds
// with MPI (BUURT_HAVE_MPI, set by sim/CMakeLists.txt for the buurt executable).
#ifdef BUURT_HAVE_MPI
#include "sweep.h"

namespace buurt::cli {

/// Whether this process was started by mpirun/srun (the MPI launchers' environment variables).
bool launched_by_mpirun();
/// The sweep on all MPI ranks (a single rank runs it like a local sweep). Returns the exit code.
int run_sweep_mpi(const SweepArgs& a);

}  // namespace buurt::cli
#endif
