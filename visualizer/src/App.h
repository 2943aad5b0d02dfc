#pragma once
/// The viewer application: window, main loop, modes (live, side by side, workshop, replay, headless).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace buurt::view {

struct Options {
  std::vector<std::string> scenarios;  ///< one: live; two: side by side; with --workshop: prepared scenarios (keys 1-9)
  std::vector<std::string> sets;
  std::optional<std::int64_t> seed;
  std::string replay;
  std::string from_state;         ///< start every scenario from the neighbourhood saved in this state file
  bool replay_snapshots = false;  ///< replay from snapshots even when the file has a slider log
  std::string out;
  bool force = false, no_record = false;
  std::string lang = "en";
  bool workshop = false;
  std::string record;      ///< mp4 via ffmpeg
  std::string screenshot;  ///< PNG, then exit
  int weeks = -1;          ///< weeks to run (or replay position) before the screenshot
  int bench_frames = 0;
  int exit_after = 0;  ///< interactive loop: quit after this many frames (0 = run until closed)
  bool bench_step = false;
  bool bench_cached = false;  ///< benchmark frames between week changes (vertices kept)
  std::string measure = "total";
  unsigned width = 1280, height = 800;
  double speed = 4.0;
  int hover = -1, follow = -1;
  std::vector<std::string> steer_script;  ///< "WEEK:key=value", applied as if a slider moved at that week
  std::vector<std::string> test_need;     ///< "RESIDENT=VALUE" (test hook, applied after the weeks ran)
  std::string geometry;                   ///< write pane and legend geometry (JSON) after the last frame
  std::string layout_report;              ///< write every label, chart and header of the last frame (JSON)
  std::vector<std::string> test_keys;     ///< "FRAME:KEY" (test hook): the key pressed at that frame of the loop
  std::string font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
};

/// Exit code when no window can be opened (no display): after the arguments and scenarios were checked.
inline constexpr int kExitNoDisplay = 4;

/// Runs the viewer; returns the process exit code. Throws on bad input (caught in main).
int run_app(const Options& opt);

}  // namespace buurt::view
