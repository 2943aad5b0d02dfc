#include "buurt/scenario/Cbs.h"

#include <fmt/format.h>
#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>
#include <vector>

#include "buurt/schema/Schema.h"

namespace buurt {

CbsError::CbsError(std::string file, std::string column, std::string code, const std::string& message)
    : std::runtime_error(message), file_(std::move(file)), column_(std::move(column)), code_(std::move(code)) {}

namespace {

// A column the mapping reads (needed) or only shows: its identifier without the position suffix, the
// identifier in the 2022 table (85318NED, named in messages when a file lacks it), and a label.
struct Column {
  std::string_view base;
  std::string_view published;
  bool needed;
  CbsFigure CbsRow::*figure;
  std::string_view label;
};

constexpr std::array kColumns{
    Column{"AantalInwoners", "AantalInwoners_5", true, &CbsRow::residents, "residents"},
    Column{"k_0Tot15Jaar", "k_0Tot15Jaar_8", false, &CbsRow::age_0_15, "residents 0-15"},
    Column{"k_15Tot25Jaar", "k_15Tot25Jaar_9", false, &CbsRow::age_15_25, "residents 15-25"},
    Column{"k_25Tot45Jaar", "k_25Tot45Jaar_10", false, &CbsRow::age_25_45, "residents 25-45"},
    Column{"k_45Tot65Jaar", "k_45Tot65Jaar_11", false, &CbsRow::age_45_65, "residents 45-65"},
    Column{"k_65JaarOfOuder", "k_65JaarOfOuder_12", true, &CbsRow::age_65_plus, "residents 65 or older"},
    Column{"HuishoudensTotaal", "HuishoudensTotaal_28", true, &CbsRow::households, "private households"},
    Column{"Eenpersoonshuishoudens", "Eenpersoonshuishoudens_29", true, &CbsRow::one_person, "one-person households"},
    Column{"HuishoudensZonderKinderen", "HuishoudensZonderKinderen_30", true, &CbsRow::without_children, "households without children"},
    Column{"HuishoudensMetKinderen", "HuishoudensMetKinderen_31", true, &CbsRow::with_children, "households with children"},
    Column{"GemiddeldeHuishoudensgrootte", "GemiddeldeHuishoudensgrootte_32", false, &CbsRow::household_size, "mean household size"},
    Column{"HuishoudensMetEenLaagInkomen", "HuishoudensMetEenLaagInkomen_78", true, &CbsRow::low_income, "% of households with a low income"},
    Column{"PersonenPerSoortUitkeringBijstand", "PersonenPerSoortUitkeringBijstand_83", true, &CbsRow::bijstand, "persons on bijstand"},
};

// The Kerncijfers wijken en buurten tables by year (StatLine identifiers).
struct KnownTable {
  int year;
  std::string_view id;
};
constexpr std::array kTables{KnownTable{2017, "83765NED"}, KnownTable{2018, "84286NED"}, KnownTable{2019, "84583NED"},
                             KnownTable{2020, "84799NED"}, KnownTable{2021, "85039NED"}, KnownTable{2022, "85318NED"},
                             KnownTable{2023, "85618NED"}, KnownTable{2024, "85984NED"}, KnownTable{2025, "86165NED"}};

std::string_view trim(std::string_view s) {
  const auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool equal_ci(std::string_view a, std::string_view b) { return a.size() == b.size() && upper(a) == upper(b); }

// Text from the file or the command line, safe inside a TOML comment (no control characters).
std::string printable(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return out;
}

// One line split at ';' outside double quotes; "" inside quotes is a quote; every cell trimmed. An
// unterminated quote runs to the end of the line (the cell then fails as a number, if it is needed).
std::vector<std::string> split_cells(std::string_view line) {
  std::vector<std::string> cells;
  std::string cur;
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (quoted) {
      if (c != '"') {
        cur += c;
      } else if (i + 1 < line.size() && line[i + 1] == '"') {
        cur += '"';
        ++i;
      } else {
        quoted = false;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ';') {
      cells.emplace_back(trim(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  cells.emplace_back(trim(cur));
  return cells;
}

// "AantalInwoners_5" -> "AantalInwoners": StatLine numbers its columns, and the numbers move between years.
std::string_view base_name(std::string_view header) {
  const auto us = header.rfind('_');
  if (us == std::string_view::npos || us == 0 || us + 1 == header.size()) return header;
  for (std::size_t i = us + 1; i < header.size(); ++i)
    if (!std::isdigit(static_cast<unsigned char>(header[i]))) return header;
  return header.substr(0, us);
}

std::optional<std::size_t> find_column(const std::vector<std::string>& header, std::string_view base) {
  for (std::size_t i = 0; i < header.size(); ++i)
    if (equal_ci(base_name(header[i]), base)) return i;
  return std::nullopt;
}

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; });
}

enum class Cell { number, suppressed, bad };

// A StatLine cell: decimal comma, '.' between groups of three digits, '-' for nil; '.', 'x', '?' or
// nothing where CBS publishes no figure.
Cell parse_cell(std::string_view t, double& out) {
  if (t.empty() || t == "." || t == "x" || t == "X" || t == "?") return Cell::suppressed;
  if (t == "-") {
    out = 0;
    return Cell::number;
  }
  std::string_view body = t;
  std::string digits;
  if (body.front() == '-') {
    digits = "-";
    body.remove_prefix(1);
  }
  const auto comma = body.find(',');
  std::string_view whole = body.substr(0, comma);
  if (whole.find('.') != std::string_view::npos) {
    // Thousands groups: 1.310 or 14.162.400; anything else with a '.' is not this format's number.
    std::size_t start = 0;
    bool first = true;
    while (true) {
      const auto dot = whole.find('.', start);
      const std::string_view group = whole.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
      if (!all_digits(group) || (first ? group.size() > 3 : group.size() != 3)) return Cell::bad;
      digits += group;
      first = false;
      if (dot == std::string_view::npos) break;
      start = dot + 1;
    }
  } else {
    if (!all_digits(whole)) return Cell::bad;
    digits += whole;
  }
  if (comma != std::string_view::npos) {
    const std::string_view frac = body.substr(comma + 1);
    if (!all_digits(frac)) return Cell::bad;
    digits += '.';
    digits += frac;
  }
  double v = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), v);
  if (ec != std::errc() || end != digits.data() + digits.size() || !std::isfinite(v)) return Cell::bad;
  out = v;
  return Cell::number;
}

std::string kind_of(std::string_view code) {
  const std::string c = upper(code.substr(0, std::min<std::size_t>(2, code.size())));
  return c == "WK" ? "wijk" : c == "BU" ? "buurt" : c == "GM" ? "gemeente" : "area";
}

double round4(double x) { return std::round(x * 10000.0) / 10000.0; }

}  // namespace

CbsRow parse_cbs_row(std::string_view text, std::string_view file, std::string_view code_arg) {
  const std::string f(file);
  const std::string code(trim(code_arg));
  if (code.empty()) throw CbsError(f, "", code, fmt::format("{}: no wijk code given (--code WK...)", f));
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte-order mark

  // Lines, with their numbers; blank lines are skipped.
  std::vector<std::pair<int, std::string_view>> lines;
  int number = 0;
  for (std::size_t pos = 0; pos <= text.size();) {
    const auto nl = text.find('\n', pos);
    const std::string_view line = text.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
    ++number;
    if (!trim(line).empty()) lines.emplace_back(number, line);
    if (nl == std::string_view::npos) break;
    pos = nl + 1;
  }
  if (lines.empty()) throw CbsError(f, "", code, fmt::format("{}: the file is empty: expected a StatLine CSV export with a header line", f));

  const std::vector<std::string> header = split_cells(lines.front().second);
  if (header.size() < 2) {
    const std::string_view h = lines.front().second;
    const char* found = h.find(',') != std::string_view::npos ? " (found ',')" : h.find('\t') != std::string_view::npos ? " (found tabs)" : "";
    throw CbsError(f, "", code,
                   fmt::format("{}:{}: the header has no ';' between columns{}: expected a StatLine CSV export (';' separated, decimal comma)", f,
                               lines.front().first, found));
  }

  const auto codering = find_column(header, "Codering");
  const auto wijken = find_column(header, "WijkenEnBuurten");
  if (!codering && !wijken)
    throw CbsError(f, "Codering_3", code,
                   fmt::format("{}: no column Codering (Codering_3) or WijkenEnBuurten in the header, so no row can be found by its code", f));
  const std::string code_column = codering ? header[*codering] : header[*wijken];

  const auto cell = [](const std::vector<std::string>& cells, std::optional<std::size_t> i) -> std::string_view {
    return i && *i < cells.size() ? std::string_view(cells[*i]) : std::string_view();
  };
  std::vector<std::string> cells;
  int line = 0;
  for (std::size_t k = 1; k < lines.size() && line == 0; ++k) {
    std::vector<std::string> c = split_cells(lines[k].second);
    if (equal_ci(cell(c, codering), code) || equal_ci(cell(c, wijken), code)) {
      cells = std::move(c);
      line = lines[k].first;
    }
  }
  if (line == 0)
    throw CbsError(
        f, code_column, code,
        fmt::format("{}: no row with code '{}' in column {} ({} data row{})", f, printable(code), code_column, lines.size() - 1, lines.size() == 2 ? "" : "s"));

  CbsRow row;
  row.file = f;
  row.line = line;
  row.code = upper(code);
  if (const std::string_view name = cell(cells, wijken); !name.empty() && !equal_ci(name, code)) row.name = name;
  row.municipality = cell(cells, find_column(header, "Gemeentenaam"));

  for (const Column& col : kColumns) {
    CbsFigure& fig = row.*col.figure;
    const auto i = find_column(header, col.base);
    if (!i) {
      fig.column = col.published;
      if (col.needed)
        throw CbsError(f, std::string(col.published), row.code,
                       fmt::format("{}: no column {} ({} in the 2022 table 85318NED) in the header; the [population] section of {} needs it", f, col.base,
                                   col.published, row.code));
      continue;
    }
    fig.column = header[*i];
    fig.text = cell(cells, i);
    double v = 0;
    switch (parse_cell(fig.text, v)) {
      case Cell::number:
        if (col.needed && v < 0)
          throw CbsError(f, fig.column, row.code, fmt::format("{}:{}: {} of {} is negative ({})", f, line, fig.column, row.code, printable(fig.text)));
        fig.value = v;
        break;
      case Cell::suppressed:
        if (col.needed)
          throw CbsError(f, fig.column, row.code,
                         fmt::format("{}:{}: {} of {} is {}; the [population] section needs it", f, line, fig.column, row.code,
                                     fig.text.empty() ? "empty" : fmt::format("suppressed ('{}': CBS publishes no figure)", printable(fig.text))));
        break;
      case Cell::bad:
        if (col.needed)
          throw CbsError(f, fig.column, row.code,
                         fmt::format("{}:{}: {} of {} is not a number: '{}' (a StatLine export has a decimal comma, e.g. 2,1)", f, line, fig.column, row.code,
                                     printable(fig.text)));
        break;
    }
  }
  return row;
}

CbsRow read_cbs_row(const std::filesystem::path& file, std::string_view code) {
  const std::string f = file.string();
  std::error_code ec;
  if (std::filesystem::is_directory(file, ec)) throw CbsError(f, "", std::string(code), fmt::format("{}: is a directory, not a CSV file", f));
  std::ifstream in(file, std::ios::binary);
  if (!in) throw CbsError(f, "", std::string(code), fmt::format("{}: cannot open: {}", f, std::strerror(errno)));
  std::ostringstream ss;
  ss << in.rdbuf();
  return parse_cbs_row(ss.str(), f, code);
}

CbsPopulation population_from_cbs(const CbsRow& r) {
  const auto fail = [&](const CbsFigure& fig, const std::string& why) {
    throw CbsError(r.file, fig.column, r.code, fmt::format("{}:{}: {} of {}: {}", r.file, r.line, fig.column, r.code, why));
  };
  const auto need = [&](const CbsFigure& fig) {
    if (!fig.value) fail(fig, "no value");  // parse_cbs_row guarantees one; a hand-made row may not
    return *fig.value;
  };
  CbsPopulation p;
  const double residents = need(r.residents);
  const ParamSpec* spec = find_param("population.residents");
  if (residents < spec->min || residents > spec->max)
    fail(r.residents, fmt::format("{} residents is outside population.residents' range [{}, {}]", printable(r.residents.text), spec->min, spec->max));
  p.residents = std::llround(residents);

  const double old = need(r.age_65_plus);
  if (old > residents)
    fail(r.age_65_plus, fmt::format("{} residents 65 or older is more than {} residents", printable(r.age_65_plus.text), printable(r.residents.text)));
  p.share_65_plus = old / residents;

  const double households = need(r.households);
  if (households <= 0) fail(r.households, "no households");
  const double one = need(r.one_person), none = need(r.without_children), kids = need(r.with_children);
  if (one + none + kids <= 0) fail(r.one_person, "no one-person households, households without children or with children");

  // One-person and childless households split into under-65 and elderly by the 65+ share of residents.
  const std::array<double, 4> raw{one * (1 - p.share_65_plus), none * (1 - p.share_65_plus), kids, (one + none) * p.share_65_plus};
  const double total = raw[0] + raw[1] + raw[2] + raw[3];
  // Four decimals that sum to exactly 1: floor each, then give the remaining units to the largest remainders.
  std::array<long, 4> units{};
  std::array<double, 4> rest{};
  long used = 0;
  for (std::size_t k = 0; k < 4; ++k) {
    const double x = raw[k] / total * 10000.0;
    units[k] = static_cast<long>(std::floor(x + 1e-7));  // 0.3 * 10000 is 3000, not 2999
    rest[k] = x - static_cast<double>(units[k]);
    used += units[k];
  }
  for (long left = 10000 - used; left > 0; --left) {
    const auto k = static_cast<std::size_t>(std::max_element(rest.begin(), rest.end()) - rest.begin());
    ++units[k];
    rest[k] = -1;
  }
  p.share_single = static_cast<double>(units[0]) / 10000.0;
  p.share_couple = static_cast<double>(units[1]) / 10000.0;
  p.share_family = static_cast<double>(units[2]) / 10000.0;
  p.share_elderly = static_cast<double>(units[3]) / 10000.0;

  const double bijstand = need(r.bijstand);
  if (bijstand > households)
    fail(r.bijstand, fmt::format("{} persons on bijstand is more than {} households", printable(r.bijstand.text), printable(r.households.text)));
  p.share_on_benefits = round4(bijstand / households);

  const double low = need(r.low_income);
  if (low > 100) fail(r.low_income, fmt::format("{}% of households with a low income is more than 100%", printable(r.low_income.text)));
  // The key counts households with a low income that are not on benefits; CBS's percentage includes them.
  p.share_low_income = round4(std::max(0.0, round4(low / 100.0) - p.share_on_benefits));
  return p;
}

CbsTable cbs_table(const std::filesystem::path& file, std::string_view id, int year) {
  CbsTable t{upper(trim(id)), year};
  for (const auto& k : kTables) {
    if (!t.id.empty() && t.year == 0 && t.id == k.id) t.year = k.year;
    if (t.id.empty() && t.year != 0 && t.year == k.year) t.id = k.id;
  }
  if (!t.id.empty() || t.year != 0) return t;
  const std::string name = upper(file.filename().string());
  for (const auto& k : kTables)
    if (name.find(k.id) != std::string::npos) return {std::string(k.id), k.year};
  for (const auto& k : kTables)
    if (name.find(std::to_string(k.year)) != std::string::npos) return {std::string(k.id), k.year};
  return {};
}

std::string population_toml(const CbsRow& r, const CbsPopulation& p, const CbsTable& t, std::string_view command) {
  std::string out;
  const std::string kind = kind_of(r.code);
  const std::string code = printable(r.code);
  const std::string who = r.name.empty() ? fmt::format("{} {}", kind, code) : fmt::format("{} '{}' ({})", kind, printable(r.name), code);
  const std::string where = r.municipality.empty() ? "" : fmt::format(", gemeente {}", printable(r.municipality));
  std::string table = "CBS Kerncijfers wijken en buurten";
  if (t.year != 0) table += fmt::format(" {}", t.year);
  if (!t.id.empty())
    table += fmt::format(" (StatLine table {})", printable(t.id));
  else if (t.year == 0)
    table += " (table and year not known: pass --table or --year)";
  out += fmt::format("# Population of {}{}\n", who, where);
  out += fmt::format("# from {}, file {} line {}.\n", table, printable(r.file), r.line);
  out += fmt::format("# Generated by: {}\n", printable(command));
  out += "# Figures as published (column = value):\n";
  std::size_t width = 0;
  for (const Column& col : kColumns) width = std::max(width, (r.*col.figure).column.size() + 3 + std::max<std::size_t>((r.*col.figure).text.size(), 1));
  for (const Column& col : kColumns) {
    const CbsFigure& fig = r.*col.figure;
    const std::string shown = fig.text.empty() ? "(none)" : printable(fig.text);
    out += fmt::format("#   {:<{}}  {}\n", fmt::format("{} = {}", printable(fig.column), shown), width, col.label);
  }
  out += fmt::format("# Share of residents 65 or older: {:.4f}. Mapping (docs/cbs.md): one-person households and households\n", p.share_65_plus);
  out += "# without children split into under-65 and elderly by that share; families = households with children;\n";
  out += "# household shares renormalised to sum to 1; benefits = persons on bijstand / households; low income =\n";
  out += "# the low-income percentage minus the benefits share (the key counts low incomes not on benefits).\n";
  out += "[population]\n";
  out += fmt::format("residents = {}\n", p.residents);
  out += fmt::format("share_single = {:.4f}\n", p.share_single);
  out += fmt::format("share_couple = {:.4f}\n", p.share_couple);
  out += fmt::format("share_family = {:.4f}\n", p.share_family);
  out += fmt::format("share_elderly = {:.4f}\n", p.share_elderly);
  out += fmt::format("share_on_benefits = {:.4f}\n", p.share_on_benefits);
  out += fmt::format("share_low_income = {:.4f}\n", p.share_low_income);
  return out;
}

}  // namespace buurt
