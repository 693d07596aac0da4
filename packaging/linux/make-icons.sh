#!/usr/bin/env bash
# Regenerate the hicolor icons (committed under packaging/linux/icons/) from assets/icon.png,
# 256×256. Needs ImageMagick 6 (Debian's imagemagick). Rerun after changing the icon;
# the output carries no timestamps, so the same input gives the same bytes.
set -euo pipefail
cd "$(dirname "$0")"
convert=/usr/bin/convert
[ -x "$convert" ] || convert=convert
for size in 16 24 32 48 64 128 256; do
  dir="icons/hicolor/${size}x${size}/apps"
  mkdir -p "$dir"
  if [ "$size" -eq 256 ]; then
    cp ../../assets/icon.png "$dir/netdbg.png"
  else
    "$convert" ../../assets/icon.png -filter Lanczos -resize "${size}x${size}" -strip \
      -define png:exclude-chunks=date,time "PNG32:$dir/netdbg.png"
  fi
done
