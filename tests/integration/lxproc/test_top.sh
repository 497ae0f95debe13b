#!/bin/sh
# /proc/stat over time in a 1-CPU run (lxrun --memory 256M --cpus 1): top and vmstat refresh
# once a second and turn two reads into percentages, while the supervisor samples the
# cgroup once a second too.  A busy loop must show ~100% user on every refresh after the
# first (none with no new sample looking idle), an idle run ~0%; /proc/stat's columns never
# go back and add up to the run's uptime.  procps top and vmstat on the host run; busybox
# top in the busybox root.
. "$(dirname "$0")/lib.sh"
need_root
need_lxrun
need_image
need_cgroup_caps
command -v top >/dev/null && command -v vmstat >/dev/null || skip "procps top and vmstat not installed"

CAPS="--memory 256M --cpus 1"
BUSY='while :; do :; done'

# Each refresh after the first: "us sy id" of procps top's %Cpu(s) line.
top_refreshes() {
	grep '^%Cpu' | sed 1d | sed 's/[,:]/ /g' |
		awk '{for (i = 1; i < NF; i++) { if ($(i+1) == "us") u = $i; if ($(i+1) == "sy") s = $i;
			if ($(i+1) == "id") d = $i }; print u, s, d}'
}

# top -b -d 1 -n 6 next to a busy loop: every refresh after the first mostly user time.
# (The loop shares the one CPU with top, and the host's other work may steal from it.)
out=$("$LXRUN" $CAPS -- /bin/sh -c "$BUSY & sleep 1.5; top -b -d 1 -n 6; kill \$!") ||
	fail "top next to a busy loop failed"
lines=$(echo "$out" | top_refreshes)
[ "$(echo "$lines" | wc -l)" = 5 ] || fail "top printed no 6 refreshes: $out"
bad=$(echo "$lines" | awk '$1 < 70 || $3 > 25')
[ -z "$bad" ] && ok "busy loop, top refreshes (us sy id): $(echo $lines)" ||
	fail "busy loop: a refresh below 70% us or above 25% id: $(echo $lines)"

# vmstat 1 5 the same way: the us column of every line after the first (since boot).
out=$("$LXRUN" $CAPS -- /bin/sh -c "$BUSY & sleep 1.5; vmstat 1 5; kill \$!") ||
	fail "vmstat next to a busy loop failed"
us=$(echo "$out" | awk 'NR > 3 {print $13}')
[ "$(echo "$us" | wc -l)" = 4 ] || fail "vmstat printed no 5 lines: $out"
bad=$(echo "$us" | awk '$1 < 70')
[ -z "$bad" ] && ok "busy loop, vmstat us: $(echo $us)" || fail "busy loop: vmstat us $(echo $us)"

# An idle run: top itself is all there is.
lines=$("$LXRUN" $CAPS -- top -b -d 1 -n 5 | top_refreshes)
bad=$(echo "$lines" | awk '$1 + $2 > 10')
[ -n "$lines" ] && [ -z "$bad" ] && ok "idle run, top refreshes (us sy id): $(echo $lines)" ||
	fail "idle run: a refresh above 10% busy: $(echo $lines)"

# busybox top in the busybox root, next to a busy loop.
out=$("$LXRUN" --root "$IMAGE" $CAPS -- /bin/sh -c "$BUSY & sleep 1.5; top -b -d 1 -n 5; kill \$!")
usr=$(echo "$out" | grep '^CPU:' | sed 1d | awk '{sub("%", "", $2); print $2}')
bad=$(echo "$usr" | awk '$1 < 70')
[ -n "$usr" ] && [ -z "$bad" ] && ok "busybox top, busy loop: usr $(echo $usr)" ||
	fail "busybox top, busy loop: usr $(echo $usr): $out"

# /proc/stat read every 0.3 s for 6 s next to a busy loop: no column of cpu or cpu0 ever
# goes back, and cpu0's columns add up to the uptime (one sample interval behind at most).
out=$("$LXRUN" --root "$IMAGE" $CAPS -- /bin/sh -c "$BUSY & i=0; while [ \$i -lt 20 ]; do
	cat /proc/uptime; grep '^cpu' /proc/stat; sleep 0.3; i=\$((i + 1)); done; kill \$!")
res=$(echo "$out" | awk '
	NF == 2 { up = $1 * 100; next }
	$1 ~ /^cpu/ {
		sum = 0
		for (i = 2; i <= NF; i++) {
			if (($1, i) in last && $i < last[$1, i]) { print "back", $1, i, last[$1, i], $i }
			last[$1, i] = $i; sum += $i
		}
		if ($1 == "cpu0" && (sum > up + 5 || sum < up - 250)) print "sum", sum, "uptime", up
		n++
	}
	END { if (n < 40) print "lines", n }')
[ -z "$res" ] && ok "/proc/stat: 20 reads, monotonic, cpu0 adds up to the uptime" ||
	fail "/proc/stat over time: $res"
no_lxrun_leftovers
finish
