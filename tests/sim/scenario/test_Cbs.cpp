// A scenario's [population] from a row of CBS Kerncijfers wijken en buurten (buurt/scenario/Cbs.h).
// The fixture is synthetic (tests/sim/scenario/data/README.md); its numbers are chosen so the shares can be
// computed by hand.
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <regex>
#include <sstream>
#include <string>

#include "../test_support.h"
#include "buurt/scenario/Cbs.h"
#include "buurt/scenario/Scenario.h"

using namespace buurt;

namespace {

std::filesystem::path fixture() { return test::source_dir() / "tests" / "sim" / "scenario" / "data" / "kwb_synthetic.csv"; }

CbsError error_of(std::string_view text, std::string_view code) {
  try {
    population_from_cbs(parse_cbs_row(text, "odd.csv", code));
  } catch (const CbsError& e) {
    return e;
  }
  ADD_FAILURE() << "no error for: " << text;
  return CbsError("", "", "", "");
}

constexpr const char* kHeader =
    "ID;WijkenEnBuurten;Codering_3;AantalInwoners_5;k_65JaarOfOuder_12;HuishoudensTotaal_28;Eenpersoonshuishoudens_29;"
    "HuishoudensZonderKinderen_30;HuishoudensMetKinderen_31;HuishoudensMetEenLaagInkomen_78;PersonenPerSoortUitkeringBijstand_83\n";

}  // namespace

TEST(Cbs, ReadsAQuotedDecimalCommaRowAndMapsItAsComputedByHand) {
  const CbsRow row = read_cbs_row(fixture(), "WK999901");
  EXPECT_EQ(row.code, "WK999901");
  EXPECT_EQ(row.name, "Wijk 01 Synthetisch A; testdata");  // a ';' inside quotes is not a separator
  EXPECT_EQ(row.municipality, "Testgemeente");
  EXPECT_EQ(row.line, 3);
  EXPECT_EQ(row.household_size.text, "2,1");
  EXPECT_DOUBLE_EQ(*row.household_size.value, 2.1);
  EXPECT_DOUBLE_EQ(*row.low_income.value, 14.5);
  EXPECT_EQ(row.age_65_plus.column, "k_65JaarOfOuder_12");

  const CbsPopulation p = population_from_cbs(row);
  EXPECT_EQ(p.residents, 6500);
  EXPECT_DOUBLE_EQ(p.share_65_plus, 0.2);  // 1300 / 6500
  // 3000 households: 1250 one-person, 850 without and 900 with children; a fifth of residents is 65+.
  EXPECT_DOUBLE_EQ(p.share_single, 0.3333);   // 1250 x 0.8 / 3000 = 0.33333
  EXPECT_DOUBLE_EQ(p.share_couple, 0.2267);   // 850 x 0.8 / 3000 = 0.22667
  EXPECT_DOUBLE_EQ(p.share_family, 0.3000);   // 900 / 3000
  EXPECT_DOUBLE_EQ(p.share_elderly, 0.1400);  // (1250 + 850) x 0.2 / 3000
  EXPECT_NEAR(p.share_single + p.share_couple + p.share_family + p.share_elderly, 1.0, 1e-12);
  EXPECT_DOUBLE_EQ(p.share_on_benefits, 0.08);  // 240 persons on bijstand / 3000 households
  EXPECT_DOUBLE_EQ(p.share_low_income, 0.065);  // 14,5% low income minus the 8% on benefits
}

TEST(Cbs, CodesMatchTrimmedInAnyCaseAndOnlyWhole) {
  EXPECT_EQ(read_cbs_row(fixture(), "  wk999901 ").line, 3);
  EXPECT_EQ(read_cbs_row(fixture(), "BU99990101").line, 4);
  const CbsRow gm = read_cbs_row(fixture(), "GM9999");  // a gemeente row reads the same
  EXPECT_EQ(population_from_cbs(gm).residents, 9750);
}

TEST(Cbs, ASuppressedNeededColumnIsAnErrorNamingFileColumnAndCode) {
  try {
    read_cbs_row(fixture(), "WK999902");
    FAIL() << "no error";
  } catch (const CbsError& e) {
    EXPECT_EQ(e.column(), "HuishoudensMetEenLaagInkomen_78");
    EXPECT_EQ(e.code(), "WK999902");
    const std::string msg = e.what();
    EXPECT_NE(msg.find("kwb_synthetic.csv:5:"), std::string::npos) << msg;
    EXPECT_NE(msg.find("HuishoudensMetEenLaagInkomen_78 of WK999902 is suppressed ('.'"), std::string::npos) << msg;
  }
}

