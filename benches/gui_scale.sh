#!/usr/bin/env bash
# The window at scale, in one run: start-up, a 1,000,000-line log, search, scrolling,
# clicks during a flood, 10,000 TCP clients, a focused field at rest.
#
#   benches/gui_scale.sh [BINARY]        (default: target/release/netdbg)
#
# Runs the other GUI benches (each in its own Xvfb display, fresh settings) and
# ends with one line:
#   RESULT gui_scale first_frame_ms_median=… search_frame_ms_worst=… scroll_ms_median=…
#     flood_click_ms_p99=… rss_mb_1m_lines=… rss_mb_10k_clients=… idle_focused_cpu_pct=…
#     first_frame_probe_ms_median=…
# where
#   first_frame_ms_median  gui_idle.sh, 5 launches: launch to the first frame on the
#                          screen (first_paint_ms, read from outside; the app's own
#                          probe, which ends ~10 ms later, is first_frame_probe_ms_median)
#   search_frame_ms_worst  flood_gui.sh: 1,000,000 lines at 100k/s with a query typed
#                          first that matches no line, one line, every line; the worst
#                          frame of the three runs
#   scroll_ms_median       the median over those runs of the mean frame time while the
#                          log is scrolled 40 wheel steps with the query active
#   flood_click_ms_p99     flood_gui.sh at 250k/s, a click every 0.25 s
#   rss_mb_1m_lines        RSS with the 1,000,000-line log (the no-match run)
#   rss_mb_10k_clients     tcp_clients_gui.sh with 10,000 clients listed
#   idle_focused_cpu_pct   gui_idle.sh FOCUS=1 (the cursor in the message box), 3 launches
# Takes about 8 minutes. Needs what those scripts need (xvfb, xdotool, python3).
set -euo pipefail
here=$(dirname "$0")
bin=$(realpath "${1:-target/release/netdbg}")
field() { # field KEY LINE: the value of KEY=… in LINE
  sed -n "s/.*[ ]$1=\([^ ]*\).*/\1/p" <<<"$2"
}
result() { grep '^RESULT' | tail -n1; }

idle=$(RUNS=5 "$here/gui_idle.sh" "$bin" | result)
focused=$(RUNS=3 FOCUS=1 "$here/gui_idle.sh" "$bin" | result)
first_frame=$(field first_paint_ms_median "$idle")
first_frame_probe=$(field first_frame_ms_median "$idle")
focused_cpu=$(field cpu_pct_median "$focused")

worst=0 scrolls=() rss_1m=NA
for query in none one all; do
  case $query in
    none) search=zzzz mark="" ;;
    one) search=needle mark=needle ;;
    all) search=xxxx mark="" ;;
  esac
  line=$(LOG_LINES=1000000 RATE=100000 SECS=10 SEARCH=$search MARK=$mark SCROLL=1 \
    "$here/flood_gui.sh" "$bin" | result)
  echo "search $query: $line"
  worst=$(awk -v a="$worst" -v b="$(field worst_frame_ms "$line")" 'BEGIN {print (b > a ? b : a)}')
  scrolls+=("$(field scroll_frame_ms_mean "$line")")
  [ "$query" = none ] && rss_1m=$(( $(field rss_kb "$line") / 1024 ))
done
scroll_median=$(printf '%s\n' "${scrolls[@]}" | sort -g | sed -n 2p)

clicks=$(RATE=250000 SECS=10 CLICKS=1 "$here/flood_gui.sh" "$bin" | result)
echo "clicks: $clicks"
click_p99=$(field click_ms_p99 "$clicks")

clients=$(CLIENTS=10000 "$here/tcp_clients_gui.sh" "$bin" | result)
echo "clients: $clients"
rss_10k=$(( $(field rss_kb "$clients") / 1024 ))

echo "RESULT gui_scale first_frame_ms_median=$first_frame search_frame_ms_worst=$worst" \
  "scroll_ms_median=$scroll_median flood_click_ms_p99=$click_p99 rss_mb_1m_lines=$rss_1m" \
  "rss_mb_10k_clients=$rss_10k idle_focused_cpu_pct=$focused_cpu" \
  "first_frame_probe_ms_median=$first_frame_probe"
