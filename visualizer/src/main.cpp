// buurt-view: the live neighbourhood viewer. See docs/viewer.md.
#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "App.h"
#include "buurt/output/Recorder.h"
#include "buurt/output/StateFile.h"
#include "buurt/scenario/Scenario.h"

int main(int argc, char** argv) {
  buurt::view::Options o;
  CLI::App cli{"buurt-view: watch, steer, compare and replay the Buurtkracht neighbourhood (docs/viewer.md)"};
  cli.add_option("scenarios", o.scenarios,
                 "Scenario file (live), two files (side by side), or any number with --workshop (keys 1-9 per page, PageUp/PageDown)");
  cli.add_option("--set", o.sets, "Override a scenario key: section.key=value (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cli.add_option("--seed", o.seed, "Master seed (shared by all scenarios shown)");
  cli.add_option("--replay", o.replay, "Open a result file (.h5) and scrub along its timeline");
  cli.add_flag("--replay-snapshots", o.replay_snapshots, "Replay from the stored snapshots even if the file has a slider log");
  cli.add_option("--from-state", o.from_state, "Start from the burned-in neighbourhood saved by `buurt run --save-state` (no burn-in wait)");
  cli.add_option("--out", o.out, "Session file to write (default <scenario>_session.h5)");
  cli.add_flag("--force", o.force, "Replace an existing session file");
  cli.add_flag("--no-record", o.no_record, "Do not write a session file");
  cli.add_option("--lang", o.lang, "Labels: en or nl")->check(CLI::IsMember({"en", "nl"}));
  cli.add_flag("--workshop", o.workshop, "Full screen, large type, projector layout; keys 1-9 switch scenarios (pages of 9), H shows the keys");
  cli.add_option("--record", o.record, "Save the session as a video (frames piped to ffmpeg), e.g. session.mp4");
  cli.add_option("--screenshot", o.screenshot, "Render one frame to this PNG and exit (headless, e.g. under xvfb-run)");
  cli.add_option("--weeks", o.weeks, "Weeks to simulate (or the replay week) before --screenshot / --bench-frames");
  cli.add_option("--exit-after", o.exit_after, "Quit the interactive loop after this many frames (unattended recordings, tests)");
  cli.add_option("--bench-frames", o.bench_frames, "Benchmark: render this many frames and print frame times");
  cli.add_flag("--bench-step", o.bench_step, "Benchmark: also simulate one week per frame");
  cli.add_flag("--bench-cached", o.bench_cached, "Benchmark: frames between week changes (resident layer not rebuilt)");
  cli.add_option("--measure", o.measure, "Colour residents by: total, income, health, mental, loneliness, household, self_reliance");
  cli.add_option(
      "--size", [&o](const CLI::results_t& r) { return std::sscanf(r[0].c_str(), "%ux%u", &o.width, &o.height) == 2 && o.width >= 320 && o.height >= 240; },
      "Window size WxH (default 1280x800)");
  cli.add_option("--speed", o.speed, "Weeks per second (default 4)");
  cli.add_option("--hover", o.hover, "Show the hover card of this resident (for screenshots)");
  cli.add_option("--follow", o.follow, "Follow this resident from the start (pins its card)");
  cli.add_option("--steer", o.steer_script, "Scripted slider move WEEK:section.key=value (repeatable; logged like a slider)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll);
  cli.add_option("--test-need", o.test_need, "Test hook: RESIDENT=VALUE sets that resident's need in every domain")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group("");
  cli.add_option("--geometry", o.geometry, "Write the map and legend geometry as JSON (for tests)")->group("");
  cli.add_option("--layout-report", o.layout_report, "Write every label (measured width and the width it had), chart and header of the last frame as JSON");
  cli.add_option("--test-keys", o.test_keys, "Test hook: FRAME:KEY presses KEY at that frame (repeatable)")
      ->expected(1)
      ->allow_extra_args(false)
      ->multi_option_policy(CLI::MultiOptionPolicy::TakeAll)
      ->group("");
  cli.add_option("--font", o.font, "TrueType font for the labels");
  try {
    cli.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return cli.exit(e);
  }
  try {
    return buurt::view::run_app(o);
  } catch (const buurt::ScenarioError& e) {
    fmt::print(stderr, "buurt-view: {}\n", e.what());
    return 2;
  } catch (const buurt::StateError& e) {
    fmt::print(stderr, "buurt-view: {}\n", e.what());
    return 2;
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "buurt-view: {}\n", e.what());
    return 2;
  } catch (const buurt::OutputError& e) {
    fmt::print(stderr, "buurt-view: {}\n", e.what());
    return 3;
  } catch (const std::exception& e) {
    fmt::print(stderr, "buurt-view: {}\n", e.what());
    return 1;
  }
}
