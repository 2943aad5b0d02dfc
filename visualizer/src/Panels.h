#pragma once
/// The ImGui panels over the map: titles, side panel (controls, policy sliders, outcome charts), legend, resident
/// cards, the help overlay and the quit prompt; and where each goes on the screen (normal or projector layout).
#include <imgui.h>
#include <SFML/Graphics/Color.hpp>
#include <SFML/Graphics/Rect.hpp>
#include <SFML/System/Vector2.hpp>

#include <cstdint>
#include <string>

#include "App.h"
#include "LayoutReport.h"
#include "Palette.h"
#include "Session.h"
#include "Text.h"

namespace buurt::view {

/// Pane A's and pane B's colour (letters, chart lines, values).
inline constexpr ImU32 kSeriesColour[2] = {IM_COL32(120, 200, 255, 255), IM_COL32(255, 170, 60, 255)};

/// Panel windows pinned in place: no title bar, not movable, nothing saved between sessions.
inline constexpr ImGuiWindowFlags kFixed = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings;
/// An SFML colour as ImGui's, with alpha `a`.
inline ImU32 im(sf::Color c, std::uint8_t a = 255) { return IM_COL32(c.r, c.g, c.b, a); }
/// A need domain's name in the current language (`d` 0 .. kDomains - 1; the legend, the card and the story use it).
const char* domain_label(int d);

/// Outcome charts shown: the first headline outcomes (Outcomes.def `headline`), all on screen without scrolling.
inline constexpr int kChartsShown = 8;
/// Windows at least this wide get the projector layout even without --workshop.
inline constexpr unsigned kProjectorWidth = 1600;

/// Where things go. Normal layout: map (header above, legend below) on the left, one side panel with controls,
/// sliders and charts on the right (`charts` is empty). Projector layout: the map, then a column of controls and
/// sliders, then a column with every chart.
struct ScreenLayout {
  bool projector = false;
  sf::FloatRect header, map, legend, controls, charts;
};
/// The layout of a window of `size` with type of `font_px` and a legend band `legend_h` high.
ScreenLayout screen_layout(sf::Vector2u size, float font_px, float legend_h, bool projector);

/// What the user controls or points at, shared by the frame loop, the key handler and the panels.
struct ViewState {
  bool paused = false;
  Measure measure = Measure::TotalNeed;
  double speed = 4;
  int hovered = -1, hovered_pane = -1, followed = -1, followed_pane = 0;
  int steer_target = 2;  ///< side by side: sliders steer 0 A, 1 B, 2 both
  float font_px = 17;
  float legend_h = 110;                ///< height of the legend band under the map (as last drawn)
  float legend_bar[4] = {0, 0, 0, 0};  ///< the legend's colour bar on screen (x0, y0, x1, y1), for --geometry
  bool recording = false;
  bool projector = false;     ///< projector layout (--workshop, or a window at least kProjectorWidth wide)
  bool stacked = false;       ///< two panes one above the other (else side by side)
  bool help = false;          ///< the key and scenario overlay (H)
  bool confirm_quit = false;  ///< Esc was pressed: asking whether to quit
  /// Resident indices may mean someone else after a reset, a switch of scenario or a change of source.
  void forget_residents() { hovered = followed = -1; }
};

/// Draws the panels of one frame; buttons and sliders act on the session and the view state. Panels.cpp holds the
/// frame (titles, legend, help, quit prompt), PolicyPanel.cpp the side panel (controls and sliders), Charts.cpp the
/// outcome charts and Inspector.cpp the resident card and story.
class Panels {
 public:
  Panels(const Options& opt, Session& session, ViewState& view) : opt_(opt), s_(session), v_(view) {}
  /// All ImGui windows of a frame (between ImGui's new frame and render).
  void draw(sf::Vector2u window, const ScreenLayout& layout);
  /// What the last frame drew where (for --layout-report).
  const LayoutReport& report() const { return report_; }

 private:
  void draw_titles();
  void draw_side_panel();
  void draw_controls();
  void draw_sliders();
  void draw_charts();
  void draw_legend();
  void draw_pane_letters();
  void draw_hover(const Pane& p, int who);
  void draw_follow();
  void draw_help();
  void draw_quit_prompt();
  void begin_centred(const char* id, float share, float lines);
  /// A widget drawn by `widget(width)` (with an empty label; `width` 0: the item width) and its label wrapped beside
  /// it, or above it where too little room is left beside it.
  template <class F>
  void labelled(const char* id, const std::string& label, F&& widget, float width = 0);

  const Options& opt_;
  Session& s_;
  ViewState& v_;
  sf::Vector2u window_;
  ScreenLayout lay_;
  LayoutReport report_;
  TextOut out_{report_};
  float charts_scale_ = 1.0f;    ///< projector: type scale of the charts column (shrunk so no title word is broken)
  float controls_scale_ = 1.0f;  ///< type scale of the side panel or controls column (shrunk when it would not fit)
  float charts_slack_ = 2.0f;    ///< the chart height the room left would give, over the smallest chart height
};

}  // namespace buurt::view