TEST(Cbs, ASuppressedShownColumnOnlyShowsThousandsAndNilRead) {
  const CbsRow row = read_cbs_row(fixture(), "WK999903");
  EXPECT_EQ(row.age_0_15.text, ".");
  EXPECT_FALSE(row.age_0_15.value.has_value());
  EXPECT_DOUBLE_EQ(*row.residents.value, 1250);  // "1.250": '.' between groups of three
  EXPECT_DOUBLE_EQ(*row.bijstand.value, 0);      // "-": nil
  const CbsPopulation p = population_from_cbs(row);
  EXPECT_DOUBLE_EQ(p.share_single, 0.4);    // 300 x 0.8 / 600
  EXPECT_DOUBLE_EQ(p.share_couple, 0.2);    // 150 x 0.8 / 600
  EXPECT_DOUBLE_EQ(p.share_family, 0.25);   // 150 / 600
  EXPECT_DOUBLE_EQ(p.share_elderly, 0.15);  // 450 x 0.2 / 600
  EXPECT_DOUBLE_EQ(p.share_on_benefits, 0);
  EXPECT_DOUBLE_EQ(p.share_low_income, 0.09);
  EXPECT_NE(population_toml(row, p, {}, "cmd").find("#   k_0Tot15Jaar_8 = ."), std::string::npos);
}

TEST(Cbs, AMissingNeededColumnNamesItsPublishedName) {
  const std::string text = "WijkenEnBuurten;Codering_3;AantalInwoners_5\nWijk 1;WK000101;100\n";
  const CbsError e = error_of(text, "WK000101");
  EXPECT_EQ(e.column(), "k_65JaarOfOuder_12");
  EXPECT_NE(std::string(e.what()).find("odd.csv: no column k_65JaarOfOuder (k_65JaarOfOuder_12 in the 2022 table 85318NED)"), std::string::npos) << e.what();
}

TEST(Cbs, AnUnknownCodeOrMissingFileIsAnErrorNamingThem) {
  try {
    read_cbs_row(fixture(), "WK123456");
    FAIL() << "no error";
  } catch (const CbsError& e) {
    EXPECT_EQ(e.code(), "WK123456");
    EXPECT_NE(std::string(e.what()).find("kwb_synthetic.csv: no row with code 'WK123456' in column Codering_3 (5 data rows)"), std::string::npos) << e.what();
  }
  try {
    read_cbs_row("does/not/exist.csv", "WK000101");
    FAIL() << "no error";
  } catch (const CbsError& e) {
    EXPECT_NE(std::string(e.what()).find("does/not/exist.csv: cannot open"), std::string::npos) << e.what();
  }
}

TEST(Cbs, OddInputIsAnErrorNeverACrash) {
  const struct {
    std::string text, expected;
  } odd[] = {
      {"", "the file is empty"},
      {"\n  \r\n\n", "the file is empty"},
      {"\xEF\xBB\xBF", "the file is empty"},
      {"WijkenEnBuurten,Codering_3,AantalInwoners_5\nx,WK000101,100\n", "no ';' between columns (found ',')"},
      {"WijkenEnBuurten\tCodering_3\nx\tWK000101\n", "no ';' between columns (found tabs)"},
      {"Codering_3;AantalInwoners_5\n", "no row with code 'WK000101'"},
      {"Gemeentenaam_1;AantalInwoners_5\nx;1\n", "no column Codering (Codering_3) or WijkenEnBuurten"},
      {std::string(kHeader) + "1;x;WK000101;\"100;20;40;10;10;20;10,0;4\n", "is not a number: '100;20;"},  // an unterminated quote
      {std::string(kHeader) + "1;x;WK000101;100\n", "k_65JaarOfOuder_12 of WK000101 is empty"},            // a short row
      {std::string(kHeader) + "1;x;WK000101;abc;20;40;10;10;20;10,0;4\n", "AantalInwoners_5 of WK000101 is not a number: 'abc'"},
      {std::string(kHeader) + "1;x;WK000101;1.00;20;40;10;10;20;10,0;4\n", "is not a number: '1.00'"},
      {std::string(kHeader) + "1;x;WK000101;1,0,0;20;40;10;10;20;10,0;4\n", "is not a number: '1,0,0'"},
      {std::string(kHeader) + "1;x;WK000101;100;20;40;10;10;20;1e3;4\n", "is not a number: '1e3'"},
      {std::string(kHeader) + "1;x;WK000101;-100;20;40;10;10;20;10,0;4\n", "is negative"},
      {std::string(kHeader) + "1;x;WK000101;100;120;40;10;10;20;10,0;4\n", "more than 100 residents"},
      {std::string(kHeader) + "1;x;WK000101;100;20;40;10;10;20;10,0;41\n", "41 persons on bijstand is more than 40 households"},
      {std::string(kHeader) + "1;x;WK000101;100;20;40;10;10;20;110,0;4\n", "more than 100%"},
      {std::string(kHeader) + "1;x;WK000101;9;2;4;1;1;2;10,0;0\n", "outside population.residents' range"},
      {std::string(kHeader) + "1;x;WK000101;100;20;0;10;10;20;10,0;0\n", "no households"},
      {std::string(kHeader) + "1;x;WK000101;100;20;40;0;0;0;10,0;0\n", "no one-person households"},
      {std::string(kHeader) + "1;x;WK000101;100;20;40;10;10;20;10,0;\x01\x02\n",
       "is not a number: '?"
       "?'"},
      {std::string(kHeader) + "1;x;WK000101;99999999999999999999999999;20;40;10;10;20;10,0;4\n", "outside population.residents' range"},
  };
  for (const auto& o : odd) {
    SCOPED_TRACE(o.text);
    const std::string msg = error_of(o.text, "WK000101").what();
    EXPECT_NE(msg.find(o.expected), std::string::npos) << msg;
  }
  EXPECT_NO_THROW(population_from_cbs(parse_cbs_row(std::string(kHeader) + "1;x;WK000101;100;20;40;10;10;20;10,0;4\n", "ok.csv", "WK000101")));
  EXPECT_THROW(parse_cbs_row(kHeader, "ok.csv", ""), CbsError);  // no code given
}

