"""Python under the brand: threads, subprocess, multiprocessing, signal.alarm.

Prints only deterministic lines, so the native run and the run under lxrun can be compared
line by line.
"""
import multiprocessing
import os
import signal
import subprocess
import sys
import threading


def threads():
    lock = threading.Lock()
    total = [0]
    barrier = threading.Barrier(8)

    def work(n):
        barrier.wait()
        s = 0
        for i in range(20000):
            s += i * n
        with lock:
            total[0] += s

    ts = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    print("threads: total", total[0])
    cond = threading.Condition()
    items = []

    def producer():
        for i in range(100):
            with cond:
                items.append(i)
                cond.notify()

    got = []
    t = threading.Thread(target=producer)
    t.start()
    while len(got) < 100:
        with cond:
            while not items:
                cond.wait()
            got.extend(items)
            items.clear()
    t.join()
    print("threads: condition passed", sum(got))


def subprocesses():
    r = subprocess.run(["/bin/echo", "hello", "from", "echo"], capture_output=True, text=True)
    print("subprocess: echo ->", r.stdout.strip(), r.returncode)
    r = subprocess.run(["/bin/sh", "-c", "exit 3"])
    print("subprocess: exit status", r.returncode)
    r = subprocess.run(["/bin/sh", "-c", "kill -TERM $$"])
    print("subprocess: killed", r.returncode)
    p1 = subprocess.Popen(["seq", "1", "1000"], stdout=subprocess.PIPE)
    p2 = subprocess.Popen(["wc", "-l"], stdin=p1.stdout, stdout=subprocess.PIPE, text=True)
    p1.stdout.close()
    print("subprocess: pipeline", p2.communicate()[0].strip(), p1.wait(), p2.wait())
    r = subprocess.run([sys.executable, "-c", "import sys; print(sys.argv[1:])", "a", "b c"],
                       capture_output=True, text=True)
    print("subprocess: python child", r.stdout.strip())
    try:
        subprocess.run(["/nonexistent/program"])
    except FileNotFoundError as e:
        print("subprocess: missing program ->", type(e).__name__, e.errno)


def square(x):
    return x * x


def child_put(q, n, parent):
    q.put((n, os.getppid() == parent))


def multiprocessing_part():
    for method in ("fork", "spawn"):
        ctx = multiprocessing.get_context(method)
        with ctx.Pool(2) as pool:
            print("multiprocessing %s: pool map" % method, sum(pool.map(square, range(100))))
        q = ctx.Queue()
        procs = [ctx.Process(target=child_put, args=(q, n, os.getpid())) for n in range(3)]
        for p in procs:
            p.start()
        res = sorted(q.get(timeout=30) for _ in procs)
        for p in procs:
            p.join()
        print("multiprocessing %s: queue" % method, res, [p.exitcode for p in procs])


class Alarm(Exception):
    pass


def on_alarm(signum, frame):
    raise Alarm()


def alarm_part():
    signal.signal(signal.SIGALRM, on_alarm)
    r, w = os.pipe()
    signal.setitimer(signal.ITIMER_REAL, 0.2)
    try:
        os.read(r, 1)
        print("alarm: read returned (wrong)")
    except Alarm:
        print("alarm: blocking read interrupted by SIGALRM")
    signal.alarm(1)
    try:
        os.read(r, 1)
    except Alarm:
        print("alarm: signal.alarm(1) interrupted read")
    signal.alarm(0)

    # A handler that does not raise: PEP 475 retries the read, which then gets the data.
    hits = []
    signal.signal(signal.SIGALRM, lambda s, f: hits.append(s))
    pid = os.fork()
    if pid == 0:
        os.close(r)
        import time
        time.sleep(0.5)
        os.write(w, b"x")
        os._exit(0)
    signal.setitimer(signal.ITIMER_REAL, 0.1)
    data = os.read(r, 1)
    os.waitpid(pid, 0)
    print("alarm: retried read got", data, "after", len(hits), "signal(s)")


if __name__ == "__main__":
    threads()
    subprocesses()
    multiprocessing_part()
    alarm_part()
    print("done")
