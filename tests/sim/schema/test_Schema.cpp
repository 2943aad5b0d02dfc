#include <gtest/gtest.h>

#include <fmt/format.h>
#include <algorithm>
#include <optional>

#include <fstream>
#include <set>
#include <sstream>

#include "../test_support.h"
#include "buurt/schema/Outcomes.h"
#include "buurt/schema/Schema.h"

using namespace buurt;

TEST(Schema, EveryKeyIsDeclaredOnceWithDefaultInRange) {
  std::set<std::string> names;
  const Params defaults{};
  for (const auto& s : schema()) {
    EXPECT_TRUE(names.insert(s.full_name()).second) << "duplicate " << s.full_name();
    EXPECT_FALSE(s.description.empty()) << s.full_name();
    EXPECT_FALSE(s.source.empty()) << s.full_name();
    if (s.type != ParamType::Bool) {
      EXPECT_GE(s.default_value, s.min) << s.full_name();
      EXPECT_LE(s.default_value, s.max) << s.full_name();
    }
    // The viewer labels a slider from here in both languages (no table of its own).
    if (s.slider.shown) EXPECT_TRUE(!s.slider.label.empty() && !s.slider.label_nl.empty()) << s.full_name();
  }
  EXPECT_GT(names.size(), 50u);
}

TEST(Schema, SuggestsClosestKey) {
  EXPECT_EQ(suggest_param("asking.treshold_mean").value_or(""), "asking.threshold_mean");
  EXPECT_EQ(suggest_param("population.residnts").value_or(""), "population.residents");
  EXPECT_EQ(suggest_param("network.residents").value_or(""), "population.residents");
  EXPECT_FALSE(suggest_param("completely.unrelated_and_long_name").has_value());
}

using test::generated_block;

// docs/scenarios.md holds the generated parameter reference between markers; it must match the schema.
TEST(Schema, DocsParameterTableMatchesSchema) {
  const auto block = generated_block("scenarios.md", "PARAMETERS", "buurt describe --markdown");
  ASSERT_TRUE(block) << "docs/scenarios.md or its markers missing";
  EXPECT_EQ(*block, schema_markdown()) << "regenerate with: scripts/gen_docs.sh";
}

// docs/output.md holds the generated outcome table; it must match Outcomes.def.
TEST(Schema, DocsOutcomeTableMatchesOutcomes) {
  const auto block = generated_block("output.md", "OUTCOMES", "buurt describe outcomes --markdown");
  ASSERT_TRUE(block) << "docs/output.md or its markers missing";
  EXPECT_EQ(*block, outcomes_markdown()) << "regenerate with: scripts/gen_docs.sh";
}

TEST(Schema, OutcomesAreDescribedWithUnitDirectionAndReference) {
  const auto* o = find_outcome_spec("severely_lonely_share");
  ASSERT_NE(o, nullptr);
  const std::string d = describe_outcome(*o);
  EXPECT_NE(d.find("share of adults"), std::string::npos) << d;
  EXPECT_NE(d.find("better when: lower"), std::string::npos) << d;
  EXPECT_NE(d.find("(nl: ernstig eenzaam)"), std::string::npos) << d;  // the Dutch label
  EXPECT_NE(d.find("11–14%"), std::string::npos) << d;                 // the reference figure
  EXPECT_NE(d.find("[ggd2022] GGD"), std::string::npos) << d;          // and the full entry of its source
  EXPECT_EQ(find_outcome_spec("no_such_outcome"), nullptr);
  EXPECT_EQ(suggest_outcome("in_need_shar").value_or(""), "in_need_share");
  // Every outcome appears once in the table, and a bar inside a description does not split a row.
  const std::string md = outcomes_markdown();
  for (const auto& spec : kOutcomeSpecs) {
    EXPECT_NE(md.find(fmt::format("| `{}` |", spec.name)), std::string::npos) << spec.name;
    EXPECT_FALSE(spec.label_nl.empty()) << spec.name << " has no Dutch label";
  }
  const auto row = md.find("| `imbalanced_tie_share` |");
  ASSERT_NE(row, std::string::npos);
  const std::string line = md.substr(row, md.find('\n', row) - row);
  EXPECT_EQ(std::count(line.begin(), line.end(), '|') - std::count(line.begin(), line.end(), '\\'), 9) << line;
}

TEST(Schema, DescribeShowsTheFullReferenceOfASource) {
  const auto* spec = find_param("team.bouncing");
  ASSERT_NE(spec, nullptr);
  const std::string d = describe_param(*spec);
  EXPECT_NE(d.find("    [seed002] *Het is tijd voor doorontwikkeling"), std::string::npos) << d;
}
