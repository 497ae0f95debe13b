#!/bin/sh
# debian-image.sh: a Debian minbase root as a tar.zst, made with debootstrap from the machine's
# own apt mirror (read at run time from the apt sources) and cached between runs.
#
#   images/debian-image.sh [--suite bookworm] [--include PKG,PKG...] [--name NAME] [--cache DIR]
#                          [--progress]
#
# `lxzone create NAME --image debian:SUITE[+PKG,...]` runs this (installed beside lxzone as
# lxzone-debian-image; zone/image_debian.c). With --progress, debootstrap's steps go to stderr
# as they happen, and its progress as lines "progress NOW END PHASE" (PHASE: debootstrap's
# DOWNREL, DOWNDEBS, EXTRACTPKGS, INSTCORE...) that lxzone shows as a bar or percentages. The mirror is the one the apt sources give for SUITE, else the URI of their
# main Debian archive (the stanza or line whose suite has no "-security"/"-updates" part),
# which serves every suite; it is never written here.
#
# Prints the image's path on stdout (progress goes to stderr). The cache entry is
# $cache/$name.tar.zst (cache: $LXZONE_TEST_CACHE, default /var/cache/lxzone-test; name:
# debian-SUITE-minbase) and is keyed by suite and package list: $cache/$name.key records them,
# and an image made for another list is made again. Concurrent callers serialize on
# $cache/.lock. Exit 77 (with the reason on stderr) when an image cannot be made here (no
# debootstrap or zstd, no mirror for the suite, mirror unreachable or not serving the suite),
# 1 when debootstrap failed, 2 on a usage error.
set -eu

suite=bookworm
include=
name=
cache=${LXZONE_TEST_CACHE:-/var/cache/lxzone-test}
progress=0

usage() {
	echo "usage: $0 [--suite SUITE] [--include PKG,PKG...] [--name NAME] [--cache DIR]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--suite) [ $# -ge 2 ] || usage; suite=$2; shift 2 ;;
	--include) [ $# -ge 2 ] || usage; include=$2; shift 2 ;;
	--name) [ $# -ge 2 ] || usage; name=$2; shift 2 ;;
	--cache) [ $# -ge 2 ] || usage; cache=$2; shift 2 ;;
	--progress) progress=1; shift ;;
	*) usage ;;
	esac
