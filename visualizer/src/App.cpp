#include "App.h"

#include <SFML/Graphics.hpp>
#include <SFML/OpenGL.hpp>
#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <stdexcept>

#include <sys/resource.h>

#include "ImGuiGlue.h"
#include "Lang.h"
#include "MapView.h"
#include "Palette.h"
#include "ReplaySource.h"
#include "SimSource.h"
#include "Steering.h"
#include "buurt/output/Hdf5.h"
#include "buurt/scenario/Scenario.h"

namespace buurt::view {
namespace {

namespace fs = std::filesystem;

/// Policy sliders: scenario keys looked up in the schema at start; keys the kernel does not know yet are skipped.
struct SliderDef {
  const char* key;
  double ui_max;  ///< upper end of the slider if narrower than the schema's range (<= 0: schema's)
};
constexpr SliderDef kSliders[] = {{"team.fte", 20},
                                  {"team.mode", 0},
                                  {"team.network_first", 0},
                                  {"community.managers", 30},
                                  {"volunteers.training", 0},
                                  {"initiatives.municipal_control", 0},
                                  {"team.output_steering", 0},
                                  {"services.integrated", 0},
                                  {"initiatives.count", 10}};

/// Key outcomes in the side panel.
constexpr Outcome kCharts[] = {Outcome::unmet_need_share, Outcome::severely_lonely_share, Outcome::mean_self_reliance, Outcome::informal_hours,
                               Outcome::professional_hours, Outcome::team_queue, Outcome::burdened_helper_share, Outcome::cost_total};

const ImU32 kSeriesColour[2] = {IM_COL32(120, 200, 255, 255), IM_COL32(255, 170, 60, 255)};

ImU32 im(sf::Color c, std::uint8_t a = 255) { return IM_COL32(c.r, c.g, c.b, a); }

bool is_share(Outcome o) { return kOutcomeSpecs[static_cast<int>(o)].unit.rfind("share", 0) == 0; }

std::string fmt_outcome(Outcome o, double v) {
  if (is_share(o)) return fmt::format("{:.1f}%", 100.0 * v);
  if (std::abs(v) >= 1000) return fmt::format("{:.0f}", v);
  return fmt::format("{:.2f}", v);
}

const char* outcome_label(Outcome o) {
  static std::string keys[kNumOutcomes];
  auto& k = keys[static_cast<int>(o)];
  if (k.empty()) k = "o_" + std::string(kOutcomeSpecs[static_cast<int>(o)].name);
  return tr(k);
}

const char* help_source_label(std::uint8_t s) {
  if (s == 0 || s >= kHelpSourceNames.size()) return tr("none");
  static std::string keys[kHelpSourceNames.size()];
  if (keys[s].empty()) keys[s] = std::string("hs_") + kHelpSourceNames[s];
  return tr(keys[s]);
}

const char* tie_label(std::uint8_t k) {
  static std::string keys[kTieKindNames.size()];
  if (k >= kTieKindNames.size()) return "?";
  if (keys[k].empty()) keys[k] = std::string("tk_") + kTieKindNames[k];
  return tr(keys[k]);
}

const char* domain_label(int d) { return tr(kMeasureKeys[static_cast<std::size_t>(d + 1)]); }

Measure parse_measure(const std::string& s) {
  for (std::size_t k = 0; k < kMeasureArgs.size(); ++k)
    if (s == kMeasureArgs[k]) return static_cast<Measure>(k);
  std::string all;
  for (auto* a : kMeasureArgs) all += fmt::format("{}{}", all.empty() ? "" : ", ", a);
  throw std::invalid_argument(fmt::format("--measure must be one of {}; got '{}'", all, s));
}

struct Pane {
  std::unique_ptr<Source> owned;
  Source* src = nullptr;
  SimSource* sim = nullptr;        ///< live or re-simulated replay
  ReplaySource* replay = nullptr;  ///< snapshot replay
  MapView map;
  int seen_week = -1;
  double week_started = 0;
};

struct ScriptEntry {
  int week;
  std::string key, value;
};

std::vector<ScriptEntry> parse_script(const std::vector<std::string>& items) {
  std::vector<ScriptEntry> out;
  for (const auto& s : items) {
    const auto colon = s.find(':');
    const auto eq = s.find('=');
    if (colon == std::string::npos || eq == std::string::npos || eq < colon)
      throw std::invalid_argument(fmt::format("--steer expects WEEK:section.key=value, got '{}'", s));
    ScriptEntry e{std::stoi(s.substr(0, colon)), s.substr(colon + 1, eq - colon - 1), s.substr(eq + 1)};
    if (!find_param(e.key)) {
      const auto sug = suggest_param(e.key);
      throw std::invalid_argument(fmt::format("--steer: unknown key '{}'{}", e.key, sug ? fmt::format("; did you mean '{}'?", *sug) : ""));
    }
    out.push_back(std::move(e));
  }
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.week < b.week; });
  return out;
}

double process_cpu_ms() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return 1e3 * (static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec));
}

std::string load_average() {
  std::ifstream f("/proc/loadavg");
  std::string a;
  f >> a;
  return a.empty() ? "?" : a;
}

fs::path session_path(const Scenario& s, const std::string& given, const std::string& suffix) {
  if (!given.empty()) {
    if (suffix.empty()) return given;
    fs::path p(given);
    p.replace_filename(p.stem().string() + suffix + p.extension().string());
    return p;
  }
  return s.name + suffix + "_session.h5";
}

class App {
 public:
  explicit App(const Options& o) : opt_(o) {}
  int run();

 private:
  void setup_sources();
  void open_window();
  void step_live();
  void handle_event(const sf::Event& e);
  void frame(double now, bool capture_geometry);
  void draw_panel();
  void draw_controls();
  /// Re-simulated replay: compare the weeks simulated so far with the file's /timeseries; on the first
  /// difference (a different kernel wrote the file) fall back to the file's snapshots.
  void verify_replay();
  void draw_sliders();
  void draw_charts();
  void draw_legend(const sf::FloatRect& map_rect);
  void draw_hover(const Pane& p, int who);
  void draw_follow();
  void draw_titles();
  sf::FloatRect map_area() const;
  void capture(const std::string& png);
  void write_geometry();
  void switch_prepared(int k);
  void steer(SimSource& s, const std::string& key, const std::string& value);
  void reset_all();

