#!/bin/sh
# The library exports exactly what lib/caerec.map lists, the map lists
# exactly the functions include/caerec.h declares, and the SONAME is the
# one meson.build sets.
#
# usage: check_symbols.sh LIBCAEREC_SO CAEREC_MAP CAEREC_H EXPECTED_SONAME
set -eu

lib=$1
map=$2
header=$3
soname=$4

tmp=$(mktemp -d "${TMPDIR:-/tmp}/caerec-symbols.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
status=0

# Defined dynamic symbols, minus the version node names (type A).
nm -D --defined-only "$lib" | awk '$2 != "A" { sub(/@.*/, "", $3); print $3 }' |
    sort -u >"$tmp/exported"
# "    caerec_foo;" lines of the map (comments and local: * excluded).
sed -n 's/^[[:space:]]*\(caerec_[A-Za-z0-9_]*\);.*/\1/p' "$map" |
    sort >"$tmp/map_all"
sort -u "$tmp/map_all" >"$tmp/map"
# Functions declared with CAEREC_API, comments stripped, across lines.
perl -0777 -ne 's{/\*.*?\*/}{}gs; s{//[^\n]*}{}g;
    while (/\bCAEREC_API\b[^;{]*?\b(caerec_\w+)\s*\(/g) { print "$1\n" }' \
    "$header" | sort -u >"$tmp/header"

report() { # TITLE FILE
    if [ -s "$2" ]; then
        echo "$1:"
        sed 's/^/    /' "$2"
        status=1
    fi
}

if ! cmp -s "$tmp/map_all" "$tmp/map"; then
    uniq -d "$tmp/map_all" >"$tmp/dups"
    report "listed twice in $(basename "$map")" "$tmp/dups"
fi
comm -13 "$tmp/exported" "$tmp/map" >"$tmp/missing"
report "in the map but not defined by the library (not implemented yet?)" \
    "$tmp/missing"
comm -23 "$tmp/exported" "$tmp/map" >"$tmp/leaked"
report "exported but not in the map" "$tmp/leaked"
comm -23 "$tmp/header" "$tmp/map" >"$tmp/unmapped"
report "declared in caerec.h but not in the map" "$tmp/unmapped"
comm -13 "$tmp/header" "$tmp/map" >"$tmp/undeclared"
report "in the map but not declared in caerec.h" "$tmp/undeclared"

got=$(readelf -d "$lib" | sed -n 's/.*(SONAME).*\[\(.*\)\].*/\1/p')
if [ "$got" != "$soname" ]; then
    echo "SONAME is '$got', expected '$soname'"
    status=1
fi

# Nothing internal may leak: no caerec__ symbol in the dynamic table.
if nm -D "$lib" | grep -q ' caerec__'; then
    echo "internal caerec__ symbols in the dynamic symbol table:"
    nm -D "$lib" | grep ' caerec__' | sed 's/^/    /'
    status=1
fi

n=$(wc -l <"$tmp/exported")
if [ "$status" -eq 0 ]; then
    echo "symbols: ok ($n exported, SONAME $got)"
fi
exit "$status"
