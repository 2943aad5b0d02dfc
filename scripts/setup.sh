#!/usr/bin/env bash
# Installs exactly the Debian 12 packages Buurtkracht needs that are missing.
# Idempotent: runs `apt-get update` at most once, and only when something is missing.
# Usage: scripts/setup.sh [core|test|all]   (default: all)
set -euo pipefail
profile=${1:-all}

core=(build-essential cmake ninja-build pkg-config git
      libtbb-dev libhdf5-dev hdf5-tools libboost-all-dev libtomlplusplus-dev
      libcli11-dev librandom123-dev libspdlog-dev libfmt-dev
      libsfml-dev libimgui-dev libgl-dev libx11-dev ffmpeg fonts-dejavu-core
      libopenmpi-dev openmpi-bin
      python3 python3-h5py python3-numpy python3-pandas python3-scipy
      python3-matplotlib python3-statsmodels python3-jinja2 python3-sklearn
      weasyprint poppler-utils)
test=(libgtest-dev googletest libbenchmark-dev python3-pytest xvfb xauth
      clang libclang-rt-14-dev clang-format-14 binutils
      slurm-wlm munge)

want=("${core[@]}")
case "$profile" in
  core) ;;
  test|all) want+=("${test[@]}") ;;
  *) echo "usage: $0 [core|test|all]" >&2; exit 2 ;;
esac

# `import analysis` from any folder with Debian's Python: a .pth file naming this checkout (docs/analysis.md).
root=$(cd "$(dirname "$0")/.." && pwd)
install_analysis_path() {
  [ -x /usr/bin/python3 ] || return 0
  local site
  site=$(/usr/bin/python3 -c "import site; print(site.getsitepackages()[0])" 2>/dev/null) || return 0
  local pth="$site/buurtkracht.pth"
  [ -f "$pth" ] && [ "$(cat "$pth")" = "$root" ] && return 0
  if [ "$(id -u)" -eq 0 ]; then mkdir -p "$site" && echo "$root" > "$pth"
  elif command -v sudo > /dev/null; then sudo mkdir -p "$site" && echo "$root" | sudo tee "$pth" > /dev/null
  else echo "setup: cannot write $pth (not root): use PYTHONPATH=$root" >&2; return 0
  fi
  echo "setup: /usr/bin/python3 finds the analysis package of $root ($pth)"
}

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#want[@]} packages present"
  install_analysis_path
  exit 0
fi
echo "setup: installing ${#missing[@]} missing packages: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
install_analysis_path
