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
# On a loaded host the busy loop gets less than its one CPU, and the view must then show what
# it got, not 100%.  So each run also prints the loop's own CPU time (utime + stime of
# /proc/PID/stat, the kernel's, not lxproc's) around the tool's run against the uptime, and a
# refresh is judged against that share: at least min(70, share - 25) % user, at most
# max(25, 125 - share) % idle, and the refreshes' mean within 20 of the share.
# usage: run_busy "TOOL ARGS" [--root IMG]
run_busy() {
	tool=$1
	shift
	"$LXRUN" "$@" $CAPS -- /bin/sh -c "$BUSY & p=\$!; sleep 1.5
		cpu() { set -- \$(cat /proc/\$p/stat); echo \$((\${14} + \${15})); }
		a=\$(cpu); t=\$(cut -d' ' -f1 /proc/uptime); $tool
		b=\$(cpu); u=\$(cut -d' ' -f1 /proc/uptime); kill \$p
		echo SHARE \$a \$b \$t \$u"
}
# the loop's share of a CPU in %, from run_busy's SHARE line
share_of() { echo "$1" | awk '$1 == "SHARE" { printf "%d", ($3 - $2) / ($5 - $4) }'; }
# usage: judge SHARE "us [id]" lines: the refreshes that fail, or "mean" when the mean does
judge() {
	echo "$2" | awk -v s="$1" '{ lo = s - 25; if (lo > 70) lo = 70
		hi = 125 - s; if (hi < 25) hi = 25
		if ($1 < lo || (NF > 2 && $3 > hi)) print; sum += $1; n++ }
		END { m = n ? sum / n : 0; c = s > 100 ? 100 : s
			if (!n || m < c - 20 || m > c + 20) print "mean", m, "share", s }'
}

# Each refresh after the first: "us sy id" of procps top's %Cpu(s) line.
top_refreshes() {
	grep '^%Cpu' | sed 1d | sed 's/[,:]/ /g' |
		awk '{for (i = 1; i < NF; i++) { if ($(i+1) == "us") u = $i; if ($(i+1) == "sy") s = $i;
			if ($(i+1) == "id") d = $i }; print u, s, d}'
}

# top -b -d 1 -n 6 next to a busy loop: every refresh after the first mostly user time.
# (The loop shares the one CPU with top, and the host's other work may steal from it.)
out=$(run_busy "top -b -d 1 -n 6") || fail "top next to a busy loop failed"
share=$(share_of "$out")
lines=$(echo "$out" | top_refreshes)
[ "$(echo "$lines" | wc -l)" = 5 ] || fail "top printed no 6 refreshes: $out"
bad=$(judge "$share" "$lines")
[ -z "$bad" ] && ok "busy loop (${share}% of a CPU), top refreshes (us sy id): $(echo $lines)" ||
	fail "busy loop (${share}% of a CPU): refreshes off its share: $(echo $bad); all: $(echo $lines)"

# vmstat 1 5 the same way: the us column of every line after the first (since boot).
out=$(run_busy "vmstat 1 5") || fail "vmstat next to a busy loop failed"
share=$(share_of "$out")
us=$(echo "$out" | grep -v '^SHARE' | awk 'NR > 3 {print $13}')
[ "$(echo "$us" | wc -l)" = 4 ] || fail "vmstat printed no 5 lines: $out"
bad=$(judge "$share" "$us")
[ -z "$bad" ] && ok "busy loop (${share}% of a CPU), vmstat us: $(echo $us)" ||
	fail "busy loop (${share}% of a CPU): vmstat us $(echo $us): $(echo $bad)"

# An idle run: top itself is all there is.
lines=$("$LXRUN" $CAPS -- top -b -d 1 -n 5 | top_refreshes)
bad=$(echo "$lines" | awk '$1 + $2 > 10')
[ -n "$lines" ] && [ -z "$bad" ] && ok "idle run, top refreshes (us sy id): $(echo $lines)" ||
	fail "idle run: a refresh above 10% busy: $(echo $lines)"

# busybox top in the busybox root, next to a busy loop.
out=$(run_busy "top -b -d 1 -n 5" --root "$IMAGE")
share=$(share_of "$out")
usr=$(echo "$out" | grep '^CPU:' | sed 1d | awk '{sub("%", "", $2); print $2}')
bad=$(judge "$share" "$usr")
[ -n "$usr" ] && [ -z "$bad" ] && ok "busybox top, busy loop (${share}% of a CPU): usr $(echo $usr)" ||
	fail "busybox top, busy loop (${share}% of a CPU): usr $(echo $usr): $(echo $bad): $out"

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