TEST(Cbs, RandomBytesInTheStatLineAlphabetGiveARowOrACbsError) {
  // Deterministic garbage made of what the format is made of: separators, quotes, digits, commas, dots, codes.
  const std::string pieces[] = {";",
                                "\"",
                                "\"\"",
                                ",",
                                ".",
                                "-",
                                " ",
                                "\n",
                                "\r\n",
                                "0",
                                "7",
                                "10,5",
                                "1.310",
                                "WK000101",
                                std::string(kHeader),
                                "x",
                                "\xEF\xBB\xBF",
                                std::string(1, '\0'),
                                "\xff"};
  // What Cbs.h promises: a row whose figures make a valid [population] section (shares in [0, 1] at four
  // decimals, the household shares summing to exactly 1), or a CbsError naming the file and the code, and the
  // line where it names one (a line of the text).
  std::uint64_t state = 20261202;
  int parsed = 0, refused = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string text = i % 2 ? std::string(kHeader) : std::string();
    for (int k = 0; k < 40; ++k) {
      state = state * 6364136223846793005ULL + 1442695040888963407ULL;
      text += pieces[(state >> 33) % std::size(pieces)];
    }
    const auto lines = 1 + std::count(text.begin(), text.end(), '\n');
    try {
      const CbsRow row = parse_cbs_row(text, "fuzz.csv", "WK000101");
      EXPECT_EQ(row.file, "fuzz.csv");
      EXPECT_EQ(row.code, "WK000101");
      EXPECT_GE(row.line, 2) << "the header is line 1 at the earliest";
      EXPECT_LE(row.line, lines);
      const CbsPopulation pop = population_from_cbs(row);
      EXPECT_GT(pop.residents, 0);
      long units = 0;
      for (const double share : {pop.share_single, pop.share_couple, pop.share_family, pop.share_elderly, pop.share_on_benefits, pop.share_low_income}) {
        EXPECT_GE(share, 0.0);
        EXPECT_LE(share, 1.0);
        EXPECT_NEAR(share * 10000.0, std::round(share * 10000.0), 1e-6) << "not rounded to four decimals: " << share;
      }
      for (const double share : {pop.share_single, pop.share_couple, pop.share_family, pop.share_elderly}) units += std::lround(share * 10000.0);
      EXPECT_EQ(units, 10000) << "household shares do not sum to 1";
      EXPECT_NE(population_toml(row, pop, {}, "cmd").find("[population]"), std::string::npos);
      ++parsed;
    } catch (const CbsError& e) {
      const std::string what = e.what();
      EXPECT_EQ(e.file(), "fuzz.csv");
      EXPECT_EQ(what.rfind("fuzz.csv:", 0), 0u) << "the message does not start with the file: " << what;
      EXPECT_TRUE(e.code().empty() || e.code() == "WK000101") << e.code();
      // "fuzz.csv:<line>: ..." names a line of the text.
      if (what.size() > 9 && std::isdigit(static_cast<unsigned char>(what[9]))) {
        const long line = std::stol(what.substr(9));
        EXPECT_GE(line, 1) << what;
        EXPECT_LE(line, lines) << what;
      }
      ++refused;
    }
  }
  EXPECT_EQ(parsed + refused, 3000);
  EXPECT_GT(refused, 0) << "garbage that never fails tests nothing";
}

