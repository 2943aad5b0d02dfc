#include "Panels.h"

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <span>
#include <string>
#include <type_traits>
#include <variant>

#include "Lang.h"
#include "buurt/output/Format.h"
#include "buurt/schema/Schema.h"

namespace buurt::view {
namespace {

namespace fs = std::filesystem;

/// Headings of the help and the quit prompt.
const ImVec4 kAccent(1.0f, 0.85f, 0.4f, 1.0f);

constexpr ImGuiWindowFlags kFixed = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings;

ImU32 im(sf::Color c, std::uint8_t a = 255) { return IM_COL32(c.r, c.g, c.b, a); }

/// The slider's label from Params.def in the current language (English where it has no Dutch); the scenario
/// key where it has none.
std::string param_label(const ParamSpec& p) {
  const std::string_view label = lang() == Lang::Nl && !p.slider.label_nl.empty() ? p.slider.label_nl : p.slider.label;
  return label.empty() ? p.full_name() : std::string(label);
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

std::string joined(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts)
    if (!p.empty()) s += (s.empty() ? "" : "  \u00b7  ") + p;
  return s;
}

}  // namespace

ScreenLayout screen_layout(sf::Vector2u size, float font_px, float legend_h, bool projector) {
  ScreenLayout l;
  l.projector = projector;
  const auto w = static_cast<float>(size.x), h = static_cast<float>(size.y);
  float side = 0;  // width right of the map
  if (projector) {
    // Two columns of about a quarter of the screen each: controls and sliders, then every chart (a little wider:
    // a chart's title and its value share a line).
    const float controls = std::floor(std::max(13.0f * font_px, 0.25f * w)), charts = std::floor(std::max(15.0f * font_px, 0.29f * w));
    l.controls = {w - controls - charts, 0, controls, h};
    l.charts = {w - charts, 0, charts, h};
    side = controls + charts;
  } else {
    side = std::floor(std::max(380.0f * font_px / 17.0f, 0.30f * w));
    l.controls = {w - side, 0, side, h};
    l.charts = {w - side, h, 0, 0};
  }
  const float top = std::ceil(font_px * 2.2f);
  l.header = {0, 0, w - side, top};
  l.map = {0, top, w - side, std::max(1.0f, h - top - legend_h)};
  l.legend = {0, top + l.map.height, w - side, h - top - l.map.height};
  return l;
}

void Panels::draw(sf::Vector2u window, const ScreenLayout& layout) {
  window_ = window;
  lay_ = layout;
  report_.clear();
  report_.layout = layout.projector ? "projector" : "normal";
  draw_titles();
  draw_side_panel();
  draw_legend();
  draw_pane_letters();
  draw_follow();
  if (v_.hovered >= 0 && v_.hovered_pane < static_cast<int>(s_.panes.size())) draw_hover(s_.panes[static_cast<std::size_t>(v_.hovered_pane)], v_.hovered);
  if (v_.help) draw_help();
  if (v_.confirm_quit) draw_quit_prompt();
}

void Panels::draw_pane_letters() {
  if (s_.panes.size() < 2) return;
  for (std::size_t k = 0; k < s_.panes.size(); ++k) {
    const sf::FloatRect& r = s_.panes[k].map.rect();
    ImGui::GetBackgroundDrawList()->AddText(ImGui::GetFont(), 1.6f * v_.font_px, ImVec2(r.left + 6, r.top + 2), kSeriesColour[k], k == 0 ? "A" : "B");
  }
}

void Panels::draw_titles() {
  const sf::FloatRect& hb = lay_.header;
  const std::size_t np = s_.panes.size();
  const float w = std::floor(hb.width / static_cast<float>(np));
  for (std::size_t k = 0; k < np; ++k) {
    const Pane& p = s_.panes[k];
    ImGui::SetNextWindowPos(ImVec2(hb.left + w * static_cast<float>(k), hb.top));
    ImGui::SetNextWindowSize(ImVec2(k + 1 == np ? hb.width - w * static_cast<float>(k) : w, hb.height));
    ImGui::Begin(fmt::format("##title{}", k).c_str(), nullptr, kFixed | ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoBringToFrontOnFocus);
    if (np > 1) {
      ImGui::TextColored(ImColor(kSeriesColour[k]), "%s", k == 0 ? "A" : "B");
      ImGui::SameLine();
    }
    // The most that fits: week and scenario always, then page, seed, residents and the help hint as room allows.
    const std::string week = fmt::format("{} {}", tr("week"), p.src->frame().week);
    std::string name, seed, page, hint;
    if (s_.replay_mode) {
      name = p.sim ? fmt::format("{} {} - {}", tr("replay"), fs::path(opt_.replay).filename().string(), p.sim->scenario().name) : p.src->title();
    } else if (opt_.workshop) {
      // Workshop: the scenario's title in the chosen language, no seed (the audience needs the story, not the number).
      name = scenario_title(p.sim->scenario());
      if (s_.prepared.size() > 1) name = fmt::format("[{}/{}] {}", s_.current + 1, s_.prepared.size(), name);
      if (s_.pages() > 1) page = fmt::format("{} {}/{}", tr("page"), s_.page + 1, s_.pages());
      hint = tr("help_hint");
    } else {
      name = p.sim->scenario().name;
    }
    if (p.sim && !opt_.workshop) seed = fmt::format("({} {})", tr("seed_word"), p.sim->scenario().params.run_seed);
    const std::string residents = fmt::format("{} {}", p.src->layout().n, tr("residents"));
    const std::string named = seed.empty() ? name : name + " " + seed;
    const std::string t = fit_text({joined({week, named, residents, page, hint}), joined({week, named, residents, page}), joined({week, named, page}),
                                    joined({week, name, page}), joined({week, name}), name},
                                   ImGui::GetContentRegionAvail().x);
    out_.note("title", t);
    report_.header.push_back(t);
    ImGui::TextUnformatted(t.c_str());
    ImGui::End();
  }
}

void Panels::draw_legend() {
  // The legend has its own band under the map, so it never hides residents and is always visible.
  const sf::FloatRect& band = lay_.legend;
  ImGui::SetNextWindowPos(ImVec2(band.left, band.top));
  ImGui::SetNextWindowSize(ImVec2(band.width, band.height));
  ImGui::Begin("##legend", nullptr, kFixed | ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoInputs | ImGuiWindowFlags_NoBringToFrontOnFocus);
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
  auto text = [&](const char* t) {
    out_.note("legend", t);
    ImGui::TextUnformatted(t);
  };
  text(tr(kMeasureKeys[static_cast<std::size_t>(v_.measure)]));
  ImGui::SameLine(0, line * 0.6f);
  const bool sr = v_.measure == Measure::SelfReliance;
  const std::string left = sr ? fmt::format("{} (1)", tr("high")) : fmt::format("{} (0)", tr("low"));
  const std::string right = sr                                 ? fmt::format("{} (0)", tr("low"))
                            : v_.measure == Measure::TotalNeed ? fmt::format("{} (>= {:.1f})", tr("high"), kTotalNeedScale)
                                                               : fmt::format("{} (1)", tr("high"));
  text(left.c_str());
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
  text(right.c_str());

  text(tr("help_lines"));
  first = false;
  for (int d = 0; d < kDomains; ++d) {
    const char* label = domain_label(d);
    flow(2.0f * line + ImGui::CalcTextSize(label).x);
    const ImVec2 q = ImGui::GetCursorScreenPos();
    dl->AddLine(ImVec2(q.x, q.y + line * 0.5f), ImVec2(q.x + 1.6f * line, q.y + line * 0.5f), im(kDomainColours[static_cast<std::size_t>(d)]), 3.0f);
    ImGui::Dummy(ImVec2(1.8f * line, line));
    ImGui::SameLine(0, 0);
    text(label);
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
    text(tr(key));
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

template <class F>
void Panels::labelled(const char* id, const std::string& label, F&& widget, float width) {
  ImGui::PushID(id);
  const float item_w = std::min(width > 0 ? width : ImGui::CalcItemWidth(), ImGui::GetContentRegionAvail().x);
  const float beside = ImGui::GetContentRegionAvail().x - item_w - ImGui::GetStyle().ItemInnerSpacing.x;
  // Beside the widget, wrapped at spaces; above it when even its longest word would not fit beside it.
  const bool above = beside < std::max(widest_word(label), 3.0f * ImGui::GetFontSize());
  if (above) out_.wrapped("slider", label);
  widget(item_w);
  if (!above) {
    ImGui::SameLine(0, ImGui::GetStyle().ItemInnerSpacing.x);
    out_.wrapped("slider", label);
  }
  ImGui::PopID();
}

void Panels::draw_controls() {
  const ImGuiStyle& st = ImGui::GetStyle();
  // The text inside a widget's frame (a slider's value, a combo's choice) fits the frame too.
  auto note_inside = [&](const std::string& t, float frame_w, float right_part) {
    const ImVec2 at = ImGui::GetItemRectMin();
    out_.note_at("value", t, ImVec2(at.x + st.FramePadding.x, at.y), frame_w - 2 * st.FramePadding.x - right_part);
  };
  if (s_.replay_mode) {
    out_.wrapped("text", tr("replay"));
    if (!s_.replay_note.empty()) out_.wrapped("text", s_.replay_note);
    if (out_.flow_button(v_.paused ? tr("play") : tr("pause"), true)) v_.paused = !v_.paused;
    if (out_.flow_button(tr("step"), false)) s_.replay_week = std::min(s_.replay_week + 1, s_.replay_last);
    ImGui::SetNextItemWidth(-1);
    ImGui::SliderInt("##timeline", &s_.replay_week, 0, s_.replay_last, fmt::format("{} %d", tr("week")).c_str());
    note_inside(fmt::format("{} {}", tr("week"), s_.replay_week), ImGui::GetItemRectSize().x, 0);
  } else {
    if (out_.flow_button(v_.paused ? tr("play") : tr("pause"), true)) v_.paused = !v_.paused;
    if (out_.flow_button(tr("step"), false)) {
      v_.paused = true;
      s_.step_live();
    }
    // Workshop: the seed is a technicality; the button says what it does for the audience.
    if (out_.flow_button(opt_.workshop ? tr("reset_ws") : tr("reset"), false)) {
      s_.reset_all();
      v_.forget_residents();
    }
    if (!opt_.workshop) out_.wrapped("text", fmt::format("{}: {}", tr("seed"), s_.panes[0].sim->scenario().params.run_seed));
  }
  labelled("speed", tr("speed"), [&](float w) {
    float sp = static_cast<float>(v_.speed);
    ImGui::SetNextItemWidth(w);
    if (ImGui::SliderFloat("##v", &sp, 0.25f, 64.0f, "%.2f", ImGuiSliderFlags_Logarithmic)) v_.speed = sp;
    note_inside(fmt::format("{:.2f}", v_.speed), w, 0);
  });
  // The colour choice is as wide as its longest name needs (its label goes above it when that leaves too little room).
  float choice_w = 0;
  for (int k = 0; k < static_cast<int>(Measure::Count); ++k)
    choice_w = std::max(choice_w, ImGui::CalcTextSize(tr(kMeasureKeys[static_cast<std::size_t>(k)])).x);
  choice_w = std::ceil(std::max(ImGui::CalcItemWidth(), choice_w + ImGui::GetFrameHeight() + 2 * st.FramePadding.x + 2));
  labelled(
      "colour", tr("colour_by"),
      [&](float w) {
        const int m = static_cast<int>(v_.measure);
        const char* shown = tr(kMeasureKeys[static_cast<std::size_t>(m)]);
        ImGui::SetNextItemWidth(w);
        if (ImGui::BeginCombo("##v", shown)) {
          for (int k = 0; k < static_cast<int>(Measure::Count); ++k)
            if (ImGui::Selectable(tr(kMeasureKeys[static_cast<std::size_t>(k)]), k == m)) v_.measure = static_cast<Measure>(k);
          ImGui::EndCombo();
        }
        note_inside(shown, w, ImGui::GetFrameHeight());
      },
      choice_w);
}

void Panels::draw_sliders() {
  std::vector<SimSource*> targets;
  for (std::size_t k = 0; k < s_.panes.size(); ++k)
    if (s_.panes[k].sim && (s_.panes.size() == 1 || v_.steer_target == 2 || v_.steer_target == static_cast<int>(k))) targets.push_back(s_.panes[k].sim);
  if (targets.empty() || s_.replay_mode) {
    if (s_.replay_mode && s_.panes[0].sim && !s_.panes[0].sim->log().empty()) {
      out_.wrapped("text", tr("steering"));
      for (const auto& e : s_.panes[0].sim->log()) out_.wrapped("text", fmt::format("\u2022 {} {}: {} = {}", tr("week"), e.week, e.key, e.value));
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
  const ImGuiStyle& st = ImGui::GetStyle();
  const Params& cur = targets[0]->scenario().params;
  // Steering both panes: where their values differ the widget shows both ("A | B"), not only A's.
  const Params* other = targets.size() > 1 ? &targets[1]->scenario().params : nullptr;
  // Every parameter with a slider in Params.def, in schema order; the range is the slider's, widened to
  // the current value when a scenario sets one outside it (so the slider shows it rather than clamping it).
  for (const ParamSpec& spec : schema()) {
    if (!spec.slider.shown) continue;
    const std::string name = spec.full_name();
    Params next = cur;
    bool changed = false, mixed = false;
    std::string label = param_label(spec);
    std::visit(
        [&](auto member) {
          using M = std::remove_cvref_t<decltype(cur.*member)>;
          if (!other || other->*member == cur.*member) return;
          mixed = true;
          // Non-breaking spaces keep "(A | B)" together when the label wraps.
          if constexpr (std::is_same_v<M, bool>)
            label += fmt::format(" (A\u00a0{}, B\u00a0{})", tr(cur.*member ? "on" : "off"), tr(other->*member ? "on" : "off"));
          else
            label += std::string(" ") + tr("mixed");
        },
        spec.member);
    labelled(name.c_str(), label, [&](float w) {
      std::visit(
          [&](auto member) {
            using M = std::remove_cvref_t<decltype(cur.*member)>;
            const ImVec2 at = ImGui::GetCursorScreenPos();
            auto note_value = [&](const std::string& t) { out_.note_at("value", t, ImVec2(at.x + st.FramePadding.x, at.y), w - 2 * st.FramePadding.x); };
            if constexpr (std::is_same_v<M, bool>) {
              bool v = cur.*member;
              if (mixed) ImGui::PushItemFlag(ImGuiItemFlags_MixedValue, true);
              if (ImGui::Checkbox("##v", &v)) {
                next.*member = v;
                changed = true;
              }
              if (mixed) ImGui::PopItemFlag();
            } else if constexpr (std::is_same_v<M, std::int64_t>) {
              int v = static_cast<int>(cur.*member);
              const int lo = std::min(v, static_cast<int>(spec.slider.lo));
              const int hi = std::max(v, static_cast<int>(spec.slider.hi));
              const std::string f = mixed ? fmt::format("%d | {}", other->*member) : std::string("%d");
              ImGui::SetNextItemWidth(w);
              ImGui::SliderInt("##v", &v, lo, hi, f.c_str());
              note_value(mixed ? fmt::format("{} | {}", cur.*member, other->*member) : fmt::format("{}", v));
              // Applied on release only, so the log has one entry per move rather than one per drag step.
              if (ImGui::IsItemDeactivatedAfterEdit()) {
                next.*member = v;
                changed = true;
              }
            } else {
              float v = static_cast<float>(cur.*member);
              const float lo = std::min(v, static_cast<float>(spec.slider.lo));
              const float hi = std::max(v, static_cast<float>(spec.slider.hi));
              const std::string f = mixed ? fmt::format("%.2f | {:.2f}", other->*member) : std::string("%.2f");
              ImGui::SetNextItemWidth(w);
              ImGui::SliderFloat("##v", &v, lo, hi, f.c_str());
              note_value(mixed ? fmt::format("{:.2f} | {:.2f}", cur.*member, other->*member) : fmt::format("{:.2f}", v));
              if (ImGui::IsItemDeactivatedAfterEdit()) {
                next.*member = static_cast<double>(v);
                changed = true;
              }
            }
          },
          spec.member);
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n%s [%s]", name.c_str(), std::string(spec.description).c_str(), std::string(spec.unit).c_str());
    });
    if (changed) {
      const std::string value = spec.format(next);
      for (auto* t : targets) Session::steer(*t, name, value);
    }
  }
}

void Panels::draw_side_panel() {
  const sf::FloatRect& c = lay_.controls;
  ImGui::SetNextWindowPos(ImVec2(c.left, c.top));
  ImGui::SetNextWindowSize(ImVec2(c.width, c.height));
  ImGui::Begin("##panel", nullptr, kFixed | ImGuiWindowFlags_NoBringToFrontOnFocus);
  // The panel never scrolls. When the last frame's content ran past its bottom (projector: the controls; normal
  // layout: the charts at their smallest) the panel's type shrinks to fit (down to 70%), and grows back when
  // there is room again.
  ImGui::SetWindowFontScale(controls_scale_);
  const float top = ImGui::GetCursorPosY();
  ImGui::PushItemWidth(std::floor(ImGui::GetContentRegionAvail().x * (lay_.projector ? 0.36f : 0.40f)));
  draw_controls();
  ImGui::Separator();
  draw_sliders();
  if (!lay_.projector) {
    ImGui::Separator();
    draw_charts();
  }
  if (v_.recording) {
    const ImVec4 red(1, 0.3f, 0.3f, 1);
    out_.wrapped("text", fmt::format("{}: {}", tr("recording"), opt_.record), &red);
  }
  ImGui::PopItemWidth();
  {
    const float used = ImGui::GetCursorPosY() - top, room = c.height - top - ImGui::GetStyle().WindowPadding.y;
    // Room to grow: the controls column is less than 80% full, or (normal layout) the charts could be half as
    // high again as their smallest.
    const bool slack = lay_.projector ? used < 0.8f * room : charts_slack_ > 1.6f;
    if (used > room + 1.0f)
      controls_scale_ = std::max(0.7f, controls_scale_ * std::sqrt(room / used) * 0.99f);
    else if (slack && controls_scale_ < 1.0f)
      controls_scale_ = std::min(1.0f, controls_scale_ * 1.05f);
  }
  ImGui::End();
  if (lay_.projector) {
    const sf::FloatRect& r = lay_.charts;
    ImGui::SetNextWindowPos(ImVec2(r.left, r.top));
    ImGui::SetNextWindowSize(ImVec2(r.width, r.height));
    ImGui::Begin("##charts", nullptr, kFixed | ImGuiWindowFlags_NoBringToFrontOnFocus);
    draw_charts();
    ImGui::End();
  }
}

/// A window centred over everything, `share` of the screen wide but at most `lines` text lines, as high as its
/// content (at most 92% of the screen).
void Panels::begin_centred(const char* id, float share, float lines) {
  const auto W = static_cast<float>(window_.x), H = static_cast<float>(window_.y);
  ImGui::SetNextWindowPos(ImVec2(0.5f * W, 0.5f * H), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::SetNextWindowSize(ImVec2(std::floor(std::min(share * W, lines * ImGui::GetTextLineHeight())), 0));
  ImGui::SetNextWindowSizeConstraints(ImVec2(0, 0), ImVec2(W, 0.92f * H));
  ImGui::Begin(id, nullptr, kFixed | ImGuiWindowFlags_AlwaysAutoResize);
}

void Panels::draw_help() {
  // Centred over everything: the keys, and in a workshop the scenarios of this page with what each claims.
  begin_centred("##help", 0.8f, 46.0f);
  const float line = ImGui::GetTextLineHeight();
  out_.wrapped("help", tr("keys"), &kAccent);
  struct Row {
    std::string key;
    const char* what;
  };
  std::vector<Row> rows = {{tr("key_space"), tr("k_space")}, {"\u2192 / \u2190", tr("k_right")}, {"+ / \u2212", tr("k_speed")}, {"M", tr("k_m")}};
  if (!s_.replay_mode) rows.push_back({"R", tr("k_r")});
  if (s_.workshop()) rows.push_back({"1 \u2013 9", tr("k_num")});
  if (s_.pages() > 1) rows.push_back({"PgUp / PgDn", tr("k_page")});
  rows.push_back({"H", tr("k_h")});
  rows.push_back({"Esc", tr("k_esc")});
  rows.push_back({tr("click"), tr("k_click")});
  float key_w = 0;
  for (const auto& r : rows) key_w = std::max(key_w, ImGui::CalcTextSize(r.key.c_str()).x);
  const float x0 = ImGui::GetCursorPosX();
  for (const auto& r : rows) {
    out_.note("help", r.key);
    ImGui::TextUnformatted(r.key.c_str());
    ImGui::SameLine(x0 + key_w + line);
    out_.wrapped("help", r.what);
  }
  if (s_.workshop()) {
    ImGui::Separator();
    const int first = s_.page * kPerPage, last = std::min(static_cast<int>(s_.scenarios.size()), first + kPerPage);
    const std::string head = s_.pages() > 1 ? fmt::format("{} ({} {}/{})", tr("scenarios"), tr("page"), s_.page + 1, s_.pages()) : std::string(tr("scenarios"));
    out_.wrapped("help", head, &kAccent);
    const float num_w = ImGui::CalcTextSize("9").x;
    for (int k = first; k < last; ++k) {
      const Scenario& sc = s_.scenarios[static_cast<std::size_t>(k)];
      const std::string num = std::to_string(k - first + 1);
      out_.note("help", num);
      ImGui::TextUnformatted(num.c_str());
      ImGui::SameLine(x0 + num_w + line);
      const std::string text =
          fmt::format("{}{}: {}", scenario_title(sc), k == s_.current ? fmt::format(" ({})", tr("shown")) : std::string(), scenario_claim(sc));
      out_.wrapped("help", text, k == s_.current ? &kAccent : nullptr);
    }
  }
  ImGui::End();
}

void Panels::draw_quit_prompt() {
  begin_centred("##quit", 0.7f, 30.0f);
  out_.wrapped("quit", tr("quit_q"), &kAccent);
  out_.wrapped("quit", tr("quit_keys"));
  ImGui::End();
}

}  // namespace buurt::view
