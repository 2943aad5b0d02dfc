#pragma once
/// Small statistics shared by comparisons and sweeps.
#include <cstdint>

namespace buurt {

/// 97.5% quantile of Student's t with `df` degrees of freedom (Boost.Math); infinity for df < 1 (no interval).
double t975(std::int64_t df);

}  // namespace buurt
