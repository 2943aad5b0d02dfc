#pragma once
/// A scenario's [population] from one wijk of CBS Kerncijfers wijken en buurten (StatLine CSV export).
///
/// The file is a StatLine export: ';' between columns, a decimal comma, '.' for a value CBS does not publish,
/// the first line the header with the table's column identifiers (`AantalInwoners_5`, `k_65JaarOfOuder_12`,
/// ...; cells may be double-quoted and padded, codes like "WK036301  "). Columns are found by their name
/// without the position suffix (`AantalInwoners`), so the exports of other years read the same. How the
/// figures become the keys of the [population] section is a named decision, written up in docs/cbs.md.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

namespace buurt {

/// An error reading a CBS file: names the file, the column at fault (if one is) and the wijk code.
class CbsError : public std::runtime_error {
 public:
  CbsError(std::string file, std::string column, std::string code, const std::string& message);
  const std::string& file() const { return file_; }
  const std::string& column() const { return column_; }
  const std::string& code() const { return code_; }

 private:
  std::string file_, column_, code_;
};

/// One published figure of the row: the column as the file names it and the cell as published.
struct CbsFigure {
  std::string column;           ///< header in the file, e.g. "AantalInwoners_5"; the 2022 name if the file lacks it
  std::string text;             ///< the cell, trimmed ("." where CBS suppresses it; empty if absent)
  std::optional<double> value;  ///< the number; empty where absent or suppressed
};

/// The figures of one wijk that the [population] section is made from (and the age bands, shown only).
struct CbsRow {
  std::string file;                                     ///< the file it was read from, for messages
  int line = 0;                                         ///< its line in the file
  std::string code;                                     ///< e.g. "WK036301"
  std::string name;                                     ///< the wijk's name where the file has one (WijkenEnBuurten), else empty
  std::string municipality;                             ///< Gemeentenaam, if the file has it
  CbsFigure residents;                                  ///< AantalInwoners
  CbsFigure age_0_15, age_15_25, age_25_45, age_45_65;  ///< shown in the comments only
  CbsFigure age_65_plus;                                ///< k_65JaarOfOuder
  CbsFigure households;                                 ///< HuishoudensTotaal (private households)
  CbsFigure one_person;                                 ///< Eenpersoonshuishoudens
  CbsFigure without_children;                           ///< HuishoudensZonderKinderen (multi-person)
  CbsFigure with_children;                              ///< HuishoudensMetKinderen
  CbsFigure household_size;                             ///< GemiddeldeHuishoudensgrootte, shown only
  CbsFigure low_income;                                 ///< HuishoudensMetEenLaagInkomen, % of households
  CbsFigure bijstand;                                   ///< PersonenPerSoortUitkeringBijstand, persons
};

/// Reads the row of `code` (matched against Codering and WijkenEnBuurten, trimmed, any case) from a
/// StatLine CSV export. Throws CbsError naming the file, the column and the code when the file cannot be
/// read, the code is not in it, or a figure the section needs is missing, suppressed or not a number.
CbsRow read_cbs_row(const std::filesystem::path& file, std::string_view code);
/// The same for text already read; `file` names it in messages.
CbsRow parse_cbs_row(std::string_view text, std::string_view file, std::string_view code);

/// The [population] keys a row gives (docs/cbs.md): shares rounded to four decimals, the four household
/// shares summing to exactly 1. Throws CbsError on figures that contradict each other.
struct CbsPopulation {
  std::int64_t residents = 0;
  double share_single = 0, share_couple = 0, share_family = 0, share_elderly = 0;
  double share_on_benefits = 0, share_low_income = 0;
  double share_65_plus = 0;  ///< of residents: the split of one-person and childless households
};
CbsPopulation population_from_cbs(const CbsRow& row);

/// The Kerncijfers wijken en buurten table a file comes from.
struct CbsTable {
  std::string id;  ///< StatLine identifier, e.g. "85318NED"; empty when unknown
  int year = 0;    ///< 0 when unknown
};
/// The table named by `id` and/or `year` (either may be empty or 0; one gives the other for the known
/// tables 2017-2025), else the one whose identifier or year the file name contains, else unknown.
CbsTable cbs_table(const std::filesystem::path& file, std::string_view id = {}, int year = 0);

/// The section as `buurt population from-cbs` prints it: a comment header naming the wijk, its code, the
/// table and year and the command that made it, the raw figures used, then [population] with its keys.
std::string population_toml(const CbsRow& row, const CbsPopulation& pop, const CbsTable& table, std::string_view command);

}  // namespace buurt
