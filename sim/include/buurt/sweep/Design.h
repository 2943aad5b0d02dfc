#pragma once
/// Experiment designs: full grid, Latin hypercube, Sobol sequence, Saltelli sample, Morris trajectories.
/// Generators return row-major matrices (points x factors); all are pure functions of their arguments.
#include <cstdint>
#include <vector>

#include "buurt/sweep/Sweep.h"

namespace buurt::sweep {

/// A design table: `rows` points, `cols` factors, values row-major.
struct Matrix {
  std::int64_t rows = 0, cols = 0;
  std::vector<double> v;
  double operator()(std::int64_t r, std::int64_t c) const { return v[static_cast<std::size_t>(r * cols + c)]; }
  double& operator()(std::int64_t r, std::int64_t c) { return v[static_cast<std::size_t>(r * cols + c)]; }
};

/// Highest Sobol dimension available (Joe-Kuo new-joe-kuo-6.21201, first dimensions).
int sobol_max_dimensions();
/// Coordinate `dim` (0-based) of point `index` of the unscrambled Sobol sequence (Joe-Kuo direction
/// numbers, Gray-code order as in Joe & Kuo's reference program; point 0 is the origin).
double sobol_value(std::uint64_t index, int dim);
/// Points skip .. skip+n-1 of the `dims`-dimensional Sobol sequence, in [0, 1).
Matrix sobol(std::int64_t n, int dims, std::int64_t skip = 0);

/// Latin hypercube in [0,1)^dims: each of the n strata [k/n, (k+1)/n) of every factor holds exactly one point.
Matrix latin_hypercube(std::int64_t n, int dims, std::uint64_t seed, bool centered = false);

/// Saltelli (2010) sample for first- and total-order Sobol indices from base samples N: the Sobol
/// sequence in 2*dims dimensions gives A (first dims columns) and B (last dims). For each i the block
/// of dims+2 rows is A_i, AB_i^(1) .. AB_i^(dims) (A_i with column j taken from B_i), B_i.
Matrix saltelli(std::int64_t base_samples, int dims, std::int64_t skip = 0);

/// Morris (1991) elementary-effect trajectories on a `levels`-level grid in [0,1]: r trajectories of
/// dims+1 points; consecutive points differ in exactly one factor by delta = levels / (2 (levels - 1)).
Matrix morris(std::int64_t trajectories, int dims, int levels, std::uint64_t seed);
/// The Morris step in the unit cube for `levels` levels.
double morris_delta(int levels);

/// Full factorial of the given level counts, as level indices (first factor varies slowest).
Matrix full_grid(const std::vector<std::int64_t>& counts);

/// The design of a sweep in parameter units: one row per design point, one column per factor.
/// Integer parameters are rounded to the nearest integer; booleans are 0/1.
Matrix make_design(const SweepSpec& spec);
/// Number of design points make_design would produce (without building it).
std::int64_t design_points(const SweepSpec& spec);

}  // namespace buurt::sweep
