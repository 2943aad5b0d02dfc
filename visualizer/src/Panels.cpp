#include "Panels.h"

#include <fmt/format.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <string>
#include <vector>

#include "Lang.h"
#include "buurt/schema/Schema.h"

namespace buurt::view {
namespace {

namespace fs = std::filesystem;

/// Headings of the help and the quit prompt.
const ImVec4 kAccent(1.0f, 0.85f, 0.4f, 1.0f);

std::string joined(const std::vector<std::string>& parts) {
  std::string s;
  for (const auto& p : parts)
    if (!p.empty()) s += (s.empty() ? "" : "  \u00b7  ") + p;
  return s;
}

}  // namespace

const char* domain_label(int d) { return tr(kMeasureKeys[static_cast<std::size_t>(d + 1)]); }

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
