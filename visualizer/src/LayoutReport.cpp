#include "LayoutReport.h"

#include <fmt/format.h>

#include <fstream>
#include <stdexcept>

namespace buurt::view {
namespace {

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (const char c : s) {
    if (c == '"' || c == '\\')
      out += fmt::format("\\{}", c);
    else if (static_cast<unsigned char>(c) < 0x20)
      out += fmt::format("\\u{:04x}", static_cast<int>(c));
    else
      out += c;
  }
  return out + "\"";
}

}  // namespace

void LayoutReport::write(const std::string& path, unsigned width, unsigned height, float font_px, long frames, bool quit_by_key, int scenario, int page,
                         int pages) const {
  std::ofstream f(path);
  if (!f) throw std::runtime_error(fmt::format("cannot write '{}'", path));
  f << fmt::format("{{\n  \"window\": [{}, {}],\n  \"font_px\": {:.1f},\n  \"layout\": {},\n  \"frames\": {},\n  \"quit_by_key\": {},\n", width, height,
                   font_px, quoted(layout), frames, quit_by_key ? "true" : "false");
  f << fmt::format("  \"scenario\": {},\n  \"page\": [{}, {}],\n  \"difference\": {},\n  \"header\": [", scenario, page, pages, quoted(difference));
  for (std::size_t k = 0; k < header.size(); ++k) f << (k ? ", " : "") << quoted(header[k]);
  f << "],\n  \"charts\": [";
  for (std::size_t k = 0; k < charts.size(); ++k) {
    const Chart& c = charts[k];
    std::string marks;
    for (std::size_t j = 0; j < c.markers.size(); ++j) marks += fmt::format("{}{}", j ? ", " : "", c.markers[j]);
    f << (k ? "," : "") << "\n    "
      << fmt::format(
             "{{\"outcome\": {}, \"title\": {}, \"value\": {}, \"rect\": [{:.1f}, {:.1f}, {:.1f}, {:.1f}], \"y_range\": [{:.9g}, {:.9g}], \"ghost\": {}, "
             "\"markers\": [{}]}}",
             quoted(c.outcome), quoted(c.title), quoted(c.value), c.x, c.y, c.w, c.h, c.lo, c.hi, quoted(c.ghost), marks);
  }
  f << "\n  ],\n  \"labels\": [";
  for (std::size_t k = 0; k < labels.size(); ++k) {
    const Label& l = labels[k];
    f << (k ? "," : "") << "\n    "
      << fmt::format("{{\"kind\": {}, \"text\": {}, \"x\": {:.1f}, \"y\": {:.1f}, \"width\": {:.1f}, \"box\": {:.1f}, \"height\": {:.1f}, \"bottom\": {:.1f}}}",
                     quoted(l.kind), quoted(l.text), l.x, l.y, l.width, l.box, l.height, l.bottom);
  }
  f << "\n  ]\n}\n";
  if (!f) throw std::runtime_error(fmt::format("cannot write '{}'", path));
}

}  // namespace buurt::view
