#!/bin/sh
# Must work #5: without caps, nothing is invented. lxrun without --memory/--cpus (on the
# host and with --root) shows the host's CPUs, memory and uptime, and publishes no page.
. "$(dirname "$0")/lib.sh"
need_root
need_lxrun
need_image

BB=$IMAGE/bin/busybox
hn=$(host_ncpus)
hmem=$(($(host_memtotal_kb) / 1024))
for mode in host root; do
	if [ $mode = host ]; then
		run() { "$LXRUN" -- "$BB" "$@"; }
	else
		run() { "$LXRUN" --root "$IMAGE" -- /bin/busybox "$@"; }
	fi
	n=$(run nproc)
	[ "$n" = "$hn" ] && ok "$mode: nproc $n" || fail "$mode: nproc '$n', host $hn"
	n=$(run grep -c ^processor /proc/cpuinfo)
	hc=$(grep -c ^processor /proc/cpuinfo)
	[ "$n" = "$hc" ] && ok "$mode: cpuinfo $n" || fail "$mode: cpuinfo '$n', host $hc"
	total=$(run free -m | free_total)
	in_range "$total" $((hmem - 1)) $((hmem + 1)) && ok "$mode: free -m total $total" ||
		fail "$mode: free -m total '$total', host $hmem"
	up=$(run cut -d. -f1 /proc/uptime)
	hup=$(host_uptime_s)
	in_range "$up" $((hup - 2)) $((hup + 2)) && ok "$mode: uptime is the host's ($up)" ||
		fail "$mode: uptime '$up', host $hup"
done
# No page: the brand is handed none.
if "$LXRUN" --dry-run -- /bin/true | grep -q zone-page; then
	fail "a page is handed over without caps"
else
	ok "no zone page without caps"
fi
no_lxrun_leftovers
finish
