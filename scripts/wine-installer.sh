#!/usr/bin/env bash
# The Windows installer end to end under Wine (Debian 12: Wine 8), headless, in a
# throwaway Wine prefix (never ~/.wine or the other scripts' prefix):
#
#   scripts/wine-installer.sh [dist/netdbg-VERSION-setup.exe]
#       default: the newest dist/netdbg-*-setup.exe (scripts/package.sh windows makes it)
#
# Checks, each printing PASS or FAIL (the exit status is non-zero if any fails):
#   install        `setup.exe /S` ends with exit 0
#   files          Program Files\netdbg holds netdbg.exe, README.md, LICENSE, the font
#                  licence, third-party-licenses.html and Uninstall.exe, and no netdbg.portable
#   shortcut       the all-users Start-menu netdbg.lnk, pointing at the installed exe
#   registry       the Uninstall\netdbg key with every value Apps & features reads
#   version        the installed `netdbg.exe --version` says this version
#   window         the installed netdbg.exe opens its window, and closes on Alt+F4
#   in-use         while it runs, the uninstaller refuses (exit 2) and removes nothing
#   profile        its settings went to %APPDATA%\netdbg, not beside the exe (no portable mode)
#   uninstall      the QuietUninstallString (`Uninstall.exe /S`) removes the folder, the
#                  shortcut and the key (NSIS uninstallers copy themselves to %TEMP% and
#                  return at once, so this waits for them to go, with a deadline)
#   temp-copy      after a (Wine) restart, that %TEMP% copy is gone too
#   leftovers      compared with before the install, drive C: has nothing new but the
#                  user's settings (kept on purpose), and the registry names netdbg nowhere
#   host-menu      Wine's menu builder put nothing on the Linux desktop
#
# Environment: KEEP=1 keeps the temp folder (prefix, logs); INSTALLER_TIMEOUT=SECS bounds the
# whole run (default 600; a run takes about a minute). Everything started here (Xvfb, the
# prefix's wineserver and processes) is stopped on exit. The bcryptprimitives.dll stand-in
# that Wine 8 needs (windows/README.md) goes into the throwaway prefix's system32, not into
# the install folder, so the uninstaller is judged on what the installer made.
set -uo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
say() { printf 'wine-installer: %s\n' "$*" >&2; }
die() { say "$*"; exit 2; }

setup_arg=${1:-$(ls "$repo"/dist/netdbg-*-setup.exe 2>/dev/null | sort -V | tail -n1)}
[[ -n $setup_arg && -f $setup_arg ]] || die "no installer (scripts/package.sh windows makes dist/netdbg-VERSION-setup.exe)"
setup=$(realpath "$setup_arg")
version=$(sed -n '/^\[package\]/,/^\[/ s/^version *= *"\(.*\)"/\1/p' "$repo/Cargo.toml" | head -n1)
timeout_all=${INSTALLER_TIMEOUT:-600}

