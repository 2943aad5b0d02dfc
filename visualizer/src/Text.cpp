#include "Text.h"

#include <fmt/format.h>

#include <algorithm>

#include "Lang.h"
#include "buurt/output/Format.h"

namespace buurt::view {
namespace {

float text_w(std::string_view s) { return ImGui::CalcTextSize(s.data(), s.data() + s.size()).x; }

/// Dutch writes 1.234,5 where English writes 1,234.5.
std::string localised(std::string s) {
  if (lang() != Lang::Nl) return s;
  for (char& c : s) c = c == '.' ? ',' : c == ',' ? '.' : c;
  return s;
}

/// Bytes of the UTF-8 character starting at s[i].
std::size_t utf8_len(std::string_view s, std::size_t i) {
  const auto c = static_cast<unsigned char>(s[i]);
  const std::size_t n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
  return std::min(n, s.size() - i);
}

}  // namespace

std::vector<std::string> wrap_text(std::string_view text, float width) {
  std::vector<std::string> lines;
  std::string line;
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = std::min(text.find(' ', pos), text.size());
    std::string word(text.substr(pos, end - pos));
    pos = end + 1;
    const std::string joined = line.empty() ? word : line + " " + word;
    if (text_w(joined) <= width || joined == word) {
      line = joined;
    } else {
      lines.push_back(line);
      line = word;
    }
    // A word wider than the line is broken where it has to be.
    while (text_w(line) > width && line.size() > utf8_len(line, 0)) {
      std::size_t cut = utf8_len(line, 0);
      for (std::size_t i = cut; i < line.size(); i += utf8_len(line, i))
        if (text_w(line.substr(0, i + utf8_len(line, i))) <= width) cut = i + utf8_len(line, i);
      lines.push_back(line.substr(0, cut));
      line = line.substr(cut);
    }
  }
  if (!line.empty() || lines.empty()) lines.push_back(line);
  return lines;
}

float widest_word(std::string_view text) {
  float w = 0;
  for (std::size_t pos = 0; pos < text.size();) {
    const std::size_t end = std::min(text.find(' ', pos), text.size());
    w = std::max(w, text_w(text.substr(pos, end - pos)));
    pos = end + 1;
  }
  return w;
}

std::string fit_text(const std::vector<std::string>& variants, float width) {
  for (const auto& v : variants)
    if (text_w(v) <= width) return v;
  std::string s = variants.empty() ? std::string() : variants.back();
  const std::string dots = "\u2026";
  while (!s.empty() && text_w(s + dots) > width) {
    std::size_t last = s.size() - 1;
    while (last > 0 && (static_cast<unsigned char>(s[last]) & 0xC0) == 0x80) --last;
    s.erase(last);
  }
  return s + dots;
}

std::string outcome_title(Outcome o) {
  std::string s(lang() == Lang::Nl ? spec(o).label_nl : spec(o).label);
  if (!s.empty() && s[0] >= 'a' && s[0] <= 'z') s[0] = static_cast<char>(s[0] - 'a' + 'A');
  return s;
}

std::string unit_suffix(Outcome o) {
  const auto& s = spec(o);
  if (s.format == OutcomeFormat::pct) return "";
  return tr_or("u_" + std::string(s.unit), s.unit);
}

std::string outcome_number(Outcome o, double v) { return localised(format_outcome(o, v)); }

std::string outcome_value(Outcome o, double v) {
  const std::string n = outcome_number(o, v), u = unit_suffix(o);
  if (u.empty()) return n;
  return u[0] == '/' ? n + u : n + " " + u;
}

std::string outcome_difference(Outcome o, double d) { return localised(format_difference(o, d)); }

void TextOut::note(const char* kind, const std::string& line) { note_at(kind, line, ImGui::GetCursorScreenPos(), ImGui::GetContentRegionAvail().x); }

void TextOut::note_at(const char* kind, const std::string& line, ImVec2 at, float box) {
  report_.labels.push_back({kind, line, at.x, at.y, text_w(line), box, ImGui::GetTextLineHeight(), ImGui::GetWindowPos().y + ImGui::GetWindowHeight()});
}

void TextOut::wrapped(const char* kind, std::string_view text, const ImVec4* colour) {
  const auto lines = wrap_text(text, ImGui::GetContentRegionAvail().x);
  ImGui::BeginGroup();
  for (const auto& l : lines) {
    note(kind, l);
    if (colour)
      ImGui::TextColored(*colour, "%s", l.c_str());
    else
      ImGui::TextUnformatted(l.c_str());
  }
  ImGui::EndGroup();
}

bool TextOut::flow_button(const char* label, bool first) {
  const ImGuiStyle& st = ImGui::GetStyle();
  const float w = text_w(label) + 2 * st.FramePadding.x;
  if (!first) {
    ImGui::SameLine();
    if (ImGui::GetContentRegionAvail().x < w) ImGui::NewLine();
  }
  const ImVec2 at = ImGui::GetCursorScreenPos();
  note_at("button", label, ImVec2(at.x + st.FramePadding.x, at.y), ImGui::GetContentRegionAvail().x - 2 * st.FramePadding.x);
  return ImGui::Button(label);
}

}  // namespace buurt::view
