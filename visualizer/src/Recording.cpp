#include "Recording.h"

#include <fmt/format.h>
#include <SFML/Graphics/Texture.hpp>
#include <SFML/OpenGL.hpp>

#include <fstream>
#include <stdexcept>

#include "Palette.h"

namespace buurt::view {

VideoRecorder::VideoRecorder(const std::string& path, unsigned width, unsigned height) : path_(path) {
  const std::string cmd =
      fmt::format("ffmpeg -loglevel error -y -f rawvideo -pix_fmt rgba -s {}x{} -r 30 -i - -vf vflip -c:v libx264 -pix_fmt yuv420p -preset veryfast '{}'",
                  width, height, path);
  pipe_ = ::popen(cmd.c_str(), "w");
  if (!pipe_) throw std::runtime_error("cannot start ffmpeg (install the 'ffmpeg' package)");
}

VideoRecorder::~VideoRecorder() {
  if (pipe_) ::pclose(pipe_);
}

void VideoRecorder::add_frame(const sf::RenderWindow& window) {
  if (!pipe_) return;
  const auto size = window.getSize();
  pixels_.resize(static_cast<std::size_t>(size.x) * size.y * 4);
  glReadPixels(0, 0, static_cast<GLsizei>(size.x), static_cast<GLsizei>(size.y), GL_RGBA, GL_UNSIGNED_BYTE, pixels_.data());
  if (std::fwrite(pixels_.data(), 1, pixels_.size(), pipe_) != pixels_.size()) {
    fmt::print(stderr, "buurt-view: ffmpeg stopped taking frames; recording ends\n");
    ::pclose(pipe_);
    pipe_ = nullptr;
  }
}

void VideoRecorder::close() {
  if (!pipe_) return;
  ::pclose(pipe_);
  pipe_ = nullptr;
  fmt::print("recorded {}\n", path_);
}

void capture_png(const sf::RenderWindow& window, const std::string& png) {
  sf::Texture tex;
  const auto size = window.getSize();
  if (!tex.create(size.x, size.y)) throw std::runtime_error("cannot create a texture for the screenshot");
  tex.update(window);
  if (!tex.copyToImage().saveToFile(png)) throw std::runtime_error(fmt::format("cannot write '{}'", png));
}

void write_geometry(const std::string& path, const sf::RenderWindow& window, const std::vector<Pane>& panes, const float (&legend_bar)[4]) {
  std::ofstream g(path);
  if (!g) throw std::runtime_error(fmt::format("cannot write '{}'", path));
  g << "{\n  \"window\": [" << window.getSize().x << ", " << window.getSize().y << "],\n  \"panes\": [";
  for (std::size_t k = 0; k < panes.size(); ++k) {
    const auto& m = panes[k].map;
    g << (k ? ", " : "")
      << fmt::format("{{\"rect\": [{}, {}, {}, {}], \"scale\": {:.9g}, \"offset\": [{:.9g}, {:.9g}], \"week\": {}}}", m.rect().left, m.rect().top,
                     m.rect().width, m.rect().height, m.scale(), m.offset().x, m.offset().y, panes[k].src->frame().week);
  }
  g << "],\n  \"legend_bar\": [" << legend_bar[0] << ", " << legend_bar[1] << ", " << legend_bar[2] << ", " << legend_bar[3] << "],\n";
  g << "  \"scale_stops\": [";
  for (std::size_t k = 0; k < kScale.size(); ++k) g << (k ? ", " : "") << fmt::format("[{}, {}, {}, {}]", kScale[k].t, kScale[k].r, kScale[k].g, kScale[k].b);
  g << "]\n}\n";
}

}  // namespace buurt::view
