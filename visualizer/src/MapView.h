#pragma once
/// Draws one source's neighbourhood into a rectangle of the window with a handful of batched draws,
/// never one draw call per resident. Streets, houses and residents are rasterised on the CPU into one
/// image (a memset-like pass, fast even at 100,000 residents under software GL) and drawn as one textured
/// quad; help lines and symbols are vertex arrays drawn over it.
#include <SFML/Graphics.hpp>

#include <memory>

#include "Palette.h"
#include "Source.h"

namespace buurt::view {

class MapView {
 public:
  /// Above this many residents help lines are drawn into the map image (no fading) instead of as lines.
  static constexpr std::size_t kBakeLinesAbove = 20000;
  static constexpr float kBakedLineAlpha = 0.6f;
  struct Options {
    Measure measure = Measure::TotalNeed;
    int hovered = -1;
    int followed = -1;
    float line_alpha = 1.0f;  ///< help lines fade during the week they belong to
    bool force_rebuild = false;
  };

  void draw(sf::RenderTarget& target, const Source& src, const sf::FloatRect& rect, const Options& opt);
  /// Resident under the pixel position, or -1 (within a few pixels).
  int pick(const Source& src, sf::Vector2f px) const;
  sf::Vector2f to_screen(float x, float y) const { return {ox_ + x * scale_, oy_ + y * scale_}; }
  float scale() const { return scale_; }
  sf::Vector2f offset() const { return {ox_, oy_}; }
  const sf::FloatRect& rect() const { return rect_; }
  /// Value 0..1 on the colour scale of resident i (0 fine, 1 worst) for a measure.
  static float scale_value(const Frame& f, std::size_t i, Measure m);

 private:
  void build_static(const Layout& l);
  void build_dynamic(const Source& src, const Options& opt);
  void blend_line(float x0, float y0, float x1, float y1, sf::Color c, float alpha);
  void fill(std::vector<std::uint8_t>& px, float x0, float y0, float x1, float y1, sf::Color c) const;

  sf::FloatRect rect_;
  float scale_ = 1, ox_ = 0, oy_ = 0;
  unsigned iw_ = 0, ih_ = 0;  ///< image size (the pane in pixels)
  const Layout* static_for_ = nullptr;
  std::size_t static_n_ = 0;
  float static_scale_ = -1;
  std::vector<std::uint8_t> base_, pixels_;  ///< RGBA: streets and houses; plus residents
  // Made on the first draw: an sf::Texture opens the display when constructed, and panes exist before the
  // display is checked.
  std::unique_ptr<sf::Texture> texture_;
  sf::VertexArray lines_{sf::Lines}, symbols_{sf::Triangles}, overlay_{sf::Lines};
  std::uint64_t built_version_ = ~0ull;
  const Source* built_src_ = nullptr;
  Measure built_measure_ = Measure::Count;
  float built_scale_ = -1;
  int built_hover_ = -2, built_follow_ = -2;
};

}  // namespace buurt::view
