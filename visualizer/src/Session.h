#pragma once
/// What the viewer shows: scenarios or a replay file opened as sources, scripted steering, replay verification.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "App.h"
#include "MapView.h"
#include "ReplaySource.h"
#include "SimSource.h"

namespace buurt::view {

/// One map on screen and the source it draws.
struct Pane {
  std::unique_ptr<Source> owned;
  Source* src = nullptr;
  SimSource* sim = nullptr;        ///< live or re-simulated replay
  ReplaySource* replay = nullptr;  ///< snapshot replay
  MapView map;
  int seen_week = -1;
  double week_started = 0;
};

/// A `--steer WEEK:key=value` move.
struct ScriptEntry {
  int week;
  std::string key, value;
};

/// Parses `--steer` items, sorted by week; throws std::invalid_argument on a malformed item or unknown key.
std::vector<ScriptEntry> parse_script(const std::vector<std::string>& items);

/// The panes and their sources for one run of the viewer: live (one scenario), side by side (two), workshop
/// (prepared scenarios, one shown) or replay of a result file. The UI reads and sets the public fields.
class Session {
 public:
  /// Opens the scenarios or the replay file of `opt`; throws std::invalid_argument on bad input.
  explicit Session(const Options& opt);

  std::vector<Pane> panes;
  std::vector<std::unique_ptr<SimSource>> prepared;  ///< every scenario given (workshop: switched with keys 1-9)
  int current = 0;                                   ///< workshop: the prepared scenario shown
  bool replay_mode = false;
  int replay_week = 0, replay_last = 0;
  std::string replay_note;  ///< why a session replay fell back to the file's snapshots, if it did

  /// One week for every live pane, after applying the scripted moves due at this week.
  void step_live();
  /// Applies a slider move to a live source (the one path for sliders and `--steer`).
  static void steer(SimSource& s, const std::string& key, const std::string& value) { s.steer(key, value); }
  /// Workshop: show prepared scenario k. Returns true when the shown scenario changed.
  bool switch_prepared(int k);
  /// Starts every scenario again with one new seed (seed + 1) and the script from its start.
  void reset_all();
  /// Replay: bring the source to `replay_week` (re-simulating a few weeks per call) and verify it.
  /// Returns true when it fell back to the file's snapshots (resident indices shown may be stale).
  bool advance_replay();
  /// Re-simulated replay: compares the weeks simulated so far with the file's /timeseries; on the first
  /// difference (a different kernel wrote the file) falls back to the file's snapshots and returns true.
  bool verify_replay();
  /// Closes the session files; `report` prints the names written.
  void finish(bool report);

 private:
  void open_replay(const Options& opt);
  void open_scenarios(const Options& opt);

  std::string replay_path_;
  std::vector<WeekOutcomes> file_rows_;  ///< session replay: the file's outcomes per week
  std::size_t verified_rows_ = 0;
  std::vector<ScriptEntry> script_;
  std::size_t script_pos_ = 0;
  bool workshop_ = false;
};

}  // namespace buurt::view
