#include <gtest/gtest.h>

#include <fstream>

#include "../test_support.h"
#include "buurt/scenario/Scenario.h"

using namespace buurt;

namespace {
struct Broken {
  const char* text;
  const char* expected;  // substring of the message
  int line;
};

std::string error_of(const std::string& text, std::vector<std::string> sets = {}) {
  try {
    parse_scenario(text, "broken.toml", sets);
  } catch (const ScenarioError& e) {
    return e.what();
  }
  return "";
}
}  // namespace

TEST(Scenario, DefaultsLoadAndResolve) {
  const Scenario s = parse_scenario("name = \"x\"\n", "x.toml");
  EXPECT_EQ(s.name, "x");
  EXPECT_EQ(s.params.population_residents, Params{}.population_residents);
  EXPECT_NE(s.resolved_toml().find("[population]\nresidents = 6500"), std::string::npos);
  EXPECT_NE(s.resolved_toml().find("\nname = \"x\"\n"), std::string::npos);
}

TEST(Scenario, ResolvedTextParsesBackToSameParams) {
  const Scenario a = load_scenario(test::scenario_path("baseline.toml"), std::vector<std::string>{"asking.rounds=5"});
  const Scenario b = parse_scenario(a.resolved_toml(), "resolved.toml");
  EXPECT_EQ(a.resolved_toml(), b.resolved_toml());
}

TEST(Scenario, ResolvedTextEscapesTheName) {  // found by fuzz_scenario: a name with \r did not load back
  const Scenario a = parse_scenario("name = \"a \\\"quoted\\\" \\\\ name\\r\\nwith\\tcontrol \\u0001 and \u00eb\"\n", "x.toml");
  EXPECT_EQ(a.name, "a \"quoted\" \\ name\r\nwith\tcontrol \x01 and \u00eb");
  EXPECT_NE(a.resolved_toml().find("and \u00eb\"\n"), std::string::npos);  // UTF-8 kept as it is
  const Scenario b = parse_scenario(a.resolved_toml(), "resolved.toml");
  EXPECT_EQ(b.name, a.name);
  EXPECT_EQ(a.resolved_toml(), b.resolved_toml());
}

TEST(Scenario, BrokenFilesNameLineKeyAndExpectation) {
  const Broken cases[] = {
      {"[population]\nresidents = \"many\"\n",
       "broken.toml:2:13: key 'population.residents': expected an integer in [10, 20000000] (residents), found the string \"many\"", 2},
      {"[population]\nresidents = 5\n", "expected an integer in [10, 20000000]", 2},
      {"[population]\nresidents = 6500.5\n", "found the number 6500.5", 2},
      {"[asking]\ntreshold_mean = 0.3\n", "broken.toml:2:1: key 'asking.treshold_mean': unknown key; did you mean 'asking.threshold_mean'?", 2},
      {"[askin]\nthreshold_mean = 0.3\n", "unknown section [askin]; did you mean [asking]?", 1},
      {"residents = 100\n", "unknown top-level key 'residents'", 1},
      {"[events]\ncascades = 1\n", "key 'events.cascades': expected a boolean (true or false), found the integer 1", 2},
      {"[events]\nincome_onset = 1.5\n", "expected a number in [0, 1]", 2},
      {"[events]\nincome_onset = -0.1\n", "found the number -0.1", 2},
      {"[population\nresidents = 1\n", "TOML syntax error", 1},
      {"name = 3\n", "key 'name': expected a string, found the integer 3", 1},
      {"population = 3\n", "expected a table [population], found the integer 3", 1},
      {"base = \"does_not_exist.toml\"\n", "base file", 1},
      {"[population]\nshare_single = 0.9\n", "must sum to 1", 0},
      {"[run]\nweeks = inf\n", "weeks", 2},
      {"[team]\nfte = 6.5\n", "key 'team.fte': team.fte was renamed to team.fte_per_1000", 2},
  };
  for (const auto& c : cases) {
    const std::string msg = error_of(c.text);
    EXPECT_NE(msg.find(c.expected), std::string::npos) << "text:\n" << c.text << "message: " << msg;
    if (c.line > 0) EXPECT_NE(msg.find("broken.toml:" + std::to_string(c.line) + ":"), std::string::npos) << msg;
  }
}

