#!/bin/sh
# Installs the build into a temporary DESTDIR and uses it the way a user
# would: pkg-config finds the library, a program outside the project
# (consumer.c, and the README's example) compiles against the installed
# header only, links the installed shared library, and runs.
#
# usage: install_test.sh BUILD_DIR SOURCE_DIR MESON SOVERSION
# env:   CAEREC_CC        compiler command (meson's, so sanitizer builds match)
#        CAEREC_SANITIZE  meson's b_sanitize value ("none" or e.g.
#                         "address,undefined"): the consumer needs the same
set -eu

build=$1
src=$2
meson=$3
soversion=$4
cc=${CAEREC_CC:-cc}
sanitize=${CAEREC_SANITIZE:-none}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/caerec-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
dest=$tmp/dest

fail() {
    echo "install test: FAIL: $*" >&2
    exit 1
}

# meson install first builds whatever is not built yet: `meson test --suite
# install` builds only the tests' own dependencies, not every installed
# target (the caerec tool).
"$meson" install -C "$build" --destdir "$dest" --quiet ||
    fail "meson install failed"

pc=$(find "$dest" -name caerec.pc | head -n 1)
[ -n "$pc" ] || fail "caerec.pc was not installed"
pcdir=$(dirname "$pc")
# Only the installed .pc, never one already on the system.
PKG_CONFIG_LIBDIR=$pcdir
export PKG_CONFIG_LIBDIR
unset PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR || true
prefix=$(pkg-config --variable=prefix caerec)
[ -n "$prefix" ] || fail "caerec.pc has no prefix"
pcflags="--define-variable=prefix=$dest$prefix"
version=$(pkg-config --modversion caerec)
cflags=$(pkg-config $pcflags --cflags caerec)
libs=$(pkg-config $pcflags --libs caerec)
libdir=$(pkg-config $pcflags --variable=libdir caerec)
includedir=$(pkg-config $pcflags --variable=includedir caerec)
echo "pkg-config: caerec $version"
echo "  cflags: $cflags"
echo "  libs:   $libs"

# What is installed: the public header (only it), the SONAME chain.
cmp -s "$includedir/caerec.h" "$src/include/caerec.h" ||
    fail "installed caerec.h differs from include/caerec.h"
extra=$(find "$dest" -name '*.h' ! -name caerec.h)
[ -z "$extra" ] || fail "internal headers installed: $extra"
[ -L "$libdir/libcaerec.so" ] || fail "no libcaerec.so development link"
[ -e "$libdir/libcaerec.so.$soversion" ] || fail "no libcaerec.so.$soversion"
[ -f "$libdir/libcaerec.a" ] || fail "no static library installed"
grep -q "^Version: $version\$" "$pc" || fail "caerec.pc has no Version"

# The header's version must be the project's version.
hdr_version=$(sed -n 's/^#define CAEREC_VERSION_STRING "\(.*\)"$/\1/p' \
    "$includedir/caerec.h")
[ "$hdr_version" = "$version" ] ||
    fail "caerec.h says $hdr_version, caerec.pc says $version"

extra_flags=
if [ "$sanitize" != none ] && [ -n "$sanitize" ]; then
    extra_flags="-fsanitize=$sanitize"
fi
warn="-std=c11 -Wall -Wextra -Wpedantic -Werror"

compile_run() { # NAME SOURCE
    # shellcheck disable=SC2086
    $cc $warn $extra_flags $cflags -o "$tmp/$1" "$2" $libs ||
        fail "$1: does not compile against the installed library"
    # It must load the installed library, not one from the build tree.
    loaded=$(LD_LIBRARY_PATH=$libdir ldd "$tmp/$1" | grep 'libcaerec\.so' || true)
    case $loaded in
    *"$dest"*) ;;
    *) fail "$1 loads '$loaded', not the installed library" ;;
    esac
    LD_LIBRARY_PATH=$libdir "$tmp/$1" >"$tmp/$1.out" ||
        { cat "$tmp/$1.out"; fail "$1 exited with status $?"; }
    cat "$tmp/$1.out"
}

compile_run consumer "$src/tests/install/consumer.c"
grep -q "^libcaerec $version\$" "$tmp/consumer.out" ||
    fail "consumer did not print the version"

# The README's example, compiled and run exactly as shown there.
compile_run readme_example "$src/tests/install/readme_example.c"
n=$(grep -c '^item ' "$tmp/readme_example.out" || true)
[ "$n" -eq 5 ] || fail "README example printed $n recommendations, not 5"

# Static linking needs Libs.private to be complete (BLIS, libm, OpenMP).
static_libs=$(pkg-config $pcflags --static --libs-only-l --libs-only-other caerec |
    sed 's/-lcaerec//')
# shellcheck disable=SC2086
$cc $warn $extra_flags $cflags -o "$tmp/consumer_static" \
    "$src/tests/install/consumer.c" "$libdir/libcaerec.a" $static_libs ||
    fail "consumer does not link statically with 'pkg-config --static --libs'"
"$tmp/consumer_static" >/dev/null || fail "statically linked consumer failed"

echo "install test: ok"
