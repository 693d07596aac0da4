#!/usr/bin/env bash
# Build the Wine-only bcryptprimitives.dll stand-in (see ../README.md).
#   windows/bcryptprimitives/build.sh OUT_DIR   -> OUT_DIR/bcryptprimitives.dll
set -euo pipefail
out=${1:?usage: build.sh OUT_DIR}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cc=${CC_MINGW:-x86_64-w64-mingw32-gcc}
command -v "$cc" >/dev/null || { echo "build.sh: $cc not found (apt-get install gcc-mingw-w64-x86-64)" >&2; exit 1; }
mkdir -p "$out"
"$cc" -shared -O2 -s -Wall -Wextra \
  -o "$out/bcryptprimitives.dll" \
  "$here/bcryptprimitives.c" "$here/bcryptprimitives.def" \
  -ladvapi32 -static-libgcc
echo "built $out/bcryptprimitives.dll"
