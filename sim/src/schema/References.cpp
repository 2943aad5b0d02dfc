#include "buurt/schema/References.h"

#include <algorithm>

namespace buurt {

namespace {

// Generated at configure time from docs/references.md (sim/CMakeLists.txt).
#include "References.inc"

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool is_key_char(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; }

}  // namespace

std::string_view references_text() { return kReferencesMarkdown; }

std::optional<std::string> reference_entry(std::string_view key) {
  const std::string_view text = references_text();
  const std::string marker = "- **[" + std::string(key) + "]**";
  auto at = text.find(marker);
  if (at == std::string_view::npos || (at > 0 && text[at - 1] != '\n')) return std::nullopt;
  at += marker.size();
  // The entry runs until the next list item, a blank line or a heading.
  std::string out;
  std::size_t pos = at;
  bool first = true;
  while (pos < text.size()) {
    const auto eol = std::min(text.find('\n', pos), text.size());
    const std::string_view line = text.substr(pos, eol - pos);
    if (!first && (trim(line).empty() || line.rfind("- ", 0) == 0 || line.rfind("#", 0) == 0)) break;
    const auto t = trim(line);
    if (!t.empty()) {
      if (!out.empty()) out += ' ';
      out += t;
    }
    first = false;
    pos = eol + 1;
  }
  return out;
}

std::vector<std::string> cited_keys(std::string_view text) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '[') continue;
    std::size_t j = i + 1;
    while (j < text.size() && is_key_char(text[j])) ++j;
    if (j == i + 1 || j >= text.size() || text[j] != ']') continue;
    std::string key(text.substr(i + 1, j - i - 1));
    if (std::find(out.begin(), out.end(), key) == out.end()) out.push_back(std::move(key));
    i = j;
  }
  return out;
}

std::optional<ReferenceFigure> reference_figure(std::string_view key) {
  const std::string_view text = references_text();
  const std::string marker = "\n| " + std::string(key) + " |";
  const auto at = text.find(marker);
  if (at == std::string_view::npos) return std::nullopt;
  const auto eol = std::min(text.find('\n', at + 1), text.size());
  std::string_view row = text.substr(at + 2, eol - at - 2);
  std::vector<std::string> cells;
  while (!row.empty()) {
    const auto bar = row.find('|');
    const auto cell = trim(row.substr(0, bar));
    cells.emplace_back(cell);
    if (bar == std::string_view::npos) break;
    row.remove_prefix(bar + 1);
  }
  // "key | outcome | figure | source |" -> the trailing bar leaves an empty last cell.
  if (cells.size() < 4) return std::nullopt;
  return ReferenceFigure{cells[0], cells[1], cells[2], cells[3]};
}

}  // namespace buurt
