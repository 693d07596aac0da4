#!/usr/bin/env bash
# The Windows installer: scripts/package-windows-installer.sh DIR → dist/netdbg-VERSION-setup.exe
#
# DIR holds what the portable zip holds (scripts/package-windows.sh calls this with its
# staging folder): netdbg.exe, README.md, LICENSE, the two font licences and
# third-party-licenses.html. packaging/windows/netdbg.nsi picks those files by name, so a
# netdbg.portable in DIR never gets in: an installed copy keeps its settings in the profile.
# VERSION comes from Cargo.toml, never from the .nsi. Installs Debian's nsis (makensis)
# when it is missing. scripts/wine-installer.sh checks the result under Wine.
set -euo pipefail
[ $# -eq 1 ] || { echo "usage: $0 DIR (with netdbg.exe and the documents)" >&2; exit 2; }
stage=$(realpath "$1")
cd "$(dirname "$0")/.."
[ -f "$stage/netdbg.exe" ] || { echo "package-windows-installer: no netdbg.exe in $stage" >&2; exit 1; }
version=$(sed -n '/^\[package\]/,/^\[/ s/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -n1)
homepage=$(sed -n '/^\[package\]/,/^\[/ s/^homepage *= *"\(.*\)"/\1/p' Cargo.toml | head -n1)
if ! command -v makensis >/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends nsis >/dev/null
fi
mkdir -p dist
out=$PWD/dist/netdbg-$version-setup.exe
args=(-V2 -WX "-DVERSION=$version" "-DSTAGE=$stage" "-DOUTFILE=$out")
[ -n "$homepage" ] && args+=("-DHOMEPAGE=$homepage")
rm -f "$out"
# -WX: a warning (a missing licence file, say) fails the build instead of scrolling by.
makensis "${args[@]}" packaging/windows/netdbg.nsi >&2
echo "dist/netdbg-$version-setup.exe"
