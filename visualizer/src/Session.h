#pragma once
/// What the viewer shows: scenarios or a replay file opened as sources, scripted steering, replay verification.
#include <algorithm>
#include <cstddef>
#include <filesystem>
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

/// Workshop scenarios per page: number keys 1-9 pick on the current page.
inline constexpr int kPerPage = 9;

/// The panes and their sources for one run of the viewer: live (one scenario), side by side (two), workshop
/// (prepared scenarios, one shown) or replay of a result file. The UI reads and sets the public fields.
class Session {
 public:
  /// Reads and checks everything `opt` names (scenarios, keys, state file, session file names, replay file)
  /// without building a neighbourhood or writing a file, so bad input is reported before a window is needed.
  /// Throws std::invalid_argument, ScenarioError or StateError (bad input) or OutputError (an `--out` that exists).
  explicit Session(const Options& opt);
  /// Builds the neighbourhoods (or the re-simulated replay) and the panes; session files are begun here.
  void open();

  std::vector<Pane> panes;
  std::vector<std::unique_ptr<SimSource>> prepared;  ///< every scenario given (workshop: switched with keys 1-9)
  std::vector<Scenario> scenarios;                   ///< the scenarios as loaded (names and descriptions for the UI)
  int current = 0;                                   ///< workshop: the prepared scenario shown
  int page = 0;                                      ///< workshop: the page of kPerPage scenarios that keys 1-9 pick from
  bool replay_mode = false;
  int replay_week = 0, replay_last = 0;
  std::string replay_note;  ///< why a session replay fell back to the file's snapshots, if it did

  /// One week for every live pane, after applying the scripted moves due at this week.
  void step_live();
  /// Applies a slider move to a live source (the one path for sliders and `--steer`).
  static void steer(SimSource& s, const std::string& key, const std::string& value) { s.steer(key, value); }
  /// Workshop: show prepared scenario k. Returns true when the shown scenario changed.
  bool switch_prepared(int k);
  /// Workshop: number of pages of kPerPage scenarios (1 otherwise).
  int pages() const { return workshop_ ? std::max(1, (static_cast<int>(prepared.size()) + kPerPage - 1) / kPerPage) : 1; }
  /// Workshop: move `delta` pages (clamped). Returns true when the page changed.
  bool turn_page(int delta);
  bool workshop() const { return workshop_; }
  /// The reference run the charts draw as a ghost line: workshop, the first scenario's run so far while another
  /// is shown; nullptr otherwise (the charts then draw the week-0 level).
  const std::vector<WeekOutcomes>* reference() const;
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
  void check_replay(const Options& opt);
  void check_scenarios(const Options& opt);

  // What open() builds, as checked by the constructor.
  std::vector<std::filesystem::path> outs_;
  Existing existing_ = Existing::refuse;
  std::shared_ptr<const StateFile> state_;
  std::unique_ptr<Scenario> replay_scenario_;  ///< session replay: the resolved scenario to re-simulate
  std::vector<SteerEntry> replay_log_;
  std::unique_ptr<ReplaySource> replay_source_;  ///< snapshot replay

  std::string replay_path_;
  std::vector<WeekOutcomes> file_rows_;  ///< session replay: the file's outcomes per week
  std::size_t verified_rows_ = 0;
  std::vector<ScriptEntry> script_;
  std::size_t script_pos_ = 0;
  bool workshop_ = false;
};

}  // namespace buurt::view
