// How outcomes and their changes are printed (output/Format.cpp): a change that is not zero never reads 0 (issue 47).
#include <gtest/gtest.h>

#include "../test_support.h"
#include "buurt/output/Format.h"

using namespace buurt;

using test::reads_nonzero;

// Formatting alone, on every outcome: small changes keep two significant digits, zero stays "0".
TEST(Compare, AChangeThatIsNotZeroNeverReadsZero) {
  for (const auto& s : kOutcomeSpecs)
    for (const double d : {1e-7, -3e-5, 0.0004, -0.004, 0.02, 0.3, -7.0, 1234.5}) {
      EXPECT_TRUE(reads_nonzero(format_difference(s.id, d))) << s.name << " " << d << " -> " << format_difference(s.id, d);
      EXPECT_FALSE(reads_nonzero(format_difference(s.id, 0.0))) << s.name;
    }
}
