#!/bin/sh
# epoll_hard (epoll_hard.c) natively, under lxrun --hardened (the brand's epoll, readiness from
# a host epoll instance of the brand's own: syscalls/lx_epoll_host.c) and under lxrun --hardened
# --epoll-ppoll (the brand's epoll over ppoll only): all must print the same lines; the guest's
# epoll descriptor must be the brand's (a memfd), the brand's host instance must sit in its
# reserved range [896, 960), and with --epoll-ppoll there must be none.
. "$(dirname "$0")/lib.sh"
need_root
bin=$LXZONE_BUILD/tests/bin
[ -x "$bin/it_epoll_hard" ] || skip "$bin/it_epoll_hard not built"
run_case epoll-hard 0 \
	"cd '$WORK' && '$bin/it_epoll_hard' errors sem cache" \
	"cd '$WORK' && '$LXRUN' --hardened -- '$bin/it_epoll_hard' errors sem cache"
run_case epoll-hard-ppoll 0 \
	"cd '$WORK' && '$bin/it_epoll_hard' errors sem cache" \
	"cd '$WORK' && '$LXRUN' --hardened --epoll-ppoll -- '$bin/it_epoll_hard' errors sem cache"
if have_lxrun; then
	link=$("$LXRUN" --hardened -- /bin/sh -c 'exec python3 -c "import select,os; e=select.epoll(); print(os.readlink(\"/proc/self/fd/%d\" % e.fileno()))"' 2>&1)
	case "$link" in
	*memfd:lxepoll*) echo "ok   epoll-hard: the hardened epoll descriptor is the brand's ($link)" ;;
	*python3*not\ found* | "") echo "skip epoll-hard descriptor check: no python3" ;;
	*) fail "epoll-hard: hardened epoll descriptor is $link, not the brand's memfd" ;;
	esac
	# after one wait: the host instance the brand made, and where
	prog='import select,os
e=select.epoll(); r,w=os.pipe(); e.register(r); e.poll(0)
def link(f):
    try:
        return os.readlink("/proc/self/fd/" + f)
    except OSError:
        return ""
print(" ".join(f for f in sorted(os.listdir("/proc/self/fd")) if link(f) == "anon_inode:[eventpoll]") or "none")'
	for mode in "" --epoll-ppoll; do
		fds=$("$LXRUN" --hardened $mode -- python3 -c "$prog" 2>&1)
		case "$mode:$fds" in
		*python3*not\ found*) echo "skip epoll-hard host-instance check: no python3" ;;
		:89[6-9] | :9[0-5][0-9]) echo "ok   epoll-hard: the brand's host epoll instance is fd $fds, in its range" ;;
		--epoll-ppoll:none) echo "ok   epoll-hard: with --epoll-ppoll the brand has no host epoll instance" ;;
		*) fail "epoll-hard ($mode): host epoll instances at: $fds" ;;
		esac
	done
fi
finish
