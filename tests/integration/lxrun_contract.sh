#!/bin/sh
# The lxrun command-line contract (issue 2, "lxrun"), from the outside: exit statuses as a
# shell would give them (the program's, 128+N, 126/127 for errors, with one line on stderr
# and nothing left mounted or running), stdin and a terminal passed through, signals sent
# to lxrun forwarded to the program, orphans not keeping the zone alive,
# --report-unsupported and --strict. Where a native counterpart exists (chroot in
# namespaces) the status is compared with it too.
. "$(dirname "$0")/lib.sh"
need_root
need_cmd unshare chroot timeout env pgrep
need_image
have_lxrun || skip "$LXRUN not built"
root=$(make_root brand)
nroot=$(make_root native)
T=${LXZONE_IT_TIMEOUT:-60}

# expect_status WHAT WANT CMD...: run CMD (stdin /dev/null), check its exit status; keep
# stderr in $WORK/err for the checks that follow.
expect_status() {
	what=$1 want=$2
	shift 2
	timeout -k 5 "$T" "$@" >"$WORK/out" 2>"$WORK/err" </dev/null
	st=$?
	if [ "$st" = "$want" ]; then
		echo "ok   $what: exit $st"
	else
		fail "$what: exit $st, expected $want (stderr: $(head -c 300 "$WORK/err"))"
	fi
}

one_line_error() {
	n=$(grep -c . "$WORK/err")
	[ "$n" = 1 ] && echo "ok   $1: one line on stderr: $(cat "$WORK/err")" ||
		fail "$1: $n lines on stderr, expected one: $(head -c 300 "$WORK/err")"
}

# Nothing of the zone stays mounted on the host. (Only mounts under this test's own work
# directory are looked at: other jobs on the machine may mount and unmount meanwhile.)
nothing_left() {
	left=$(awk -v w="$WORK" 'index($2, w) == 1 { print $2 }' /proc/self/mounts)
	if [ -n "$left" ]; then
		fail "$1: left mounted: $left"
	fi
}

# Statuses, natively and under the brand.
for c in "exit 42:42:/bin/sh -c 'exit 42'" "kill -KILL:137:/bin/sh -c 'kill -KILL \$\$'" \
	"kill -TERM:143:/bin/sh -c 'kill -TERM \$\$'" "true:0:/bin/true" "false:1:/bin/false"; do
	c_what=${c%%:*}
	c_rest=${c#*:}
	c_want=${c_rest%%:*}
	c_cmd=${c_rest#*:}
	expect_status "native $c_what" "$c_want" sh -c "'$NATIVE_ROOT' '$nroot' $c_cmd"
	expect_status "lxrun $c_what" "$c_want" sh -c "'$LXRUN' --root '$root' -- $c_cmd"
done

# Errors: one line, shell-like status, nothing left behind.
expect_status "native missing program" 127 "$NATIVE_ROOT" "$nroot" /no/such/program
expect_status "missing program" 127 "$LXRUN" --root "$root" -- /no/such/program
one_line_error "missing program"
nothing_left "missing program"

printf '\001\002\003 not an executable of any kind\n' >"$root/t/notelf"
chmod 0755 "$root/t/notelf"
expect_status "not an ELF file" 126 "$LXRUN" --root "$root" -- /t/notelf
one_line_error "not an ELF file"
nothing_left "not an ELF file"

printf '#!/bin/sh\necho not run\n' >"$root/t/noexec"
chmod 0644 "$root/t/noexec"
cp "$root/t/noexec" "$nroot/t/noexec"
expect_status "native not executable" 126 "$NATIVE_ROOT" "$nroot" /t/noexec
expect_status "not executable" 126 "$LXRUN" --root "$root" -- /t/noexec
one_line_error "not executable"

# A program on a noexec mount, executed by a program under the brand (the trapped execve):
# EACCES, as natively, a shell's 126.
mkdir -p "$root/t/nx" "$nroot/t/nx"
if mount -t tmpfs -o noexec,size=4m lxzone-it-nx "$root/t/nx" &&
	mount -t tmpfs -o noexec,size=4m lxzone-it-nx "$nroot/t/nx"; then
	cp "$root/bin/busybox" "$root/t/nx/prog"
	cp "$root/bin/busybox" "$nroot/t/nx/prog"
	expect_status "native exec on a noexec mount" 126 "$NATIVE_ROOT" "$nroot" /bin/sh -c '/t/nx/prog true'
	expect_status "exec on a noexec mount" 126 "$LXRUN" --root "$root" -- /bin/sh -c '/t/nx/prog true'
	umount "$root/t/nx" "$nroot/t/nx"
else
	fail "could not mount a noexec tmpfs for the noexec case"
fi

# A dynamic host binary in a root without its interpreter: ENOENT, as a shell says 127.
cp /bin/true "$root/t/dyntrue"
cp /bin/true "$nroot/t/dyntrue"
expect_status "native missing interpreter" 127 "$NATIVE_ROOT" "$nroot" /t/dyntrue
expect_status "missing interpreter" 127 "$LXRUN" --root "$root" -- /t/dyntrue
one_line_error "missing interpreter"
nothing_left "missing interpreter"

# An ELF for another machine (busybox with e_machine patched to EM_386).
cp "$root/bin/busybox" "$root/t/wrongarch"
printf '\003\000' | dd of="$root/t/wrongarch" bs=1 seek=18 conv=notrunc 2>/dev/null
expect_status "wrong architecture" 126 "$LXRUN" --root "$root" -- /t/wrongarch
one_line_error "wrong architecture"

expect_status "unusable root" 126 "$LXRUN" --root "$WORK/no-such-root" -- /bin/true
one_line_error "unusable root"
nothing_left "unusable root"

# stdin passes through.
got=$(echo "through stdin" | timeout "$T" "$LXRUN" --root "$root" -- /bin/cat 2>&1)
[ "$got" = "through stdin" ] && echo "ok   stdin passes through" || fail "stdin: got '$got'"

# A terminal: an interactive shell on a pty (script(1)).
if command -v script >/dev/null 2>&1; then
	got=$(printf 'test -t 0 && test -t 1 && echo on-a-tty\necho $((6*7))\nexit 5\n' |
		timeout "$T" script -qec "'$LXRUN' --root '$root' -- /bin/sh -i" /dev/null 2>&1)
	st=$?
	case "$got" in
	*on-a-tty*42*) [ $st = 5 ] && echo "ok   interactive shell on a pty" ||
		fail "interactive shell: exit $st, expected 5" ;;
	*) fail "interactive shell: output was: $got" ;;
	esac
