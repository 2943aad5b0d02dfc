// Reference figures (docs/references.md): the baseline reproduces their order of magnitude, and the figures
// come from the mechanisms that are meant to produce them. The parameters are not tuned by hand to these
// figures; fitting them with honest uncertainty (and holding some out) is the calibration work (history
// matching, docs/ODD.md "Calibration"). Until then each figure must lie within a factor of two of the
// model's last-year mean (5-year run) in each of two replicates (tighter for two figures, below), and the
// directions must be right.
//
// A band of a factor of two is wide: a figure can land in it with the mechanism behind it switched off, and
// then the test says nothing about that mechanism. So each mechanism this test is about is switched off in
// runs of their own, and a figure it produces must then leave its band (negative controls, issue 51).
#include <gtest/gtest.h>

#include <cstdio>
#include <stdexcept>

#include "model_support.h"

using namespace buurt;

// The runs these tests read (model_runs.h): the baseline as shipped (5 years) and the baseline with one
// mechanism off, two replicates each (replicate r of each shares seed and run number: common random numbers).
// Tried and left out (issue 51, last-year means of replicates 0 and 1): with adaptation.enabled=false or
// events.cascades=false every figure stays within its band (severely lonely 0.193/0.194 and 0.159/0.157,
// helpers 0.288/0.293 and 0.277/0.278, intensive carers 0.128/0.129 and 0.120/0.119, intake wait 4.5/3.7 and
// 3.3/3.3 weeks), so these figures say nothing about those two mechanisms: this test is not about them
// (Mechanisms.DependencyRelaxesWithoutTheTeam is about adaptation).
BUURT_MODEL_RUNS({"baseline.toml", {}, 2}, {"baseline.toml", {"care.circle=false"}, 2}, {"baseline.toml", {"ties.dynamics=false"}, 2},
                 {"baseline.toml", {"reciprocity.give_back=false"}, 2});

namespace {

constexpr std::uint32_t kReplicates = 2;

struct Figure {
  Outcome outcome;
  double observed;
  const char* source;
  /// The band: observed / factor .. observed * factor. Two (an order of magnitude) unless a negative
  /// control below needs a tighter band to be told apart, argued there.
  double factor = 2.0;
};

// Severe loneliness: band 1.75 (0.071-0.219): on 0.194/0.196, with ties.dynamics off 0.274/0.270, so the
// band passes on and fails off with 12% and 23% to spare; at a factor of two (up to 0.25) the control missed
// by only 8%. Helpers: band 1.5 (0.233-0.525): on 0.304/0.305, with reciprocity.give_back off 0.183/0.183;
// at a factor of two (from 0.175) the control stayed inside.
const Figure kFigures[] = {
    {Outcome::severely_lonely_share, 0.125, "GGD 2020-2022: 11-14% of adults severely lonely", 1.75},
    {Outcome::somewhat_lonely_share, 0.48, "GGD 2020-2022: 47-49% of adults lonely"},
    {Outcome::helper_share_adults, 0.35, "SCP 2019: 35% give some informal help", 1.5},
    {Outcome::intensive_carer_share_adults, 0.13, "CBS 2022: 13.0% give long or intensive care"},
    {Outcome::intensive_carer_hours, 13.1, "CBS 2022: 13.1 h/week"},
    {Outcome::burdened_helper_share, 0.19, "CBS: 19% of carers heavily burdened"},
    {Outcome::team_intake_wait, 5.0, "Wmo practice: 4-6 weeks to a first talk"},
};

/// A mechanism this test is about, and a figure it produces: with the mechanism off, that figure leaves its band.
struct Control {
  const char* off;
  Outcome outcome;
  const char* why;
};

// Measured (issue 51, replicates 0/1): without the care circle long or intensive carers 0.046/0.044 (band
// from 0.065) and the intake wait 13.8/14.3 weeks (band up to 10: unmet care goes to the team); without tie
// dynamics severe loneliness 0.274/0.270 (band up to 0.219); without giving back the helpers 0.183/0.183
// (band from 0.233: favours given back are a third of the adults who help in a week).
const Control kControls[] = {
    {"care.circle=false", Outcome::intensive_carer_share_adults, "long or intensive carers are the care circle's"},
    {"care.circle=false", Outcome::team_intake_wait, "care the circle does not give reaches the team"},
    {"ties.dynamics=false", Outcome::severely_lonely_share, "ties that strengthen with contact keep loneliness down"},
    {"reciprocity.give_back=false", Outcome::helper_share_adults, "favours given back make helpers"},
};

/// Mean of an outcome over the last 52 weeks of replicate `run` of the baseline with `sets`.
double last_year(const std::vector<std::string>& sets, std::uint32_t run, Outcome o) {
  const auto rows = test::run_rows("baseline.toml", sets, run);
  double s = 0;
  for (std::size_t w = rows.size() - 52; w < rows.size(); ++w) s += rows[w][o];
  return s / 52;
}

const Figure& figure(Outcome o) {
  for (const auto& f : kFigures)
    if (f.outcome == o) return f;
  throw std::logic_error("no reference figure for an outcome");
}

bool within_band(const Figure& f, double model) { return model >= f.observed / f.factor && model <= f.observed * f.factor; }

}  // namespace

