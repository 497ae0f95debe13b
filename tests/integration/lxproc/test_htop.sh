#!/bin/sh
# Must work #2: htop in a terminal (tmux, capture-pane) inside a capped zone: the header shows
# one CPU and the zone's memory total, the process list only the zone's processes with
# their real names.  The zone's root is an overlay over the host's own root filesystem (so
# htop and its libraries are there), run with lxrun --root --cpus 1 --memory 256M.
. "$(dirname "$0")/lib.sh"
need_root
need_lxrun
need_cgroup_caps
command -v htop >/dev/null || skip "htop is not installed (Debian package htop)"
command -v tmux >/dev/null || skip "tmux is not installed (Debian package tmux)"
[ "$(nproc)" -ge 2 ] || skip "the host has one CPU: a 1-CPU zone would not differ from it"

tmp=$(mktemp -d /tmp/lxproc-htop.XXXXXX)
sess=lxproc-htop-$$
cleanup() {
	tmux kill-session -t "$sess" 2>/dev/null
	umount "$tmp/root" 2>/dev/null
	rm -rf "$tmp"
	cleanup_work # lib.sh's: this trap replaces its own (the cgroup parent was left)
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
mkdir -p "$tmp/root" "$tmp/upper" "$tmp/work"
mount -t overlay overlay -o "lowerdir=/,upperdir=$tmp/upper,workdir=$tmp/work" "$tmp/root" ||
	skip "cannot mount an overlay over / here"

screen=$(htop_screen "$sess" "$LXRUN --cpus 1 --memory 256M --root $tmp/root -- /usr/bin/htop")
echo "$screen" | head -14
htop_header_checks "$screen"
procs=$(echo "$screen" | sed -n '/PID USER/,$p' | sed 1d | grep -Ec '^ *[0-9]+ ')
[ "$procs" -ge 2 ] && [ "$procs" -le 4 ] && ok "$procs processes listed (the zone's)" ||
	fail "$procs processes listed, expected the zone's 2-4"
echo "$screen" | grep -q 'lxzone-init' && ok "PID 1 is lxzone-init" || fail "no lxzone-init"
echo "$screen" | grep -Eq '[0-9] .*htop' && ok "htop listed by its name" || fail "htop not listed"
echo "$screen" | grep -q 'lxzone-brand' && fail "the brand's name shows" ||
	ok "the brand's name never shows"
tmux send-keys -t "$sess" q
finish
