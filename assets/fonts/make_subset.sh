#!/usr/bin/env bash
# Reproducibly build assets/fonts/cjk-gb2312.ttf: a GB2312 + Latin/punctuation
# subset of DroidSansFallbackFull.ttf (Apache-2.0, Debian package fonts-droid-fallback).
# Usage: bash assets/fonts/make_subset.sh   (needs root or sudo for apt-get if the font is missing)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC=/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
OUT="$HERE/cjk-gb2312.ttf"
PY="${PYTHON:-python3}"

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi

if [ ! -f "$SRC" ]; then
    $SUDO apt-get update
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-droid-fallback
fi

if ! "$PY" -c 'import fontTools.subset' >/dev/null 2>&1; then
    "$PY" -m pip install fonttools
fi

TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT
CHARS="$TMP/chars.txt"

# Character list: every valid GB2312 two-byte code + ASCII, Latin-1, general
# punctuation, arrows, box drawing/geometric shapes, CJK symbols, fullwidth forms.
"$PY" - "$CHARS" <<'PYEOF'
import sys
chars = set()
for hi in range(0xA1, 0xF8):
    for lo in range(0xA1, 0xFF):
        try:
            chars.update(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
ranges = [
    (0x0020, 0x007E),  # ASCII printable
    (0x00A0, 0x00FF),  # Latin-1 supplement
    (0x2000, 0x206F),  # general punctuation
    (0x2190, 0x21FF),  # arrows
    (0x2500, 0x25FF),  # box drawing, block elements, geometric shapes
    (0x3000, 0x303F),  # CJK symbols and punctuation
    (0xFF00, 0xFFEF),  # halfwidth and fullwidth forms
]
for a, b in ranges:
    chars.update(chr(c) for c in range(a, b + 1))
chars.update("—…“”‘’·")
with open(sys.argv[1], "w", encoding="utf-8") as f:
    f.write("".join(sorted(chars)))
print(f"requested characters: {len(chars)}", file=sys.stderr)
PYEOF

"$PY" -m fontTools.subset "$SRC" \
    --text-file="$CHARS" \
    --output-file="$OUT" \
    --no-hinting \
    --no-glyph-names \
    --layout-features='' \
    --drop-tables+=GSUB,GPOS,GDEF \
    --name-IDs='*' \
    --notdef-outline \
    --recalc-bounds

# Report coverage. NOTE: DroidSansFallbackFull has no Latin/ASCII glyphs and lacks
# many punctuation marks (e.g. — … “ ” ‘ ’ ·); those come from egui's default
# fonts, so register this font as a *fallback after* the default fonts.
"$PY" - "$OUT" "$CHARS" <<'PYEOF'
import sys
from fontTools.ttLib import TTFont
cmap = TTFont(sys.argv[1]).getBestCmap()
want = open(sys.argv[2], encoding="utf-8").read()
missing = [c for c in want if ord(c) not in cmap]
print(f"subset cmap: {len(cmap)} code points; {len(missing)} requested characters not in source font")
PYEOF
echo "wrote $OUT ($(stat -c %s "$OUT") bytes)"