// Pattern: every reference figure within its band in each replicate of the baseline (mechanisms on).
// Negative controls: for each mechanism in kControls, the figure it produces leaves its band in each
// replicate of the baseline with that mechanism off.
TEST(Calibration, BaselineReproducesTheOrderOfMagnitudeOfReferenceFigures) {
  for (std::uint32_t r = 0; r < kReplicates; ++r) {
    for (const auto& f : kFigures) {
      const double model = last_year({}, r, f.outcome);
      std::printf("[calibration] %s, replicate %u: model %.4g, observed %.4g, band x%.2f (%s)\n", std::string(spec(f.outcome).name).c_str(), r, model,
                  f.observed, f.factor, f.source);
      EXPECT_TRUE(within_band(f, model)) << spec(f.outcome).name << " " << model << " vs " << f.source << ", replicate " << r;
    }
    for (const auto& c : kControls) {
      const Figure& f = figure(c.outcome);
      const double model = last_year({c.off}, r, c.outcome);
      std::printf("[calibration] negative control %s, replicate %u: %s %.4g, band %.4g..%.4g (%s)\n", c.off, r, std::string(spec(c.outcome).name).c_str(),
                  model, f.observed / f.factor, f.observed * f.factor, c.why);
      EXPECT_FALSE(within_band(f, model)) << "with " << c.off << " " << spec(c.outcome).name << " " << model << " is still within its band: " << c.why;
    }
  }
  // Reported, not checked here (docs/ODD.md "Known differences"): the calibration work fits them.
  for (Outcome o : {Outcome::volunteer_share_adults, Outcome::volunteer_hours_employed, Outcome::volunteer_hours_not_employed, Outcome::open_offers,
                    Outcome::requests, Outcome::unanswered, Outcome::severely_lonely_benefits, Outcome::severely_lonely_low_income,
                    Outcome::severely_lonely_middle_income, Outcome::informal_share_of_hours, Outcome::helper_satisfaction, Outcome::clustering})
    std::printf("[calibration] %s: model %.4g\n", std::string(spec(o).name).c_str(), last_year({}, 0, o));
  // SCP 2016: informal carers deliver about 75% of home-care hours; the model has no formal home care
  // besides the team and the second line, so its informal share is at least that (0.93 without the care
  // circle too: not evidence for a mechanism).
  EXPECT_GE(last_year({}, 0, Outcome::informal_share_of_hours), 0.75);
  // GGD: money problems go with loneliness: severe loneliness falls from benefits to middle income.
  for (std::uint32_t r = 0; r < kReplicates; ++r)
    EXPECT_GT(last_year({}, r, Outcome::severely_lonely_benefits), last_year({}, r, Outcome::severely_lonely_middle_income)) << "replicate " << r;
}
