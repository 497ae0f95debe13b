# Background jobs, wait, trap on INT/TERM, kill of children blocked in sleep and in read.
set -u

# Wait until process $1 is blocked in a system call (first field of /proc/PID/syscall)
# whose number is in the list $2, so that the signal really interrupts a blocked call.
wait_blocked() {
	i=0
	while [ $i -lt 200 ]; do
		nr=$(cut -d' ' -f1 /proc/$1/syscall 2>/dev/null)
		case " $2 " in *" $nr "*) echo "blocked"; return 0 ;; esac
		sleep 0.02
		i=$((i + 1))
	done
	echo "not blocked (syscall '$nr')"
	return 1
}

(sleep 0.3; exit 5) &
p1=$!
sh -c 'exit 7' &
p2=$!
wait $p1
echo "wait for job 1: $?"
wait $p2
echo "wait for job 2: $?"
( for i in 3 1 2; do (sleep 0.$i; echo "job $i done") & done; wait; echo "all jobs waited" ) | sort
echo "jobs in pipeline: $(for i in 1 2 3 4; do echo $i & done | sort | tr '\n' ' ')"

# trap in this shell: INT and TERM sent to ourselves run the handlers and we go on.
trap 'echo "trap: INT"' INT
trap 'echo "trap: TERM"' TERM
kill -INT $$
kill -TERM $$
echo "survived own INT and TERM"
trap - INT TERM

# A background shell with a TERM trap, interrupted while it sleeps.
sh -c 'trap "echo child trap TERM; exit 3" TERM; echo ready >/tmp/ready; while :; do sleep 0.05; done' &
p=$!
while [ ! -s /tmp/ready ]; do sleep 0.02; done
kill -TERM $p
wait $p
echo "child with TERM trap: $?"

# An EXIT trap runs on exit, and an INT with no trap kills with 128+2.
sh -c 'trap "echo exit trap ran" EXIT; exit 4'
echo "exit trap status: $?"
sh -c 'kill -INT $$; echo not-reached'
echo "killed by INT: $?"

# Children blocked in sleep (nanosleep) and in read(2) on a pipe, killed.
sleep 30 &
p=$!
echo "sleep: $(wait_blocked $p '35 230')"
kill $p
wait $p
echo "killed in sleep: $?"

mkfifo /tmp/fifo
sh -c 'exec 3<>/tmp/fifo; exec cat <&3' &
p=$!
echo "cat: $(wait_blocked $p 0)"
kill -TERM $p
wait $p
echo "killed in read: $?"

# The shell's own read builtin (it polls, then reads).
sh -c 'exec 3<>/tmp/fifo; read line <&3; echo "read returned"' &
p=$!
echo "read builtin: $(wait_blocked $p '0 7')"
kill -KILL $p
wait $p
echo "killed in read builtin: $?"

# A blocked read that gets its data completes normally.
sh -c 'read line </tmp/fifo; echo "read got: $line"' &
p=$!
sleep 0.1
echo "some data" >/tmp/fifo
wait $p
echo "reader status: $?"
echo done
