#pragma once
/// Text that fits: word wrapping to the width there is, values with their units in the current language, and
/// ImGui text and buttons that note what they drew in a LayoutReport (for `--layout-report`).
#include <imgui.h>

#include <string>
#include <string_view>
#include <vector>

#include "LayoutReport.h"
#include "buurt/schema/Outcomes.h"

namespace buurt::view {

/// Greedy word wrap (at spaces) into lines no wider than `width` pixels in the current ImGui font; a word wider
/// than that is broken. Always at least one line.
std::vector<std::string> wrap_text(std::string_view text, float width);
/// Width of the widest word (between spaces) of `text`.
float widest_word(std::string_view text);
/// The first of `variants` that fits `width`; else the last one shortened with an ellipsis.
std::string fit_text(const std::vector<std::string>& variants, float width);

/// An outcome's chart title from Outcomes.def (`label`, or `label_nl` under --lang nl), capitalised.
std::string outcome_title(Outcome o);
/// What follows a value of the outcome: "residents", "h/week", "/week" (money), "(0–1)"; "" for shares.
std::string unit_suffix(Outcome o);
/// The value as `buurt run` formats it (Outcomes.def `format`), in the current language's decimal style.
std::string outcome_number(Outcome o, double v);
/// outcome_number() with its unit: "99 residents", "58.7%", "€18,750/week".
std::string outcome_value(Outcome o, double v);
/// A difference of the outcome (pt for shares), signed, in the current language's decimal style.
std::string outcome_difference(Outcome o, double d);

/// Draws ImGui text and notes each line in `report`.
class TextOut {
 public:
  explicit TextOut(LayoutReport& report) : report_(report) {}
  /// Notes a line about to be drawn at the cursor (measured width, width left on the line, window bottom).
  void note(const char* kind, const std::string& line);
  /// Notes a line drawn elsewhere (inside a widget's frame, in a grid cell, on a draw list).
  void note_at(const char* kind, const std::string& line, ImVec2 at, float box);
  /// Text wrapped to the width left on the current line (later lines start where the first did).
  void wrapped(const char* kind, std::string_view text, const ImVec4* colour = nullptr);
  /// A button that goes to the next line when it would not fit on this one.
  bool flow_button(const char* label, bool first);

 private:
  LayoutReport& report_;
};

}  // namespace buurt::view