  Options opt_;
  sf::RenderWindow window_;
  std::unique_ptr<ImGuiGlue> gui_;
  float font_px_ = 17;
  std::vector<std::unique_ptr<SimSource>> prepared_;
  int current_ = 0;
  std::vector<Pane> panes_;
  bool paused_ = false, replay_mode_ = false, quit_ = false;
  int replay_week_ = 0, replay_last_ = 0;
  Measure measure_ = Measure::TotalNeed;
  double speed_ = 4, acc_ = 0;
  int hovered_ = -1, hovered_pane_ = -1, followed_ = -1, followed_pane_ = 0;
  int steer_target_ = 2;  // side by side: 0 left, 1 right, 2 both
  std::vector<ScriptEntry> script_;
  std::size_t script_pos_ = 0;
  FILE* ffmpeg_ = nullptr;
  float legend_bar_[4] = {0, 0, 0, 0};
  float legend_h_ = 110;
  std::vector<WeekOutcomes> file_rows_;  // session replay: the file's outcomes per week
  std::size_t verified_rows_ = 0;
  std::string replay_note_;
  bool static_frame_ = false;  // headless: no fading, deterministic pixels
  bool bench_rebuild_ = false;
};

void App::setup_sources() {
  speed_ = opt_.speed;
  measure_ = parse_measure(opt_.measure);
  if (!opt_.replay.empty()) {
    if (!opt_.scenarios.empty()) throw std::invalid_argument("--replay takes a result file, not scenario files");
    replay_mode_ = true;
    paused_ = true;
    h5::quiet();
    std::optional<std::vector<SteerEntry>> log;
    std::string resolved, name;
    int file_weeks = 0;
    {
      std::error_code ec;
      if (!fs::exists(opt_.replay, ec)) throw std::invalid_argument(fmt::format("'{}' does not exist", opt_.replay));
      h5::Handle f;
      try {
        f = h5::open_file(opt_.replay);
      } catch (const h5::Error& e) {
        throw std::invalid_argument(fmt::format("'{}' is not a readable HDF5 file: {}", opt_.replay, e.what()));
      }
      log = read_steering(f.id());
      if (h5::exists(f.id(), "meta/scenario_resolved")) resolved = h5::read_string(f.id(), "meta/scenario_resolved");
      name = h5::exists(f.id(), "meta/scenario_name") ? h5::read_string(f.id(), "meta/scenario_name") : "replay";
      if (h5::exists(f.id(), "timeseries/week")) file_weeks = static_cast<int>(h5::read<std::int32_t>(f.id(), "timeseries/week").size()) - 1;
    }
    Pane p;
    if (log && !resolved.empty() && !opt_.replay_snapshots) {
      // A session file: the kernel is deterministic, so re-simulating the resolved scenario with the
      // slider log applied at the logged weeks reproduces every week exactly, not only the snapshots.
      auto s = std::make_unique<SimSource>(parse_scenario(resolved, name), fs::path(), false);
      std::vector<SteerEntry> script = *log;
      s->set_script(std::move(script));
      p.sim = s.get();
      p.owned = std::move(s);
      replay_last_ = std::max(file_weeks, 0);
      h5::Handle f = h5::open_file(opt_.replay);
      file_rows_.assign(static_cast<std::size_t>(replay_last_) + 1, WeekOutcomes{});
      for (int k = 0; k < kNumOutcomes; ++k) {
        const std::string path = fmt::format("timeseries/{}", kOutcomeSpecs[k].name);
        if (!h5::exists(f.id(), path)) continue;
        const auto col = h5::read<double>(f.id(), path);
        for (std::size_t w = 0; w < std::min(col.size(), file_rows_.size()); ++w) file_rows_[w].v[k] = col[w];
      }
    } else {
      auto r = std::make_unique<ReplaySource>(opt_.replay);
      p.replay = r.get();
      replay_last_ = r->last_week();
      p.owned = std::move(r);
    }
    p.src = p.owned.get();
    panes_.push_back(std::move(p));
    replay_week_ = opt_.weeks >= 0 ? std::min(opt_.weeks, replay_last_) : (opt_.screenshot.empty() ? 0 : replay_last_);
    if (panes_[0].sim) panes_[0].sim->seek(replay_week_);
    else panes_[0].replay->seek(replay_week_);
    verify_replay();
    return;
  }
  if (opt_.scenarios.empty()) throw std::invalid_argument("give a scenario file (live), two (side by side) or --replay FILE.h5; see --help");
  if (opt_.scenarios.size() > 9) throw std::invalid_argument("at most 9 scenarios (number keys 1-9)");
  if (opt_.scenarios.size() > 2 && !opt_.workshop) throw std::invalid_argument("more than two scenarios need --workshop (number keys switch between them)");
  script_ = parse_script(opt_.steer_script);
  std::vector<std::string> sets = opt_.sets;
  if (opt_.seed) sets.push_back(fmt::format("run.seed={}", *opt_.seed));
  std::vector<Scenario> scen;
  for (const auto& f : opt_.scenarios) scen.push_back(load_scenario(f, sets));
  // Side by side and workshop scenarios share the first scenario's seed, so differences are the policy's.
  for (std::size_t k = 1; k < scen.size(); ++k)
    if (scen[k].params.run_seed != scen[0].params.run_seed) apply_overrides(scen[k], std::vector<std::string>{fmt::format("run.seed={}", scen[0].params.run_seed)});
  for (std::size_t k = 0; k < scen.size(); ++k) {
    fs::path out;
    if (!opt_.no_record) {
      std::string suffix;
      if (scen.size() > 1 && !opt_.out.empty()) suffix = fmt::format("_{}", static_cast<char>('a' + k));
      out = session_path(scen[k], opt_.out, suffix);
      for (std::size_t j = 0; j < k; ++j)
        if (prepared_[j]->out_path() == out) throw std::invalid_argument(fmt::format("two scenarios would record to '{}'; give them different names or --out", out.string()));
    }
    prepared_.push_back(std::make_unique<SimSource>(scen[k], out, opt_.force));
  }
  if (opt_.workshop || prepared_.size() == 1) {
    Pane p;
    p.sim = prepared_[0].get();
    p.src = p.sim;
    panes_.push_back(std::move(p));
  } else {
    for (auto& s : prepared_) {
      Pane p;
      p.sim = s.get();
      p.src = p.sim;
      panes_.push_back(std::move(p));
    }
  }
}

void App::verify_replay() {
  Pane& p = panes_[0];
  if (!p.sim || file_rows_.empty()) return;
  const auto& h = p.sim->history();
  if (h.size() < verified_rows_) verified_rows_ = 0;  // rebuilt from week 0
  for (; verified_rows_ < std::min(h.size(), file_rows_.size()); ++verified_rows_) {
    const auto& a = h[verified_rows_].v;
    const auto& b = file_rows_[verified_rows_].v;
    // Exact comparison: the same kernel reproduces every outcome bit for bit.
    if (std::memcmp(a.data(), b.data(), sizeof(double) * a.size()) == 0) continue;
    replay_note_ = fmt::format("week {} differs from the file: this program's kernel is not the one that wrote it; showing the file's snapshots",
                               verified_rows_);
    fmt::print(stderr, "buurt-view: {}\n", replay_note_);
    auto r = std::make_unique<ReplaySource>(opt_.replay);
    p.replay = r.get();
    p.sim = nullptr;
    p.src = r.get();
    p.owned = std::move(r);
    p.map = MapView{};
    p.replay->seek(replay_week_);
    followed_ = hovered_ = -1;
    file_rows_.clear();
    return;
  }
}

