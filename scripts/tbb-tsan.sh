#!/usr/bin/env bash
# Build oneTBB with ThreadSanitizer from Debian's own source package (the version of libtbb-dev) into
# build/tbb-tsan/install, for the `tsan` preset (scripts/sanitize.sh tsan). Debian's libtbb is not
# built with ThreadSanitizer, so TSan could not see the synchronisation of TBB's task scheduler and
# would report every parallel loop's fork and join as a race (docs/hardening.md).
# Prints the TBB_DIR to pass to CMake. About 1 MB download and 10-30 s of build on 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD/build/tbb-tsan
dir=$root/install/lib/cmake/TBB
if [ -f "$dir/TBBConfig.cmake" ]; then echo "$dir"; exit 0; fi
mkdir -p "$root/apt/lists/partial"
ver=$(dpkg-query -W -f='${source:Version}' libtbb-dev 2>/dev/null || true)
[ -n "$ver" ] || { echo "tbb-tsan: libtbb-dev is not installed (scripts/setup.sh)" >&2; exit 1; }
# deb-src lines for the same archive that apt installs from (bookworm + security), in a private list.
{
  echo "deb-src http://deb.debian.org/debian bookworm main"
  echo "deb-src http://deb.debian.org/debian bookworm-updates main"
  echo "deb-src http://deb.debian.org/debian-security bookworm-security main"
} > "$root/apt/sources.list"
apt_opts=(-o Dir::Etc::SourceList="$root/apt/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o Dir::State::Lists="$root/apt/lists" -o Debug::NoLocking=1 -o APT::Sandbox::User=root -qq)
( cd "$root" && apt-get "${apt_opts[@]}" update >&2 && apt-get "${apt_opts[@]}" --download-only source "onetbb=$ver" >&2 )
rm -rf "$root/src"
dpkg-source -x --no-check "$root"/onetbb_"${ver#*:}".dsc "$root/src" > /dev/null
CC=clang CXX=clang++ cmake -S "$root/src" -B "$root/build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DTBB_SANITIZE=thread -DTBB_TEST=OFF -DTBB_EXAMPLES=OFF \
  -DTBBMALLOC_BUILD=OFF -DTBB_STRICT=OFF -DCMAKE_INSTALL_PREFIX="$root/install" > "$root/configure.log" 2>&1 \
  || { cat "$root/configure.log" >&2; exit 1; }
cmake --build "$root/build" -j"$(nproc)" > "$root/build.log" 2>&1 || { tail -30 "$root/build.log" >&2; exit 1; }
cmake --install "$root/build" > /dev/null
echo "$dir"
