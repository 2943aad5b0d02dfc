#include "MapView.h"

#include <cmath>
#include <stdexcept>

namespace buurt::view {
namespace {

void quad(sf::VertexArray& va, float x0, float y0, float x1, float y1, sf::Color c) {
  va.append({{x0, y0}, c});
  va.append({{x1, y0}, c});
  va.append({{x1, y1}, c});
  va.append({{x0, y0}, c});
  va.append({{x1, y1}, c});
  va.append({{x0, y1}, c});
}

void diamond(sf::VertexArray& va, float x, float y, float r, sf::Color c) {
  va.append({{x, y - r}, c});
  va.append({{x + r, y}, c});
  va.append({{x, y + r}, c});
  va.append({{x, y - r}, c});
  va.append({{x, y + r}, c});
  va.append({{x - r, y}, c});
}

void triangle(sf::VertexArray& va, float x, float y, float r, sf::Color c) {
  va.append({{x, y - r}, c});
  va.append({{x + r * 0.87f, y + r * 0.5f}, c});
  va.append({{x - r * 0.87f, y + r * 0.5f}, c});
}

/// A ring as triangles (outline of a circle), used for team cases, the office and meeting places.
void ring(sf::VertexArray& va, float x, float y, float r, float w, sf::Color c, int seg = 12) {
  for (int k = 0; k < seg; ++k) {
    const float a0 = 6.2831853f * static_cast<float>(k) / static_cast<float>(seg);
    const float a1 = 6.2831853f * static_cast<float>(k + 1) / static_cast<float>(seg);
    const sf::Vector2f o0(x + r * std::cos(a0), y + r * std::sin(a0)), o1(x + r * std::cos(a1), y + r * std::sin(a1));
    const sf::Vector2f i0(x + (r - w) * std::cos(a0), y + (r - w) * std::sin(a0)), i1(x + (r - w) * std::cos(a1), y + (r - w) * std::sin(a1));
    va.append({o0, c});
    va.append({o1, c});
    va.append({i1, c});
    va.append({o0, c});
    va.append({i1, c});
    va.append({i0, c});
  }
}

void square_outline(sf::VertexArray& va, float x, float y, float r, float w, sf::Color c) {
  quad(va, x - r, y - r, x + r, y - r + w, c);
  quad(va, x - r, y + r - w, x + r, y + r, c);
  quad(va, x - r, y - r, x - r + w, y + r, c);
  quad(va, x + r - w, y - r, x + r, y + r, c);
}

}  // namespace

float MapView::scale_value(const Frame& f, std::size_t i, Measure m) {
  switch (m) {
    case Measure::TotalNeed: {
      float s = 0;
      for (int d = 0; d < kDomains; ++d) s += f.need[d][i];
      return s / kTotalNeedScale;
    }
    case Measure::SelfReliance: return 1.0f - f.self_reliance[i];
    default: return f.need[static_cast<int>(m) - 1][i];
  }
}

void MapView::fill(std::vector<std::uint8_t>& px, float x0, float y0, float x1, float y1, sf::Color c) const {
  // Layout units to image pixels; a rectangle covers the pixels whose centres it contains (at least one).
  const float ax = ox_ - rect_.left, ay = oy_ - rect_.top;
  int i0 = static_cast<int>(std::lround(ax + x0 * scale_)), i1 = static_cast<int>(std::lround(ax + x1 * scale_));
  int j0 = static_cast<int>(std::lround(ay + y0 * scale_)), j1 = static_cast<int>(std::lround(ay + y1 * scale_));
  if (i1 <= i0) i1 = i0 + 1;
  if (j1 <= j0) j1 = j0 + 1;
  i0 = std::max(i0, 0);
  j0 = std::max(j0, 0);
  i1 = std::min(i1, static_cast<int>(iw_));
  j1 = std::min(j1, static_cast<int>(ih_));
  for (int j = j0; j < j1; ++j) {
    std::uint8_t* row = px.data() + (static_cast<std::size_t>(j) * iw_) * 4;
    for (int i = i0; i < i1; ++i) {
      std::uint8_t* q = row + static_cast<std::size_t>(i) * 4;
      q[0] = c.r;
      q[1] = c.g;
      q[2] = c.b;
      q[3] = 255;
    }
  }
}

void MapView::blend_line(float x0, float y0, float x1, float y1, sf::Color c, float alpha) {
  // DDA in image pixels, one blended pixel per step along the longer axis (like a 1-px GL line).
  const float ax = ox_ - rect_.left, ay = oy_ - rect_.top;
  const float px0 = ax + x0 * scale_, py0 = ay + y0 * scale_, px1 = ax + x1 * scale_, py1 = ay + y1 * scale_;
  const int steps = static_cast<int>(std::ceil(std::max(std::abs(px1 - px0), std::abs(py1 - py0))));
  const float a = std::clamp(alpha, 0.0f, 1.0f), b = 1.0f - a;
  for (int k = 0; k <= steps; ++k) {
    const float t = steps ? static_cast<float>(k) / static_cast<float>(steps) : 0.0f;
    const int i = static_cast<int>(px0 + t * (px1 - px0)), j = static_cast<int>(py0 + t * (py1 - py0));
    if (i < 0 || j < 0 || i >= static_cast<int>(iw_) || j >= static_cast<int>(ih_)) continue;
    std::uint8_t* q = pixels_.data() + (static_cast<std::size_t>(j) * iw_ + static_cast<std::size_t>(i)) * 4;
    q[0] = static_cast<std::uint8_t>(a * c.r + b * q[0]);
    q[1] = static_cast<std::uint8_t>(a * c.g + b * q[1]);
    q[2] = static_cast<std::uint8_t>(a * c.b + b * q[2]);
  }
}

void MapView::build_static(const Layout& l) {
  base_.assign(static_cast<std::size_t>(iw_) * ih_ * 4, 0);
  for (std::size_t k = 0; k < base_.size(); k += 4) {
    base_[k] = kBackground.r;
    base_[k + 1] = kBackground.g;
    base_[k + 2] = kBackground.b;
    base_[k + 3] = 255;
  }
  for (const auto& b : l.blocks) fill(base_, b.x, b.y, b.x + b.w, b.y + b.h, kBlock);
  for (const auto& s : l.streets) fill(base_, s.x0, s.y - 0.22f, s.x1, s.y + 0.22f, kStreet);
  for (const auto& h : l.houses) fill(base_, h[0] - 0.48f, h[1] - 0.52f, h[0] + 0.48f, h[1] + 0.52f, kHouse);
  static_for_ = &l;
  static_n_ = l.n;
  static_scale_ = scale_;
}

void MapView::build_dynamic(const Source& src, const Options& opt) {
  const Layout& l = src.layout();
  const Frame& f = src.frame();
  const std::size_t n = l.n;
  const float px = 1.0f / scale_;  // one pixel in layout units
  // Residents: squares of at least 2x2 pixels (1 pixel when they are closer than that), team cases ringed.
  pixels_ = base_;
  const float r = std::max(0.17f, 1.0f * px), rv = std::max(0.24f, 1.0f * px);  // half width, half height
  const float pad = 1.5f * px;
  for (std::size_t i = 0; i < n; ++i) {
    if (f.flags[i] & kInTeam) fill(pixels_, l.vx[i] - r - pad, l.vy[i] - rv - pad, l.vx[i] + r + pad, l.vy[i] + rv + pad, kColTeamCase);
  }
  for (std::size_t i = 0; i < n; ++i) fill(pixels_, l.vx[i] - r, l.vy[i] - rv, l.vx[i] + r, l.vy[i] + rv, scale_colour(scale_value(f, i, opt.measure)));

  lines_.clear();
  // Big neighbourhoods have thousands of help lines a week: drawn into the image (no fading) they cost
  // nothing per frame; small ones keep them as a vertex array that fades during the week.
  const bool bake = n > kBakeLinesAbove;
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint32_t h = f.helper[i];
    if (h == kNone || h >= n) continue;
    const int d = f.ask_domain[i];
    sf::Color c = d >= 0 && d < kDomains ? kDomainColours[static_cast<std::size_t>(d)] : sf::Color(200, 200, 200);
    if (bake) {
      blend_line(l.vx[h], l.vy[h], l.vx[i], l.vy[i], c, kBakedLineAlpha);
      continue;
    }
    c.a = static_cast<std::uint8_t>(std::lround(255.0f * std::clamp(opt.line_alpha, 0.0f, 1.0f)));
    lines_.append({{l.vx[h], l.vy[h]}, c});
    lines_.append({{l.vx[i], l.vy[i]}, c});
  }
  texture_->update(pixels_.data());