void App::switch_prepared(int k) {
  if (!opt_.workshop || k < 0 || k >= static_cast<int>(prepared_.size()) || k == current_) return;
  current_ = k;
  panes_[0].sim = prepared_[static_cast<std::size_t>(k)].get();
  panes_[0].src = panes_[0].sim;
  hovered_ = followed_ = -1;
}

void App::reset_all() {
  // A new seed for every scenario shown or prepared (they keep sharing one seed).
  const std::int64_t seed = panes_[0].sim->scenario().params.run_seed + 1;
  for (auto& s : prepared_) s->reset(seed);
  script_pos_ = 0;
  followed_ = hovered_ = -1;
}

void App::steer(SimSource& s, const std::string& key, const std::string& value) { s.steer(key, value); }

void App::open_window() {
  sf::ContextSettings cs;
  cs.antialiasingLevel = 0;
  // Workshop: large type for a projector (about 1/40 of the screen height, at least 24 px).
  font_px_ = 17.0f;
  if (opt_.workshop && opt_.screenshot.empty() && opt_.bench_frames == 0) {
    window_.create(sf::VideoMode::getDesktopMode(), "buurt-view", sf::Style::Fullscreen, cs);
  } else {
    window_.create(sf::VideoMode(opt_.width, opt_.height), "buurt-view", sf::Style::Default, cs);
  }
  window_.setVerticalSyncEnabled(opt_.screenshot.empty() && opt_.bench_frames == 0 && opt_.record.empty());
  if (!opt_.record.empty()) window_.setFramerateLimit(30);
  if (opt_.workshop) font_px_ = std::max(24.0f, static_cast<float>(window_.getSize().y) / 36.0f);
  legend_h_ = std::ceil(font_px_ * 6.4f);
  gui_ = std::make_unique<ImGuiGlue>(window_, opt_.font, font_px_);
}

void App::step_live() {
  for (auto& p : panes_) {
    if (!p.sim) continue;
    if (replay_mode_) continue;
    // Scripted steering (--steer) goes through the same path as a slider and is logged the same way.
    while (script_pos_ < script_.size() && script_[script_pos_].week <= p.sim->sim().week()) {
      for (auto& q : panes_)
        if (q.sim) steer(*q.sim, script_[script_pos_].key, script_[script_pos_].value);
      ++script_pos_;
    }
    break;
  }
  for (auto& p : panes_)
    if (p.sim && !replay_mode_) p.sim->step();
}

sf::FloatRect App::map_area() const {
  const auto size = window_.getSize();
  const float panel = std::max(380.0f * font_px_ / 17.0f, 0.30f * static_cast<float>(size.x));
  const float top = font_px_ * 2.2f;
  const float legend = legend_h_;  // band under the map for the legend (its height as last drawn)
  return {0, top, static_cast<float>(size.x) - panel, static_cast<float>(size.y) - top - legend};
}

void App::handle_event(const sf::Event& e) {
  gui_->process(e);
  if (e.type == sf::Event::Closed) quit_ = true;
  if (e.type == sf::Event::Resized) window_.setView(sf::View(sf::FloatRect(0, 0, static_cast<float>(e.size.width), static_cast<float>(e.size.height))));
  if (e.type == sf::Event::KeyPressed && !gui_->wants_keyboard()) {
    switch (e.key.code) {
      case sf::Keyboard::Escape: quit_ = true; break;
      case sf::Keyboard::Space: paused_ = !paused_; break;
      case sf::Keyboard::Right:
        if (replay_mode_) replay_week_ = std::min(replay_week_ + 1, replay_last_);
        else {
          paused_ = true;
          step_live();
        }
        break;
      case sf::Keyboard::Left:
        if (replay_mode_) replay_week_ = std::max(replay_week_ - 1, 0);
        break;
      case sf::Keyboard::R:
        if (!replay_mode_) reset_all();
        break;
      case sf::Keyboard::M: measure_ = static_cast<Measure>((static_cast<int>(measure_) + 1) % static_cast<int>(Measure::Count)); break;
      case sf::Keyboard::Add:
      case sf::Keyboard::Equal: speed_ = std::min(speed_ * 2, 64.0); break;
      case sf::Keyboard::Subtract:
      case sf::Keyboard::Hyphen: speed_ = std::max(speed_ / 2, 0.25); break;
      default:
        if (e.key.code >= sf::Keyboard::Num1 && e.key.code <= sf::Keyboard::Num9) switch_prepared(e.key.code - sf::Keyboard::Num1);
        break;
    }
  }
  if (e.type == sf::Event::MouseMoved && !gui_->wants_mouse()) {
    hovered_ = -1;
    for (std::size_t k = 0; k < panes_.size(); ++k) {
      const int who = panes_[k].map.pick(*panes_[k].src, {static_cast<float>(e.mouseMove.x), static_cast<float>(e.mouseMove.y)});
      if (who >= 0) {
        hovered_ = who;
        hovered_pane_ = static_cast<int>(k);
      }
    }
  }
  if (e.type == sf::Event::MouseButtonPressed && e.mouseButton.button == sf::Mouse::Left && !gui_->wants_mouse()) {
    for (std::size_t k = 0; k < panes_.size(); ++k) {
      const int who = panes_[k].map.pick(*panes_[k].src, {static_cast<float>(e.mouseButton.x), static_cast<float>(e.mouseButton.y)});
      if (who >= 0) {
        followed_ = who;
        followed_pane_ = static_cast<int>(k);
        for (auto& p : panes_)
          if (p.sim) p.sim->follow(static_cast<std::uint32_t>(who));
      }
    }
  }
}

void App::draw_titles() {
  const sf::FloatRect area = map_area();
  const float w = area.width / static_cast<float>(panes_.size());
  for (std::size_t k = 0; k < panes_.size(); ++k) {
    const Pane& p = panes_[k];
    ImGui::SetNextWindowPos(ImVec2(area.left + w * static_cast<float>(k), 0));
    ImGui::SetNextWindowSize(ImVec2(w, area.top));
    ImGui::Begin(fmt::format("##title{}", k).c_str(), nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                     ImGuiWindowFlags_NoBringToFrontOnFocus);
    if (panes_.size() > 1) {
      ImGui::TextColored(ImColor(kSeriesColour[k]), "%s", k == 0 ? "A" : "B");
      ImGui::SameLine();
    }
    std::string title = p.src->title();
    if (opt_.workshop && prepared_.size() > 1) title = fmt::format("[{}/{}] {}", current_ + 1, prepared_.size(), title);
    if (replay_mode_ && p.sim) title = fmt::format("{} {} - {}", tr("replay"), fs::path(opt_.replay).filename().string(), title);
    ImGui::Text("%s %d  -  %s  -  %zu %s", tr("week"), p.src->frame().week, title.c_str(), p.src->layout().n, tr("residents"));
    ImGui::End();
  }
}

