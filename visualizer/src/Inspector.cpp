// The resident inspector: the card beside a resident under the mouse, and the story of a followed resident
// (needs over time, life events, who helped).
#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "Lang.h"
#include "Panels.h"
#include "buurt/output/Format.h"

namespace buurt::view {
namespace {

const char* help_source_label(std::uint8_t s) {
  if (s == 0 || s >= kHelpSourceNames.size()) return tr("none");
  static std::string keys[kHelpSourceNames.size()];
  if (keys[s].empty()) keys[s] = std::string("hs_") + kHelpSourceNames[s];
  return tr(keys[s]);
}

const char* tie_label(std::uint8_t k) {
  static std::string keys[kTieKindNames.size()];
  if (k >= kTieKindNames.size()) return "?";
  if (keys[k].empty()) keys[k] = std::string("tk_") + kTieKindNames[k];
  return tr(keys[k]);
}

}  // namespace

void Panels::draw_hover(const Pane& p, int who) {
  const Frame& f = p.src->frame();
  const auto i = static_cast<std::size_t>(who);
  if (i >= p.src->layout().n) return;
  {
    // Beside the resident, above it in the lower half of the window so the card stays on screen.
    const sf::Vector2f at = p.map.to_screen(p.src->layout().vx[i], p.src->layout().vy[i]);
    const auto size = window_;
    const bool below = at.y < 0.5f * static_cast<float>(size.y), right = at.x < 0.5f * static_cast<float>(size.x);
    ImGui::SetNextWindowPos(ImVec2(at.x + (right ? 16.0f : -16.0f), at.y + (below ? 16.0f : -16.0f)), ImGuiCond_Always,
                            ImVec2(right ? 0.0f : 1.0f, below ? 0.0f : 1.0f));
  }
  ImGui::BeginTooltip();
  ImGui::Text("%s #%d  (%s %u)", tr("resident"), who, tr("household"), p.src->layout().household[i]);
  std::string roles;
  auto add = [&](bool on, const char* k) {
    if (on) roles += fmt::format("{}{}", roles.empty() ? "" : ", ", tr(k));
  };
  const std::uint8_t fl = f.flags[i];
  add(fl & kCommunityManager, "sym_cm");
  add(fl & kVolunteer, "sym_volunteer");
  add(fl & kInTeam, "sym_team");
  add(fl & kWilling, "willing");
  add(fl & kIsolated, "isolated");
  if (!roles.empty()) ImGui::TextUnformatted(roles.c_str());
  ImGui::Separator();
  ImGui::TextUnformatted(tr("needs"));
  for (int d = 0; d < kDomains; ++d) {
    const float v = f.need[d][i];
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImVec4(ImColor(im(scale_colour(v)))));
    ImGui::ProgressBar(v, ImVec2(8 * ImGui::GetTextLineHeight(), 0), fmt::format("{:.2f}", v).c_str());
    ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::TextUnformatted(domain_label(d));
  }
  ImGui::Text("%s: %.2f", tr("self_reliance"), f.self_reliance[i]);
  if (f.ask_domain[i] >= 0) ImGui::Text("%s: %s", tr("asking_for"), domain_label(f.ask_domain[i]));
  if (f.help_source[i]) {
    if (f.helper[i] != kNone)
      ImGui::Text("%s: %s (#%u)", tr("helped_by"), help_source_label(f.help_source[i]), f.helper[i]);
    else
      ImGui::Text("%s: %s", tr("helped_by"), help_source_label(f.help_source[i]));
  }
  if (!f.team_wait.empty() && f.team_wait[i]) ImGui::Text("%s: %u", tr("team_wait"), f.team_wait[i]);
  if (!f.referrals.empty() && f.referrals[i]) ImGui::Text("%s: %u", tr("referrals"), f.referrals[i]);
  std::vector<TieView> ties;
  p.src->ties_of(static_cast<std::uint32_t>(who), ties);
  ImGui::Separator();
  int by_kind[5] = {0, 0, 0, 0, 0};
  for (const auto& t : ties) ++by_kind[std::min<int>(t.kind, 4)];
  std::string summary;
  for (int k = 0; k < 5; ++k)
    if (by_kind[k]) summary += fmt::format("{}{} {}", summary.empty() ? "" : ", ", by_kind[k], tie_label(static_cast<std::uint8_t>(k)));
  ImGui::Text("%s: %zu%s%s", tr("ties"), ties.size(), summary.empty() ? "" : "  -  ", summary.c_str());
  std::sort(ties.begin(), ties.end(), [](const TieView& a, const TieView& b) { return a.strength > b.strength; });
  for (std::size_t k = 0; k < std::min<std::size_t>(ties.size(), 6); ++k) {
    ImGui::TextColored(ImColor(im(kTieColours[std::min<std::size_t>(ties[k].kind, 4)])), "  #%u %s", ties[k].other, tie_label(ties[k].kind));
    ImGui::SameLine();
    ImGui::Text("%.2f", ties[k].strength);
  }
  ImGui::TextDisabled("%s", tr("follow_hint"));
  ImGui::EndTooltip();
}