  symbols_.clear();
  const float s = std::max(0.34f, 5.0f * px);  // symbol radius
  const float w = std::max(0.08f, 1.6f * px);  // outline width
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint8_t fl = f.flags[i];
    if (fl & kVolunteer) triangle(symbols_, l.vx[i], l.vy[i] - s * 1.2f, s * 0.6f, kColVolunteer);
    if (fl & kCommunityManager) {
      diamond(symbols_, l.vx[i], l.vy[i], s * 1.15f, kColCommunityManager);
      diamond(symbols_, l.vx[i], l.vy[i], s * 0.7f, scale_colour(scale_value(f, i, opt.measure)));
    }
  }
  for (const auto& in : f.initiatives) {
    if (!in.active) continue;
    const float R = std::max(0.9f, 9.0f * px);
    ring(symbols_, in.x, in.y, R, std::max(0.15f, 2.5f * px), kColInitiative, 16);
    diamond(symbols_, in.x, in.y, R * 0.45f, kColInitiative);
  }
  if (f.has_team && f.team.fte > 0) {
    const float R = std::max(1.1f, 11.0f * px);
    quad(symbols_, f.team.x - R, f.team.y - R, f.team.x + R, f.team.y + R, kBackground);
    square_outline(symbols_, f.team.x, f.team.y, R, std::max(0.18f, 3.0f * px), kColOffice);
    quad(symbols_, f.team.x - R * 0.5f, f.team.y - R * 0.5f, f.team.x + R * 0.5f, f.team.y + R * 0.5f, kColOffice);
  }

  // Hovered / followed resident: ties as lines, the resident ringed.
  overlay_.clear();
  std::vector<TieView> ties;
  for (int who : {opt.hovered, opt.followed}) {
    if (who < 0 || static_cast<std::size_t>(who) >= n) continue;
    src.ties_of(static_cast<std::uint32_t>(who), ties);
    for (const auto& t : ties) {
      if (t.other >= n) continue;
      sf::Color c = kTieColours[std::min<std::size_t>(t.kind, kTieColours.size() - 1)];
      c.a = static_cast<std::uint8_t>(90 + 165 * std::clamp(t.strength, 0.0f, 1.0f));
      overlay_.append({{l.vx[static_cast<std::size_t>(who)], l.vy[static_cast<std::size_t>(who)]}, c});
      overlay_.append({{l.vx[t.other], l.vy[t.other]}, c});
    }
    ring(symbols_, l.vx[static_cast<std::size_t>(who)], l.vy[static_cast<std::size_t>(who)], s * 1.6f, w * 1.5f, sf::Color::White, 16);
  }
}