void App::draw_legend(const sf::FloatRect& area) {
  // The legend has its own band under the map, so it never hides residents and is always visible.
  const auto size = window_.getSize();
  ImGui::SetNextWindowPos(ImVec2(area.left, area.top + area.height));
  ImGui::SetNextWindowSize(ImVec2(area.width, static_cast<float>(size.y) - area.top - area.height));
  ImGui::Begin("##legend", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoFocusOnAppearing |
                   ImGuiWindowFlags_NoInputs | ImGuiWindowFlags_NoBringToFrontOnFocus);
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
  ImGui::TextUnformatted(tr(kMeasureKeys[static_cast<std::size_t>(measure_)]));
  ImGui::SameLine(0, line * 0.6f);
  const bool sr = measure_ == Measure::SelfReliance;
  const std::string left = sr ? fmt::format("{} (1)", tr("high")) : fmt::format("{} (0)", tr("low"));
  const std::string right = sr ? fmt::format("{} (0)", tr("low"))
                               : measure_ == Measure::TotalNeed ? fmt::format("{} (>= {:.1f})", tr("high"), kTotalNeedScale) : fmt::format("{} (1)", tr("high"));
  ImGui::TextUnformatted(left.c_str());
  ImGui::SameLine(0, line * 0.4f);
  // Colour bar: the scale from "fine" (left) to "worst" (right).
  const float bw = std::clamp(right_edge - ImGui::GetCursorPosX() - ImGui::CalcTextSize(right.c_str()).x - line, 4.0f * line, 12.0f * line), bh = line;
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const int segs = 64;
  for (int k = 0; k < segs; ++k) {
    const float t0 = static_cast<float>(k) / segs, t1 = static_cast<float>(k + 1) / segs;
    dl->AddRectFilled(ImVec2(p0.x + bw * t0, p0.y), ImVec2(p0.x + bw * t1 + 1, p0.y + bh), im(scale_colour(0.5f * (t0 + t1))));
  }
  legend_bar_[0] = p0.x;
  legend_bar_[1] = p0.y;
  legend_bar_[2] = p0.x + bw;
  legend_bar_[3] = p0.y + bh;
  ImGui::Dummy(ImVec2(bw, bh));
  ImGui::SameLine(0, line * 0.4f);
  ImGui::TextUnformatted(right.c_str());

  ImGui::TextUnformatted(tr("help_lines"));
  first = false;
  for (int d = 0; d < kDomains; ++d) {
    const char* label = domain_label(d);
    flow(2.0f * line + ImGui::CalcTextSize(label).x);
    const ImVec2 q = ImGui::GetCursorScreenPos();
    dl->AddLine(ImVec2(q.x, q.y + line * 0.5f), ImVec2(q.x + 1.6f * line, q.y + line * 0.5f), im(kDomainColours[static_cast<std::size_t>(d)]), 3.0f);
    ImGui::Dummy(ImVec2(1.8f * line, line));
    ImGui::SameLine(0, 0);
    ImGui::TextUnformatted(label);
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
    ImGui::TextUnformatted(tr(key));
  };
  sym("sym_cm", 0);
  sym("sym_volunteer", 1);
  sym("sym_team", 2);
  sym("sym_office", 3);
  sym("sym_initiative", 4);
  legend_h_ = std::ceil(ImGui::GetCursorPosY() + ImGui::GetStyle().WindowPadding.y);
  ImGui::End();
}

void App::draw_hover(const Pane& p, int who) {
  const Frame& f = p.src->frame();
  const auto i = static_cast<std::size_t>(who);
  if (i >= p.src->layout().n) return;
  {
    // Beside the resident, above it in the lower half of the window so the card stays on screen.
    const sf::Vector2f at = p.map.to_screen(p.src->layout().vx[i], p.src->layout().vy[i]);
    const auto size = window_.getSize();
    const bool below = at.y < 0.5f * static_cast<float>(size.y), right = at.x < 0.5f * static_cast<float>(size.x);
    ImGui::SetNextWindowPos(ImVec2(at.x + (right ? 16.0f : -16.0f), at.y + (below ? 16.0f : -16.0f)), ImGuiCond_Always,
                            ImVec2(right ? 0.0f : 1.0f, below ? 0.0f : 1.0f));
  }
  ImGui::BeginTooltip();
  ImGui::Text("%s #%d  (%s %u)", tr("resident"), who, tr("household"), p.src->layout().household[i]);
  std::string roles;
  auto add = [&](bool on, const char* k) {
    if (on) roles += fmt::format("{}{}", roles.empty() ? "" : ", ", tr(k));
  };
  const std::uint8_t fl = f.flags[i];
  add(fl & kCommunityManager, "sym_cm");
  add(fl & kVolunteer, "sym_volunteer");
  add(fl & kInTeam, "sym_team");
  add(fl & kWilling, "willing");
  add(fl & kIsolated, "isolated");
  if (!roles.empty()) ImGui::TextUnformatted(roles.c_str());
  ImGui::Separator();
  ImGui::TextUnformatted(tr("needs"));
  for (int d = 0; d < kDomains; ++d) {
    const float v = f.need[d][i];
    ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImVec4(ImColor(im(scale_colour(v)))));
    ImGui::ProgressBar(v, ImVec2(8 * ImGui::GetTextLineHeight(), 0), fmt::format("{:.2f}", v).c_str());
    ImGui::PopStyleColor();
    ImGui::SameLine();
    ImGui::TextUnformatted(domain_label(d));
  }
  ImGui::Text("%s: %.2f", tr("self_reliance"), f.self_reliance[i]);
  if (f.ask_domain[i] >= 0) ImGui::Text("%s: %s", tr("asking_for"), domain_label(f.ask_domain[i]));
  if (f.help_source[i]) {
    if (f.helper[i] != kNone) ImGui::Text("%s: %s (#%u)", tr("helped_by"), help_source_label(f.help_source[i]), f.helper[i]);
    else ImGui::Text("%s: %s", tr("helped_by"), help_source_label(f.help_source[i]));
  }
  if (!f.team_wait.empty() && f.team_wait[i]) ImGui::Text("%s: %u", tr("team_wait"), f.team_wait[i]);
  if (!f.referrals.empty() && f.referrals[i]) ImGui::Text("%s: %u", tr("referrals"), f.referrals[i]);
  std::vector<TieView> ties;
  p.src->ties_of(static_cast<std::uint32_t>(who), ties);
  ImGui::Separator();
  int by_kind[5] = {0, 0, 0, 0, 0};
  for (const auto& t : ties) ++by_kind[std::min<int>(t.kind, 4)];
  std::string summary;
  for (int k = 0; k < 5; ++k)
    if (by_kind[k]) summary += fmt::format("{}{} {}", summary.empty() ? "" : ", ", by_kind[k], tie_label(static_cast<std::uint8_t>(k)));
  ImGui::Text("%s: %zu%s%s", tr("ties"), ties.size(), summary.empty() ? "" : "  -  ", summary.c_str());
  std::sort(ties.begin(), ties.end(), [](const TieView& a, const TieView& b) { return a.strength > b.strength; });
  for (std::size_t k = 0; k < std::min<std::size_t>(ties.size(), 6); ++k) {
    ImGui::TextColored(ImColor(im(kTieColours[std::min<std::size_t>(ties[k].kind, 4)])), "  #%u %s", ties[k].other, tie_label(ties[k].kind));
    ImGui::SameLine();
    ImGui::Text("%.2f", ties[k].strength);
  }
  ImGui::TextDisabled("%s", tr("follow_hint"));
  ImGui::EndTooltip();
}

