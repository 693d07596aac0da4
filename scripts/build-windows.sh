#!/usr/bin/env bash
# Cross-builds netdbg.exe for 64-bit Windows from Debian/Ubuntu:
#   scripts/build-windows.sh        → target/x86_64-pc-windows-gnu/release/netdbg.exe
# Installs what it needs on a fresh machine (the rustup target, and mingw-w64 for
# the linker and windres, which embeds the icon and version info).
set -euo pipefail
cd "$(dirname "$0")/.."
target=x86_64-pc-windows-gnu
toolchain=$(sed -n 's/^channel *= *"\(.*\)"/\1/p' rust-toolchain.toml)

rustup target list --installed --toolchain "$toolchain" | grep -qx "$target" \
  || rustup target add "$target" --toolchain "$toolchain"
if ! command -v x86_64-w64-mingw32-gcc >/dev/null; then
  sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends gcc-mingw-w64-x86-64 >/dev/null
fi
cargo build --release --locked --target "$target"
exe="${CARGO_TARGET_DIR:-target}/$target/release/netdbg.exe"
ls -l "$exe"
