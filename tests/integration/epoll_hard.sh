#!/bin/sh
# epoll_hard (epoll_hard.c) natively and under lxrun --hardened, where the brand emulates
# epoll over ppoll: both must print the same lines; the brand run must also show that its
# epoll descriptor is the brand's (a memfd), so the host's eventpoll was never used.
. "$(dirname "$0")/lib.sh"
need_root
bin=$LXZONE_BUILD/tests/bin
[ -x "$bin/it_epoll_hard" ] || skip "$bin/it_epoll_hard not built"
run_case epoll-hard 0 \
	"cd '$WORK' && '$bin/it_epoll_hard' errors sem cache" \
	"cd '$WORK' && '$LXRUN' --hardened -- '$bin/it_epoll_hard' errors sem cache"
if have_lxrun; then
	link=$("$LXRUN" --hardened -- /bin/sh -c 'exec python3 -c "import select,os; e=select.epoll(); print(os.readlink(\"/proc/self/fd/%d\" % e.fileno()))"' 2>&1)
	case "$link" in
	*memfd:lxepoll*) echo "ok   epoll-hard: the hardened epoll descriptor is the brand's ($link)" ;;
	*python3*not\ found* | "") echo "skip epoll-hard descriptor check: no python3" ;;
	*) fail "epoll-hard: hardened epoll descriptor is $link, not the brand's memfd" ;;
	esac
fi
finish