void App::draw_follow() {
  if (followed_ < 0 || followed_pane_ >= static_cast<int>(panes_.size())) return;
  const Pane& p = panes_[static_cast<std::size_t>(followed_pane_)];
  const auto i = static_cast<std::size_t>(followed_);
  if (i >= p.src->layout().n) return;
  const Story s = p.src->story(static_cast<std::uint32_t>(followed_));
  const Frame& f = p.src->frame();
  const sf::FloatRect area = map_area();
  const float line = ImGui::GetTextLineHeight();
  // Pinned in the map's top-right corner (movable); the card's resident stays ringed on the map.
  ImGui::SetNextWindowPos(ImVec2(area.left + area.width - 8, area.top + 8), ImGuiCond_Appearing, ImVec2(1, 0));
  ImGui::SetNextWindowSize(ImVec2(std::min(30 * line, 0.6f * area.width), 0), ImGuiCond_Appearing);
  bool open = true;
  ImGui::Begin(fmt::format("{} #{} - {}###follow", tr("resident"), followed_, tr("story")).c_str(), &open, ImGuiWindowFlags_NoSavedSettings);
  // Needs per domain over time: one line per domain, drawn on one chart.
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float w = ImGui::GetContentRegionAvail().x, h = 6 * line;
  dl->AddRectFilled(p0, ImVec2(p0.x + w, p0.y + h), IM_COL32(20, 24, 30, 255));
  const int last = std::max(1, f.week);
  for (int d = 0; d < kDomains; ++d) {
    std::vector<ImVec2> pts;
    for (std::size_t k = 0; k < s.weeks.size(); ++k)
      pts.emplace_back(p0.x + w * static_cast<float>(s.weeks[k]) / static_cast<float>(last), p0.y + h * (1.0f - std::clamp(s.need[d][k], 0.0f, 1.0f)));
    if (pts.size() > 1) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), im(kDomainColours[static_cast<std::size_t>(d)]), 0, 2.0f);
  }
  // Life events as ticks along the bottom.
  for (const auto& e : s.events)
    if (e.shocks) {
      const float x = p0.x + w * static_cast<float>(e.week) / static_cast<float>(last);
      dl->AddLine(ImVec2(x, p0.y + h - line * 0.6f), ImVec2(x, p0.y + h), IM_COL32(255, 255, 255, 220), 2.0f);
    }
  ImGui::Dummy(ImVec2(w, h));
  if (!s.complete) ImGui::TextDisabled("%s", tr("no_history"));
  for (int d = 0; d < kDomains; ++d) {
    ImGui::TextColored(ImColor(im(kDomainColours[static_cast<std::size_t>(d)])), "%s %.2f", domain_label(d), f.need[d][i]);
    if (d != 2 && d != kDomains - 1) ImGui::SameLine();
  }
  ImGui::Text("%s: %.2f", tr("self_reliance"), f.self_reliance[i]);
  if (!f.team_wait.empty()) {
    ImGui::Text("%s: %u", tr("team_wait"), f.team_wait[i]);
    ImGui::Text("%s: %u", tr("referrals"), f.referrals[i]);
  }
  ImGui::Separator();
  ImGui::TextUnformatted(tr("life_events"));
  ImGui::BeginChild("events", ImVec2(0, 7 * line), false);
  auto same_help = [](const Story::Event& x, const Story::Event& y) {
    return x.shocks == 0 && y.shocks == 0 && x.help_source == y.help_source && x.helper == y.helper && x.ask_domain == y.ask_domain;
  };
  const auto& ev = s.events;
  int shown = 0;
  // Newest first; weeks in a row with the same help (and no life event) read as one line "week 95-104: ...".
  for (std::size_t end = ev.size(); end > 0 && shown < 60; ++shown) {
    std::size_t begin = end - 1;
    while (begin > 0 && same_help(ev[begin - 1], ev[begin]) && ev[begin - 1].week + 1 == ev[begin].week) --begin;
    const Story::Event& e = ev[end - 1];
    std::string txt = begin + 1 == end ? fmt::format("{} {}: ", tr("week"), e.week) : fmt::format("{} {}-{}: ", tr("week"), ev[begin].week, e.week);
    for (int d = 0; d < kDomains; ++d)
      if (e.shocks & (1u << d)) txt += fmt::format("! {}  ", domain_label(d));
    if (e.help_source) {
      txt += fmt::format("{} {}", tr("helped_by"), help_source_label(e.help_source));
      if (e.helper != kNone) txt += fmt::format(" #{}", e.helper);
      if (e.ask_domain >= 0) txt += fmt::format(" ({})", domain_label(e.ask_domain));
    } else if (e.ask_domain >= 0) {
      txt += fmt::format("{} {}", tr("asking_for"), domain_label(e.ask_domain));
    }
    if (e.shocks) ImGui::TextColored(ImVec4(1.0f, 0.85f, 0.4f, 1.0f), "%s", txt.c_str());
    else ImGui::TextUnformatted(txt.c_str());
    end = begin;
  }
  ImGui::EndChild();
  ImGui::End();
  if (!open) followed_ = -1;
}

void App::draw_controls() {
  if (replay_mode_) {
    ImGui::TextUnformatted(tr("replay"));
    if (!replay_note_.empty()) ImGui::TextWrapped("%s", replay_note_.c_str());
    if (ImGui::Button(paused_ ? tr("play") : tr("pause"))) paused_ = !paused_;
    ImGui::SameLine();
    if (ImGui::Button(tr("step"))) replay_week_ = std::min(replay_week_ + 1, replay_last_);
    ImGui::SetNextItemWidth(-1);
    ImGui::SliderInt("##timeline", &replay_week_, 0, replay_last_, fmt::format("{} %d", tr("week")).c_str());
  } else {
    if (ImGui::Button(paused_ ? tr("play") : tr("pause"))) paused_ = !paused_;
    ImGui::SameLine();
    if (ImGui::Button(tr("step"))) {
      paused_ = true;
      step_live();
    }
    ImGui::SameLine();
    if (ImGui::Button(tr("reset"))) reset_all();
    ImGui::Text("%s: %lld", tr("seed"), static_cast<long long>(panes_[0].sim->scenario().params.run_seed));
  }
  float sp = static_cast<float>(speed_);
  if (ImGui::SliderFloat(tr("speed"), &sp, 0.25f, 64.0f, "%.2f", ImGuiSliderFlags_Logarithmic)) speed_ = sp;
  int m = static_cast<int>(measure_);
  if (ImGui::BeginCombo(tr("colour_by"), tr(kMeasureKeys[static_cast<std::size_t>(m)]))) {
    for (int k = 0; k < static_cast<int>(Measure::Count); ++k)
      if (ImGui::Selectable(tr(kMeasureKeys[static_cast<std::size_t>(k)]), k == m)) measure_ = static_cast<Measure>(k);
    ImGui::EndCombo();
  }
}

