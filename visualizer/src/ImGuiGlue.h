#pragma once
/// Minimal glue between SFML's window events and Dear ImGui 1.86 (rendered with its OpenGL2 backend).
/// Debian's libimgui has no SFML backend; this feeds mouse, keyboard and text input and the frame size.
#include <SFML/Graphics/RenderWindow.hpp>
#include <SFML/Window/Event.hpp>
#include <string>

namespace buurt::view {

class ImGuiGlue {
 public:
  /// Creates the ImGui context, loads `font_file` at `font_px` (falls back to ImGui's built-in font).
  ImGuiGlue(sf::RenderWindow& window, const std::string& font_file, float font_px);
  ~ImGuiGlue();
  ImGuiGlue(const ImGuiGlue&) = delete;
  ImGuiGlue& operator=(const ImGuiGlue&) = delete;

  void process(const sf::Event& e);
  void new_frame(float dt_seconds);
  /// Draw ImGui's lists over whatever SFML drew; leaves SFML's GL state reset for the next frame.
  void render();
  bool wants_mouse() const;
  bool wants_keyboard() const;

 private:
  sf::RenderWindow& window_;
};

}  // namespace buurt::view
