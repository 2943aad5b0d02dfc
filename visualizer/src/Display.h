#pragma once
/// Whether a window can be opened at all, asked before anything that needs one (SFML aborts without a display).
#include <string>

namespace buurt::view {

/// True when the X display (DISPLAY) can be opened; otherwise false and `why` says what is missing. The test
/// connection stays open until close_display_probe(): an X server with no client left resets itself (Xvfb does),
/// and a window opened during the reset fails.
bool display_available(std::string& why);
/// Closes the connection display_available() opened (call once the window has its own).
void close_display_probe();

}  // namespace buurt::view