void App::draw_sliders() {
  std::vector<SimSource*> targets;
  for (std::size_t k = 0; k < panes_.size(); ++k)
    if (panes_[k].sim && (panes_.size() == 1 || steer_target_ == 2 || steer_target_ == static_cast<int>(k))) targets.push_back(panes_[k].sim);
  if (targets.empty() || replay_mode_) {
    if (replay_mode_ && panes_[0].sim && !panes_[0].sim->log().empty()) {
      ImGui::TextUnformatted(tr("steering"));
      for (const auto& e : panes_[0].sim->log()) ImGui::BulletText("%s %d: %s = %s", tr("week"), e.week, e.key.c_str(), e.value.c_str());
    }
    return;
  }
  if (!ImGui::CollapsingHeader(tr("policy"), ImGuiTreeNodeFlags_DefaultOpen)) return;
  if (panes_.size() > 1) {
    ImGui::RadioButton("A", &steer_target_, 0);
    ImGui::SameLine();
    ImGui::RadioButton("B", &steer_target_, 1);
    ImGui::SameLine();
    ImGui::RadioButton("A+B", &steer_target_, 2);
  }
  const Params& cur = targets[0]->scenario().params;
  for (const auto& def : kSliders) {
    const ParamSpec* spec = find_param(def.key);
    if (!spec) continue;  // key not in this kernel's schema (yet)
    const std::string label_key = std::string("p_") + def.key;
    const char* label = tr(label_key);
    Params next = cur;
    bool changed = false;
    ImGui::PushID(def.key);
    std::visit(
        [&](auto member) {
          using M = std::remove_cvref_t<decltype(cur.*member)>;
          if constexpr (std::is_same_v<M, bool>) {
            bool v = cur.*member;
            if (ImGui::Checkbox(label, &v)) {
              next.*member = v;
              changed = true;
            }
          } else if constexpr (std::is_same_v<M, std::int64_t>) {
            int v = static_cast<int>(cur.*member);
            const int lo = static_cast<int>(spec->min);
            const int hi = std::max(v, static_cast<int>(def.ui_max > 0 ? std::min(def.ui_max, spec->max) : std::min(spec->max, 1e6)));
            ImGui::SliderInt(label, &v, lo, hi);
            if (ImGui::IsItemDeactivatedAfterEdit()) {
              next.*member = v;
              changed = true;
            } else if (ImGui::IsItemActive()) {
              // Dragging: apply on release only, so the log has one entry per move.
            }
          } else {
            float v = static_cast<float>(cur.*member);
            const float hi = std::max(v, static_cast<float>(def.ui_max > 0 ? std::min(def.ui_max, spec->max) : spec->max));
            ImGui::SliderFloat(label, &v, static_cast<float>(spec->min), hi, "%.2f");
            if (ImGui::IsItemDeactivatedAfterEdit()) {
              next.*member = static_cast<double>(v);
              changed = true;
            }
          }
        },
        spec->member);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s\n%s [%s]", spec->full_name().c_str(), std::string(spec->description).c_str(), std::string(spec->unit).c_str());
    ImGui::PopID();
    if (changed) {
      const std::string value = spec->format(next);
      for (auto* t : targets) steer(*t, spec->full_name(), value);
    }
  }
}

void App::draw_charts() {
  if (!ImGui::CollapsingHeader(panes_.size() > 1 ? tr("difference") : tr("outcomes"), ImGuiTreeNodeFlags_DefaultOpen)) return;
  const float line = ImGui::GetTextLineHeight();
  // All charts fit the panel's remaining height (no scrolling on a projector).
  const float n_charts = static_cast<float>(std::size(kCharts));
  const float w = ImGui::GetContentRegionAvail().x;
  const float h = std::clamp(ImGui::GetContentRegionAvail().y / n_charts - 1.6f * line, 1.2f * line, 4.0f * line);
  for (Outcome o : kCharts) {
    const int oi = static_cast<int>(o);
    // Header: label and the latest value per pane (and the difference).
    std::string vals;
    for (std::size_t k = 0; k < panes_.size(); ++k) vals += fmt::format("{}{}", k ? "  |  " : "", fmt_outcome(o, panes_[k].src->history().back().v[oi]));
    if (panes_.size() == 2) {
      const double d = panes_[1].src->history().back().v[oi] - panes_[0].src->history().back().v[oi];
      vals += is_share(o) ? fmt::format("   {:+.1f} pp", 100 * d) : fmt::format("   {:+.2f}", d);
    }
    const char* label = outcome_label(o);
    const float pad = ImGui::GetStyle().WindowPadding.x;
    const float label_end = pad + ImGui::CalcTextSize(label).x + line;
    const float vals_at = w - ImGui::CalcTextSize(vals.c_str()).x + pad;
    ImGui::TextUnformatted(label);
    // Values right-aligned on the label's line, or on their own line when they would overlap it.
    if (vals_at >= label_end) ImGui::SameLine(vals_at);
    else ImGui::SetCursorPosX(std::max(pad, vals_at));
    ImGui::TextUnformatted(vals.c_str());
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    dl->AddRectFilled(p0, ImVec2(p0.x + w, p0.y + h), IM_COL32(20, 24, 30, 255));
    double lo = 1e300, hi = -1e300;
    std::size_t len = 1;
    for (const auto& p : panes_) {
      const auto& hist = p.src->history();
      len = std::max(len, hist.size());
      for (const auto& r : hist) lo = std::min(lo, r.v[oi]), hi = std::max(hi, r.v[oi]);
    }
    // Axes from zero (for positive series), so week-to-week noise does not look like a trend.
    lo = std::min(lo, 0.0);
    hi = hi > 0 ? hi * 1.05 : hi;
    if (hi - lo < 1e-9) hi = lo + (std::abs(lo) > 0 ? std::abs(lo) * 0.1 : 1.0);
    const float xs = w / static_cast<float>(std::max<std::size_t>(len - 1, 1));
    for (std::size_t k = 0; k < panes_.size(); ++k) {
      const auto& hist = panes_[k].src->history();
      std::vector<ImVec2> pts;
      pts.reserve(hist.size());
      for (std::size_t t = 0; t < hist.size(); ++t)
        pts.emplace_back(p0.x + xs * static_cast<float>(t), p0.y + h - h * static_cast<float>((hist[t].v[oi] - lo) / (hi - lo)));
      if (pts.size() > 1) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), kSeriesColour[k], 0, 2.0f);
    }
    ImGui::Dummy(ImVec2(w, h + 0.15f * line));
  }
}

