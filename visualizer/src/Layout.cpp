#include <algorithm>
#include <limits>
#include <unordered_map>

#include "Source.h"

namespace buurt::view {

void Layout::derive_blocks(const std::vector<std::uint32_t>& block) {
  constexpr float inf = std::numeric_limits<float>::max();
  streets.clear();
  blocks.clear();
  houses.clear();
  width = height = 1;
  if (n == 0) return;
  // Streets: the row of houses of each street; the road runs just below the houses.
  std::uint32_t max_street = 0, max_block = 0;
  for (std::size_t i = 0; i < n; ++i) {
    max_street = std::max(max_street, street[i]);
    max_block = std::max(max_block, block[i]);
  }
  std::vector<Street> st(max_street + 1, Street{inf, -inf, inf});
  std::vector<Rect> bl(max_block + 1, Rect{inf, inf, -inf, -inf});  // x0,y0,x1,y1 while collecting
  for (std::size_t i = 0; i < n; ++i) {
    Street& s = st[street[i]];
    s.x0 = std::min(s.x0, x[i]);
    s.x1 = std::max(s.x1, x[i]);
    s.y = std::min(s.y, y[i]);
    Rect& b = bl[block[i]];
    b.x = std::min(b.x, x[i]);
    b.y = std::min(b.y, y[i]);
    b.w = std::max(b.w, x[i]);
    b.h = std::max(b.h, y[i]);
    width = std::max(width, x[i] + 2.0f);
    height = std::max(height, y[i] + 2.0f);
  }
  for (auto& s : st)
    if (s.x0 <= s.x1) streets.push_back({s.x0 - 0.6f, s.x1 + 0.6f, s.y + 0.75f});
  for (auto& b : bl)
    if (b.x <= b.w) blocks.push_back({b.x - 0.9f, b.y - 0.7f, b.w - b.x + 1.8f, b.h - b.y + 1.8f});
  // Houses: one square per household, centred on its members (members of a household are consecutive).
  // Members are drawn spread out from the centre (kSpread) so each fills a visible part of the house;
  // a one-person household is drawn exactly at its kernel position.
  constexpr float kSpread = 2.2f;
  vx.assign(n, 0.0f);
  vy.assign(n, 0.0f);
  std::size_t begin = 0;
  for (std::size_t i = 1; i <= n; ++i) {
    if (i < n && household[i] == household[begin]) continue;
    float sx = 0, sy = 0;
    for (std::size_t k = begin; k < i; ++k) sx += x[k], sy += y[k];
    const float cx = sx / static_cast<float>(i - begin), cy = sy / static_cast<float>(i - begin);
    houses.push_back({cx, cy});
    for (std::size_t k = begin; k < i; ++k) {
      vx[k] = cx + kSpread * (x[k] - cx);
      vy[k] = cy + kSpread * (y[k] - cy);
    }
    begin = i;
  }
}

}  // namespace buurt::view
