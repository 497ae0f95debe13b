#!/bin/sh
# inotify_poll (inotify_poll.c) natively and under lxrun --hardened, where the brand emulates
# inotify by polling: both must print the same lines.
. "$(dirname "$0")/lib.sh"
need_root
bin=$LXZONE_BUILD/tests/bin
[ -x "$bin/it_inotify_poll" ] || skip "$bin/it_inotify_poll not built"
run_case inotify-poll 0 \
	"cd '$WORK' && '$bin/it_inotify_poll'" \
	"cd '$WORK' && '$LXRUN' --hardened -- '$bin/it_inotify_poll'"

# A watched file's file system unmounted (by the host, here): IN_UNMOUNT, then IN_IGNORED.
# The emulation tells it from a deletion by the device the path's directory now shows.
unmount_run() { # $1: label, $2...: the command prefix
	label=$1
	shift
	mkdir -p "$WORK/mnt"
	mount -t tmpfs lxit "$WORK/mnt" || return 1
	echo x >"$WORK/mnt/f"
	"$@" "$bin/it_inotify_poll" unmount "$WORK/mnt/f" >"$WORK/unmount.$label.out" 2>&1 &
	pid=$!
	i=0
	while ! grep -q ready "$WORK/unmount.$label.out" 2>/dev/null && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sleep 0.3 # a look of the brand's watcher after the watch was added
	i=0
	until umount "$WORK/mnt" 2>/dev/null || [ $i -ge 50 ]; do # EBUSY while a look reads it
		sleep 0.1
		i=$((i + 1))
	done
	timeout 10 sh -c "while kill -0 $pid 2>/dev/null; do sleep 0.1; done"
	kill "$pid" 2>/dev/null
	mountpoint -q "$WORK/mnt" && umount -l "$WORK/mnt"
	cat "$WORK/unmount.$label.out"
}
if ! command -v mountpoint >/dev/null; then
	echo "skip inotify-poll unmount: no mountpoint(1)"
else
	nat=$(unmount_run native env)
	case "$nat" in
	*"unmount: second event"*0x8000*) ;;
	*) fail "inotify-poll unmount (native): $nat" ;;
	esac
	if have_lxrun; then
		brand=$(unmount_run brand "$LXRUN" --hardened --)
		if [ "$brand" = "$nat" ]; then
			echo "ok   inotify-poll unmount: IN_UNMOUNT, IN_IGNORED as natively"
		else
			fail "inotify-poll unmount: native and hardened differ:
$nat
---
$brand"
		fi
	fi
fi
finish
