#!/bin/sh
# jail.sh IO_DIR TARGET [ARG...]: run an image fuzz target (fuzz_extract, fuzz_oci_image) in
# its jail (fuzz_jail.h): in a private mount namespace, a throwaway tmpfs with the layout the
# target expects, /proc, and IO_DIR (seeds, corpus, artifacts) bound at its own path so the
# target's arguments name the same files after its chroot.  Nothing is mounted on the host,
# and the tmpfs goes with the namespace.  Root only: exits 77 (skipped) with the reason
# otherwise, as the project's other tests do.
set -eu
if [ $# -lt 2 ]; then
	echo "usage: jail.sh IO_DIR TARGET [ARG...]" >&2
	exit 2
fi
if [ "$(id -u)" != 0 ]; then
	echo "SKIP: $(basename "$2") needs root (a mount namespace and chroot for its jail)"
	exit 77
fi
if ! unshare -m --propagation private true 2>/dev/null; then
	echo "SKIP: $(basename "$2"): no private mount namespace here (unshare -m failed)"
	exit 77
fi
mkdir -p "$1"
io=$(realpath "$1")
target=$(realpath "$2")
shift 2
mnt=$(mktemp -d "${TMPDIR:-/tmp}/lxzone-fuzz-jail.XXXXXX")
trap 'rmdir "$mnt"' EXIT
rc=0
unshare -m --propagation private sh -c '
set -e
j=$1 io=$2
shift 2
mount -t tmpfs -o size=1g,mode=0755 fuzz-jail "$j"
mkdir -p "$j/proc" "$j/w/root" "$j/w/tmp" "$j/w/layout" "$j/w/sentinel" "$j$io"
: >"$j/w/in"
: >"$j/w/warnings"
printf "original\n" >"$j/w/sentinel/victim"
mount -t proc proc "$j/proc"
mount --bind "$io" "$j$io"
export FUZZ_JAIL="$j" FUZZ_IO="$io"
exec "$@"' sh "$mnt" "$io" "$target" "$@" || rc=$?
exit $rc