TEST(Cbs, OtherYearsColumnNumbersReadTheSame) {
  // The 2024 table numbers its columns differently (HuishoudensTotaal_29, ...); the names stay.
  const std::string text =
      "WijkenEnBuurten;Codering_3;AantalInwoners_5;k_65JaarOfOuder_12;HuishoudensTotaal_29;Eenpersoonshuishoudens_30;"
      "HuishoudensZonderKinderen_31;HuishoudensMetKinderen_32;HuishoudensMetEenLaagInkomen_87;PersonenPerSoortUitkeringBijstand_87\n"
      "x;\"WK000101  \";100;20;40;10;10;20;\"10,0\";4\n";
  const CbsRow row = parse_cbs_row(text, "kwb2024.csv", "WK000101");
  EXPECT_EQ(row.households.column, "HuishoudensTotaal_29");
  EXPECT_DOUBLE_EQ(population_from_cbs(row).share_on_benefits, 0.1);
}

TEST(Cbs, ThePrintedSectionIsAScenarioWithOnlyPopulationKeys) {
  const CbsRow row = read_cbs_row(fixture(), "WK999901");
  const CbsPopulation p = population_from_cbs(row);
  const std::string toml = population_toml(row, p, cbs_table(fixture()), "buurt population from-cbs kwb_synthetic.csv --code WK999901");
  EXPECT_NE(toml.find("wijk 'Wijk 01 Synthetisch A; testdata' (WK999901), gemeente Testgemeente"), std::string::npos) << toml;
  EXPECT_NE(toml.find("(table and year not known: pass --table or --year)"), std::string::npos) << toml;
  EXPECT_NE(toml.find("# Generated by: buurt population from-cbs kwb_synthetic.csv --code WK999901"), std::string::npos);
  for (const char* raw : {"AantalInwoners_5 = 6500", "k_0Tot15Jaar_8 = 1000", "k_15Tot25Jaar_9 = 800", "k_25Tot45Jaar_10 = 1900", "k_45Tot65Jaar_11 = 1500",
                          "k_65JaarOfOuder_12 = 1300", "HuishoudensTotaal_28 = 3000", "GemiddeldeHuishoudensgrootte_32 = 2,1",
                          "HuishoudensMetEenLaagInkomen_78 = 14,5", "PersonenPerSoortUitkeringBijstand_83 = 240"})
    EXPECT_NE(toml.find(std::string("#   ") + raw), std::string::npos) << raw << "\n" << toml;

  // Every line after the header is a key of the population section.
  std::istringstream in(toml.substr(toml.find("[population]\n") + 13));
  std::string line;
  int keys = 0;
  for (; std::getline(in, line); ++keys) {
    const std::string key = line.substr(0, line.find(" = "));
    EXPECT_NE(find_param("population." + key), nullptr) << line;
  }
  EXPECT_EQ(keys, 7);

  const Scenario s = parse_scenario(toml, "wijk.toml");
  EXPECT_EQ(s.params.population_residents, 6500);
  EXPECT_DOUBLE_EQ(s.params.population_share_couple, 0.2267);
  EXPECT_DOUBLE_EQ(s.params.population_share_low_income, 0.065);

  const std::string with_table = population_toml(row, p, cbs_table("scenarios/cbs/kwb2022_sample.csv"), "cmd");
  EXPECT_NE(with_table.find("from CBS Kerncijfers wijken en buurten 2022 (StatLine table 85318NED), file "), std::string::npos) << with_table;
}

TEST(Cbs, TheTableComesFromItsIdItsYearOrTheFileName) {
  EXPECT_EQ(cbs_table("x/kwb2022_sample.csv").id, "85318NED");
  EXPECT_EQ(cbs_table("x/85618NED_TypedDataSet.csv").year, 2023);
  EXPECT_EQ(cbs_table("a.csv", "85984ned").year, 2024);
  EXPECT_EQ(cbs_table("a.csv", "", 2019).id, "84583NED");
  EXPECT_EQ(cbs_table("kwb2022.csv", "", 2024).id, "85984NED");  // what is given wins over the file name
  EXPECT_TRUE(cbs_table("a.csv").id.empty());
  EXPECT_EQ(cbs_table("a.csv").year, 0);
}
