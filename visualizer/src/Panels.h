#pragma once
/// The ImGui panels over the map: titles, side panel (controls, policy sliders, outcome charts), legend, resident cards.
#include <SFML/Graphics/Rect.hpp>
#include <SFML/System/Vector2.hpp>

#include "App.h"
#include "Palette.h"
#include "Session.h"

namespace buurt::view {

/// Outcome charts the side panel has room for (no scrolling on a projector); the first headline outcomes are shown.
inline constexpr int kChartsShown = 8;

/// What the user controls or points at, shared by the frame loop, the key handler and the panels.
struct ViewState {
  bool paused = false;
  Measure measure = Measure::TotalNeed;
  double speed = 4;
  int hovered = -1, hovered_pane = -1, followed = -1, followed_pane = 0;
  int steer_target = 2;  ///< side by side: sliders steer 0 left, 1 right, 2 both
  float font_px = 17;
  float legend_h = 110;                ///< height of the legend band under the map (as last drawn)
  float legend_bar[4] = {0, 0, 0, 0};  ///< the legend's colour bar on screen (x0, y0, x1, y1), for --geometry
  bool recording = false;
  /// Resident indices may mean someone else after a reset, a switch of scenario or a change of source.
  void forget_residents() { hovered = followed = -1; }
};

/// Draws the panels of one frame; buttons and sliders act on the session and the view state.
class Panels {
 public:
  Panels(const Options& opt, Session& session, ViewState& view) : opt_(opt), s_(session), v_(view) {}
  /// All ImGui windows of a frame (between ImGui's new frame and render); `map_area` is where the panes are.
  void draw(sf::Vector2u window, const sf::FloatRect& map_area);

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

  const Options& opt_;
  Session& s_;
  ViewState& v_;
  sf::Vector2u window_;
  sf::FloatRect area_;
};

}  // namespace buurt::view
