#!/usr/bin/env python3
"""How often, and how long, a shared zone's socket hooks (zone/netbpf.c) ran:

    netbpf_stats.py CGROUP_DIR            -> "HOOK runs N ns T" per attached program
    netbpf_stats.py CGROUP_DIR -- CMD...  -> the same for the hooks' runs during CMD only

CGROUP_DIR is the zone's cgroup2 directory (the hooks are attached there).  The kernel
counts program runs only while kernel.bpf_stats_enabled is 1: the script sets it for CMD
and puts the old value back.  Needs root.  Tells whether a benchmark's gap can be the hooks'
at all (bench/net.sh prints it for nginx+wrk)."""
import ctypes, os, struct, subprocess, sys

SYS_bpf = 321  # x86_64
BPF_PROG_GET_FD_BY_ID, BPF_OBJ_GET_INFO_BY_FD, BPF_PROG_QUERY = 13, 15, 16
HOOKS = {2: "sock_create", 8: "bind4", 9: "bind6", 10: "connect4", 11: "connect6",
         12: "post_bind4", 13: "post_bind6", 14: "sendmsg4", 15: "sendmsg6", 19: "recvmsg4",
         29: "getpeername4", 31: "getsockname4"}
libc = ctypes.CDLL(None, use_errno=True)


def bpf(cmd, attr):
    buf = ctypes.create_string_buffer(bytes(attr), 128)
    r = libc.syscall(SYS_bpf, cmd, buf, 128)
    if r < 0:
        raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()))
    return r, buf.raw


def progs(cgfd, attach_type):
    ids = (ctypes.c_uint32 * 8)()
    attr = struct.pack("=IIIIQI", cgfd, attach_type, 0, 0, ctypes.addressof(ids), 8)
    try:
        _, out = bpf(BPF_PROG_QUERY, attr)
    except OSError:
        return []
    return list(ids[:struct.unpack_from("=I", out, 24)[0]])


def stats(cg):
    """{hook: (runs, ns)} of the programs attached to cgroup directory cg."""
    fd = os.open(cg, os.O_RDONLY | os.O_DIRECTORY)
    res = {}
    try:
        for at, name in HOOKS.items():
            for pid in progs(fd, at):
                pfd, _ = bpf(BPF_PROG_GET_FD_BY_ID, struct.pack("=III", pid, 0, 0))
                info = ctypes.create_string_buffer(232)
                bpf(BPF_OBJ_GET_INFO_BY_FD, struct.pack("=IIQ", pfd, 232, ctypes.addressof(info)))
                os.close(pfd)
                ns, runs = struct.unpack_from("=QQ", info.raw, 192)
                res[name] = (runs, ns)
    finally:
        os.close(fd)
    return res


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    cg = sys.argv[1]
    cmd = sys.argv[3:] if len(sys.argv) > 3 and sys.argv[2] == "--" else None
    knob = "/proc/sys/kernel/bpf_stats_enabled"
    old = open(knob).read().strip()
    before = stats(cg)
    if cmd:
        with open(knob, "w") as f:
            f.write("1")
        try:
            subprocess.run(cmd, check=False, stdout=subprocess.DEVNULL)
        finally:
            with open(knob, "w") as f:
                f.write(old)
    after = stats(cg)
    if not after:
        sys.exit("netbpf_stats: no hooks attached to %s" % cg)
    for name in sorted(after):
        runs = after[name][0] - before.get(name, (0, 0))[0]
        ns = after[name][1] - before.get(name, (0, 0))[1]
        print("%s runs %d ns %d" % (name, runs, ns))


main()
