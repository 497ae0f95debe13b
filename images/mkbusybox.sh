#!/bin/sh
# Build the built-in busybox root filesystem (lxzone's "builtin:busybox" image).
#
#   mkbusybox.sh BUSYBOX OUTDIR TARBALL
#
# BUSYBOX is a statically linked busybox (Debian's busybox-static installs /bin/busybox).
# OUTDIR receives the root filesystem; TARBALL a gzip'd tar of the same tree (numeric
# owners, sorted names, fixed mtimes, so the same busybox gives the same bytes).
#
# The tree is built beside OUTDIR and renamed into place, so an interrupted build never
# leaves a half-made image that a later build or test would mistake for a good one.
set -eu

if [ $# -ne 3 ]; then
	echo "usage: $0 BUSYBOX OUTDIR TARBALL" >&2
	exit 2
fi
busybox=$1
out=$2
tarball=$3

if ! "$busybox" --list-full >/dev/null 2>&1; then
	echo "mkbusybox: $busybox is not a runnable busybox (install busybox-static)" >&2
	exit 1
fi
# A dynamic busybox would need the host's libc inside the image.
if command -v file >/dev/null 2>&1 && file -L "$busybox" | grep -q 'dynamically linked'; then
	echo "mkbusybox: $busybox is dynamically linked; the image needs busybox-static" >&2
	exit 1
fi

tmp="$out.tmp.$$"
rm -rf "$tmp"
trap 'rm -rf "$tmp" "$tarball.tmp.$$"' EXIT INT TERM
mkdir -p "$tmp"

for d in bin sbin usr/bin usr/sbin etc root tmp var var/tmp var/log var/run proc sys dev home; do
	mkdir -p "$tmp/$d"
done
chmod 0755 "$tmp"
chmod 1777 "$tmp/tmp" "$tmp/var/tmp"
chmod 0700 "$tmp/root"

cp "$busybox" "$tmp/bin/busybox"
chmod 0755 "$tmp/bin/busybox"

# One relative symlink per applet, at the path busybox itself reports, so the links stay
# right wherever the root is mounted (and when the tree is inspected from the host). The
# "../" per directory level is counted in the shell: dirname and sed per applet were three
# processes each for ~270 applets, most of this script's time in every build.
"$busybox" --list-full | while read -r applet; do
	case "$applet" in
	bin/busybox | "") continue ;;
	esac
	up=""
	rest=$applet
	while :; do
		case $rest in
		*/*)
			rest=${rest#*/}
			up="../$up"
			;;
		*) break ;;
		esac
	done
	ln -sf "${up}bin/busybox" "$tmp/$applet"
done

cat >"$tmp/etc/passwd" <<'EOF'
root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
cat >"$tmp/etc/group" <<'EOF'
root:x:0:
daemon:x:1:
bin:x:2:
nogroup:x:65534:
EOF
cat >"$tmp/etc/shadow" <<'EOF'
root:*:19000:0:99999:7:::
daemon:*:19000:0:99999:7:::
bin:*:19000:0:99999:7:::
nobody:*:19000:0:99999:7:::
EOF
chmod 0640 "$tmp/etc/shadow"
echo lxzone >"$tmp/etc/hostname"
cat >"$tmp/etc/hosts" <<'EOF'
127.0.0.1	localhost lxzone
::1	localhost ip6-localhost ip6-loopback
EOF
version=$("$busybox" 2>&1 | sed -n '1s/^BusyBox v\([^ ]*\).*/\1/p')
cat >"$tmp/etc/os-release" <<EOF
NAME="lxzone busybox"
ID=lxzone-busybox
VERSION_ID="${version:-unknown}"
PRETTY_NAME="lxzone built-in busybox image (BusyBox ${version:-unknown})"
EOF
cat >"$tmp/etc/profile" <<'EOF'
export PATH=/bin:/sbin:/usr/bin:/usr/sbin
export PS1='\h:\w\$ '
EOF

rm -rf "$out"
mv "$tmp" "$out"

tar -C "$out" --numeric-owner --owner=0 --group=0 --sort=name --mtime=@0 \
	-czf "$tarball.tmp.$$" .
mv "$tarball.tmp.$$" "$tarball"
