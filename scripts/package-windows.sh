#!/usr/bin/env bash
# The Windows packages: scripts/package-windows.sh → dist/netdbg-VERSION-windows-x86_64.zip
#                                                    dist/netdbg-VERSION-setup.exe
#
# Holds netdbg.exe, README.md, LICENSE, the third-party licences (when
# scripts/licenses.sh is there to write them) and netdbg.portable: unzipped
# anywhere writable (a USB stick), the settings stay in a `settings` folder beside
# the exe. Delete netdbg.portable to keep them in the Windows profile instead.
# The installer (scripts/package-windows-installer.sh, NSIS) holds the same files
# without netdbg.portable.
# Cross-builds the exe first (scripts/build-windows.sh), unless EXE=PATH is given.
set -euo pipefail
cd "$(dirname "$0")/.."
version=$(sed -n 's/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -n1)
exe=${EXE:-}
if [ -z "$exe" ]; then
  scripts/build-windows.sh >&2
  exe="${CARGO_TARGET_DIR:-target}/x86_64-pc-windows-gnu/release/netdbg.exe"
fi
command -v zip >/dev/null || {
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get install -y -qq zip >/dev/null
}
name="netdbg-$version-windows-x86_64"
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/$name" dist
cp "$exe" "$stage/$name/netdbg.exe"
cp README.md LICENSE "$stage/$name/"
cp assets/fonts/LICENSE-DroidSansFallback.txt assets/fonts/LICENSE-NotoSansCJK.txt "$stage/$name/"
if [ -x scripts/licenses.sh ]; then
  scripts/licenses.sh "$stage/$name/third-party-licenses.html" x86_64-pc-windows-gnu >&2
else
  echo "package-windows: scripts/licenses.sh not found; no third-party licence file" >&2
fi
# The installer first, from the same files, before the portable marker joins them.
scripts/package-windows-installer.sh "$stage/$name" >&2
: >"$stage/$name/netdbg.portable"
rm -f "dist/$name.zip"
(cd "$stage" && zip -qr9 - "$name") >"dist/$name.zip"
echo "dist/$name.zip"
echo "dist/netdbg-$version-setup.exe"
