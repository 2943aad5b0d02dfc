// Kept apart from the rest: Xlib's macros (None, Status, KeyPress, ...) clash with SFML's and ImGui's names.
#include "Display.h"

#include <fmt/format.h>

#include <cstdlib>

#if defined(BUURT_VIEW_X11)
#include <X11/Xlib.h>
#endif

namespace buurt::view {

#if defined(BUURT_VIEW_X11)
namespace {
Display* g_probe = nullptr;
}

bool display_available(std::string& why) {
  // SFML opens the display named by DISPLAY the same way, and aborts the process when it cannot.
  if (g_probe || (g_probe = XOpenDisplay(nullptr))) return true;
  const char* name = std::getenv("DISPLAY");
  why = name && *name ? fmt::format("cannot open the X display '{}'", name) : std::string("DISPLAY is not set");
  return false;
}

void close_display_probe() {
  if (g_probe) XCloseDisplay(g_probe);
  g_probe = nullptr;
}
#else
bool display_available(std::string&) { return true; }
void close_display_probe() {}
#endif

}  // namespace buurt::view
