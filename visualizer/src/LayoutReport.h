#pragma once
/// What a frame put where, for `--layout-report`: every label with its measured width and the width it had,
/// every outcome chart with its rectangle. Tests use it to fail on text that is cut off or charts off screen.
#include <string>
#include <vector>

namespace buurt::view {

struct LayoutReport {
  /// One line of text as drawn: `width` its measured width, `box` the width there was for it from `x` on,
  /// `bottom` the lower edge of the window it is drawn in (text below it is not seen).
  struct Label {
    std::string kind, text;
    float x, y, width, box, height, bottom;
  };
  struct Chart {
    std::string outcome, title, value;
    float x, y, w, h;
    double lo, hi;             ///< the y-axis range shown
    std::string ghost;         ///< "reference" (the reference run's line) or "week0" (the week-0 level)
    std::vector<int> markers;  ///< weeks of the slider moves marked
  };
  std::vector<Label> labels;
  std::vector<Chart> charts;
  std::vector<std::string> header;  ///< the pane titles as shown
  std::string layout;               ///< "projector" or "normal"
  std::string difference;           ///< side by side: what the difference means ("" otherwise)

  void clear() { *this = LayoutReport{}; }
  /// Writes the report as JSON with the window size, type size and how the run ended; throws std::runtime_error.
  void write(const std::string& path, unsigned width, unsigned height, float font_px, long frames, bool quit_by_key, int scenario, int page, int pages) const;
};

}  // namespace buurt::view
