#include "App.h"

#include <fmt/format.h>
#include <SFML/Graphics.hpp>
#include <SFML/OpenGL.hpp>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <memory>
#include <stdexcept>

#include "Benchmark.h"
#include "Display.h"
#include "ImGuiGlue.h"
#include "Lang.h"
#include "Panels.h"
#include "Recording.h"
#include "Session.h"

namespace buurt::view {
namespace {

Measure parse_measure(const std::string& s) {
  for (std::size_t k = 0; k < kMeasureArgs.size(); ++k)
    if (s == kMeasureArgs[k]) return static_cast<Measure>(k);
  std::string all;
  for (auto* a : kMeasureArgs) all += fmt::format("{}{}", all.empty() ? "" : ", ", a);
  throw std::invalid_argument(fmt::format("--measure must be one of {}; got '{}'", all, s));
}

ViewState initial_view(const Options& o) {
  ViewState v;
  v.speed = o.speed;
  v.measure = parse_measure(o.measure);
  return v;
}

/// The keys `--test-keys` can press, by their SFML names.
sf::Keyboard::Key key_named(const std::string& name) {
  static const std::pair<const char*, sf::Keyboard::Key> kKeys[] = {{"Escape", sf::Keyboard::Escape},
                                                                    {"Enter", sf::Keyboard::Enter},
                                                                    {"Space", sf::Keyboard::Space},
                                                                    {"H", sf::Keyboard::H},
                                                                    {"Y", sf::Keyboard::Y},
                                                                    {"J", sf::Keyboard::J},
                                                                    {"N", sf::Keyboard::N},
                                                                    {"M", sf::Keyboard::M},
                                                                    {"R", sf::Keyboard::R},
                                                                    {"Right", sf::Keyboard::Right},
                                                                    {"Left", sf::Keyboard::Left},
                                                                    {"PageUp", sf::Keyboard::PageUp},
                                                                    {"PageDown", sf::Keyboard::PageDown},
                                                                    {"Num1", sf::Keyboard::Num1},
                                                                    {"Num2", sf::Keyboard::Num2},
                                                                    {"Num3", sf::Keyboard::Num3},
                                                                    {"Num4", sf::Keyboard::Num4},
                                                                    {"Num5", sf::Keyboard::Num5},
                                                                    {"Num6", sf::Keyboard::Num6},
                                                                    {"Num7", sf::Keyboard::Num7},
                                                                    {"Num8", sf::Keyboard::Num8},
                                                                    {"Num9", sf::Keyboard::Num9}};
  for (const auto& [n, k] : kKeys)
    if (name == n) return k;
  throw std::invalid_argument(fmt::format("--test-keys: unknown key '{}'", name));
}

/// `--test-keys` items "FRAME:KEY", in frame order.
std::vector<std::pair<long, sf::Keyboard::Key>> parse_test_keys(const std::vector<std::string>& items) {
  std::vector<std::pair<long, sf::Keyboard::Key>> keys;
  for (const auto& t : items) {
    const auto colon = t.find(':');
    if (colon == std::string::npos || colon == 0) throw std::invalid_argument(fmt::format("--test-keys expects FRAME:KEY, got '{}'", t));
    keys.emplace_back(std::stol(t.substr(0, colon)), key_named(t.substr(colon + 1)));
  }
  std::stable_sort(keys.begin(), keys.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  return keys;
}

/// The window and its frame loop: events, stepping at the chosen speed, maps, panels, and the headless,
/// benchmark and recording variants of the loop.
class App {
 public:
  // The measure is parsed before any scenario is read, so a bad --measure is reported first.
  // The session reads and checks every input here; nothing is built or written until run().
  explicit App(const Options& o) : opt_(o), v_(initial_view(o)), keys_(parse_test_keys(o.test_keys)), s_(o), panels_(opt_, s_, v_) {
    v_.paused = s_.replay_mode;
  }
  int run();

 private:
  void open_window();
  void apply_start_options();
  int run_benchmark();
  int run_headless();
  int run_interactive();
  void handle_event(const sf::Event& e);
  void handle_key(sf::Keyboard::Key key);
  /// Presses the `--test-keys` keys due at `frame`.
  void press_test_keys(long frame);
  /// Draws maps and panels into the back buffer (display() is the caller's).
  void frame(double now);
  void write_layout_report(long frames) const;

  Options opt_;
  // Declared before the session so the maps' GL resources go before the window and ImGui do.
  // Made in open_window(): an sf::RenderWindow opens the display when constructed (and SFML aborts without one).
  std::unique_ptr<sf::RenderWindow> window_;
  std::unique_ptr<ImGuiGlue> gui_;
  ViewState v_;
  std::vector<std::pair<long, sf::Keyboard::Key>> keys_;
  std::size_t next_key_ = 0;
  Session s_;
  Panels panels_;
  std::unique_ptr<VideoRecorder> video_;
  bool quit_ = false, quit_by_key_ = false;
  double acc_ = 0;              // weeks due but not yet simulated (interactive loop)
  bool static_frame_ = false;   // headless: no fading, deterministic pixels
  bool bench_rebuild_ = false;  // benchmark: rebuild all resident vertices every frame
};

void App::open_window() {
  sf::ContextSettings cs;
  cs.antialiasingLevel = 0;
  // Workshop: large type for a projector (about 1/40 of the screen height, at least 24 px).
  v_.font_px = 17.0f;
  if (opt_.workshop && opt_.screenshot.empty() && opt_.bench_frames == 0) {
    window_ = std::make_unique<sf::RenderWindow>(sf::VideoMode::getDesktopMode(), "buurt-view", sf::Style::Fullscreen, cs);
  } else {
    window_ = std::make_unique<sf::RenderWindow>(sf::VideoMode(opt_.width, opt_.height), "buurt-view", sf::Style::Default, cs);
  }
  window_->setVerticalSyncEnabled(opt_.screenshot.empty() && opt_.bench_frames == 0 && opt_.record.empty());
  if (!opt_.record.empty()) window_->setFramerateLimit(30);
  if (opt_.workshop) v_.font_px = std::max(24.0f, static_cast<float>(window_->getSize().y) / 36.0f);
  v_.projector = opt_.workshop || window_->getSize().x >= kProjectorWidth;
  v_.legend_h = std::ceil(v_.font_px * 6.4f);
  gui_ = std::make_unique<ImGuiGlue>(*window_, opt_.font, v_.font_px);
}

void App::handle_key(sf::Keyboard::Key key) {
  // Esc asks before quitting (a facilitator's stray key must not end a workshop); Esc again, Y, J or Enter
  // quits, any other key carries on. With the help shown, Esc closes the help.
  if (v_.confirm_quit) {
    v_.confirm_quit = false;
    if (key == sf::Keyboard::Escape || key == sf::Keyboard::Y || key == sf::Keyboard::J || key == sf::Keyboard::Enter) quit_ = quit_by_key_ = true;
    return;
  }
  switch (key) {
    case sf::Keyboard::Escape:
      if (v_.help)
        v_.help = false;
      else
        v_.confirm_quit = true;
      break;
    case sf::Keyboard::H: v_.help = !v_.help; break;
    case sf::Keyboard::Space: v_.paused = !v_.paused; break;
    case sf::Keyboard::Right:
      if (s_.replay_mode)
        s_.replay_week = std::min(s_.replay_week + 1, s_.replay_last);
      else {
        v_.paused = true;
        s_.step_live();
      }
      break;
    case sf::Keyboard::Left:
      if (s_.replay_mode) s_.replay_week = std::max(s_.replay_week - 1, 0);
      break;
    case sf::Keyboard::R:
      if (!s_.replay_mode) {
        s_.reset_all();
        v_.forget_residents();
      }
      break;
    case sf::Keyboard::M: v_.measure = static_cast<Measure>((static_cast<int>(v_.measure) + 1) % static_cast<int>(Measure::Count)); break;
    case sf::Keyboard::Add:
    case sf::Keyboard::Equal: v_.speed = std::min(v_.speed * 2, 64.0); break;
    case sf::Keyboard::Subtract:
    case sf::Keyboard::Hyphen: v_.speed = std::max(v_.speed / 2, 0.25); break;
    case sf::Keyboard::PageDown: s_.turn_page(1); break;
    case sf::Keyboard::PageUp: s_.turn_page(-1); break;
    default:
      // Number keys pick a scenario on the current page (page p: scenarios 9p+1 ... 9p+9).
      if (key >= sf::Keyboard::Num1 && key <= sf::Keyboard::Num9 && s_.switch_prepared(s_.page * kPerPage + (key - sf::Keyboard::Num1))) v_.forget_residents();
      break;
  }
}

void App::press_test_keys(long frame) {
  for (; next_key_ < keys_.size() && keys_[next_key_].first <= frame; ++next_key_) handle_key(keys_[next_key_].second);
}

void App::handle_event(const sf::Event& e) {
  gui_->process(e);
  if (e.type == sf::Event::Closed) quit_ = true;
  if (e.type == sf::Event::Resized) window_->setView(sf::View(sf::FloatRect(0, 0, static_cast<float>(e.size.width), static_cast<float>(e.size.height))));
  if (e.type == sf::Event::KeyPressed && (v_.confirm_quit || !gui_->wants_keyboard())) handle_key(e.key.code);
  if (e.type == sf::Event::MouseMoved && !gui_->wants_mouse()) {
    v_.hovered = -1;
    for (std::size_t k = 0; k < s_.panes.size(); ++k) {
      const int who = s_.panes[k].map.pick(*s_.panes[k].src, {static_cast<float>(e.mouseMove.x), static_cast<float>(e.mouseMove.y)});
      if (who >= 0) {
        v_.hovered = who;
        v_.hovered_pane = static_cast<int>(k);
      }
    }
  }
  if (e.type == sf::Event::MouseButtonPressed && e.mouseButton.button == sf::Mouse::Left && !gui_->wants_mouse()) {
    for (std::size_t k = 0; k < s_.panes.size(); ++k) {
      const int who = s_.panes[k].map.pick(*s_.panes[k].src, {static_cast<float>(e.mouseButton.x), static_cast<float>(e.mouseButton.y)});
      if (who >= 0) {
        v_.followed = who;
        v_.followed_pane = static_cast<int>(k);
        for (auto& p : s_.panes)
          if (p.sim) p.sim->follow(static_cast<std::uint32_t>(who));
      }
    }
  }
}

void App::frame(double now) {
  window_->resetGLStates();
  window_->clear(kBackground);
  const ScreenLayout layout = screen_layout(window_->getSize(), v_.font_px, v_.legend_h, v_.projector);
  const sf::FloatRect& area = layout.map;
  // Two panes: side by side or one above the other, whichever draws the neighbourhood larger.
  const Layout& lay = s_.panes[0].src->layout();
  const std::size_t np = s_.panes.size();
  const float fn = static_cast<float>(np);
  const bool stacked =
      np > 1 && std::min(area.width / lay.width, area.height / fn / lay.height) > std::min(area.width / fn / lay.width, area.height / lay.height);
  v_.stacked = stacked;
  const float w = stacked ? area.width : area.width / fn, h = stacked ? area.height / fn : area.height;
  for (std::size_t k = 0; k < np; ++k) {
    Pane& p = s_.panes[k];
    if (p.src->frame().week != p.seen_week || p.src->version() == 0) {
      p.seen_week = p.src->frame().week;
      p.week_started = now;
    }
    MapView::Options mo;
    mo.measure = v_.measure;
    mo.hovered = v_.hovered_pane == static_cast<int>(k) ? v_.hovered : -1;
    mo.followed = v_.followed_pane == static_cast<int>(k) ? v_.followed : -1;
    // Help lines are this week's: bright when the week starts, fading to a trace.
    mo.line_alpha = static_frame_ ? 0.6f : static_cast<float>(std::max(0.2, 0.7 - (now - p.week_started) * std::max(v_.speed, 1.0) * 0.5));
    mo.force_rebuild = bench_rebuild_;
    const float x0 = area.left + (stacked ? 0.0f : w * static_cast<float>(k)), y0 = area.top + (stacked ? h * static_cast<float>(k) : 0.0f);
    // Whole pixels, so the map image maps one to one onto the screen.
    const sf::FloatRect r(std::floor(x0 + 4), std::floor(y0 + 4), std::floor(w - 8), std::floor(h - 8));
    p.map.draw(*window_, *p.src, r, mo);
    if (k > 0) {
      sf::RectangleShape sep(stacked ? sf::Vector2f(area.width, 2) : sf::Vector2f(2, area.height));
      sep.setPosition(x0 - (stacked ? 0.0f : 1.0f), y0 - (stacked ? 1.0f : 0.0f));
      sep.setFillColor(sf::Color(90, 96, 110));
      window_->draw(sep);
    }
  }
  gui_->new_frame(1.0f / 60.0f);
  v_.recording = video_ && video_->active();
  panels_.draw(window_->getSize(), layout);
  gui_->render();
}

void App::apply_start_options() {
  if (opt_.follow >= 0) {
    v_.followed = opt_.follow;
    for (auto& p : s_.panes)
      if (p.sim) p.sim->follow(static_cast<std::uint32_t>(opt_.follow));
  }
  if (!s_.replay_mode && opt_.weeks > 0)
    for (int w = 0; w < opt_.weeks; ++w) s_.step_live();
  for (const auto& t : opt_.test_need) {
    const auto eq = t.find('=');
    if (eq == std::string::npos) throw std::invalid_argument(fmt::format("--test-need expects RESIDENT=VALUE, got '{}'", t));
    for (auto& p : s_.panes)
      if (p.sim) p.sim->force_need(static_cast<std::uint32_t>(std::stoul(t.substr(0, eq))), std::stof(t.substr(eq + 1)));
  }
  if (opt_.hover >= 0) {
    v_.hovered = opt_.hover;
    v_.hovered_pane = 0;
  }
}

int App::run() {
  const bool headless = !opt_.screenshot.empty();
  static_frame_ = headless || opt_.bench_frames > 0;
  // Everything given was checked (the session's constructor); now the display, before SFML aborts without one.
  if (std::string why; !display_available(why)) {
    fmt::print(stderr,
               "buurt-view: {}: no window can be opened (exit {}). The arguments and scenarios are fine; run it on a display, or headless with "
               "--screenshot under `xvfb-run -a`\n",
               why, kExitNoDisplay);
    return kExitNoDisplay;
  }
  open_window();
  close_display_probe();
  s_.open();
  if (!opt_.record.empty()) video_ = std::make_unique<VideoRecorder>(opt_.record, window_->getSize().x, window_->getSize().y);
  apply_start_options();
  if (headless || opt_.bench_frames > 0) v_.paused = true;
  if (opt_.bench_frames > 0) return run_benchmark();
  if (headless) return run_headless();
  return run_interactive();
}

int App::run_benchmark() {
  // Every frame rebuilds all resident vertices (as in a week change) and waits for the GPU. With --bench-step
  // a frame also simulates a week, stepped like the interactive loop (sources record each week), so not run_weeks().
  bench_rebuild_ = !opt_.bench_cached && !opt_.bench_step;
  FrameTimes times;
  using clk = FrameTimes::Clock;
  for (int k = 0; k < opt_.bench_frames + 5; ++k) {
    if (k == 5) times.start();
    sf::Event e;
    while (window_->pollEvent(e)) gui_->process(e);
    const auto t0 = clk::now();
    if (opt_.bench_step) s_.step_live();
    const auto t1 = clk::now();
    frame(0);
    const auto t2 = clk::now();
    glFinish();
    const auto t3 = clk::now();
    window_->display();
    const auto t4 = clk::now();
    if (k >= 5) times.add(t0, t1, t2, t3, t4);  // skip warm-up frames
  }
  const char* what = opt_.bench_step ? " (one simulated week per frame)" : opt_.bench_cached ? " (no week change)" : " (all vertices rebuilt)";
  times.report(s_.panes[0].src->layout().n, what, window_->getSize().x, window_->getSize().y, reinterpret_cast<const char*>(glGetString(GL_RENDERER)));
  return 0;
}

int App::run_headless() {
  // ImGui lays out auto-sized windows over a couple of frames, and the projector's controls column fits its type
  // to its height over a few more; the sixth frame is stable.
  constexpr int kFrames = 6;
  for (int k = 0; k < kFrames; ++k) {
    sf::Event e;
    while (window_->pollEvent(e)) gui_->process(e);
    press_test_keys(k);
    frame(0);
    if (k + 1 < kFrames) window_->display();
  }
  capture_png(*window_, opt_.screenshot);
  if (!opt_.geometry.empty()) write_geometry(opt_.geometry, *window_, s_.panes, v_.legend_bar);
  write_layout_report(kFrames);
  window_->display();
  s_.finish(false);
  return 0;
}

void App::write_layout_report(long frames) const {
  if (opt_.layout_report.empty()) return;
  const auto size = window_->getSize();
  panels_.report().write(opt_.layout_report, size.x, size.y, v_.font_px, frames, quit_by_key_, s_.current, s_.page, s_.pages());
}

int App::run_interactive() {
  sf::Clock clock;
  double last = 0;
  long frames = 0;  // frames drawn
  for (; window_->isOpen() && !quit_; ++frames) {
    if (opt_.exit_after > 0 && frames >= opt_.exit_after) break;
    sf::Event e;
    while (window_->pollEvent(e)) handle_event(e);
    press_test_keys(frames);
    if (quit_) break;
    const double now = clock.getElapsedTime().asSeconds();
    const double dt = std::min(0.25, now - last);
    last = now;
    if (!v_.paused) {
      acc_ += dt * v_.speed;
      // At most a few weeks and about 25 ms of simulation per frame, so the window stays responsive
      // with big neighbourhoods (the simulation then sets the pace, one week per frame).
      sf::Clock budget;
      for (int k = 0; acc_ >= 1.0 && k < 4 && (k == 0 || budget.getElapsedTime().asMilliseconds() < 25); ++k) {
        acc_ -= 1.0;
        if (s_.replay_mode) {
          if (s_.replay_week < s_.replay_last)
            ++s_.replay_week;
          else
            v_.paused = true;
        } else {
          s_.step_live();
          // Pause at the scenario's horizon (run.weeks); Play continues beyond it.
          if (s_.panes[0].sim && s_.panes[0].sim->sim().week() == static_cast<int>(s_.panes[0].sim->scenario().params.run_weeks)) v_.paused = true;
        }
      }
      acc_ = std::min(acc_, 1.0);
    }
    if (s_.replay_mode && s_.advance_replay()) v_.forget_residents();
    frame(now);
    if (video_) video_->add_frame(*window_);
    window_->display();
  }
  if (video_) video_->close();
  write_layout_report(frames);
  s_.finish(true);
  window_->close();
  return 0;
}

}  // namespace

int run_app(const Options& opt) {
  set_lang(parse_lang(opt.lang));
  App app(opt);
  return app.run();
}

}  // namespace buurt::view
