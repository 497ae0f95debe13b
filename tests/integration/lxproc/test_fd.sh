#!/bin/sh
# Descriptors of the synthesized files behave as Linux's (issue 4: reads, lseek, pread, poll,
# writes, openat relative to a /proc or /sys directory fd, openat2, getdents of /proc and
# /proc/self): lxproc_fd.c natively, under lxrun --memory 256M --cpus 1 on the host and in
# the busybox root. And the re-read procps does every refresh (lseek to 0, then read) shows
# fresh values: vmstat and top next to a busy loop do not stay at 100% idle.
. "$(dirname "$0")/lib.sh"
need_root
need_lxrun
need_image
need_cgroup_caps

bin=$LXZONE_BUILD/tests/bin
[ -x "$bin/it_lxproc_fd_dynamic" ] || skip "$bin/it_lxproc_fd_dynamic not built"
kb=262144

# run_fd NAME CMD...: one run of lxproc_fd, its failures shown
run_fd() {
	name=$1
	shift
	out=$("$@" 2>&1)
	st=$?
	if [ $st = 0 ]; then
		ok "$name: $(echo "$out" | grep -c '^ok:') checks"
	else
		fail "$name: status $st"
		echo "$out" | grep -v '^ok:'
	fi
}

run_fd native "$bin/it_lxproc_fd_dynamic"
run_fd "lxrun, host" "$LXRUN" --memory 256M --cpus 1 -- "$bin/it_lxproc_fd_dynamic" --memtotal $kb --cpus 1
run_fd "lxrun, no caps" "$LXRUN" -- "$bin/it_lxproc_fd_dynamic"
if [ -x "$bin/it_lxproc_fd_static" ]; then
	root=$WORK/root
	mkdir -p "$root/t" && cp -a "$IMAGE/." "$root/" && cp "$bin/it_lxproc_fd_static" "$root/t/fd"
	run_fd "lxrun, busybox root" "$LXRUN" --root "$root" --memory 256M --cpus 1 -- /t/fd --memtotal $kb --cpus 1
fi

# The descriptor filter (fstat and mmap of synthesized files) is stacked only on a process
# that gets a synthesized descriptor, once, and its children inherit it across exec.
cat >"$WORK/nfilters.sh" <<'EOF'
f() { awk '/^Seccomp_filters/ { printf "%s ", $2 }' /proc/self/status; }
f
cat /proc/meminfo >/dev/null
f
exec 3</proc/meminfo
f
sh -c 'exec 4</proc/meminfo; awk "/^Seccomp_filters/ { print \$2 }" /proc/self/status'
EOF
nf=$("$LXRUN" --memory 256M --cpus 1 -- sh "$WORK/nfilters.sh")
[ "$nf" = "1 1 2 2" ] && ok "filters: 1 before, 1 after a child's open, 2 after the shell's, 2 in its child: $nf" ||
	fail "descriptor filter count: want '1 1 2 2', got '$nf'"

# procps keeps /proc/stat open and rewinds it: with a busy loop on the zone's one CPU, some
# refresh after the first must show the CPU busy (a frozen file shows 100% idle each time).
if command -v vmstat >/dev/null && command -v top >/dev/null; then
	ids=$("$LXRUN" --memory 256M --cpus 1 -- sh -c \
		'yes >/dev/null & vmstat 1 4 | tail -3 | awk "{ print \$15 }"; kill $!' | tr '\n' ' ')
	busy=$(echo "$ids" | awk '{ for (i = 1; i <= NF; i++) if ($i < 90) n++; print n + 0 }')
	[ "$busy" -gt 0 ] && ok "vmstat 1 4: idle $ids after the first line" ||
		fail "vmstat 1 4 next to a busy loop stays idle: '$ids'"
	ids=$("$LXRUN" --memory 256M --cpus 1 -- sh -c \
		'yes >/dev/null & top -b -n 4 -d 1 | grep "Cpu(s)" | tail -3 | sed "s/.*ni, *\([0-9.]*\) id.*/\1/"; kill $!' |
		tr '\n' ' ')
	busy=$(echo "$ids" | awk '{ for (i = 1; i <= NF; i++) if ($i + 0 < 90) n++; print n + 0 }')
	[ "$busy" -gt 0 ] && ok "top -b -n 4 -d 1: idle $ids after the first frame" ||
		fail "top next to a busy loop stays idle: '$ids'"
	total=$("$LXRUN" --memory 256M --cpus 1 -- free -m -s 1 -c 2 | free_total | tr '\n' ' ')
	[ "$total" = "256 256 " ] && ok "free -s 1 -c 2: $total" || fail "free -s 1 -c 2: '$total'"
else
	echo "procps (vmstat, top) not installed: its checks skipped"
fi
finish
