#!/bin/sh
# The brand image has no file-backed writable segment: its data is all zero-initialized
# (.bss), so the kernel maps it anonymously.  A zone's processes name their program as their
# exe (syscalls/lx_exe.c), which the kernel refuses while any mapping is still the executed
# file; the brand maps its code again from a second bind, which only works for read-only
# segments (a writable one would lose what the brand wrote).  An initialized static variable
# in the brand puts a .data section back: make it zero-initialized (or const).
# usage: check_brand_segments.sh BRAND_IMAGE
set -eu
command -v readelf >/dev/null || { echo "SKIP: readelf (binutils) not installed"; exit 77; }
out=$(LC_ALL=C readelf -lW "$1")
echo "$out" | grep -q ' LOAD ' || { echo "FAIL: no PT_LOAD in $1"; exit 1; }
bad=$(echo "$out" | awk '$1 == "LOAD" && $5 !~ /^0x0+$/ && / RW/')
if [ -n "$bad" ]; then
	echo "FAIL: a writable PT_LOAD with file contents (initialized data): $bad"
	LC_ALL=C readelf -SW "$1" | grep -E ' \.data' || true
	exit 1
fi
echo "no file-backed writable segment in $(basename "$1")"
