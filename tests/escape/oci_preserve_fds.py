#!/usr/bin/env python3
"""The self-test of probe_oci_runtime (run.sh --native): hand the probe, through
`lxzone-oci exec --preserve-fds 5`, one host thing of each kind it must call an escape, as
descriptors 3 to 8 -- the runtime's decoy file and directory, the host's network namespace,
a pidfd of this (host) process, a unix socket whose peer this process holds, a named FIFO
in DIR (made here, in the suite's scratch directory) -- so that its ESCAPED line shows
each check able to fail.

    oci_preserve_fds.py OCI STATE LOG ID DECOY DIR -- ARGV...

ARGV is what `exec` runs in the container. Exits with exec's status. Nothing is written
but the FIFO: the probe only examines what it is given.
"""
import os
import socket
import sys

oci, state, log, cid, decoy, tdir, dashes = sys.argv[1:8]
argv = sys.argv[8:]
assert dashes == "--" and argv, __doc__
mine, theirs = socket.socketpair()
fifo = os.path.join(tdir, "fifo")
os.mkfifo(fifo)
held = [
    os.open(decoy, os.O_RDONLY),
    os.open(tdir, os.O_RDONLY | os.O_DIRECTORY),
    os.open("/proc/self/ns/net", os.O_RDONLY),
    os.pidfd_open(os.getpid()),
    theirs.fileno(),
    os.open(fifo, os.O_RDWR | os.O_NONBLOCK),
]
# out of the way of 3..8 first (python's own are close-on-exec)
high = [os.dup2(fd, 100 + i, inheritable=False) for i, fd in enumerate(held)]
pid = os.fork()
if pid == 0:
    for i, fd in enumerate(high):
        os.dup2(fd, 3 + i)  # inheritable
    os.execv(oci, [oci, "--root", state, "--log", log, "exec", "--preserve-fds", str(len(high)),
                   cid] + argv)
_, status = os.waitpid(pid, 0)
sys.exit(os.waitstatus_to_exitcode(status))
