#!/bin/sh
# build.sh OUT SOURCE...: compile each source to an object of a fixed name, then link OUT, with
# $CC, $CFLAGS and $LDFLAGS from the Makefile. Compiled and linked in one step, an assembly source
# names its temporary object in the symbol table, and the ELF would differ from build to build.
set -e
out=$1
shift
dir=$(mktemp -d)
objs=""
for src in "$@"; do
  obj="$dir/$(basename "${src%.*}").o"
  $CC $CFLAGS -c -o "$obj" "$src"
  objs="$objs $obj"
done
$CC $CFLAGS $LDFLAGS -o "$out" $objs
rm -rf "$dir"
