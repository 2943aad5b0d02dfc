#pragma once
/// The slider log of a session file: /steering/{week,key,value}.
#include <hdf5.h>

#include <optional>
#include <vector>

#include "Source.h"

namespace buurt::view {

/// Write /steering (datasets week int32, key and value strings; value is a TOML literal).
void write_steering(hid_t root, const std::vector<SteerEntry>& log);
/// Read /steering if the file has it.
std::optional<std::vector<SteerEntry>> read_steering(hid_t root);

}  // namespace buurt::view
