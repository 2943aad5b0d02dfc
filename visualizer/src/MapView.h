#pragma once
/// Draws one source's neighbourhood into a rectangle of the window with a handful of batched draws
/// (static layer, residents, help lines, symbols): never one draw call per resident.
#include <SFML/Graphics.hpp>

#include "Palette.h"
#include "Source.h"

namespace buurt::view {

class MapView {
 public:
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

  sf::FloatRect rect_;
  float scale_ = 1, ox_ = 0, oy_ = 0;
  const Layout* static_for_ = nullptr;
  std::size_t static_n_ = 0;
  sf::VertexArray static_{sf::Triangles};
  sf::VertexArray residents_{sf::Triangles}, lines_{sf::Lines}, symbols_{sf::Triangles}, overlay_{sf::Lines};
  std::uint64_t built_version_ = ~0ull;
  const Source* built_src_ = nullptr;
  Measure built_measure_ = Measure::Count;
  float built_scale_ = -1;
  int built_hover_ = -2, built_follow_ = -2;
};

}  // namespace buurt::view
