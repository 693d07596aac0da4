#!/usr/bin/env bash
# Builds netdbg's packages into dist/:
#   scripts/package.sh linux     dist/netdbg_VERSION_amd64.deb           (apt install ./…)
#                                dist/netdbg-VERSION-linux-x86_64.tar.gz (portable)
#                                dist/third-party-licenses.html
#   scripts/package.sh windows   the portable zip and the installer (NSIS), by scripts/package-windows.sh
#   scripts/package.sh [all]     both
# Installs the cargo tools it needs (cargo-deb, and cargo-about through scripts/licenses.sh);
# also needs git, python3, dpkg-deb and dpkg-shlibdeps (Debian's dpkg-dev), gzip and tar.
# Environment: CARGO_TARGET_DIR as for cargo; NETDBG_HOMEPAGE overrides Cargo.toml's
# `homepage` (the AppStream url and screenshots); NETDBG_MAINTAINER sets the .deb's Maintainer.
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
dist=$repo/dist
version=$(sed -n '/^\[package\]/,/^\[/ s/^version *= *"\(.*\)"/\1/p' Cargo.toml | head -n 1)
# Files in the packages carry the last commit's time, so the same commit gives the same bytes.
SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git log -1 --format=%ct 2>/dev/null || date +%s)}
export SOURCE_DATE_EPOCH

cargo_deb_version=3.8.0
linux_target=x86_64-unknown-linux-gnu

package_linux() {
  local work=$dist/work
  local metainfo_in=packaging/linux/netdbg.metainfo.xml.in
  if ! grep -q "<release version=\"$version\"" "$metainfo_in"; then
    echo "$metainfo_in has no <release version=\"$version\">: add one (date, notes) first" >&2
    return 1
  fi
  if ! cargo deb --version >/dev/null 2>&1; then
    echo "installing cargo-deb $cargo_deb_version (about 1.5 minutes on 2 cores)"
    cargo install cargo-deb --locked --version "$cargo_deb_version"
  fi
  rm -rf "$work"
  mkdir -p "$work"

  scripts/licenses.sh "$work/third-party-licenses.html" "$linux_target"
  cp "$work/third-party-licenses.html" "$dist/third-party-licenses.html"
  write_metainfo "$metainfo_in" "$work/io.github.netdbg.metainfo.xml"

  # Debian wants a maintainer (name <email>): whoever made the commit being packaged,
  # unless NETDBG_MAINTAINER says otherwise.
  local maintainer=${NETDBG_MAINTAINER:-$(git log -1 --format='%an <%ae>')}
  write_changelog "$metainfo_in" "$maintainer" | gzip -9n >"$work/changelog.gz"

  cargo build --release --locked
  write_man_page "${CARGO_TARGET_DIR:-target}/release/netdbg" "$work/netdbg.1.gz"
  local deb=$dist/netdbg_${version}_amd64.deb
  # cargo-deb strips the binary and works out the libraries it links ($auto).
  cargo deb --no-build --maintainer "$maintainer" --output "$deb"
  echo "wrote $deb"

  write_tarball "$deb" "$work"
}

# netdbg(1) from the binary's own --help and --version (help2man), so it never
# disagrees with what the program says.
write_man_page() { # write_man_page BINARY OUT.gz
  if ! command -v help2man >/dev/null; then
    local sudo_cmd=""; [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq help2man >/dev/null
  fi
  NETDBG_LANG=en help2man --no-info --no-discard-stderr --locale=C.UTF-8 \
    --name "network debugging assistant (UDP, TCP server and client, file transfer)" \
    "$1" | gzip -9n >"$2"
}

# The AppStream file with the homepage filled in, or without url and screenshots when the
# project has no address yet (a screenshot must be an https URL).
write_metainfo() { # write_metainfo IN OUT
  local homepage=${NETDBG_HOMEPAGE:-$(sed -n '/^\[package\]/,/^\[/ s/^homepage *= *"\(.*\)"/\1/p' Cargo.toml | head -n 1)}
  if [ -n "$homepage" ]; then
    # Screenshots are the README's, in docs/ (GitHub's /raw/HEAD/ layout).
    sed -e "s|@HOMEPAGE@|$homepage|g" -e "s|@SCREENSHOTS@|${homepage%/}/raw/HEAD/docs|g" "$1" >"$2"
  else
    echo "note: Cargo.toml has no homepage: the AppStream file goes without url and screenshots"
    sed -e '/@HOMEPAGE@/d' -e '/<screenshots>/,/<\/screenshots>/d' "$1" >"$2"
  fi
}

# The Debian changelog, one entry per <release> of the AppStream file: the release notes
# are written once, there.
write_changelog() { # write_changelog METAINFO MAINTAINER
  python3 - "$1" "$2" <<'PY'
import sys, textwrap, xml.etree.ElementTree as ET
from email.utils import format_datetime
from datetime import datetime, timezone
metainfo, maintainer = sys.argv[1:]
for release in ET.parse(metainfo).getroot().iter("release"):
    version, date = release.get("version"), release.get("date")
    notes = [" ".join("".join(p.itertext()).split())
             for p in release.iter() if p.tag in ("p", "li") and p.get("{http://www.w3.org/XML/1998/namespace}lang") is None]
    when = format_datetime(datetime.fromisoformat(date).replace(tzinfo=timezone.utc))
    print(f"netdbg ({version}) unstable; urgency=medium\n")
    for note in notes or ["Release " + version + "."]:
        print(textwrap.fill(note, 76, initial_indent="  * ", subsequent_indent="    "))
    print(f"\n -- {maintainer}  {when}\n")
PY
}

# The portable archive: the .deb's own (stripped) binary, the menu entry and icons to
# install by hand, and the documents.
write_tarball() { # write_tarball DEB WORK
  local name=netdbg-$version-linux-x86_64
  local root=$2/$name
  local unpacked=$2/deb
  mkdir -p "$root" "$unpacked"
  dpkg-deb -x "$1" "$unpacked"
  cp "$unpacked/usr/bin/netdbg" "$root/"
  cp packaging/linux/netdbg.desktop "$root/"
  cp assets/icon.png "$root/netdbg.png"
  cp -r packaging/linux/icons "$root/icons"
  cp "$2/io.github.netdbg.metainfo.xml" "$root/"
  cp README.md "$2/third-party-licenses.html" "$root/"
  cp packaging/linux/copyright "$root/COPYRIGHT"
  cp assets/fonts/LICENSE-DroidSansFallback.txt assets/fonts/LICENSE-NotoSansCJK.txt "$root/"
  local license
  for license in LICENSE*; do [ -f "$license" ] && cp "$license" "$root/"; done
  cp packaging/linux/INSTALL.txt "$root/"
  local tarball=$dist/$name.tar.gz
  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$SOURCE_DATE_EPOCH" \
    -C "$2" -cf - "$name" | gzip -9n >"$tarball"
  echo "wrote $tarball"
}

package_windows() {
  if [ -x scripts/package-windows.sh ]; then
    scripts/package-windows.sh
  else
    echo "windows: scripts/package-windows.sh is not in this tree yet, so there is no Windows package" >&2
    return 1
  fi
}

mkdir -p "$dist"
case ${1:-all} in
  linux) package_linux ;;
  windows) package_windows ;;
  all)
    package_linux
    if [ -x scripts/package-windows.sh ]; then package_windows
    else echo "windows: skipped, scripts/package-windows.sh is not in this tree yet"; fi
    ;;
  *) echo "usage: $0 [linux|windows|all]" >&2; exit 2 ;;
esac
