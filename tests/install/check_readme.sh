#!/bin/sh
# The C example in README.md is the file the install test compiles and runs:
# the block after the marker line "<!-- example: tests/install/readme_example.c -->"
# must equal that file, byte for byte.
#
# usage: check_readme.sh README.md readme_example.c
set -eu

readme=$1
example=$2
tmp=$(mktemp "${TMPDIR:-/tmp}/caerec-readme.XXXXXX")
trap 'rm -f "$tmp"' EXIT INT TERM

awk '
    /^<!-- example: tests\/install\/readme_example\.c -->$/ { marker = 1; next }
    marker && !inside && /^```c$/ { inside = 1; next }
    inside && /^```$/ { found = 1; exit }
    inside { print }
    END { if (!found) exit 1 }
' "$readme" >"$tmp" || {
    echo "README.md: no example block after the readme_example.c marker"
    exit 1
}
if ! diff -u "$tmp" "$example"; then
    echo "README.md's example and $example differ (diff above): edit both"
    exit 1
fi
echo "README example: matches $example"
