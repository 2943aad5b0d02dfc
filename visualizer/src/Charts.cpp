// The outcome charts: in the side panel (normal layout) or in a column of their own (projector layout), one or
// two to a row, all on screen, each with its latest value and unit, a ghost line and the slider moves marked.
#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <set>
#include <span>

#include "Lang.h"
#include "Panels.h"

namespace buurt::view {
namespace {

static_assert(kChartsShown <= kNumHeadlines, "more charts than headline outcomes");

const ImU32 kChartBackground = IM_COL32(20, 24, 30, 255);
const ImU32 kGhostColour = IM_COL32(190, 190, 200, 150);
const ImU32 kMarkerColour = IM_COL32(255, 255, 255, 120);
const ImU32 kAxisText = IM_COL32(170, 176, 190, 255);
const ImU32 kWhite = IM_COL32(255, 255, 255, 255);

/// A piece of a chart's value line, in its colour.
struct Segment {
  std::string text;
  ImU32 colour;
};

/// A chart's title: its label (wrapped when the value needs a line of its own) and its latest value(s).
struct Title {
  Outcome o;
  std::string label;
  std::vector<std::string> lines;
  std::vector<Segment> values;
  float values_w = 0;
  bool own_line = false;
  /// Side by side, when "A | B  difference" is wider than the cell: the difference on a line of its own.
  bool split = false;
  int rows() const { return static_cast<int>(lines.size()) + (own_line ? 1 : 0) + (split ? 1 : 0); }
};

/// The smallest y span a chart shows, so week-to-week noise in a flat series does not fill the chart.
double min_span(Outcome o, double lo, double hi) {
  const double scale = 0.05 * std::max(std::abs(lo), std::abs(hi));
  switch (spec(o).format) {
    case OutcomeFormat::pct: return std::max(0.01, scale);  // 1 percentage point
    case OutcomeFormat::dec: return std::max(0.01, scale);
    case OutcomeFormat::int_:
    case OutcomeFormat::eur: return std::max(2.0, scale);
  }
  return scale;
}

void dashed_hline(ImDrawList* dl, float x0, float x1, float y, ImU32 c) {
  for (float x = x0; x < x1; x += 9.0f) dl->AddLine(ImVec2(x, y), ImVec2(std::min(x + 5.0f, x1), y), c, 1.5f);
}

}  // namespace

void Panels::draw_charts() {
  const std::size_t np = s_.panes.size();
  // Side by side the difference is B - A; say which pane is which as they are arranged.
  const std::string head = np > 1 ? tr(v_.stacked ? "difference_stacked" : "difference_side") : tr("outcomes");
  if (np > 1) report_.difference = head;
  {
    const ImVec2 at = ImGui::GetCursorScreenPos();
    const float arrow = ImGui::GetFontSize() + 2 * ImGui::GetStyle().FramePadding.x;
    out_.note_at("header", head, ImVec2(at.x + arrow, at.y), ImGui::GetContentRegionAvail().x - arrow - ImGui::GetStyle().FramePadding.x);
  }
  // Projector: the charts have a column of their own; its type shrinks (down to 70%) when a title's longest word
  // would not fit its cell, so no word is broken, and grows back when there is room.
  if (lay_.projector) ImGui::SetWindowFontScale(charts_scale_);
  if (!ImGui::CollapsingHeader(head.c_str(), ImGuiTreeNodeFlags_DefaultOpen)) return;
  const ImGuiStyle& st = ImGui::GetStyle();
  const float line = ImGui::GetTextLineHeight(), gap = st.ItemSpacing.y, text_row = line + gap, below = 0.15f * line + gap;
  const float avail_w = ImGui::GetContentRegionAvail().x, avail_h = ImGui::GetContentRegionAvail().y;
  const ImVec2 origin = ImGui::GetCursorScreenPos();
  const std::vector<WeekOutcomes>* ref = s_.reference();

  // The values of a chart: the latest value with its unit; side by side A | B and B - A, the unit once.
  std::vector<Title> titles;
  for (Outcome o : std::span(kHeadlines).first<kChartsShown>()) {
    Title t{o, outcome_title(o), {}, {}};
    const int oi = static_cast<int>(o);
    if (np == 1) {
      t.values.push_back({outcome_value(o, s_.panes[0].src->history().back().v[oi]), kWhite});
    } else {
      const double a = s_.panes[0].src->history().back().v[oi], b = s_.panes[1].src->history().back().v[oi];
      const std::string u = unit_suffix(o);
      t.values = {{outcome_number(o, a), kSeriesColour[0]},
                  {" | ", IM_COL32(150, 150, 160, 255)},
                  {outcome_number(o, b), kSeriesColour[1]},
                  {"  " + outcome_difference(o, b - a) + (u.empty() ? "" : (u[0] == '/' ? u : " " + u)), kWhite}};
    }
    for (const auto& s : t.values) t.values_w += ImGui::CalcTextSize(s.text.c_str()).x;
    titles.push_back(std::move(t));
  }
  // One chart to a row, or two where one to a row would leave each chart less than two lines high: titles for
  // cells of width `cw`, and the chart height that leaves.
  auto arrange = [&](int cols, float& cw) {
    cw = std::floor((avail_w - static_cast<float>(cols - 1) * st.ItemSpacing.x) / static_cast<float>(cols));
    float titles_h = 0;
    for (std::size_t i = 0; i < titles.size(); i += static_cast<std::size_t>(cols)) {
      int rows = 0;
      for (std::size_t j = i; j < std::min(titles.size(), i + static_cast<std::size_t>(cols)); ++j) {
        Title& t = titles[j];
        t.own_line = ImGui::CalcTextSize(t.label.c_str()).x + 0.6f * line + t.values_w > cw;
        t.lines = t.own_line ? wrap_text(t.label, cw) : std::vector<std::string>{t.label};
        t.split = t.own_line && t.values.size() == 4 && t.values_w > cw;
        rows = std::max(rows, t.rows());
      }
      titles_h += static_cast<float>(rows) * text_row;
    }
    const float n_rows = std::ceil(static_cast<float>(titles.size()) / static_cast<float>(cols));
    return (avail_h - titles_h) / n_rows - below;
  };
  float cw = 0;
  int cols = 1;
  float h = arrange(1, cw);
  if (h < 2.0f * line) {
    float cw2 = 0;
    if (arrange(2, cw2) > h) cols = 2;
    h = arrange(cols, cw);
  }
  charts_slack_ = h / (1.2f * line);
  h = std::floor(std::clamp(h, 1.2f * line, (lay_.projector ? 6.0f : 4.0f) * line));
  if (lay_.projector) {
    float word = 0;
    for (const auto& t : titles) word = std::max(word, widest_word(t.label));
    if (word > cw)
      charts_scale_ = std::max(0.7f, charts_scale_ * cw / word * 0.98f);
    else if (word < 0.85f * cw && charts_scale_ < 1.0f)
      charts_scale_ = std::min(1.0f, charts_scale_ * 1.05f);
  }

  // Slider moves (the steering log) as weeks, marked in every chart.
  std::set<int> moves;
  for (const auto& p : s_.panes)
    if (p.sim)
      for (const auto& e : p.sim->log()) moves.insert(e.week);

  ImDrawList* dl = ImGui::GetWindowDrawList();
  float y = origin.y;
  for (std::size_t i0 = 0; i0 < titles.size(); i0 += static_cast<std::size_t>(cols)) {
    const std::size_t i1 = std::min(titles.size(), i0 + static_cast<std::size_t>(cols));
    int rows = 0;
    for (std::size_t i = i0; i < i1; ++i) rows = std::max(rows, titles[i].rows());
    for (std::size_t i = i0; i < i1; ++i) {
      const Title& t = titles[i];
      const int oi = static_cast<int>(t.o);
      const float x = origin.x + static_cast<float>(i - i0) * (cw + st.ItemSpacing.x);
      float ty = y;
      for (const auto& l : t.lines) {
        ImGui::SetCursorScreenPos(ImVec2(x, ty));
        out_.note_at("chart_title", l, ImVec2(x, ty), cw);
        ImGui::TextUnformatted(l.c_str());
        ty += text_row;
      }
      // Values right-aligned on the label's line, or on their own line below it (split: "A | B", then the difference).
      auto value_line = [&](std::span<const Segment> segs, float vy) {
        std::string all;
        float w = 0;
        for (const auto& sg : segs) all += sg.text, w += ImGui::CalcTextSize(sg.text.c_str()).x;
        const float vx = std::max(x, x + cw - w);
        out_.note_at("chart_value", all, ImVec2(vx, vy), x + cw - vx);
        ImGui::SetCursorScreenPos(ImVec2(vx, vy));
        for (std::size_t k = 0; k < segs.size(); ++k) {
          if (k) ImGui::SameLine(0, 0);
          ImGui::PushStyleColor(ImGuiCol_Text, segs[k].colour);
          ImGui::TextUnformatted(segs[k].text.c_str());
          ImGui::PopStyleColor();
        }
        return all;
      };
      std::string all;
      if (t.split) {
        Segment diff = t.values[3];
        diff.text.erase(0, diff.text.find_first_not_of(' '));
        all = value_line(std::span(t.values).first(3), ty) + "  " + value_line(std::span(&diff, 1), ty + text_row);
      } else {
        all = value_line(t.values, t.own_line ? ty : y);
      }

      const ImVec2 p0(x, y + static_cast<float>(rows) * text_row);
      dl->AddRectFilled(p0, ImVec2(p0.x + cw, p0.y + h), kChartBackground);
      // The y-axis follows the data (and the ghost line), padded, never narrower than min_span.
      const double level0 = s_.panes[0].src->history().front().v[oi];
      double lo = ref ? 1e300 : level0, hi = ref ? -1e300 : level0;
      std::size_t len = 1;
      auto extend = [&](const std::vector<WeekOutcomes>& hist) {
        len = std::max(len, hist.size());
        for (const auto& r : hist) lo = std::min(lo, r.v[oi]), hi = std::max(hi, r.v[oi]);
      };
      for (const auto& p : s_.panes) extend(p.src->history());
      if (ref) extend(*ref);
      const double data_lo = lo, pad = 0.08 * (hi - lo), span = min_span(t.o, lo, hi);
      lo -= pad, hi += pad;
      if (hi - lo < span) {
        const double mid = 0.5 * (lo + hi);
        lo = mid - 0.5 * span, hi = mid + 0.5 * span;
      }
      // A series that never goes below zero gets no axis below zero.
      if (lo < 0 && data_lo >= 0) hi -= lo, lo = 0;
      const float xs = cw / static_cast<float>(std::max<std::size_t>(len - 1, 1));
      auto y_of = [&](double v) { return p0.y + h - h * static_cast<float>((v - lo) / (hi - lo)); };
      dl->PushClipRect(p0, ImVec2(p0.x + cw, p0.y + h), true);
      for (const int wk : moves) {
        const float mx = p0.x + xs * static_cast<float>(wk);
        dl->AddLine(ImVec2(mx, p0.y), ImVec2(mx, p0.y + h), kMarkerColour, 1.5f);
      }
      auto polyline = [&](const std::vector<WeekOutcomes>& hist, ImU32 c, float thick) {
        std::vector<ImVec2> pts;
        pts.reserve(hist.size());
        for (std::size_t k = 0; k < hist.size(); ++k) pts.emplace_back(p0.x + xs * static_cast<float>(k), y_of(hist[k].v[oi]));
        if (pts.size() > 1) dl->AddPolyline(pts.data(), static_cast<int>(pts.size()), c, 0, thick);
      };
      // Ghost line: the reference run (workshop: the first scenario) or, without one, the week-0 level.
      if (ref)
        polyline(*ref, kGhostColour, 1.5f);
      else
        dashed_hline(dl, p0.x, p0.x + cw, y_of(level0), kGhostColour);
      for (std::size_t k = 0; k < np; ++k) polyline(s_.panes[k].src->history(), kSeriesColour[k], 2.0f);
      // The axis range, small, in the corners: the axis does not start at zero, so say where it does.
      const float small = 0.66f * ImGui::GetFontSize();
      if (h >= 2.2f * small) {
        auto axis_text = [&](double v, float ay) {
          const std::string txt = outcome_number(t.o, v);
          const float tw = ImGui::GetFont()->CalcTextSizeA(small, 1e9f, 0, txt.c_str()).x;
          dl->AddRectFilled(ImVec2(p0.x + 1, ay), ImVec2(p0.x + tw + 5, ay + small), IM_COL32(20, 24, 30, 200));
          dl->AddText(ImGui::GetFont(), small, ImVec2(p0.x + 3, ay), kAxisText, txt.c_str());
        };
        axis_text(hi, p0.y + 1);
        axis_text(lo, p0.y + h - small - 1);
      }
      dl->PopClipRect();
      report_.charts.push_back(
          {std::string(spec(t.o).name), t.label, all, p0.x, p0.y, cw, h, lo, hi, ref ? "reference" : "week0", {moves.begin(), moves.end()}});
    }
    y += static_cast<float>(rows) * text_row + h + below;
  }
  ImGui::SetCursorScreenPos(ImVec2(origin.x, y));
  ImGui::Dummy(ImVec2(avail_w, 0));
}

}  // namespace buurt::view
