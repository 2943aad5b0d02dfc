#include "buurt/experiment/Stats.h"

#include <boost/math/distributions/students_t.hpp>
#include <limits>

namespace buurt {

double t975(std::int64_t df) {
  if (df < 1) return std::numeric_limits<double>::infinity();
  return boost::math::quantile(boost::math::students_t(static_cast<double>(df)), 0.975);
}

}  // namespace buurt
