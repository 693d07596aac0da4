#!/usr/bin/env bash
# Startup and idle cost of the netdbg window, on a private Xvfb display.
#
#   benches/gui_idle.sh BINARY [NAME=VALUE ...]
#
#   e.g. benches/gui_idle.sh /tmp/netdbg-glow
#        benches/gui_idle.sh /tmp/netdbg-wgpu NETDBG_RENDERER=wgpu
#        benches/gui_idle.sh /tmp/netdbg-wgpu NETDBG_RENDERER=wgpu WGPU_BACKEND=gl
#
# For each of RUNS launches (default 5), after one discarded warm-up launch
# (warms the page cache and Mesa's shader cache, like a normal second start):
#   first_paint_ms  what the user sees: launch to the first read of the screen in
#                   which the window's tab bar shows what it settles to (read every
#                   ~1 ms from outside by benches/common/first_paint.py, which also
#                   starts the app; the first frame presented into a mapped window);
#   first_frame_ms  the app's own probe (NETDBG_PROBE=1): process start to the
#                   start of the second frame. eframe draws the first frame, shows
#                   the window, then sleeps 10 ms while winit still thinks it hidden,
#                   so this comes ~10 ms after first_paint_ms (kept for comparison
#                   with older runs);
#   window_ms       wall time from launch until the window is mapped and
#                   visible (a viewable top-level window named netdbg, what
#                   `xdotool search --onlyvisible --name netdbg` finds), looked for
#                   every 5 ms by first_paint.py in its loop; past PAINT_S, by
#                   xdotool every POLL_MS. (Until session 12 xdotool ran every
#                   25 ms from launch: each start of it took the second core from
#                   the app while it started, ~5-10 ms later first frames.)
#   sync_ms         with SYNC=1: the same, measured with `xdotool search --sync`
#                   (xdotool polls every 500 ms, so this one is coarse; NA otherwise);
#   rss_kb/hwm_kb   VmRSS and VmHWM from /proc/PID/status after IDLE_S (5) s idle;
#   cpu_pct         % of one core over CPU_S (10) s of idle, from the utime+stime
#                   delta in /proc/PID/stat (all threads) / CLK_TCK;
#   xvfb_cpu_pct    the X server's share over the same window;
#   idle_frames     frames the app drew during that window (from the probe);
#   threads/drivers thread count, and which Mesa drivers are mapped
#                   (swrast_dri = llvmpipe GL, libvulkan_lvp = lavapipe).
# cpu_pct resolution is one clock tick over CPU_S: 0.10 % with the defaults.
# No socket is opened and, by default, no input is sent: the window just sits
# there. FOCUS=1 first clicks into the message box (a focused text field, its
# cursor shown), as a user who stopped typing leaves it.
#
# Prints a table, then `RESULT key=value ...` lines (one per run, one summary).
# Tunables (environment): RUNS=5 IDLE_S=5 CPU_S=10 WINDOW_TIMEOUT_S=20
# POLL_MS=25 WARMUP=1 FOCUS=0 SYNC=0 PAINT_S=1.5 LABEL=<name>. The whole thing stays under ~2 min with the
# defaults; a launch that fails stops the benchmark (status=fail + stderr tail).
#
# Needs: Xvfb, xdotool, Mesa (llvmpipe; mesa-vulkan-drivers for wgpu/Vulkan).
set -u -o pipefail

