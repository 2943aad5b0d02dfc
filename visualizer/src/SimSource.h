#pragma once
/// A running simulation as a viewer source: steps, steering with a log, an optional session file.
#include <filesystem>
#include <map>
#include <memory>
#include <optional>

#include "Source.h"
#include "buurt/output/Recorder.h"
#include "buurt/output/StateFile.h"
#include "buurt/scenario/Scenario.h"

namespace buurt::view {

/// Copy the drawable state of `sim` into `f`.
void fill_frame(Frame& f, const Simulation& sim);
/// Layout of a population (block = street / streets_per_block, as the kernel builds it).
Layout layout_of(const Population& pop, std::uint32_t streets_per_block);

/// What to do when a session file already exists: refuse (an explicit `--out`; exit 3), replace it (`--force`)
/// or take the next free number (the default name), as a reset does.
enum class Existing { refuse, replace, number };

/// The n-th name of a session's files: `base` itself for n = 1, otherwise `<stem>_<n><ext>` beside it.
std::filesystem::path numbered_path(const std::filesystem::path& base, int n);

class SimSource : public Source {
 public:
  /// `out` empty: nothing is written. Otherwise the session is recorded there, or under the next free number
  /// (`existing`; checked before any work). `state`: start (and restart) from the neighbourhood saved there
  /// instead of building and burning one in.
  SimSource(Scenario scenario, std::filesystem::path out, Existing existing, std::shared_ptr<const StateFile> state = nullptr);
  ~SimSource() override;

  const Layout& layout() const override { return layout_; }
  const Frame& frame() const override { return frame_; }
  const std::vector<WeekOutcomes>& history() const override { return history_; }
  void ties_of(std::uint32_t i, std::vector<TieView>& out) const override;
  Story story(std::uint32_t i) const override;
  std::string title() const override;

  void step();
  /// Change one parameter now (value as a TOML literal), log it with the week, and hand it to the kernel.
  void steer(const std::string& key, const std::string& value);
  /// Steering to apply during replay: entries are applied when the simulation is at their week.
  void set_script(std::vector<SteerEntry> script);
  /// Run (or rebuild and run) until `week` weeks are done; used by replay.
  void seek(int week);
  /// Start over with another seed; a recorded session is closed and a new file begun.
  void reset(std::int64_t seed);
  /// Keep an exact history of resident i from now on (small neighbourhoods keep everyone's anyway).
  void follow(std::uint32_t i);
  /// Close the session file (writes /steering), if any. Called by the destructor too.
  void finish();

  const Scenario& scenario() const { return scenario_; }
  const Simulation& sim() const { return *sim_; }
  /// Test hook: set resident i's need in every domain, then recompute derived state.
  void force_need(std::uint32_t i, float value);
  const std::vector<SteerEntry>& log() const { return log_; }
  const std::filesystem::path& out_path() const { return current_out_; }

 private:
  void start();
  void after_change();
  void apply(const std::string& key, const std::string& value);
  void record_story();
  /// The first file number from `from` on whose name is free (or `from` itself when replacing).
  int free_number(int from) const;

  Scenario base_;      ///< as loaded (reset and rebuild start from here)
  Scenario scenario_;  ///< with steering applied
  std::filesystem::path out_, current_out_;
  Existing existing_;
  int number_ = 1;                          ///< current_out_ is numbered_path(out_, number_)
  std::shared_ptr<const StateFile> state_;  ///< saved neighbourhood to start from (replicate 0), if any
  std::unique_ptr<Simulation> sim_;
  std::unique_ptr<ResultFile> file_;
  std::unique_ptr<RunRecorder> rec_;
  std::vector<SteerEntry> log_, script_;
  std::size_t script_pos_ = 0;
  Layout layout_;
  Frame frame_;
  std::vector<WeekOutcomes> history_;
  // Story: dense, quantised needs of everyone (small neighbourhoods) or exact ones of followed residents.
  bool dense_ = false;
  std::vector<std::vector<std::uint8_t>> dense_need_;  ///< per week: N * (kDomains + 1) bytes
  std::vector<std::vector<Story::Event>> events_;      ///< per resident (dense) — empty otherwise
  std::map<std::uint32_t, Story> followed_;
};

}  // namespace buurt::view