void App::draw_panel() {
  const auto size = window_.getSize();
  const sf::FloatRect area = map_area();
  ImGui::SetNextWindowPos(ImVec2(area.width, 0));
  ImGui::SetNextWindowSize(ImVec2(static_cast<float>(size.x) - area.width, static_cast<float>(size.y)));
  ImGui::Begin("##panel", nullptr, ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImGui::PushItemWidth(ImGui::GetContentRegionAvail().x * 0.42f);
  draw_controls();
  ImGui::Separator();
  draw_sliders();
  ImGui::Separator();
  draw_charts();
  if (ffmpeg_) ImGui::TextColored(ImVec4(1, 0.3f, 0.3f, 1), "%s: %s", tr("recording"), opt_.record.c_str());
  ImGui::PopItemWidth();
  ImGui::End();
}

void App::frame(double now, bool capture_geometry) {
  (void)capture_geometry;
  window_.resetGLStates();
  window_.clear(kBackground);
  const sf::FloatRect area = map_area();
  // Two panes: side by side or one above the other, whichever draws the neighbourhood larger.
  const Layout& lay = panes_[0].src->layout();
  const std::size_t np = panes_.size();
  const float fn = static_cast<float>(np);
  const bool stacked = np > 1 && std::min(area.width / lay.width, area.height / fn / lay.height) > std::min(area.width / fn / lay.width, area.height / lay.height);
  const float w = stacked ? area.width : area.width / fn, h = stacked ? area.height / fn : area.height;
  for (std::size_t k = 0; k < np; ++k) {
    Pane& p = panes_[k];
    if (p.src->frame().week != p.seen_week || p.src->version() == 0) {
      p.seen_week = p.src->frame().week;
      p.week_started = now;
    }
    MapView::Options mo;
    mo.measure = measure_;
    mo.hovered = hovered_pane_ == static_cast<int>(k) ? hovered_ : -1;
    mo.followed = followed_pane_ == static_cast<int>(k) ? followed_ : -1;
    // Help lines are this week's: bright when the week starts, fading to a trace.
    mo.line_alpha = static_frame_ ? 0.6f : static_cast<float>(std::max(0.2, 0.7 - (now - p.week_started) * std::max(speed_, 1.0) * 0.5));
    mo.force_rebuild = bench_rebuild_;
    const float x0 = area.left + (stacked ? 0.0f : w * static_cast<float>(k)), y0 = area.top + (stacked ? h * static_cast<float>(k) : 0.0f);
    // Whole pixels, so the map image maps one to one onto the screen.
    const sf::FloatRect r(std::floor(x0 + 4), std::floor(y0 + 4), std::floor(w - 8), std::floor(h - 8));
    p.map.draw(window_, *p.src, r, mo);
    if (k > 0) {
      sf::RectangleShape sep(stacked ? sf::Vector2f(area.width, 2) : sf::Vector2f(2, area.height));
      sep.setPosition(x0 - (stacked ? 0.0f : 1.0f), y0 - (stacked ? 1.0f : 0.0f));
      sep.setFillColor(sf::Color(90, 96, 110));
      window_.draw(sep);
    }
  }
  gui_->new_frame(1.0f / 60.0f);
  draw_titles();
  draw_panel();
  draw_legend(area);
  if (np > 1)
    for (std::size_t k = 0; k < np; ++k) {
      const sf::FloatRect& r = panes_[k].map.rect();
      ImGui::GetBackgroundDrawList()->AddText(ImGui::GetFont(), 1.6f * font_px_, ImVec2(r.left + 6, r.top + 2), kSeriesColour[k], k == 0 ? "A" : "B");
    }
  draw_follow();
  if (hovered_ >= 0 && hovered_pane_ < static_cast<int>(panes_.size())) draw_hover(panes_[static_cast<std::size_t>(hovered_pane_)], hovered_);
  gui_->render();
}

void App::capture(const std::string& png) {
  sf::Texture tex;
  const auto size = window_.getSize();
  if (!tex.create(size.x, size.y)) throw std::runtime_error("cannot create a texture for the screenshot");
  tex.update(window_);
  if (!tex.copyToImage().saveToFile(png)) throw std::runtime_error(fmt::format("cannot write '{}'", png));
}

void App::write_geometry() {
  std::ofstream g(opt_.geometry);
  if (!g) throw std::runtime_error(fmt::format("cannot write '{}'", opt_.geometry));
  g << "{\n  \"window\": [" << window_.getSize().x << ", " << window_.getSize().y << "],\n  \"panes\": [";
  for (std::size_t k = 0; k < panes_.size(); ++k) {
    const auto& m = panes_[k].map;
    g << (k ? ", " : "") << fmt::format("{{\"rect\": [{}, {}, {}, {}], \"scale\": {:.9g}, \"offset\": [{:.9g}, {:.9g}], \"week\": {}}}", m.rect().left, m.rect().top,
                                        m.rect().width, m.rect().height, m.scale(), m.offset().x, m.offset().y, panes_[k].src->frame().week);
  }
  g << "],\n  \"legend_bar\": [" << legend_bar_[0] << ", " << legend_bar_[1] << ", " << legend_bar_[2] << ", " << legend_bar_[3] << "],\n";
  g << "  \"scale_stops\": [";
  for (std::size_t k = 0; k < kScale.size(); ++k) g << (k ? ", " : "") << fmt::format("[{}, {}, {}, {}]", kScale[k].t, kScale[k].r, kScale[k].g, kScale[k].b);
  g << "]\n}\n";
}

int App::run() {
  setup_sources();
  const bool headless = !opt_.screenshot.empty();
  static_frame_ = headless || opt_.bench_frames > 0;
  open_window();
  if (!opt_.record.empty()) {
    const auto size = window_.getSize();
    const std::string cmd = fmt::format("ffmpeg -loglevel error -y -f rawvideo -pix_fmt rgba -s {}x{} -r 30 -i - -vf vflip -c:v libx264 -pix_fmt yuv420p -preset veryfast '{}'",
                                        size.x, size.y, opt_.record);
    ffmpeg_ = ::popen(cmd.c_str(), "w");
    if (!ffmpeg_) throw std::runtime_error("cannot start ffmpeg (install the 'ffmpeg' package)");
  }
  if (opt_.follow >= 0) {
    followed_ = opt_.follow;
    for (auto& p : panes_)
      if (p.sim) p.sim->follow(static_cast<std::uint32_t>(opt_.follow));
  }
  if (!replay_mode_ && opt_.weeks > 0)
    for (int w = 0; w < opt_.weeks; ++w) step_live();
  for (const auto& t : opt_.test_need) {
    const auto eq = t.find('=');
    if (eq == std::string::npos) throw std::invalid_argument(fmt::format("--test-need expects RESIDENT=VALUE, got '{}'", t));
    for (auto& p : panes_)
      if (p.sim) p.sim->force_need(static_cast<std::uint32_t>(std::stoul(t.substr(0, eq))), std::stof(t.substr(eq + 1)));
  }
  if (opt_.hover >= 0) {
    hovered_ = opt_.hover;
    hovered_pane_ = 0;
  }
  if (headless || opt_.bench_frames > 0) paused_ = true;

  if (opt_.bench_frames > 0) {
    // Benchmark: every frame rebuilds all resident vertices (as in a week change) and waits for the GPU.
    bench_rebuild_ = !opt_.bench_cached && !opt_.bench_step;
    std::vector<double> ms;
    double parts[4] = {0, 0, 0, 0};  // simulate, build + submit, GPU finish, present
    double cpu0 = 0;
    for (int k = 0; k < opt_.bench_frames + 5; ++k) {
      if (k == 5) cpu0 = process_cpu_ms();
      sf::Event e;
      while (window_.pollEvent(e)) gui_->process(e);
      using clk = std::chrono::steady_clock;
      const auto t0 = clk::now();
      if (opt_.bench_step) step_live();
      const auto t1 = clk::now();
      frame(0, false);
      const auto t2 = clk::now();
      glFinish();
      const auto t3 = clk::now();
      window_.display();
      const auto t4 = clk::now();
      auto d = [](clk::time_point a, clk::time_point b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
      if (k >= 5) {  // skip warm-up frames
        ms.push_back(d(t0, t4));
        parts[0] += d(t0, t1), parts[1] += d(t1, t2), parts[2] += d(t2, t3), parts[3] += d(t3, t4);
      }
    }
    std::sort(ms.begin(), ms.end());
    const double mean = std::accumulate(ms.begin(), ms.end(), 0.0) / static_cast<double>(ms.size());
    fmt::print("bench: {} residents, {} frames{}, window {}x{}: mean {:.2f} ms, median {:.2f} ms, p95 {:.2f} ms, max {:.2f} ms (GL: {})\n",
               panes_[0].src->layout().n, ms.size(), opt_.bench_step ? " (one simulated week per frame)" : opt_.bench_cached ? " (no week change)" : " (all vertices rebuilt)", window_.getSize().x, window_.getSize().y, mean,
               ms[ms.size() / 2], ms[ms.size() * 95 / 100], ms.back(), reinterpret_cast<const char*>(glGetString(GL_RENDERER)));
    const double nf = static_cast<double>(ms.size());
    // CPU time of this process (all threads, llvmpipe's included) per frame: unlike wall time it does not
    // grow when other programs share the cores, so it bounds the frame time on an idle core.
    fmt::print("bench: process CPU time per frame {:.2f} ms (load average at start {})\n", (process_cpu_ms() - cpu0) / nf, load_average());
    fmt::print("bench: per frame: simulate {:.2f} ms, build + draw calls {:.2f} ms, GL finish {:.2f} ms, present {:.2f} ms\n", parts[0] / nf, parts[1] / nf,
               parts[2] / nf, parts[3] / nf);
    return 0;
  }

  if (headless) {
    // ImGui lays out auto-sized windows over a couple of frames; the third frame is stable.
    for (int k = 0; k < 3; ++k) {
      sf::Event e;
      while (window_.pollEvent(e)) gui_->process(e);
      frame(0, true);
      if (k < 2) window_.display();
    }
    capture(opt_.screenshot);
    if (!opt_.geometry.empty()) write_geometry();
    window_.display();
    for (auto& s : prepared_) s->finish();
    return 0;
  }

  sf::Clock clock;
  double last = 0;
  std::vector<std::uint8_t> pixels;
  for (long frames = 0; window_.isOpen() && !quit_; ++frames) {
    if (opt_.exit_after > 0 && frames >= opt_.exit_after) break;
    sf::Event e;
    while (window_.pollEvent(e)) handle_event(e);
    const double now = clock.getElapsedTime().asSeconds();
    const double dt = std::min(0.25, now - last);
    last = now;
    if (!paused_) {
      acc_ += dt * speed_;
      // At most a few weeks and about 25 ms of simulation per frame, so the window stays responsive
      // with big neighbourhoods (the simulation then sets the pace, one week per frame).
      sf::Clock budget;
      for (int k = 0; acc_ >= 1.0 && k < 4 && (k == 0 || budget.getElapsedTime().asMilliseconds() < 25); ++k) {
        acc_ -= 1.0;
        if (replay_mode_) {
          if (replay_week_ < replay_last_) ++replay_week_;
          else paused_ = true;
        } else {
          step_live();
          // Pause at the scenario's horizon (run.weeks); Play continues beyond it.
          if (panes_[0].sim && panes_[0].sim->sim().week() == static_cast<int>(panes_[0].sim->scenario().params.run_weeks)) paused_ = true;
        }
      }
      acc_ = std::min(acc_, 1.0);
    }
    if (replay_mode_) {
      if (SimSource* rs = panes_[0].sim; rs && rs->sim().week() != replay_week_) {
        // Re-simulating: catch up a few weeks per frame so the window stays responsive (scrubbing back
        // starts again from week 0; the kernel is deterministic, so every week is exactly as recorded).
        const int target = rs->sim().week() > replay_week_ ? 0 : std::min(replay_week_, rs->sim().week() + 8);
        rs->seek(rs->sim().week() > replay_week_ ? std::min(replay_week_, 8) : target);
      }
      if (panes_[0].replay && panes_[0].src->history().size() != static_cast<std::size_t>(replay_week_) + 1) panes_[0].replay->seek(replay_week_);
      verify_replay();
    }
    frame(now, false);
    if (ffmpeg_) {
      const auto size = window_.getSize();
      pixels.resize(static_cast<std::size_t>(size.x) * size.y * 4);
      glReadPixels(0, 0, static_cast<GLsizei>(size.x), static_cast<GLsizei>(size.y), GL_RGBA, GL_UNSIGNED_BYTE, pixels.data());
      if (std::fwrite(pixels.data(), 1, pixels.size(), ffmpeg_) != pixels.size()) {
        fmt::print(stderr, "buurt-view: ffmpeg stopped taking frames; recording ends\n");
        ::pclose(ffmpeg_);
        ffmpeg_ = nullptr;
      }
    }
    window_.display();
  }
  if (ffmpeg_) {
    ::pclose(ffmpeg_);
    fmt::print("recorded {}\n", opt_.record);
  }
  for (auto& s : prepared_) {
    s->finish();
    if (!s->out_path().empty()) fmt::print("wrote {}\n", s->out_path().string());
  }
  window_.close();
  return 0;
}

}  // namespace

int run_app(const Options& opt) {
  set_lang(parse_lang(opt.lang));
  App app(opt);
  return app.run();
}

}  // namespace buurt::view
