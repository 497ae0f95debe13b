#!/bin/sh
# Fail if the freestanding lxproc objects, linked together, need any symbol but the four
# GCC may emit by itself (the brand's mini libc provides those).
set -e
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
ld -r -o "$tmp" "$@"
bad=$(nm -u "$tmp" | awk '{print $NF}' | grep -vxE 'memcpy|memset|memmove|memcmp' | sort -u)
if [ -n "$bad" ]; then
	echo "lxproc needs symbols the freestanding brand does not have:" $bad
	exit 1
fi
echo "lxproc freestanding objects: undefined =" $(nm -u "$tmp" | awk '{print $NF}')