TEST(Scenario, BaseFileInheritanceAndOverride) {
  const auto dir = test::temp_dir("base");
  std::ofstream(dir / "a.toml") << "name = \"a\"\n[population]\nresidents = 1000\n[asking]\nrounds = 4\n";
  std::ofstream(dir / "b.toml") << "base = \"a.toml\"\nname = \"b\"\n[asking]\nrounds = 2\n";
  const Scenario s = load_scenario(dir / "b.toml");
  EXPECT_EQ(s.name, "b");
  EXPECT_EQ(s.params.population_residents, 1000);
  EXPECT_EQ(s.params.asking_rounds, 2);
  EXPECT_NE(s.given_text.find("base file"), std::string::npos);
}

TEST(Scenario, TitlesAreTheFilesOwnAndTheDutchDescriptionGoesWithTheDescription) {
  const auto dir = test::temp_dir("titles");
  std::ofstream(dir / "a.toml") << "name = \"a\"\ndescription = \"A\"\ndescription_nl = \"A-nl\"\ntitle = \"Title A\"\ntitle_nl = \"Titel A\"\n";
  std::ofstream(dir / "b.toml") << "base = \"a.toml\"\nname = \"b\"\n";
  std::ofstream(dir / "c.toml") << "base = \"a.toml\"\ndescription = \"C\"\ntitle = \"Title C\"\n";
  const Scenario a = load_scenario(dir / "a.toml"), b = load_scenario(dir / "b.toml"), c = load_scenario(dir / "c.toml");
  EXPECT_EQ(a.title, "Title A");
  EXPECT_EQ(a.title_nl, "Titel A");
  EXPECT_EQ(a.description_nl, "A-nl");
  EXPECT_EQ(b.title, "");
  EXPECT_EQ(b.title_nl, "");
  EXPECT_EQ(b.description, "A");
  EXPECT_EQ(b.description_nl, "A-nl");
  EXPECT_EQ(c.title, "Title C");
  EXPECT_EQ(c.description, "C");
  EXPECT_EQ(c.description_nl, "");
  EXPECT_THROW(parse_scenario("title_en = \"x\"\n", "x.toml"), ScenarioError);
  EXPECT_THROW(parse_scenario("title = 3\n", "x.toml"), ScenarioError);
}

TEST(Scenario, BaseCycleIsAnError) {
  const auto dir = test::temp_dir("cycle");
  std::ofstream(dir / "a.toml") << "base = \"b.toml\"\n";
  std::ofstream(dir / "b.toml") << "base = \"a.toml\"\n";
  try {
    load_scenario(dir / "a.toml");
    FAIL() << "expected an error";
  } catch (const ScenarioError& e) {
    EXPECT_NE(std::string(e.what()).find("loops back"), std::string::npos) << e.what();
  }
}

TEST(Scenario, ErrorInBaseNamesTheBaseFile) {
  const auto dir = test::temp_dir("basebad");
  std::ofstream(dir / "a.toml") << "[population]\n\nresidnts = 3\n";
  std::ofstream(dir / "b.toml") << "base = \"a.toml\"\n";
  try {
    load_scenario(dir / "b.toml");
    FAIL() << "expected an error";
  } catch (const ScenarioError& e) {
    EXPECT_NE(e.file().find("a.toml"), std::string::npos);
    EXPECT_EQ(e.line(), 3);
    EXPECT_EQ(e.key(), "population.residnts");
  }
}

TEST(Scenario, SetOverridesAreValidatedLikeFiles) {
  const Scenario s = parse_scenario("", "x.toml", std::vector<std::string>{"population.residents=1234", "events.cascades=false", "asking.owe_scale=3"});
  EXPECT_EQ(s.params.population_residents, 1234);
  EXPECT_FALSE(s.params.events_cascades);
  EXPECT_DOUBLE_EQ(s.params.asking_owe_scale, 3.0);
  EXPECT_NE(error_of("", {"population.residents=abc"}).find("--set #1"), std::string::npos);
  EXPECT_NE(error_of("", {"population.residents=abc"}).find("expected an integer"), std::string::npos);
  EXPECT_NE(error_of("", {"populaton.residents=100"}).find("did you mean 'population.residents'"), std::string::npos);
  EXPECT_NE(error_of("", {"noequals"}).find("expected section.key=value"), std::string::npos);
  EXPECT_NE(error_of("", {"events.income_onset=2"}).find("expected a number in [0, 1]"), std::string::npos);
}
