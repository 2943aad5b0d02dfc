// The side panel (normal layout) or controls column (projector layout): run controls, scenario and steering,
// the policy sliders from the schema, and below them the outcome charts (Charts.cpp).
#include <fmt/format.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <span>
#include <string>
#include <type_traits>
#include <variant>

#include "Lang.h"
#include "Panels.h"
#include "buurt/output/Format.h"
#include "buurt/schema/Schema.h"

namespace buurt::view {
namespace {

/// The slider's label from Params.def in the current language (English where it has no Dutch); the scenario
/// key where it has none.
std::string param_label(const ParamSpec& p) {
  const std::string_view label = lang() == Lang::Nl && !p.slider.label_nl.empty() ? p.slider.label_nl : p.slider.label;
  return label.empty() ? p.full_name() : std::string(label);
}

}  // namespace

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

}  // namespace buurt::view