void MapView::draw(sf::RenderTarget& target, const Source& src, const sf::FloatRect& rect, const Options& opt) {
  const Layout& l = src.layout();
  rect_ = rect;
  const float s = 0.98f * std::min(rect.width / l.width, rect.height / l.height);
  scale_ = s > 0 ? s : 1.0f;
  ox_ = rect.left + 0.5f * (rect.width - l.width * scale_);
  oy_ = rect.top + 0.5f * (rect.height - l.height * scale_);
  const auto iw = static_cast<unsigned>(std::max(1.0f, std::floor(rect.width))), ih = static_cast<unsigned>(std::max(1.0f, std::floor(rect.height)));
  if (!texture_ || iw != iw_ || ih != ih_) {
    iw_ = iw;
    ih_ = ih;
    if (!texture_) texture_ = std::make_unique<sf::Texture>();
    if (!texture_->create(iw_, ih_)) throw std::runtime_error("cannot create the map texture");
    static_for_ = nullptr;
  }
  if (static_for_ != &l || static_n_ != l.n || static_scale_ != scale_) {
    build_static(l);
    built_src_ = nullptr;
  }
  if (opt.force_rebuild || built_src_ != &src || built_version_ != src.version() || built_measure_ != opt.measure || built_scale_ != scale_ ||
      built_hover_ != opt.hovered || built_follow_ != opt.followed) {
    build_dynamic(src, opt);
    built_src_ = &src;
    built_version_ = src.version();
    built_measure_ = opt.measure;
    built_scale_ = scale_;
    built_hover_ = opt.hovered;
    built_follow_ = opt.followed;
  } else if (lines_.getVertexCount()) {
    // Only the fade changed: update alpha in place.
    const auto a = static_cast<std::uint8_t>(std::lround(255.0f * std::clamp(opt.line_alpha, 0.0f, 1.0f)));
    for (std::size_t k = 0; k < lines_.getVertexCount(); ++k) lines_[k].color.a = a;
  }
  sf::Sprite sprite(*texture_);
  sprite.setPosition(rect.left, rect.top);
  target.draw(sprite, sf::RenderStates(sf::BlendNone));  // opaque: no blending cost under software GL
  sf::RenderStates st;
  st.transform.translate(ox_, oy_).scale(scale_, scale_);
  target.draw(lines_, st);
  target.draw(overlay_, st);
  target.draw(symbols_, st);
}

int MapView::pick(const Source& src, sf::Vector2f px) const {
  if (!rect_.contains(px)) return -1;
  const Layout& l = src.layout();
  const float x = (px.x - ox_) / scale_, y = (px.y - oy_) / scale_;
  const float max_d = std::max(0.3f, 6.0f / scale_);
  float best = max_d * max_d;
  int who = -1;
  for (std::size_t i = 0; i < l.n; ++i) {
    const float dx = l.vx[i] - x, dy = l.vy[i] - y;
    const float d = dx * dx + dy * dy;
    if (d < best) {
      best = d;
      who = static_cast<int>(i);
    }
  }
  return who;
}

}  // namespace buurt::view
