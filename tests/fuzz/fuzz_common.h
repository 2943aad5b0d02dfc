#pragma once
// Shared helpers of the fuzz targets: a private scratch directory and whole-file writes.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

namespace buurt_fuzz {

/// One scratch directory per process (removed at exit), e.g. /tmp/buurt-fuzz-XXXXXX.
inline const std::filesystem::path& scratch() {
  static const std::filesystem::path dir = [] {
    std::string tmpl = (std::filesystem::temp_directory_path() / "buurt-fuzz-XXXXXX").string();
    if (!::mkdtemp(tmpl.data())) std::abort();
    std::filesystem::path p = tmpl;
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove_all(scratch(), ec);
    });
    return p;
  }();
  return dir;
}

inline void write_file(const std::filesystem::path& p, std::string_view bytes) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) std::abort();
}

/// A finding: print what broke and abort so that libFuzzer saves the input.
[[noreturn]] inline void bug(const char* target, const char* what) {
  std::fprintf(stderr, "\n*** %s: unexpected exception: %s\n", target, what);
  std::abort();
}

}  // namespace buurt_fuzz
