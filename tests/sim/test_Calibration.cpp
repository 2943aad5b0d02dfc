// Calibration: baseline.toml reproduces the Dutch reference figures (docs/references.md) within stated
// tolerances (last-year means of a 5-year run, one seed). See docs/ODD.md, "Calibration".
#include <gtest/gtest.h>

#include "model_support.h"

using namespace buurt;

TEST(Calibration, BaselineReproducesReferenceFigures) {
  const auto rows = test::run_rows("baseline.toml", {});
  auto last_year = [&](Outcome o) {
    double s = 0;
    for (std::size_t w = rows.size() - 52; w < rows.size(); ++w) s += rows[w][o];
    return s / 52;
  };
  // GGD 2020-2022: 11-14% of adults severely lonely (municipal range 5.7-22.6%).
  EXPECT_GE(last_year(Outcome::severely_lonely_share), 0.09);
  EXPECT_LE(last_year(Outcome::severely_lonely_share), 0.16);
  // SCP 2016: informal carers deliver about 75% of home-care hours. The model holds no formal home
  // care (only the social team and the second line), so its informal share is at least that
  // (docs/ODD.md, Calibration).
  EXPECT_GE(last_year(Outcome::informal_share_of_hours), 0.75);
  EXPECT_LE(last_year(Outcome::informal_share_of_hours), 0.99);
  // Wmo practice: 4-6 weeks to a first talk, more than 17 weeks in some municipalities.
  EXPECT_GE(last_year(Outcome::team_mean_wait), 2.0);
  EXPECT_LE(last_year(Outcome::team_mean_wait), 17.0);
  // CBS 2022: 13.0% of adults give long or intensive care (3 months or more, or 8 h/week or more),
  // 13.1 h/week on average. Tolerances: 10-16% and 9.8-16.4 h (+-25%).
  EXPECT_GE(last_year(Outcome::intensive_carer_share_adults), 0.10);
  EXPECT_LE(last_year(Outcome::intensive_carer_share_adults), 0.16);
  EXPECT_GE(last_year(Outcome::intensive_carer_hours), 9.8);
  EXPECT_LE(last_year(Outcome::intensive_carer_hours), 16.4);
  // CBS: 19% of carers feel heavily burdened. Tolerance 14-25%.
  EXPECT_GE(last_year(Outcome::burdened_helper_share), 0.14);
  EXPECT_LE(last_year(Outcome::burdened_helper_share), 0.25);
}
