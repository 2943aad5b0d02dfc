// Every source of a parameter and every reference figure of an outcome resolves in docs/references.md.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>

#include "../test_support.h"
#include "buurt/schema/Outcomes.h"
#include "buurt/schema/References.h"
#include "buurt/schema/Schema.h"

using namespace buurt;

namespace {

struct Keys {
  std::set<std::string> sources, figures;
};

Keys defined_keys() {
  std::ifstream in(test::source_dir() / "docs" / "references.md");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string text = ss.str();
  Keys k;
  const std::regex source(R"(\*\*\[([a-z0-9-]+)\]\*\*)"), figure(R"(\n\| ([a-z0-9_]+) \| [a-z_]+(, [a-z_]+)* \|)");
  for (std::sregex_iterator it(text.begin(), text.end(), source), end; it != end; ++it) k.sources.insert((*it)[1]);
  for (std::sregex_iterator it(text.begin(), text.end(), figure), end; it != end; ++it) k.figures.insert((*it)[1]);
  return k;
}

std::set<std::string> cited(std::string_view text) {
  std::set<std::string> out;
  const std::string s(text);
  const std::regex key(R"(\[([a-z0-9-]+)\])");
  for (std::sregex_iterator it(s.begin(), s.end(), key), end; it != end; ++it) out.insert((*it)[1]);
  return out;
}

}  // namespace

TEST(References, PageDefinesKeys) {
  const Keys k = defined_keys();
  EXPECT_GE(k.sources.size(), 10u);  // the five seeds and the statistics
  EXPECT_GE(k.figures.size(), 5u);
  EXPECT_TRUE(k.sources.count("seed000") && k.sources.count("seed004"));
}

TEST(References, EveryCitedKeyResolves) {
  const Keys k = defined_keys();
  for (const auto& spec : schema()) {
    const auto keys = cited(spec.source);
    const bool assumption = spec.source.rfind("assumption", 0) == 0;
    EXPECT_TRUE(assumption || !keys.empty()) << spec.full_name() << ": source cites no key and is not an assumption: '" << spec.source << "'";
    for (const auto& key : keys) EXPECT_TRUE(k.sources.count(key)) << spec.full_name() << " cites [" << key << "], not in docs/references.md";
  }
  for (const auto& o : kOutcomeSpecs)
    if (!o.reference.empty())
      EXPECT_TRUE(k.figures.count(std::string(o.reference))) << o.name << ": reference figure '" << o.reference << "' not in docs/references.md";
}

TEST(References, AnUnknownKeyIsCaught) {  // negative control: the parser sees a key that is not there
  const Keys k = defined_keys();
  const auto keys = cited("[seed002]; [no-such-source-2099]");
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_TRUE(k.sources.count("seed002"));
  EXPECT_FALSE(k.sources.count("no-such-source-2099"));
}

// The compiled-in copy (`buurt describe` shows entries from it) is the page as it is in the tree.
TEST(References, CompiledInCopyIsThePage) {
  std::ifstream in(test::source_dir() / "docs" / "references.md");
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(std::string(references_text()), ss.str()) << "reconfigure: cmake picks docs/references.md up at configure time";
}

TEST(References, EntriesAndFiguresAreFound) {
  const auto seed = reference_entry("seed002");
  ASSERT_TRUE(seed.has_value());
  EXPECT_EQ(seed->rfind("*Het is tijd voor doorontwikkeling in sociale teams*", 0), 0u) << *seed;
  EXPECT_NE(seed->find("kitchen table."), std::string::npos) << "the entry's continuation lines are joined: " << *seed;
  EXPECT_EQ(seed->find("[seed003]"), std::string::npos) << "the entry stops before the next one: " << *seed;
  EXPECT_FALSE(reference_entry("no-such-source-2099").has_value());
  const auto fig = reference_figure("wmo_wait");
  ASSERT_TRUE(fig.has_value());
  EXPECT_EQ(fig->outcome, "team_intake_wait");
  EXPECT_EQ(fig->source, "[wmo2015]");
  EXPECT_FALSE(reference_figure("no_such_figure").has_value());
  EXPECT_EQ(cited_keys("[seed004]; [ggd2022]: money [seed004] and [Not A Key]"), (std::vector<std::string>{"seed004", "ggd2022"}));
}
