# SPDX-License-Identifier: GPL-2.0-or-later
# Shared by tests/win32/wine-*: find the cross compiler and wine, run a
# Windows program under wine.  Sourced, not run.
#
# The caller sets test_path (its TAP path when skipped) and what (the
# program, for the skip message).  Environment: SRC_PATH, WIN32_CC,
# WINE (default: wine64 or wine on PATH, else Debian's
# /usr/lib/wine/wine64, which the wine64 package installs off PATH),
# WINEPREFIX (default: tests/win32/wineprefix in the build dir).

src=${SRC_PATH:-$(cd "$(dirname "$0")/../.." && pwd)}
cc=${WIN32_CC:-x86_64-w64-mingw32-gcc}

wine_skip() {
    echo "1..1"
    echo "ok 1 $test_path # SKIP $1: $what is NOT run"
    echo "# $1: $what NOT run" >&2
    exit 0
}

if [ -z "$WINE" ]; then
    for w in wine64 wine /usr/lib/wine/wine64; do
        if command -v "$w" >/dev/null 2>&1; then
            WINE=$w
            break
        fi
    done
fi
command -v "$cc" >/dev/null 2>&1 || wine_skip "$cc not found"
[ -n "$WINE" ] && command -v "$WINE" >/dev/null 2>&1 || \
    wine_skip "wine not found (install wine64, .ci/deps does)"
# the wineserver that belongs to this wine
wineserver=$(dirname "$(command -v "$WINE")")/wineserver
command -v "$wineserver" >/dev/null 2>&1 || wineserver=wineserver

WINEPREFIX=${WINEPREFIX:-$(pwd)/tests/win32/wineprefix}
WINEDEBUG=${WINEDEBUG:--all}
export WINEPREFIX WINEDEBUG

tmp=$(mktemp -d "${TMPDIR:-/tmp}/win32-wine.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT

# Run $tmp/$1 under wine, print its TAP output and exit with its status.
wine_run() {
    mkdir -p "$(dirname "$WINEPREFIX")"
    # wine's own messages (prefix set-up) go to stderr; the program's TAP
    # lines are its stdout
    (cd "$tmp" && "$WINE" "./$1" > out.txt; echo $? > rc)
    tr -d '\r' < "$tmp/out.txt"
    rc=$(cat "$tmp/rc")
    # the wine server of this prefix was started by this run: stop it
    "$wineserver" -k >/dev/null 2>&1
    exit "$rc"
}