# --- tools -------------------------------------------------------------------------------
need=()
command -v wine >/dev/null || need+=(wine wine64)
command -v Xvfb >/dev/null || need+=(xvfb)
command -v xdotool >/dev/null || need+=(xdotool)
command -v x86_64-w64-mingw32-gcc >/dev/null || need+=(gcc-mingw-w64-x86-64)
command -v python3 >/dev/null || need+=(python3)
if ((${#need[@]})); then
  [[ $(id -u) == 0 ]] || die "missing packages (${need[*]}); run as root or install them"
  say "installing ${need[*]} ..."
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null) \
    || die "could not install ${need[*]}"
fi

# --- the throwaway prefix and everything Wine could touch outside it ------------------------
t0=$(date +%s)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/netdbg-wine-installer.XXXXXX")
export WINEPREFIX=$tmp/prefix WINEARCH=win64 WINEDEBUG=-all
# No Mono/Gecko download prompts; no winemenubuilder, which turns a Start-menu .lnk into a
# .desktop file on the Linux desktop. Its output would go to these folders anyway.
export WINEDLLOVERRIDES="mscoree,mshtml=;winemenubuilder.exe=d"
export XDG_DATA_HOME=$tmp/xdg-data XDG_CONFIG_HOME=$tmp/xdg-config
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME"

xvfb_pid="" app_pid="" failed=0 pending=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  [[ -n $app_pid ]] && kill "$app_pid" 2>/dev/null
  # This prefix's wineserver and whatever it still runs (only ours: the prefix is new).
  if [[ -d $WINEPREFIX ]]; then timeout 15 wineserver -k >/dev/null 2>&1; timeout 10 wineserver -w >/dev/null 2>&1; fi
  [[ -n $xvfb_pid ]] && kill "$xvfb_pid" 2>/dev/null
  [[ -n ${watchdog_pid:-} ]] && kill "$watchdog_pid" 2>/dev/null
  if ((failed)) || ((rc != 0)) || [[ ${KEEP:-} == 1 ]]; then
    say "kept $tmp (prefix, logs)"
  else
    rm -rf "$tmp"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'say "interrupted"; exit 130' INT TERM

# Hard limit for the whole run.
main_pid=$$
( sleep "$timeout_all" & s=$!; trap 'kill $s 2>/dev/null; exit 0' TERM; wait "$s" || exit 0
  say "gave up after ${timeout_all}s"; kill -TERM "$main_pid" ) 2>/dev/null &
watchdog_pid=$!

result() { # NAME PASS|FAIL DETAIL...
  local name=$1 status=$2; shift 2
  [[ $status == PASS ]] || failed=1
  printf '%s %s: %s\n' "$status" "$name" "$*"
}

# wait_for SECONDS COMMAND...: until COMMAND succeeds; false at the deadline.
wait_for() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

Xvfb -displayfd 8 -screen 0 1280x800x24 -nolisten tcp 8>"$tmp/display" >/dev/null 2>&1 &
xvfb_pid=$!
wait_for 10 test -s "$tmp/display" || die "Xvfb did not start"
DISPLAY=:$(head -n1 "$tmp/display")
export DISPLAY

say "creating the Wine prefix $WINEPREFIX ..."
timeout 300 wineboot -u >"$tmp/wineboot.log" 2>&1 || die "wineboot failed; see $tmp/wineboot.log"
timeout 60 wineserver -w >/dev/null 2>&1
drive_c=$WINEPREFIX/drive_c
# The ProcessPrng stand-in, as a system DLL of this prefix (Wine 8 has no bcryptprimitives.dll).
"$repo/windows/bcryptprimitives/build.sh" "$drive_c/windows/system32" >/dev/null || die "could not build bcryptprimitives.dll"
say "$(wine --version 2>/dev/null), display $DISPLAY, installer $setup"

snapshot() { (cd "$drive_c" && find . -mindepth 1 | LC_ALL=C sort) }
snapshot >"$tmp/before.txt"

install_dir=$drive_c/"Program Files"/netdbg
win_install_dir='C:\Program Files\netdbg'
lnk=$drive_c/ProgramData/Microsoft/Windows/"Start Menu"/Programs/netdbg.lnk
key='HKLM\Software\Microsoft\Windows\CurrentVersion\Uninstall\netdbg'
key_exists() { wine reg query "$key" >/dev/null 2>&1; }
key_gone() { ! key_exists; }
dir_gone() { [[ ! -e $install_dir ]]; }
lnk_gone() { [[ ! -e $lnk ]]; }
all_gone() { dir_gone && lnk_gone && key_gone; }

# --- install -------------------------------------------------------------------------------
(cd "$tmp" && timeout 180 wine "$setup" /S >"$tmp/setup.log" 2>&1)
rc=$?
# The installer does its work itself and returns when done; wait a little for the files anyway.
if ((rc == 0)) && wait_for 30 test -f "$install_dir/Uninstall.exe"; then
  result install PASS "$(basename "$setup") /S: exit 0, $win_install_dir\\Uninstall.exe written"
else
  result install FAIL "$(basename "$setup") /S: exit $rc; $(tail -c 300 "$tmp/setup.log" | tr '\n' ' ')"
fi

missing=()
expected_files=(netdbg.exe README.md LICENSE LICENSE-DroidSansFallback.txt LICENSE-NotoSansCJK.txt third-party-licenses.html Uninstall.exe)
for f in "${expected_files[@]}"; do
  [[ -s $install_dir/$f ]] || missing+=("$f")
done
present=$(ls "$install_dir" 2>/dev/null | tr '\n' ' ')
if ((${#missing[@]} == 0)) && [[ ! -e $install_dir/netdbg.portable ]]; then
  result files PASS "$win_install_dir: $present"
else
  result files FAIL "$win_install_dir: ${present:-<nothing>}; missing: ${missing[*]:-none}; netdbg.portable: $([[ -e $install_dir/netdbg.portable ]] && echo PRESENT || echo absent)"
fi

# A .lnk keeps the target's path in its LinkInfo (ANSI) and, as Windows writes it, the
# description in UTF-16: look for both.
if [[ -f $lnk ]]; then
  lnk_info=$(python3 - "$lnk" <<'EOF'
import sys
data = open(sys.argv[1], "rb").read()
target = "C:\\Program Files\\netdbg\\netdbg.exe"
has_target = target.encode("ascii") in data or target.encode("utf-16-le") in data
has_desc = "网络调试助手".encode("utf-16-le") in data
print(("target ok" if has_target else "TARGET MISSING") + ", " + ("description mentions 网络调试助手" if has_desc else "no 网络调试助手 in the description"))
sys.exit(0 if has_target else 1)
EOF
)
  lnk_rc=$?
  rel=${lnk#"$drive_c"/}
  if ((lnk_rc == 0)); then result shortcut PASS "C:/$rel → $win_install_dir\\netdbg.exe ($lnk_info)"
  else result shortcut FAIL "C:/$rel: $lnk_info"; fi
else
  result shortcut FAIL "no netdbg.lnk in ProgramData's Start Menu\\Programs: $(find "$drive_c" -iname '*netdbg*.lnk' 2>/dev/null | tr '\n' ' ')"
fi

wine reg query "$key" >"$tmp/key.txt" 2>&1
reg_value() { sed -n "s/^ *$1 *REG_[A-Z_]* *//p" "$tmp/key.txt" | tr -d '\r'; }
reg_missing=()
check_value() { # NAME EXPECTED (a grep -E pattern, whole value)
  local got; got=$(reg_value "$1")
  [[ $got =~ ^$2$ ]] || reg_missing+=("$1=${got:-<none>}")
}
check_value DisplayName 'netdbg'
check_value DisplayVersion "${version//./\\.}"
check_value Publisher '.+'
check_value DisplayIcon 'C:\\Program Files\\netdbg\\netdbg\.exe,0'
check_value UninstallString '"C:\\Program Files\\netdbg\\Uninstall\.exe"'
check_value QuietUninstallString '"C:\\Program Files\\netdbg\\Uninstall\.exe" /S'
check_value InstallLocation 'C:\\Program Files\\netdbg'
check_value EstimatedSize '0x[0-9a-f]+'
check_value NoModify '0x1'
check_value NoRepair '0x1'
if ((${#reg_missing[@]} == 0)); then
  result registry PASS "$key: DisplayVersion $(reg_value DisplayVersion), Publisher \"$(reg_value Publisher)\", EstimatedSize $(( $(reg_value EstimatedSize) )) KiB, QuietUninstallString $(reg_value QuietUninstallString)"
else
  result registry FAIL "$key: wrong or missing: ${reg_missing[*]}; $(head -c 300 "$tmp/key.txt" | tr '\n' ' ')"
fi

# --- run the installed copy ----------------------------------------------------------------
printed=$(cd "$tmp" && timeout 60 wine "$win_install_dir\\netdbg.exe" --version 2>"$tmp/version.err" | tr -d '\r')
rc=$?
if [[ $printed == "netdbg $version "* ]]; then
  result version PASS "$win_install_dir\\netdbg.exe --version: $printed"
else
  result version FAIL "exit $rc, printed \"${printed:-<nothing>}\", stderr $(tail -c 300 "$tmp/version.err" | tr '\n' ' ')"
fi

(cd "$tmp" && NETDBG_LANG=en exec wine "$win_install_dir\\netdbg.exe" >"$tmp/gui.out" 2>"$tmp/gui.err") &
app_pid=$!
find_window() { wid=$(xdotool search --onlyvisible --name netdbg 2>/dev/null | head -n1); [[ -n $wid ]]; }
app_gone() { ! kill -0 "$app_pid" 2>/dev/null; }
wid=""
if wait_for 90 find_window; then
  title=$(xdotool getwindowname "$wid" 2>/dev/null)
  sleep 3
  # Uninstalling while netdbg runs: the exe is locked, so the uninstaller must stop at once
  # (exit 2) and remove nothing. _?= runs it in place and waits for it, for the exit code;
  # NSIS wants it last and unquoted, so the folder goes by its short name (no space).
  short_dir=$(winepath -s "$win_install_dir" 2>/dev/null | tr -d '\r')
  (cd "$tmp" && timeout 60 wine "$win_install_dir\Uninstall.exe" /S "_?=$short_dir" >"$tmp/in-use.log" 2>&1)
  rc=$?
  intact=$(ls "$install_dir" 2>/dev/null | wc -l)
  installed=${#expected_files[@]}
  if ((rc == 2 && intact == installed)) && [[ -f $lnk ]] && key_exists; then
    result in-use PASS "Uninstall.exe /S while netdbg runs: exit 2, all $installed files, the shortcut and the key still there"
  else
    result in-use FAIL "Uninstall.exe /S while netdbg runs: exit $rc, $intact of $installed files left, shortcut $([[ -f $lnk ]] && echo there || echo GONE), key $(key_exists && echo there || echo GONE)"
  fi
  # Alt+F4 is Windows' own close (WM_CLOSE), so eframe saves its settings on the way out.
  xdotool key --window "$wid" alt+F4 2>/dev/null
  if wait_for 30 app_gone; then
    result window PASS "\"$title\" opened, and closed on Alt+F4"
  else
    result window FAIL "\"$title\" opened, but was still running 30 s after Alt+F4"
  fi
else
  result window FAIL "no window named netdbg in 90 s; stderr: $(tail -c 300 "$tmp/gui.err" | tr '\n' ' ')"
fi
kill "$app_pid" 2>/dev/null; wait "$app_pid" 2>/dev/null; app_pid=""

settings=$(cd "$drive_c" && ls users/*/AppData/Roaming/netdbg/data/app.ron 2>/dev/null | head -n1)
if [[ -n $settings && ! -e $install_dir/settings ]]; then
  result profile PASS "settings in C:/$settings, none beside the exe"
else
  result profile FAIL "profile: ${settings:-nothing}; beside the exe: $(ls "$install_dir" | tr '\n' ' ')"
fi

# --- uninstall -----------------------------------------------------------------------------
quiet=$(reg_value QuietUninstallString)
uninstaller=$(sed -n 's/^"\([^"]*\)".*/\1/p' <<<"$quiet")
if [[ -n $uninstaller ]]; then
  (cd "$tmp" && timeout 60 wine "$uninstaller" /S >"$tmp/uninstall.log" 2>&1)
  rc=$?
  # Uninstall.exe hands over to its copy in %TEMP% and returns at once: wait for the work.
  if wait_for 60 all_gone; then
    # While the copy runs, the server is up: what it asked to be deleted at restart.
    pending=$(wine reg query 'HKLM\System\CurrentControlSet\Control\Session Manager' /v PendingFileRenameOperations 2>/dev/null \
      | tr -d '\r' | sed -n 's/.*REG_MULTI_SZ *//p' | sed 's/\\0/\n/g' | sed -n 's/^\\??\\//; /~nsu/p' | paste -sd ' ')
    result uninstall PASS "$quiet: exit $rc; folder, shortcut and key gone"
  else
    result uninstall FAIL "$quiet: exit $rc; after 60 s: folder $(dir_gone && echo gone || echo "LEFT: $(ls "$install_dir" | tr '\n' ' ')"), shortcut $(lnk_gone && echo gone || echo LEFT), key $(key_gone && echo gone || echo LEFT)"
  fi
else
  result uninstall FAIL "no QuietUninstallString to run"
fi

# The copy is deleted at the next restart (MoveFileEx): let it end, restart, look.
timeout 60 wineserver -w >/dev/null 2>&1
timeout 120 wineboot -r >/dev/null 2>&1
timeout 60 wineserver -w >/dev/null 2>&1
left_temp=$(cd "$drive_c" && find users/*/Temp windows/temp -maxdepth 1 -name '~nsu*' 2>/dev/null | tr '\n' ' ')
if [[ -z $left_temp ]]; then
  result temp-copy PASS "NSIS's %TEMP% copy of the uninstaller (queued for deletion at restart: ${pending:-nothing seen}) is gone after wineboot -r"
else
  result temp-copy FAIL "after wineboot -r, %TEMP% still holds: $left_temp"
fi

snapshot >"$tmp/after.txt"
# The user's settings stay on purpose: the README says so.
added=$(comm -13 "$tmp/before.txt" "$tmp/after.txt" | grep -v '^\./users/[^/]*/AppData/Roaming/netdbg\(/\|$\)')
removed=$(comm -23 "$tmp/before.txt" "$tmp/after.txt")
# wineserver -w above wrote the registry to disk.
in_registry=$(grep -i -n 'netdbg' "$WINEPREFIX/system.reg" "$WINEPREFIX/user.reg" "$WINEPREFIX/userdef.reg" 2>/dev/null | sed "s|$WINEPREFIX/||")
kept=$(comm -13 "$tmp/before.txt" "$tmp/after.txt" | grep -c '^\./users/[^/]*/AppData/Roaming/netdbg')
if [[ -z $added && -z $removed && -z $in_registry ]]; then
  result leftovers PASS "drive C: as before the install but for the user's settings ($kept entries under AppData/Roaming/netdbg, kept on purpose); no registry key or value names netdbg"
else
  result leftovers FAIL "new on C: $(head -n 20 <<<"$added" | tr '\n' ' ')${removed:+; gone from C: $(head -n 20 <<<"$removed" | tr '\n' ' ')}${in_registry:+; registry: $(head -n 10 <<<"$in_registry" | tr '\n' ' ')}"
fi

host_files=$(find "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" -mindepth 1 2>/dev/null | sed "s|$tmp/||" | tr '\n' ' ')
if [[ -z $host_files ]]; then
  result host-menu PASS "nothing written to the Linux menus (winemenubuilder disabled)"
else
  result host-menu FAIL "Wine wrote Linux menu files (here into the throwaway XDG folders): $host_files"
fi

say "done in $(($(date +%s) - t0))s"
if ((failed)); then say "some checks FAILED"; exit 1; fi
say "all checks passed"
exit 0
