#!/usr/bin/env bash
# Reproducibly build assets/fonts/cjk-symbols.otf: the GB2312 characters (and GBK's
# symbol rows) that cjk-gb2312.ttf lacks (Droid Sans Fallback has no ℃ ※ Ⅰ–Ⅻ ①–⑳ ⑴–⒇ ⒈–⒛ ∥ ∮ ⊥ ⌒ 〈 〉),
# cut from Noto Sans CJK SC (SIL OFL 1.1, Debian package fonts-noto-cjk) and renamed
# "netdbg CJK Symbols" (a modified version under the OFL keeps no font's name).
# Usage: bash assets/fonts/make_symbols.sh   (after make_subset.sh; installs what it needs)
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
SRC=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
FACE=2 # Noto Sans CJK SC in that collection
BASE="$HERE/cjk-gb2312.ttf"
OUT="$HERE/cjk-symbols.otf"
# Debian's fontTools: a Python from pyenv or a venv may not have it.
PY="${PYTHON:-/usr/bin/python3}"

SUDO=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then SUDO=sudo; fi
if [ ! -f "$SRC" ] || ! "$PY" -c 'import fontTools.subset' >/dev/null 2>&1; then
    $SUDO apt-get update
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y fonts-noto-cjk python3-fonttools
fi

"$PY" - "$SRC" "$FACE" "$BASE" "$OUT" <<'PYEOF'
import sys
from fontTools import subset
from fontTools.ttLib import TTFont

src, face, base, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
have = TTFont(base).getBestCmap()
# GB2312, and the symbol rows A1-A9 as GBK fills them (small roman numerals ⅰ-ⅹ,
# more arrows and box drawing): what a GBK device may send besides hanzi.
chars = set()
for hi in list(range(0xA1, 0xAA)) + list(range(0xB0, 0xF8)):
    for lo in range(0xA1, 0xFF):
        try:
            text = bytes([hi, lo]).decode("gbk")
        except UnicodeDecodeError:
            continue
        if not 0xE000 <= ord(text) <= 0xF8FF:
            chars.add(text)
# encoding_rs (WHATWG) decodes some of those codes to vertical forms where
# Python's codec says private use: add those blocks whole.
chars.update(chr(c) for c in list(range(0xFE10, 0xFE1A)) + list(range(0xFE30, 0xFE50)))
wanted = sorted(c for c in chars if ord(c) not in have)
font = TTFont(src, fontNumber=face)
cmap = font.getBestCmap()
missing = [c for c in wanted if ord(c) not in cmap]
options = subset.Options()
options.hinting = False
options.glyph_names = False
options.layout_features = []
options.drop_tables += ["GSUB", "GPOS", "GDEF", "VORG", "vhea", "vmtx"]
options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
options.notdef_outline = True
subsetter = subset.Subsetter(options)
subsetter.populate(unicodes=[ord(c) for c in wanted])
subsetter.subset(font)
names = font["name"]
for record in list(names.names):
    if record.nameID in (1, 4):
        names.setName("netdbg CJK Symbols", record.nameID, record.platformID, record.platEncID, record.langID)
    elif record.nameID == 6:
        names.setName("netdbgCJKSymbols-Regular", 6, record.platformID, record.platEncID, record.langID)
    elif record.nameID == 3:
        names.setName("netdbg CJK Symbols (subset of Noto Sans CJK SC)", 3, record.platformID, record.platEncID, record.langID)
# Same input, same bytes: no build time in the file.
font.recalcTimestamp = False
font["head"].modified = font["head"].created
font.save(out, reorderTables=True)
print(f"{len(wanted)} characters wanted, {len(missing)} not in the source: {''.join(missing)}")
PYEOF
echo "wrote $OUT ($(stat -c %s "$OUT") bytes)"