else
	echo "note: script(1) missing, terminal case not run"
fi

# Signals sent to lxrun reach the program. (A background job of a non-interactive shell
# starts with SIGINT ignored, which the program would inherit: env restores the default.)
for sig in TERM INT HUP; do
	rm -f "$WORK/sigout"
	env --default-signal=INT,QUIT "$LXRUN" --root "$root" -- /bin/sh -c "trap 'echo got $sig; exit 3' $sig; echo ready; while :; do sleep 0.05; done" \
		>"$WORK/sigout" 2>&1 </dev/null &
	p=$!
	i=0
	while ! grep -q ready "$WORK/sigout" 2>/dev/null && [ $i -lt 200 ]; do
		sleep 0.05
		i=$((i + 1))
	done
	kill -"$sig" $p
	(sleep 15; kill -KILL $p) >/dev/null 2>&1 &
	watchdog=$!
	wait $p
	st=$?
	kill $watchdog 2>/dev/null
	if [ $st = 3 ] && grep -q "got $sig" "$WORK/sigout"; then
		echo "ok   SIG$sig to lxrun is forwarded to the program"
	else
		fail "SIG$sig to lxrun: exit $st, output: $(cat "$WORK/sigout")"
		kill -KILL $p 2>/dev/null
	fi
done

# The zone ends with its program: a background orphan does not keep lxrun waiting, and is
# not left running on the host.
token=$((1000 + $$ % 1000))
start=$(date +%s)
expect_status "orphan left behind" 0 "$LXRUN" --root "$root" -- /bin/sh -c "sleep $token & exit 0"
took=$(($(date +%s) - start))
[ $took -lt 20 ] && echo "ok   lxrun returned in ${took}s despite the orphan" ||
	fail "lxrun waited ${took}s for an orphan"
sleep 0.2
left=$(pgrep -x -f "sleep $token")
if [ -n "$left" ]; then
	fail "the orphan 'sleep $token' is still running on the host (pid $left)"
	kill $left
fi

# PID 1 is lxzone-init, from a read-only copy of its own (EROFS for writing, where lxrun's
# own binary would only give ETXTBSY), named without host paths, holding stdio only.
got=$(timeout "$T" "$LXRUN" --root "$root" -- /bin/sh -c \
	'echo "$(readlink /proc/1/exe)|$(tr -d "\0" </proc/1/cmdline)|$(ls /proc/1/fd | tr "\n" " ")"
	 (echo x >>/proc/1/exe) 2>&1; true' </dev/null 2>&1)
want="/lxzone-init|lxzone-init|0 1 2 
/bin/sh: can't create /proc/1/exe: Read-only file system"
[ "$got" = "$want" ] && echo "ok   PID 1 is lxzone-init, read-only, stdio only" ||
	fail "PID 1: got '$got', expected '$want'"

# --report-unsupported and --strict, on a host program (no --root) that calls syscall 999.
py=/usr/bin/python3
if [ -x $py ]; then
	prog='import ctypes, os; libc = ctypes.CDLL(None, use_errno=True); r = libc.syscall(999); print(r, os.strerror(ctypes.get_errno()))'
	native=$($py -c "$prog")
	got=$(timeout "$T" "$LXRUN" --report-unsupported="$WORK/unsupported" -- $py -c "$prog")
	[ "$got" = "$native" ] && echo "ok   unknown syscall answers as natively: $got" ||
		fail "unknown syscall: '$got', natively '$native'"
	if grep -q 999 "$WORK/unsupported" 2>/dev/null; then
		echo "ok   --report-unsupported=FILE: $(grep 999 "$WORK/unsupported")"
	else
		fail "--report-unsupported=FILE does not mention syscall 999: $(cat "$WORK/unsupported" 2>&1)"
	fi
	timeout "$T" "$LXRUN" --report-unsupported -- $py -c "$prog" >/dev/null 2>"$WORK/err"
	grep -q 999 "$WORK/err" && echo "ok   --report-unsupported reports on stderr" ||
		fail "--report-unsupported: nothing about 999 on stderr: $(cat "$WORK/err")"
	expect_status "--strict kills on an unsupported call" 159 "$LXRUN" --strict -- $py -c "$prog"
fi
finish
