#pragma once
/// The per-resident snapshot variables of a run file, declared once in SnapshotVars.def.
#include <array>
#include <cstdint>
#include <string_view>

namespace buurt {

enum class SnapshotVar : int {
#define X(id, name, type, unit) id,
#include "buurt/schema/SnapshotVars.def"
#undef X
  Count
};
inline constexpr int kNumSnapshotVars = static_cast<int>(SnapshotVar::Count);

struct SnapshotVarSpec {
  std::string_view name;  ///< dataset name under /snapshots
  std::string_view unit;  ///< its `unit` attribute
};
inline constexpr std::array<SnapshotVarSpec, kNumSnapshotVars> kSnapshotVars = {{
#define X(id, name, type, unit) {name, unit},
#include "buurt/schema/SnapshotVars.def"
#undef X
}};

/// The stored element type of a snapshot variable: `SnapshotType<SnapshotVar::flags>` is std::uint8_t.
template <SnapshotVar>
struct SnapshotTypeOf;
#define X(id, name, type_, unit)           \
  template <>                              \
  struct SnapshotTypeOf<SnapshotVar::id> { \
    using type = type_;                    \
  };
#include "buurt/schema/SnapshotVars.def"
#undef X
template <SnapshotVar v>
using SnapshotType = typename SnapshotTypeOf<v>::type;

constexpr std::string_view snapshot_name(SnapshotVar v) { return kSnapshotVars[static_cast<std::size_t>(v)].name; }
/// The need snapshot of domain d (0..4, in the order of kDomainNames).
constexpr SnapshotVar need_snapshot(int d) { return static_cast<SnapshotVar>(static_cast<int>(SnapshotVar::need_income) + d); }

}  // namespace buurt
