#!/usr/bin/env python3
# pty_run.py [--size ROWSxCOLS] [--resize-after MARK ROWSxCOLS] [--send-after MARK TEXT] CMD...
#
# CMD on a terminal of its own (a new pty, CMD its session leader), given no input unless
# asked: not script(1), which with its standard input at end-of-file writes the terminal's EOF
# character (a NUL once the terminal is raw).  Everything CMD writes to the terminal goes to
# our stdout; our exit status is CMD's.  --resize-after: once MARK has appeared in CMD's
# output, the terminal is resized (the kernel sends SIGWINCH to its foreground group);
# --send-after: once MARK has appeared, TEXT is typed.  A CMD that may change the terminal's
# modes must be the foreground group: run `timeout --foreground`, never a shell that forks it
# (else tcsetattr stops it with SIGTTOU).
import fcntl
import os
import struct
import sys
import termios

args = sys.argv[1:]
size, actions = None, []
while args and args[0].startswith("--"):
    if args[0] == "--size":
        size, args = args[1], args[2:]
    elif args[0] == "--resize-after":
        actions.append(("resize", args[1].encode(), args[2]))
        args = args[3:]
    elif args[0] == "--send-after":
        actions.append(("send", args[1].encode(), args[2]))
        args = args[3:]
    else:
        sys.exit("pty_run.py: unknown option " + args[0])


def winsize(fd, spec):
    rows, cols = (int(x) for x in spec.split("x"))
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


# the size is set before CMD starts: pty.fork() would race it
fd, slave = os.openpty()
if size:
    winsize(fd, size)
pid = os.fork()
if pid == 0:
    os.close(fd)
    os.setsid()
    fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
    for i in (0, 1, 2):
        os.dup2(slave, i)
    if slave > 2:
        os.close(slave)
    os.execvp(args[0], args)
os.close(slave)
out = b""
while True:
    try:
        b = os.read(fd, 4096)
    except OSError:
        break
    if not b:
        break
    out += b
    while actions and actions[0][1] in out:
        kind, _, what = actions.pop(0)
        if kind == "resize":
            winsize(fd, what)
        else:
            os.write(fd, what.encode())
_, st = os.waitpid(pid, 0)
sys.stdout.write(out.decode(errors="replace"))
sys.exit(os.waitstatus_to_exitcode(st))