void Panels::draw_follow() {
  if (v_.followed < 0 || v_.followed_pane >= static_cast<int>(s_.panes.size())) return;
  const Pane& p = s_.panes[static_cast<std::size_t>(v_.followed_pane)];
  const auto i = static_cast<std::size_t>(v_.followed);
  if (i >= p.src->layout().n) return;
  const Story s = p.src->story(static_cast<std::uint32_t>(v_.followed));
  const Frame& f = p.src->frame();
  const sf::FloatRect& area = lay_.map;
  const float line = ImGui::GetTextLineHeight();
  // Pinned in the map's top-right corner (movable); the card's resident stays ringed on the map.
  ImGui::SetNextWindowPos(ImVec2(area.left + area.width - 8, area.top + 8), ImGuiCond_Appearing, ImVec2(1, 0));
  ImGui::SetNextWindowSize(ImVec2(std::min(30 * line, 0.6f * area.width), 0), ImGuiCond_Appearing);
  bool open = true;
  ImGui::Begin(fmt::format("{} #{} - {}###follow", tr("resident"), v_.followed, tr("story")).c_str(), &open, ImGuiWindowFlags_NoSavedSettings);
  // Needs per domain over time: one line per domain, drawn on one chart.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x, h = 6 * line;
  dl->AddRectFilled(p0, ImVec2(p0.x + w, p0.y + h), IM_COL32(20, 24, 30, 255));
  const int last = std::max(1, f.week);
  for (int d = 0; d < kDomains; ++d) {
    std::vector<ImVec2> pts;
    for (std::size_t k = 0; k < s.weeks.size(); ++k)
      pts.emplace_back(p0.x + w * static_cast<float>(s.weeks[k]) / static_cast<float>(last), p0.y + h * (1.0f - std::clamp(s.need[d][k], 0.0f, 1.0f)));
    if (pts.size() > 1) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), im(kDomainColours[static_cast<std::size_t>(d)]), 0, 2.0f);
  }
  // Life events as ticks along the bottom.
  for (const auto& e : s.events)
    if (e.shocks) {
      const float x = p0.x + w * static_cast<float>(e.week) / static_cast<float>(last);
      dl->AddLine(ImVec2(x, p0.y + h - line * 0.6f), ImVec2(x, p0.y + h), IM_COL32(255, 255, 255, 220), 2.0f);
    }
  ImGui::Dummy(ImVec2(w, h));
  if (!s.complete) ImGui::TextDisabled("%s", tr("no_history"));
  for (int d = 0; d < kDomains; ++d) {
    ImGui::TextColored(ImColor(im(kDomainColours[static_cast<std::size_t>(d)])), "%s %.2f", domain_label(d), f.need[d][i]);
    if (d != 2 && d != kDomains - 1) ImGui::SameLine();
  }
  ImGui::Text("%s: %.2f", tr("self_reliance"), f.self_reliance[i]);
  if (!f.team_wait.empty()) {
    ImGui::Text("%s: %u", tr("team_wait"), f.team_wait[i]);
    ImGui::Text("%s: %u", tr("referrals"), f.referrals[i]);
  }
  ImGui::Separator();
  ImGui::TextUnformatted(tr("life_events"));
  ImGui::BeginChild("events", ImVec2(0, 7 * line), false);
  auto same_help = [](const Story::Event& x, const Story::Event& y) {
    return x.shocks == 0 && y.shocks == 0 && x.help_source == y.help_source && x.helper == y.helper && x.ask_domain == y.ask_domain;
  };
  const auto& ev = s.events;
  int shown = 0;
  // Newest first; weeks in a row with the same help (and no life event) read as one line "week 95-104: ...".
  for (std::size_t end = ev.size(); end > 0 && shown < 60; ++shown) {
    std::size_t begin = end - 1;
    while (begin > 0 && same_help(ev[begin - 1], ev[begin]) && ev[begin - 1].week + 1 == ev[begin].week) --begin;
    const Story::Event& e = ev[end - 1];
    std::string txt = begin + 1 == end ? fmt::format("{} {}: ", tr("week"), e.week) : fmt::format("{} {}-{}: ", tr("week"), ev[begin].week, e.week);
    for (int d = 0; d < kDomains; ++d)
      if (e.shocks & (1u << d)) txt += fmt::format("! {}  ", domain_label(d));
    if (e.help_source) {
      txt += fmt::format("{} {}", tr("helped_by"), help_source_label(e.help_source));
      if (e.helper != kNone) txt += fmt::format(" #{}", e.helper);
      if (e.ask_domain >= 0) txt += fmt::format(" ({})", domain_label(e.ask_domain));
    } else if (e.ask_domain >= 0) {
      txt += fmt::format("{} {}", tr("asking_for"), domain_label(e.ask_domain));
    }
    if (e.shocks)
      ImGui::TextColored(ImVec4(1.0f, 0.85f, 0.4f, 1.0f), "%s", txt.c_str());
    else
      ImGui::TextUnformatted(txt.c_str());
    end = begin;
  }
  ImGui::EndChild();
  ImGui::End();
  if (!open) v_.followed = -1;
}

}  // namespace buurt::view
