#pragma once
/// What the viewer writes from its window: an mp4 through an ffmpeg pipe, a PNG screenshot, pane geometry.
#include <SFML/Graphics/RenderWindow.hpp>

#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "Session.h"

namespace buurt::view {

/// Frames of the window piped as raw RGBA to `ffmpeg -c:v libx264` (30 fps).
class VideoRecorder {
 public:
  /// Starts ffmpeg writing `path`; throws std::runtime_error when ffmpeg cannot be started.
  VideoRecorder(const std::string& path, unsigned width, unsigned height);
  ~VideoRecorder();
  VideoRecorder(const VideoRecorder&) = delete;
  VideoRecorder& operator=(const VideoRecorder&) = delete;

  /// Whether frames still go to ffmpeg (it may stop taking them, e.g. a full disk).
  bool active() const { return pipe_ != nullptr; }
  const std::string& path() const { return path_; }
  /// Sends the current GL back buffer (call before display()).
  void add_frame(const sf::RenderWindow& window);
  /// Waits for ffmpeg to write the file; says so on stdout.
  void close();

 private:
  std::string path_;
  FILE* pipe_ = nullptr;
  std::vector<std::uint8_t> pixels_;
};

/// Writes the window's current contents as PNG; throws std::runtime_error on failure.
void capture_png(const sf::RenderWindow& window, const std::string& png);

/// Writes pane rectangles, map transforms, the legend bar and the colour scale as JSON (for the screenshot tests).
void write_geometry(const std::string& path, const sf::RenderWindow& window, const std::vector<Pane>& panes, const float (&legend_bar)[4]);

}  // namespace buurt::view