done
case "$suite$name" in
*/* | *..*) echo "debian-image: suite and name must be plain names" >&2; exit 2 ;;
esac
[ -n "$name" ] || name=debian-$suite-minbase

cannot() {
	echo "debian-image: $*" >&2
	exit 77
}

command -v debootstrap >/dev/null || cannot "debootstrap is not installed"
command -v zstd >/dev/null || cannot "zstd is not installed"

# The package list, normalized (sorted, comma-separated), is the cache key with the suite.
pkgs=$(echo "$include" | tr ', ' '\n\n' | sed '/^$/d' | sort -u | paste -sd, -)
key="suite=$suite variant=minbase include=$pkgs"

image="$cache/$name.tar.zst"
mkdir -p "$cache"
(
	flock -n 9 || { echo "waiting for the image cache ($cache/.lock)" >&2; flock 9; }
	have=$(cat "$cache/$name.key" 2>/dev/null || true)
	# An image made before keys were recorded is the plain minbase one.
	[ -n "$have" ] || [ ! -s "$image" ] || [ -n "$pkgs" ] || have=$key
	if [ ! -s "$image" ] || [ "$have" != "$key" ]; then
		# The mirror the machine's apt uses (deb822 first, then the one-line format).
		mirror=$(awk -v s="$suite" '
			/^URIs:/ { uri = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) found = uri }
			/^$/ { uri = "" }
			END { print found }' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
		# (a missing sources.list is no error: `|| true`, or set -e ends the script silently)
		[ -n "$mirror" ] || mirror=$(awk -v s="$suite" '$1 == "deb" && $3 == s { print $2; exit }' \
			/etc/apt/sources.list 2>/dev/null || true)
		# not listed: the main archive's URI (it serves every suite)
		[ -n "$mirror" ] || mirror=$(awk '
			/^URIs:/ { uri = $2 }
			/^Suites:/ { for (i = 2; i <= NF; i++) if ($i !~ /-/ && uri ~ /debian\/?$/) { print uri; exit } }
			/^$/ { uri = "" }' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -1)
		[ -n "$mirror" ] || mirror=$(awk '$1 == "deb" && $3 !~ /-/ && $2 ~ /debian\/?$/ { print $2; exit }' \
			/etc/apt/sources.list 2>/dev/null || true)
		[ -n "$mirror" ] || cannot "no Debian mirror in the apt sources"
		# a suite the mirror no longer serves (buster: archive.debian.org only) is no
		# unreachable mirror: say which
		why=$(python3 -c '
import sys, urllib.error, urllib.request
try:
    urllib.request.urlopen(sys.argv[1], timeout=15)
except urllib.error.HTTPError as e:
    print("HTTP %d" % e.code)
except Exception as e:
    print("unreachable: %s" % getattr(e, "reason", e))' "$mirror/dists/$suite/Release" 2>&1)
		case $why in
		"") ;;
		HTTP*) cannot "mirror $mirror does not serve $suite (dists/$suite/Release: $why)" ;;
		*) cannot "mirror $mirror $why" ;;
		esac
		echo "debootstrap $suite${pkgs:+ (+$pkgs)} from $mirror (cached in $image)" >&2
		rootfs="$cache/rootfs.$name"
		log="$cache/debootstrap.$name.log"
		rm -rf "$rootfs"
		rc=0
		if [ $progress = 1 ]; then
			# debootstrap's debian-installer mode: its own progress ("P: NOW END PHASE")
			# and messages ("I: NAME", "IA: ARG"..., "IF: FORMAT") on fd 3, its log on
			# stdout.  To lxzone: "progress NOW END PHASE" lines, the messages as text
			# (and the errors into the log too); debootstrap's status through a file (a
			# pipe's is the last command's)
			: >"$log"
			{ debootstrap --debian-installer --variant=minbase ${pkgs:+--include="$pkgs"} \
				"$suite" "$rootfs" "$mirror" 3>&1 >>"$log" 2>&1; echo $? >"$log.rc"; } |
				awk -v logf="$log" '
				function say(kind, text) {
					if (kind == "E") { print "E: " text >>logf; fflush(logf) }
					print (kind == "I" ? "  " : kind ": ") text; fflush()
				}
				/^P: / { print "progress", $2, $3, $4; fflush(); next }
				/^[IWE]: / { kind = substr($0, 1, 1); n = 0; delete a; next }
				/^[IWE]A: / { a[++n] = substr($0, 5); next }
				/^[IWE]F: / { say(kind, sprintf(substr($0, 5), a[1], a[2], a[3], a[4])); next }
				' >&2
			rc=$(cat "$log.rc")
			rm -f "$log.rc"
		else
			debootstrap --variant=minbase ${pkgs:+--include="$pkgs"} "$suite" "$rootfs" \
				"$mirror" >"$log" 2>&1 || rc=$?
		fi
		[ "$rc" = 0 ] || {
			[ $progress = 1 ] || tail -5 "$log" >&2
			rm -rf "$rootfs"
			why=$(grep '^E: ' "$log" | tail -1 | cut -c4-)
			echo "debootstrap failed${why:+: $why} (log: $log)" >&2
			exit 1
		}
		rm -f "$cache/$name.key"
		# the build host's name and resolver are not the zone's: lxzone writes the zone's
		# at boot (identity-files)
		rm -f "$rootfs/etc/hostname" "$rootfs/etc/resolv.conf"
		echo "  packing $image" >&2
		tar -C "$rootfs" --numeric-owner --xattrs -cf - . | zstd -q -T2 -f -o "$image.partial"
		mv "$image.partial" "$image"
		echo "$key" >"$cache/$name.key"
		rm -rf "$rootfs"
	elif [ ! -e "$cache/$name.key" ]; then
		echo "$key" >"$cache/$name.key"
	fi
) 9>"$cache/.lock"
echo "$image"
