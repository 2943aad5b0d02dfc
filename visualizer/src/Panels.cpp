#include "Panels.h"

#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <span>
#include <string>
#include <type_traits>
#include <variant>

#include "Lang.h"
#include "buurt/output/Format.h"
#include "buurt/scenario/Schema.h"

namespace buurt::view {
namespace {

namespace fs = std::filesystem;

static_assert(kChartsShown <= kNumHeadlines, "more charts than headline outcomes");

const ImU32 kSeriesColour[2] = {IM_COL32(120, 200, 255, 255), IM_COL32(255, 170, 60, 255)};

ImU32 im(sf::Color c, std::uint8_t a = 255) { return IM_COL32(c.r, c.g, c.b, a); }

/// Translated as `o_<name>`; outcomes without an entry show their English schema label, not the key.
const char* outcome_label(Outcome o) { return tr_or("o_" + std::string(spec(o).name), spec(o).label); }

/// Translated as `p_<section.key>`; parameters without an entry show their scenario key.
const char* param_label(const ParamSpec& p) {
  const std::string name = p.full_name();
  return tr_or("p_" + name, name);
}

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

const char* domain_label(int d) { return tr(kMeasureKeys[static_cast<std::size_t>(d + 1)]); }

}  // namespace

void Panels::draw(sf::Vector2u window, const sf::FloatRect& map_area) {
  window_ = window;
  area_ = map_area;
  draw_titles();
  draw_side_panel();
  draw_legend();
  draw_pane_letters();
  draw_follow();
  if (v_.hovered >= 0 && v_.hovered_pane < static_cast<int>(s_.panes.size())) draw_hover(s_.panes[static_cast<std::size_t>(v_.hovered_pane)], v_.hovered);
}

void Panels::draw_pane_letters() {
  if (s_.panes.size() < 2) return;
  for (std::size_t k = 0; k < s_.panes.size(); ++k) {
    const sf::FloatRect& r = s_.panes[k].map.rect();
    ImGui::GetBackgroundDrawList()->AddText(ImGui::GetFont(), 1.6f * v_.font_px, ImVec2(r.left + 6, r.top + 2), kSeriesColour[k], k == 0 ? "A" : "B");
  }
}

void Panels::draw_titles() {
  const sf::FloatRect& area = area_;
  const float w = area.width / static_cast<float>(s_.panes.size());
  for (std::size_t k = 0; k < s_.panes.size(); ++k) {
    const Pane& p = s_.panes[k];
    ImGui::SetNextWindowPos(ImVec2(area.left + w * static_cast<float>(k), 0));
    ImGui::SetNextWindowSize(ImVec2(w, area.top));
    ImGui::Begin(fmt::format("##title{}", k).c_str(), nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    if (s_.panes.size() > 1) {
      ImGui::TextColored(ImColor(kSeriesColour[k]), "%s", k == 0 ? "A" : "B");
      ImGui::SameLine();
    }
    std::string title = p.src->title();
    if (opt_.workshop && s_.prepared.size() > 1) title = fmt::format("[{}/{}] {}", s_.current + 1, s_.prepared.size(), title);
    if (s_.replay_mode && p.sim) title = fmt::format("{} {} - {}", tr("replay"), fs::path(opt_.replay).filename().string(), title);
    ImGui::Text("%s %d  -  %s  -  %zu %s", tr("week"), p.src->frame().week, title.c_str(), p.src->layout().n, tr("residents"));
    ImGui::End();
  }
}

void Panels::draw_legend() {
  // The legend has its own band under the map, so it never hides residents and is always visible.
  const sf::FloatRect& area = area_;
  const auto size = window_;
  ImGui::SetNextWindowPos(ImVec2(area.left, area.top + area.height));
  ImGui::SetNextWindowSize(ImVec2(area.width, static_cast<float>(size.y) - area.top - area.height));
  ImGui::Begin("##legend", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                   ImGuiWindowFlags_NoInputs | ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight();
  const float right_edge = ImGui::GetWindowContentRegionMax().x;
  // Lay items out left to right, wrapping when the next one would not fit.
  bool first = true;
  auto flow = [&](float w) {
    if (!first) {
      ImGui::SameLine(0, line);
      if (ImGui::GetCursorPosX() + w > right_edge) ImGui::NewLine();
    }
    first = false;
  };
  ImGui::TextUnformatted(tr(kMeasureKeys[static_cast<std::size_t>(v_.measure)]));
  ImGui::SameLine(0, line * 0.6f);
  const bool sr = v_.measure == Measure::SelfReliance;
  const std::string left = sr ? fmt::format("{} (1)", tr("high")) : fmt::format("{} (0)", tr("low"));
  const std::string right = sr                                 ? fmt::format("{} (0)", tr("low"))
                            : v_.measure == Measure::TotalNeed ? fmt::format("{} (>= {:.1f})", tr("high"), kTotalNeedScale)
                                                               : fmt::format("{} (1)", tr("high"));
  ImGui::TextUnformatted(left.c_str());
  ImGui::SameLine(0, line * 0.4f);
  // Colour bar: the scale from "fine" (left) to "worst" (right).
  const float bw = std::clamp(right_edge - ImGui::GetCursorPosX() - ImGui::CalcTextSize(right.c_str()).x - line, 4.0f * line, 12.0f * line), bh = line;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const int segs = 64;
  for (int k = 0; k < segs; ++k) {
    const float t0 = static_cast<float>(k) / segs, t1 = static_cast<float>(k + 1) / segs;
    dl->AddRectFilled(ImVec2(p0.x + bw * t0, p0.y), ImVec2(p0.x + bw * t1 + 1, p0.y + bh), im(scale_colour(0.5f * (t0 + t1))));
  }
  v_.legend_bar[0] = p0.x;
  v_.legend_bar[1] = p0.y;
  v_.legend_bar[2] = p0.x + bw;
  v_.legend_bar[3] = p0.y + bh;
  ImGui::Dummy(ImVec2(bw, bh));
  ImGui::SameLine(0, line * 0.4f);
  ImGui::TextUnformatted(right.c_str());

  ImGui::TextUnformatted(tr("help_lines"));
  first = false;
  for (int d = 0; d < kDomains; ++d) {
    const char* label = domain_label(d);
    flow(2.0f * line + ImGui::CalcTextSize(label).x);
    const ImVec2 q = ImGui::GetCursorScreenPos();
    dl->AddLine(ImVec2(q.x, q.y + line * 0.5f), ImVec2(q.x + 1.6f * line, q.y + line * 0.5f), im(kDomainColours[static_cast<std::size_t>(d)]), 3.0f);
    ImGui::Dummy(ImVec2(1.8f * line, line));
    ImGui::SameLine(0, 0);
    ImGui::TextUnformatted(label);
  }
  const float r = line * 0.42f;
  first = true;
  auto sym = [&](const char* key, int kind) {
    flow(1.4f * line + ImGui::CalcTextSize(tr(key)).x);
    const ImVec2 q = ImGui::GetCursorScreenPos();
    const ImVec2 c(q.x + line * 0.6f, q.y + line * 0.5f);
    switch (kind) {
      case 0: dl->AddQuadFilled(ImVec2(c.x, c.y - r), ImVec2(c.x + r, c.y), ImVec2(c.x, c.y + r), ImVec2(c.x - r, c.y), im(kColCommunityManager)); break;
      case 1: dl->AddTriangleFilled(ImVec2(c.x, c.y - r), ImVec2(c.x + r, c.y + r * 0.7f), ImVec2(c.x - r, c.y + r * 0.7f), im(kColVolunteer)); break;
      case 2:
        dl->AddRectFilled(ImVec2(c.x - r * 0.55f, c.y - r * 0.85f), ImVec2(c.x + r * 0.55f, c.y + r * 0.85f), im(kColTeamCase));
        dl->AddRectFilled(ImVec2(c.x - r * 0.3f, c.y - r * 0.6f), ImVec2(c.x + r * 0.3f, c.y + r * 0.6f), im(scale_colour(0.0f)));
        break;
      case 3:
        dl->AddRect(ImVec2(c.x - r, c.y - r), ImVec2(c.x + r, c.y + r), im(kColOffice), 0, 0, 2.5f);
        dl->AddRectFilled(ImVec2(c.x - r * 0.5f, c.y - r * 0.5f), ImVec2(c.x + r * 0.5f, c.y + r * 0.5f), im(kColOffice));
        break;
      default: dl->AddCircle(c, r, im(kColInitiative), 16, 2.5f); break;
    }
    ImGui::Dummy(ImVec2(line * 1.2f, line));
    ImGui::SameLine(0, 0);
    ImGui::TextUnformatted(tr(key));
  };
  sym("sym_cm", 0);
  sym("sym_volunteer", 1);
  sym("sym_team", 2);
  sym("sym_office", 3);
  sym("sym_initiative", 4);
  v_.legend_h = std::ceil(ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y);
  ImGui::End();
}

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
  const sf::FloatRect& area = area_;
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

void Panels::draw_controls() {
  if (s_.replay_mode) {
    ImGui::TextUnformatted(tr("replay"));
    if (!s_.replay_note.empty()) ImGui::TextWrapped("%s", s_.replay_note.c_str());
    if (ImGui::Button(v_.paused ? tr("play") : tr("pause"))) v_.paused = !v_.paused;
    ImGui::SameLine();
    if (ImGui::Button(tr("step"))) s_.replay_week = std::min(s_.replay_week + 1, s_.replay_last);
    ImGui::SetNextItemWidth(-1);
    ImGui::SliderInt("##timeline", &s_.replay_week, 0, s_.replay_last, fmt::format("{} %d", tr("week")).c_str());
  } else {
    if (ImGui::Button(v_.paused ? tr("play") : tr("pause"))) v_.paused = !v_.paused;
    ImGui::SameLine();
    if (ImGui::Button(tr("step"))) {
      v_.paused = true;
      s_.step_live();
    }
    ImGui::SameLine();
    if (ImGui::Button(tr("reset"))) {
      s_.reset_all();
      v_.forget_residents();
    }
    ImGui::Text("%s: %lld", tr("seed"), static_cast<long long>(s_.panes[0].sim->scenario().params.run_seed));
  }
  float sp = static_cast<float>(v_.speed);
  if (ImGui::SliderFloat(tr("speed"), &sp, 0.25f, 64.0f, "%.2f", ImGuiSliderFlags_Logarithmic)) v_.speed = sp;
  int m = static_cast<int>(v_.measure);
  if (ImGui::BeginCombo(tr("colour_by"), tr(kMeasureKeys[static_cast<std::size_t>(m)]))) {
    for (int k = 0; k < static_cast<int>(Measure::Count); ++k)
      if (ImGui::Selectable(tr(kMeasureKeys[static_cast<std::size_t>(k)]), k == m)) v_.measure = static_cast<Measure>(k);
    ImGui::EndCombo();
  }
}

void Panels::draw_sliders() {
  std::vector<SimSource*> targets;
  for (std::size_t k = 0; k < s_.panes.size(); ++k)
    if (s_.panes[k].sim && (s_.panes.size() == 1 || v_.steer_target == 2 || v_.steer_target == static_cast<int>(k))) targets.push_back(s_.panes[k].sim);
  if (targets.empty() || s_.replay_mode) {
    if (s_.replay_mode && s_.panes[0].sim && !s_.panes[0].sim->log().empty()) {
      ImGui::TextUnformatted(tr("steering"));
      for (const auto& e : s_.panes[0].sim->log()) ImGui::BulletText("%s %d: %s = %s", tr("week"), e.week, e.key.c_str(), e.value.c_str());
    }
    return;
  }
  if (!ImGui::CollapsingHeader(tr("policy"), ImGuiTreeNodeFlags_DefaultOpen)) return;
  if (s_.panes.size() > 1) {
    ImGui::RadioButton("A", &v_.steer_target, 0);
    ImGui::SameLine();
    ImGui::RadioButton("B", &v_.steer_target, 1);
    ImGui::SameLine();
    ImGui::RadioButton("A+B", &v_.steer_target, 2);
  }
  const Params& cur = targets[0]->scenario().params;
  // Every parameter with a slider in Params.def, in schema order; the range is the slider's, widened to
  // the current value when a scenario sets one outside it (so the slider shows it rather than clamping it).
  for (const ParamSpec& spec : schema()) {
    if (!spec.slider.shown) continue;
    const std::string name = spec.full_name();
    const char* label = param_label(spec);
    Params next = cur;
    bool changed = false;
    ImGui::PushID(name.c_str());
    std::visit(
        [&](auto member) {
          using M = std::remove_cvref_t<decltype(cur.*member)>;
          if constexpr (std::is_same_v<M, bool>) {
            bool v = cur.*member;
            if (ImGui::Checkbox(label, &v)) {
              next.*member = v;
              changed = true;
            }
          } else if constexpr (std::is_same_v<M, std::int64_t>) {
            int v = static_cast<int>(cur.*member);
            const int lo = std::min(v, static_cast<int>(spec.slider.lo));
            const int hi = std::max(v, static_cast<int>(spec.slider.hi));
            ImGui::SliderInt(label, &v, lo, hi);
            // Applied on release only, so the log has one entry per move rather than one per drag step.
            if (ImGui::IsItemDeactivatedAfterEdit()) {
              next.*member = v;
              changed = true;
            }
          } else {
            float v = static_cast<float>(cur.*member);
            const float lo = std::min(v, static_cast<float>(spec.slider.lo));
            const float hi = std::max(v, static_cast<float>(spec.slider.hi));
            ImGui::SliderFloat(label, &v, lo, hi, "%.2f");
            if (ImGui::IsItemDeactivatedAfterEdit()) {
              next.*member = static_cast<double>(v);
              changed = true;
            }
          }
        },
        spec.member);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n%s [%s]", name.c_str(), std::string(spec.description).c_str(), std::string(spec.unit).c_str());
    ImGui::PopID();
    if (changed) {
      const std::string value = spec.format(next);
      for (auto* t : targets) Session::steer(*t, name, value);
    }
  }
}

void Panels::draw_charts() {
  if (!ImGui::CollapsingHeader(s_.panes.size() > 1 ? tr("difference") : tr("outcomes"), ImGuiTreeNodeFlags_DefaultOpen)) return;
  const float line = ImGui::GetTextLineHeight();
  // All charts fit the panel's remaining height (no scrolling on a projector).
  const float n_charts = static_cast<float>(kChartsShown);
  const float w = ImGui::GetContentRegionAvail().x;
  const float h = std::clamp(ImGui::GetContentRegionAvail().y / n_charts - 1.6f * line, 1.2f * line, 4.0f * line);
  for (Outcome o : std::span(kHeadlines).first<kChartsShown>()) {
    const int oi = static_cast<int>(o);
    // Header: label and the latest value per pane (and the difference).
    std::string vals;
    for (std::size_t k = 0; k < s_.panes.size(); ++k) vals += fmt::format("{}{}", k ? "  |  " : "", format_outcome(o, s_.panes[k].src->history().back().v[oi]));
    if (s_.panes.size() == 2) {
      const double d = s_.panes[1].src->history().back().v[oi] - s_.panes[0].src->history().back().v[oi];
      vals += "   " + format_difference(o, d);
    }
    const char* label = outcome_label(o);
    const float pad = ImGui::GetStyle().WindowPadding.x;
    const float label_end = pad + ImGui::CalcTextSize(label).x + line;
    const float vals_at = w - ImGui::CalcTextSize(vals.c_str()).x + pad;
    ImGui::TextUnformatted(label);
    // Values right-aligned on the label's line, or on their own line when they would overlap it.
    if (vals_at >= label_end)
      ImGui::SameLine(vals_at);
    else
      ImGui::SetCursorPosX(std::max(pad, vals_at));
    ImGui::TextUnformatted(vals.c_str());
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    dl->AddRectFilled(p0, ImVec2(p0.x + w, p0.y + h), IM_COL32(20, 24, 30, 255));
    double lo = 1e300, hi = -1e300;
    std::size_t len = 1;
    for (const auto& p : s_.panes) {
      const auto& hist = p.src->history();
      len = std::max(len, hist.size());
      for (const auto& r : hist) lo = std::min(lo, r.v[oi]), hi = std::max(hi, r.v[oi]);
    }
    // Axes from zero (for positive series), so week-to-week noise does not look like a trend.
    lo = std::min(lo, 0.0);
    hi = hi > 0 ? hi * 1.05 : hi;
    if (hi - lo < 1e-9) hi = lo + (std::abs(lo) > 0 ? std::abs(lo) * 0.1 : 1.0);
    const float xs = w / static_cast<float>(std::max<std::size_t>(len - 1, 1));
    for (std::size_t k = 0; k < s_.panes.size(); ++k) {
      const auto& hist = s_.panes[k].src->history();
      std::vector<ImVec2> pts;
      pts.reserve(hist.size());
      for (std::size_t t = 0; t < hist.size(); ++t)
        pts.emplace_back(p0.x + xs * static_cast<float>(t), p0.y + h - h * static_cast<float>((hist[t].v[oi] - lo) / (hi - lo)));
      if (pts.size() > 1) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), kSeriesColour[k], 0, 2.0f);
    }
    ImGui::Dummy(ImVec2(w, h + 0.15f * line));
  }
}

void Panels::draw_side_panel() {
  const auto size = window_;
  const sf::FloatRect& area = area_;
  ImGui::SetNextWindowPos(ImVec2(area.width, 0));
  ImGui::SetNextWindowSize(ImVec2(static_cast<float>(size.x) - area.width, static_cast<float>(size.y)));
  ImGui::Begin("##panel", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x * 0.42f);
  draw_controls();
  ImGui::Separator();
  draw_sliders();
  ImGui::Separator();
  draw_charts();
  if (v_.recording) ImGui::TextColored(ImVec4(1, 0.3f, 0.3f, 1), "%s: %s", tr("recording"), opt_.record.c_str());
  ImGui::PopItemWidth();
  ImGui::End();
}

}  // namespace buurt::view