usage() { echo "usage: $0 BINARY [NAME=VALUE ...]" >&2; exit 2; }
[ $# -ge 1 ] || usage
BIN=$1; shift
[ -x "$BIN" ] || { echo "gui_idle: not an executable: $BIN" >&2; exit 2; }
APP_ENV=()
for a in "$@"; do
    [[ $a =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || { echo "gui_idle: not NAME=VALUE: $a" >&2; usage; }
    APP_ENV+=("$a")
done
for tool in Xvfb xdotool python3; do
    command -v "$tool" >/dev/null || { echo "gui_idle: $tool not found (apt-get install xvfb xdotool python3)" >&2; exit 2; }
done

RUNS=${RUNS:-5}
IDLE_S=${IDLE_S:-5}
CPU_S=${CPU_S:-10}
WINDOW_TIMEOUT_S=${WINDOW_TIMEOUT_S:-20}
POLL_MS=${POLL_MS:-25}
POLL_S=$(awk -v m="$POLL_MS" 'BEGIN { print m / 1000 }')
WARMUP=${WARMUP:-1}
FOCUS=${FOCUS:-0}
SYNC=${SYNC:-0}
LABEL=${LABEL:-$(basename "$BIN")${APP_ENV[*]:+ ${APP_ENV[*]}}}
LABEL=${LABEL// /,}
TICKS=$(getconf CLK_TCK)

WORK=$(mktemp -d /tmp/gui_idle.XXXXXX)
XVFB_PID=""
APP_PID=""
SYNC_PID=""
PAINT_PID=""
NAP_PID=""
HERE=$(dirname "$0")
PAINT_S=${PAINT_S:-1.5}

# sleep in the background, so a TERM/INT trap runs at once rather than after it
nap() { sleep "$1" & NAP_PID=$!; wait "$NAP_PID"; NAP_PID=""; }

stop_pid() { # pid: TERM, up to 3 s grace, then KILL; reaps it if it is our child
    local pid=$1 i
    [ -n "$pid" ] || return 0
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
    kill -TERM "$pid" 2>/dev/null
    for i in $(seq 30); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    return 0
}
cleanup() {
    [ -n "$NAP_PID" ] && kill "$NAP_PID" 2>/dev/null
    stop_pid "$SYNC_PID"; SYNC_PID=""
    stop_pid "$PAINT_PID"; PAINT_PID=""
    stop_pid "$APP_PID"; APP_PID=""
    stop_pid "$XVFB_PID"; XVFB_PID=""
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }
cpu_ticks() { # utime+stime of a process (all threads), in clock ticks
    # the comm field may contain spaces: cut after the last ')'
    local s
    s=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
    s=${s##*) }
    set -- $s
    echo $(( ${12} + ${13} ))   # fields 14 and 15 of the full line
}
status_kb() { awk -v k="$2:" '$1 == k { print $2 }' "/proc/$1/status" 2>/dev/null; }
load1() { cut -d' ' -f1 /proc/loadavg; }

# ---- a private X server on a free display -------------------------------
start_xvfb() {
    local n i
    for n in $(seq 140 199); do
        [ -e "/tmp/.X$n-lock" ] || [ -e "/tmp/.X11-unix/X$n" ] && continue
        Xvfb ":$n" -screen 0 1280x800x24 -nolisten tcp -noreset >"$WORK/xvfb.log" 2>&1 &
        XVFB_PID=$!
        for i in $(seq 50); do
            kill -0 "$XVFB_PID" 2>/dev/null || break
            if DISPLAY=":$n" xdotool getdisplaygeometry >/dev/null 2>&1; then
                DISPLAY_NUM=$n
                return 0
            fi
            sleep 0.1
        done
        stop_pid "$XVFB_PID"; XVFB_PID=""   # lost a race for :$n, or too slow
    done
    echo "gui_idle: could not start Xvfb" >&2
    cat "$WORK/xvfb.log" >&2
    return 1
}
start_xvfb || exit 1
export DISPLAY=":$DISPLAY_NUM"
# Settings persistence goes to a throwaway dir, so runs do not see each other.
export XDG_DATA_HOME="$WORK/data"
mkdir -p "$XDG_DATA_HOME"
# like a desktop session (else Mesa's Vulkan WSI prints "XDG_RUNTIME_DIR is invalid")
if [ -z "${XDG_RUNTIME_DIR:-}" ] || [ ! -d "$XDG_RUNTIME_DIR" ]; then
    export XDG_RUNTIME_DIR="$WORK/run"
    mkdir -m 700 -p "$XDG_RUNTIME_DIR"
fi

# ---- one launch ------------------------------------------------------------
# Sets R_* variables; returns 1 if the app failed to show a window / frame.
launch() { # run_index  measure(0|1)
    local idx=$1 measure=$2 err="$WORK/stderr.$1" t0 deadline sync_out launched win_seen=""
    R_THREADS=NA R_DRIVERS=NA R_PAINT=NA R_FIRST=NA R_WIN=NA R_SYNC=NA R_RSS=NA R_HWM=NA R_CPU=NA R_XCPU=NA R_FRAMES=NA R_LOAD=$(load1)
    : >"$err"
    t0=$(now_ms)
    # the screen is read from outside: the first tabs, where the default window sits (0,0);
    # the same loop looks for the window (no process started per look while the app starts)
    env NETDBG_PROBE=1 NETDBG_LANG=en "${APP_ENV[@]}" python3 "$HERE/common/first_paint.py" \
        0,0,240,24 "$PAINT_S" "$WORK/pid.$idx" --window netdbg -- "$BIN" 2>"$err" >"$WORK/paint.$idx" &
    PAINT_PID=$!
    for _ in $(seq 100); do [ -s "$WORK/pid.$idx" ] && break; sleep 0.01; done
    APP_PID=$(cat "$WORK/pid.$idx" 2>/dev/null)
    sync_out="$WORK/sync.$idx"
    if [ "$SYNC" = 1 ]; then
        # the literal `--sync` search, in the background (coarse: 500 ms polls)
        ( timeout "$WINDOW_TIMEOUT_S" xdotool search --sync --onlyvisible --name netdbg >/dev/null 2>&1 \
            && echo $(( $(date +%s%N) / 1000000 )) >"$sync_out" ) &
        SYNC_PID=$!
    fi
    wait "$PAINT_PID"; PAINT_PID=""
    R_PAINT=$(sed -n 's/^first_paint_ms=\([0-9.NA]*\).*/\1/p' "$WORK/paint.$idx")
    R_PAINT=${R_PAINT:-NA}
    R_WIN=$(sed -n 's/.* window_ms=\([0-9.NA]*\).*/\1/p' "$WORK/paint.$idx")
    R_WIN=${R_WIN:-NA}
    # times from when the probe started the app (not this script's t0, before Python's start)
    launched=$(sed -n 's/.*launched_unix_ms=\([0-9]*\).*/\1/p' "$WORK/paint.$idx")
    t0=${launched:-$t0}
    deadline=$(( t0 + WINDOW_TIMEOUT_S * 1000 ))
    if [ "$R_WIN" = NA ]; then
        # a slow start (after PAINT_S): keep looking with xdotool, every POLL_MS
        while :; do
            if xdotool search --onlyvisible --name netdbg >/dev/null 2>&1; then
                win_seen=$(now_ms); break
            fi
            kill -0 "$APP_PID" 2>/dev/null || break
            [ "$(now_ms)" -lt "$deadline" ] || break
            sleep "$POLL_S"
        done
        [ -z "$win_seen" ] || R_WIN=$(( win_seen - t0 ))
    fi
    # then wait for the probe's first-frame line
    while ! grep -q 'first_frame_ms=' "$err" && kill -0 "$APP_PID" 2>/dev/null \
            && [ "$(now_ms)" -lt "$deadline" ]; do
        sleep 0.05
    done
    R_FIRST=$(sed -n 's/.*probe first_frame_ms=\([0-9.]*\).*/\1/p' "$err" | head -n1)
    R_FIRST=${R_FIRST:-NA}
    if [ -n "$SYNC_PID" ]; then
        if [ "$R_WIN" = NA ]; then stop_pid "$SYNC_PID"; else wait "$SYNC_PID" 2>/dev/null; fi
        SYNC_PID=""
    fi
    [ -s "$sync_out" ] && R_SYNC=$(( $(cat "$sync_out") - t0 ))
    if [ "$R_WIN" = NA ] || [ "$R_FIRST" = NA ] || [ -z "$APP_PID" ] || ! kill -0 "$APP_PID" 2>/dev/null; then
        stop_pid "$APP_PID"; APP_PID=""
        FAIL_LOG=$err
        return 1
    fi
    if [ "$measure" = 1 ]; then
        if [ "$FOCUS" = 1 ]; then
            # the UDP tab's message box, in the default 1100x720 window
            local wid
            wid=$(xdotool search --onlyvisible --name netdbg | head -n1)
            xdotool windowfocus --sync "$wid" mousemove --window "$wid" 640 600 click 1
        fi
        # idle, from the first presented frame on
        nap "$IDLE_S"
        R_RSS=$(status_kb "$APP_PID" VmRSS)
        R_HWM=$(status_kb "$APP_PID" VmHWM)
        R_THREADS=$(status_kb "$APP_PID" Threads)
        # which Mesa drivers the process mapped (llvmpipe GL = swrast_dri, lavapipe = lvp)
        R_DRIVERS=$(grep -oE '(libvulkan_lvp|swrast_dri|libEGL_mesa|libGLX_mesa)' "/proc/$APP_PID/maps" \
            | sort -u | paste -sd+ -)
        local lines0 c0 x0 w0 c1 x1 w1
        lines0=$(wc -l <"$err")
        c0=$(cpu_ticks "$APP_PID"); x0=$(cpu_ticks "$XVFB_PID"); w0=$(date +%s%N)
        nap "$CPU_S"
        c1=$(cpu_ticks "$APP_PID"); x1=$(cpu_ticks "$XVFB_PID"); w1=$(date +%s%N)
        if [ -n "$c0" ] && [ -n "$c1" ]; then
            R_CPU=$(awk -v d=$((c1 - c0)) -v t="$TICKS" -v ns=$((w1 - w0)) \
                'BEGIN { printf "%.2f", 100 * d / t / (ns / 1e9) }')
            R_XCPU=$(awk -v d=$((x1 - x0)) -v t="$TICKS" -v ns=$((w1 - w0)) \
                'BEGIN { printf "%.2f", 100 * d / t / (ns / 1e9) }')
        fi
        # frames counted by the probe lines printed during the CPU window
        R_FRAMES=$(tail -n +"$((lines0 + 1))" "$err" \
            | sed -n 's/.*probe frames=\([0-9]*\).*/\1/p' | awk '{ s += $1 } END { print s + 0 }')
        kill -0 "$APP_PID" 2>/dev/null || { FAIL_LOG=$err; APP_PID=""; return 1; }
    fi
    stop_pid "$APP_PID"; APP_PID=""
    return 0
}

# median / max of the numeric arguments (NA skipped)
agg() { # median|max values...
    local what=$1; shift
    printf '%s\n' "$@" | grep -vE '^(NA)?$' | sort -g | awk -v w="$what" '
        { v[NR] = $1 }
        END {
            if (NR == 0) { print "NA"; exit }
            if (w == "max") { print v[NR]; exit }
            if (NR % 2) m = v[(NR + 1) / 2]; else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
            print m
        }'
}

SIZE=$(stat -c %s "$BIN")
echo "gui_idle: $BIN ${APP_ENV[*]:-} on $DISPLAY (llvmpipe), $RUNS runs," \
     "idle ${IDLE_S}s then CPU over ${CPU_S}s; load $(cut -d' ' -f1-3 /proc/loadavg)"

FAIL_LOG=""
status=ok
if [ "$WARMUP" = 1 ] && ! launch 0 0; then
    status=fail
fi
FP=() FF=() WIN=() SYN=() RSS=() HWM=() CPU=() XCPU=() FR=() LD=()
if [ $status = ok ]; then
    printf '%-4s %9s %9s %9s %8s %9s %9s %8s %9s %7s %6s\n' \
        run paint_ms first_ms window_ms sync_ms rss_kb hwm_kb cpu_% xvfb_cpu% frames load1
    for i in $(seq "$RUNS"); do
        if ! launch "$i" 1; then status=fail; break; fi
        printf '%-4s %9s %9s %9s %8s %9s %9s %8s %9s %7s %6s\n' \
            "$i" "$R_PAINT" "$R_FIRST" "$R_WIN" "$R_SYNC" "$R_RSS" "$R_HWM" "$R_CPU" "$R_XCPU" "$R_FRAMES" "$R_LOAD"
        echo "RESULT label=$LABEL run=$i first_paint_ms=$R_PAINT first_frame_ms=$R_FIRST window_ms=$R_WIN sync_ms=$R_SYNC" \
             "rss_kb=$R_RSS hwm_kb=$R_HWM cpu_pct=$R_CPU xvfb_cpu_pct=$R_XCPU idle_frames=$R_FRAMES threads=$R_THREADS drivers=${R_DRIVERS:-none} load1=$R_LOAD" >>"$WORK/results"
        FP+=("$R_PAINT") FF+=("$R_FIRST") WIN+=("$R_WIN") SYN+=("$R_SYNC") RSS+=("$R_RSS") HWM+=("$R_HWM")
        CPU+=("$R_CPU") XCPU+=("$R_XCPU") FR+=("$R_FRAMES") LD+=("$R_LOAD")
    done
fi
if [ $status = fail ]; then
    echo "gui_idle: launch failed (no window / no first frame within ${WINDOW_TIMEOUT_S}s, or the app exited); stderr:"
    tail -n 15 "$FAIL_LOG" 2>/dev/null | sed 's/^/  | /'
    err1=$(grep -v '^probe ' "$FAIL_LOG" 2>/dev/null | grep -m1 -iE 'error|panic|cannot' | tr -s ' \t' ' ' | cut -c1-300)
fi
[ -s "$WORK/results" ] && cat "$WORK/results"
n=${#FF[@]}
if [ "$n" -gt 0 ]; then
    echo
    printf '%-34s %s\n' "summary ($n runs)" "$LABEL"
    printf '  %-32s %s\n' "first paint, screen (median/max)" "$(agg median "${FP[@]}") / $(agg max "${FP[@]}") ms"
    printf '  %-32s %s\n' "first frame, probe (median/max)" "$(agg median "${FF[@]}") / $(agg max "${FF[@]}") ms"
    printf '  %-32s %s\n' "window visible, xdotool (median)" "$(agg median "${WIN[@]}") ms  (--sync: $(agg median "${SYN[@]}") ms)"
    printf '  %-32s %s\n' "idle VmRSS (median)" "$(agg median "${RSS[@]}") kB"
    printf '  %-32s %s\n' "VmHWM (median/max)" "$(agg median "${HWM[@]}") / $(agg max "${HWM[@]}") kB"
    printf '  %-32s %s\n' "idle CPU, % of a core (median/max)" "$(agg median "${CPU[@]}") / $(agg max "${CPU[@]}")  (Xvfb $(agg median "${XCPU[@]}"))"
    printf '  %-32s %s\n' "frames drawn while idle (median)" "$(agg median "${FR[@]}") in ${CPU_S}s"
    printf '  %-32s %s\n' "binary size" "$SIZE bytes"
    printf '  %-32s %s\n' "Mesa drivers mapped (last run)" "${R_DRIVERS:-none}, $R_THREADS threads"
fi
echo "RESULT label=$LABEL summary=1 status=$status runs=$n" \
     "first_paint_ms_median=$(agg median "${FP[@]}") first_paint_ms_max=$(agg max "${FP[@]}")" \
     "first_frame_ms_median=$(agg median "${FF[@]}") first_frame_ms_max=$(agg max "${FF[@]}")" \
     "window_ms_median=$(agg median "${WIN[@]}") sync_ms_median=$(agg median "${SYN[@]}")" \
     "rss_kb_median=$(agg median "${RSS[@]}") hwm_kb_median=$(agg median "${HWM[@]}") hwm_kb_max=$(agg max "${HWM[@]}")" \
     "cpu_pct_median=$(agg median "${CPU[@]}") cpu_pct_max=$(agg max "${CPU[@]}")" \
     "xvfb_cpu_pct_median=$(agg median "${XCPU[@]}") idle_frames_median=$(agg median "${FR[@]}")" \
     "size_bytes=$SIZE drivers=${R_DRIVERS:-NA} load1_median=$(agg median "${LD[@]}")"
if [ $status = fail ]; then
    echo "RESULT label=$LABEL error=\"${err1:-see stderr above}\""
    exit 1
fi
exit 0
