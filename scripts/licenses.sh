#!/usr/bin/env bash
# Writes the licences of every crate netdbg ships, generated from Cargo.lock by cargo-about:
#   scripts/licenses.sh OUT.html [TARGET...]   an HTML page (packaging/licenses/about.hbs)
#   scripts/licenses.sh OUT.json [TARGET...]   cargo-about's JSON, for a program to read
# TARGETs (e.g. x86_64-unknown-linux-gnu) narrow the list to crates built for them; by
# default the targets in packaging/licenses/about.toml. Installs cargo-about if missing.
# A crate under a licence about.toml does not accept fails the run: accept or clarify it
# there, never edit the output by hand.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 OUT.html|OUT.json [TARGET...]" >&2; exit 2; }
case $1 in /*) out=$1 ;; *) out=$PWD/$1 ;; esac
shift
cd "$(dirname "$0")/.."

cargo_about_version=0.9.3
if ! cargo about --version >/dev/null 2>&1; then
  echo "installing cargo-about $cargo_about_version (about 3 minutes on 2 cores)"
  cargo install cargo-about --locked --features cli --version "$cargo_about_version"
fi

# Every platform's crates on disk, so cargo-about reads the licence files the crates ship
# (--offline) instead of fetching some from their git hosts: the same page every time.
cargo fetch --locked --quiet
args=(--locked --offline -c packaging/licenses/about.toml -o "$out")
for target in "$@"; do args+=(--target "$target"); done
mkdir -p "$(dirname "$out")"
case $out in
  *.json) cargo about generate "${args[@]}" --format json ;;
  *) cargo about generate "${args[@]}" packaging/licenses/about.hbs ;;
esac
echo "wrote $out"
