#!/bin/sh
# run.sh BUILD TARGET [SECONDS [LIBFUZZER-ARG...]]: a fuzzing campaign of one target of a
# -DLXZONE_FUZZ=ON build (README.md here), SECONDS long (default 600).  The corpus grows in
# BUILD/tests/fuzz/TARGET/corpus and is kept across runs; the seeds (written by the build)
# are read, not written, with the dictionary the build copied beside them; a crash, leak or
# timeout lands in BUILD/tests/fuzz/TARGET/artifacts.
# FUZZ_FORK=N fuzzes in N processes (libFuzzer -fork=N), fuzz_oci_config only: fork mode
# starts its workers by path with system(), which a jailed target's chroot leaves without.
# Exits with libFuzzer's status: 0 when the time ran out with nothing found.
set -eu
if [ $# -lt 2 ]; then
	echo "usage: run.sh BUILD TARGET [SECONDS [LIBFUZZER-ARG...]]" >&2
	exit 2
fi
build=$(realpath "$1")
target=$2
seconds=${3:-600}
shift $(($# < 3 ? $# : 3))
here=$(dirname "$(realpath "$0")")
bin=$build/bin/$target
dir=$build/tests/fuzz/$target
if [ ! -x "$bin" ] || [ ! -d "$dir/seeds" ]; then
	echo "run.sh: no $bin or $dir/seeds: build with -DCMAKE_C_COMPILER=clang -DLXZONE_FUZZ=ON" >&2
	exit 2
fi
if [ -n "${FUZZ_FORK:-}" ] && [ "$target" != fuzz_oci_config ]; then
	echo "run.sh: FUZZ_FORK: $target runs chrooted in its jail, where fork mode cannot start workers" >&2
	exit 2
fi
mkdir -p "$dir/corpus" "$dir/artifacts"
set -- "$bin" -max_total_time="$seconds" -dict="$dir/dict" \
	-artifact_prefix="$dir/artifacts/" -print_final_stats=1 \
	${FUZZ_FORK:+-fork="$FUZZ_FORK"} "$@" "$dir/corpus" "$dir/seeds"
case $target in
fuzz_oci_config) exec "$@" ;;
*) exec sh "$here/jail.sh" "$dir" "$@" ;;
esac
