#!/bin/sh
# lxzone login: a shell on a terminal of the zone's own devpts (tty names /dev/pts/N inside
# the zone), the caller's window size, ^C reaching the zone's foreground job as SIGINT, and
# the shell's exit status back to the caller.  Driven through tmux (a real terminal).
. "$(dirname "$0")/lib.sh"
builtin_images
need_brand
command -v tmux >/dev/null || skip "tmux is not installed (Debian package tmux)"

lxzone create lg --image builtin:busybox
lxzone boot lg
sess=lxzone-login-$$
tmux new-session -d -s "$sess" -x 120 -y 30 \
	"LXZONE_ROOT=$LXZONE_ROOT $LXZONE login lg; echo LOGIN-EXIT=\$?; sleep 10"
sleep 1.5
tmux send-keys -t "$sess" "tty; stty size" Enter
sleep 0.5
tmux send-keys -t "$sess" "sleep 30" Enter
sleep 0.5
tmux send-keys -t "$sess" C-c
sleep 0.3
tmux send-keys -t "$sess" "echo after-ctrl-c; exit 3" Enter
screen=""
for _ in 1 2 3 4 5 6 7 8 9 10; do
	sleep 0.5
	screen=$(tmux capture-pane -t "$sess" -p)
	echo "$screen" | grep -q LOGIN-EXIT && break
done
tmux kill-session -t "$sess" 2>/dev/null || true
echo "$screen" | grep -v '^$'
echo "$screen" | grep -qx '/dev/pts/[0-9]*' || fail "tty is not a terminal of the zone's devpts"
echo "$screen" | grep -qx '30 120' || fail "the window size did not follow"
echo "$screen" | grep -qx 'after-ctrl-c' || fail "the shell did not survive ^C of its job"
echo "$screen" | grep -qx 'LOGIN-EXIT=3' || fail "the shell's exit status did not come back"
lxzone halt lg
lxzone destroy lg
echo "all checks passed"
