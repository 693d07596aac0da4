#!/usr/bin/env bash
# The Windows zip's exe in portable mode under Wine: its settings go to the
# `settings` folder beside the exe, not to the Wine profile's AppData.
#
#   scripts/wine-portable.sh [dist/netdbg-VERSION-windows-x86_64.zip]
#
# Unzips into a temp folder, adds the bcryptprimitives.dll stand-in Wine 8 needs
# (windows/README.md), starts netdbg.exe in Xvfb, clicks the TCP server tab, waits
# for eframe's 30 s save, and checks where app.ron landed. Prints PASS or FAIL.
set -uo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
zip_file=$(realpath "${1:-$(ls "$repo"/dist/netdbg-*-windows-x86_64.zip 2>/dev/null | tail -n1)}" 2>/dev/null)
[ -f "$zip_file" ] || { echo "FAIL wine-portable: no zip (scripts/package-windows.sh makes one)"; exit 1; }
tmp=$(mktemp -d)
export WINEPREFIX=${NETDBG_WINEPREFIX:-$HOME/.cache/netdbg-wine} WINEARCH=win64 WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
disp=:$((600 + RANDOM % 300))
cleanup() { kill "${app:-}" "${xvfb:-}" 2>/dev/null; timeout 15 wineserver -k >/dev/null 2>&1; rm -rf "$tmp"; }
trap cleanup EXIT
(cd "$tmp" && unzip -q "$zip_file")
dir=$(ls -d "$tmp"/netdbg-*-windows-x86_64)
"$repo/windows/bcryptprimitives/build.sh" "$dir" >/dev/null || { echo "FAIL wine-portable: no bcryptprimitives.dll"; exit 1; }
[ -f "$WINEPREFIX/system.reg" ] || timeout 300 wineboot -u >/dev/null 2>&1
# Anything an earlier run left in the profile would make the check below meaningless.
rm -rf "$WINEPREFIX"/drive_c/users/*/AppData/Roaming/netdbg
Xvfb "$disp" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & xvfb=$!
sleep 1
(cd "$dir" && DISPLAY=$disp NETDBG_LANG=en exec wine ./netdbg.exe >/dev/null 2>&1) & app=$!
wid=""
for _ in $(seq 60); do
  wid=$(DISPLAY=$disp xdotool search --onlyvisible --name netdbg 2>/dev/null | head -n1)
  [ -n "$wid" ] && break
  sleep 1
done
[ -n "$wid" ] || { echo "FAIL wine-portable: no window"; exit 1; }
sleep 3
DISPLAY=$disp xdotool mousemove --window "$wid" 96 12 click 1
sleep 33
# A frame after the 30 s mark, for eframe's periodic save to run.
DISPLAY=$disp xdotool mousemove --window "$wid" 300 300 mousemove --window "$wid" 310 310
sleep 3
profile=$(ls -d "$WINEPREFIX"/drive_c/users/*/AppData/Roaming/netdbg 2>/dev/null)
if [ -f "$dir/settings/app.ron" ] && grep -q 'tab:TcpServer' "$dir/settings/app.ron" && [ -z "$profile" ]; then
  echo "PASS wine-portable: settings beside the exe ($(basename "$dir")/settings/app.ron), none in the profile"
else
  echo "FAIL wine-portable: beside the exe: $(ls "$dir/settings" 2>&1 | tr '\n' ' '); in the profile: ${profile:-nothing}"
  exit 1
fi
