#include "buurt/experiment/Stats.h"

#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <limits>

namespace buurt {

double t975(std::int64_t df) {
  if (df < 1) return std::numeric_limits<double>::infinity();
  return boost::math::quantile(boost::math::students_t(static_cast<double>(df)), 0.975);
}

MeanInterval mean_interval(std::span<const double> x) {
  const auto n = static_cast<double>(x.size());
  double m = 0.0;
  for (double v : x) m += v;  // fixed order: comparisons, MKBA tables and tests give the same numbers
  m /= n;
  if (x.size() < 2) return {m, std::nan(""), std::nan(""), std::nan("")};
  double ss = 0.0;
  for (double v : x) ss += (v - m) * (v - m);
  const double half = t975(static_cast<std::int64_t>(x.size()) - 1) * std::sqrt(ss / (n - 1) / n);
  return {m, half, m - half, m + half};
}

}  // namespace buurt
