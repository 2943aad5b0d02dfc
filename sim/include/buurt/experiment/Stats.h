#pragma once
/// Small statistics shared by comparisons and sweeps.
#include <cstdint>
#include <span>

namespace buurt {

/// 97.5% quantile of Student's t with `df` degrees of freedom (Boost.Math); infinity for df < 1 (no interval).
double t975(std::int64_t df);

/// A sample's mean and 95% t-interval: mean ± half, lo = mean - half, hi = mean + half.
struct MeanInterval {
  double mean, half, lo, hi;
};
/// Mean of `x` (summed in order) and the 95% t-interval of that mean, t975(n - 1) * sqrt(ss / (n - 1) / n) with
/// ss the squared deviations from the mean; half, lo and hi are NaN for fewer than 2 values (mean NaN for none).
MeanInterval mean_interval(std::span<const double> x);

}  // namespace buurt
