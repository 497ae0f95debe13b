"""Test tag -> syscall family.

LTP names a syscall test after the call plus a number: ``fork01``, ``dup201`` (dup2, test 01),
``pipe2_01``, ``epoll_ctl03``, ``stat01_64``. A family groups the calls a brand handler or a
regression report treats together (``epoll`` holds epoll_create, epoll_ctl, epoll_wait, ...).

A tag belongs to a family when it is one of the family's call names followed by a test number
(digits, optionally split by one underscore, optionally ``_64`` / ``_16``). The number rule is
what keeps ``open_tree01`` out of ``open`` and ``times01`` out of ``time``. Where two names
match (``openat01``: ``open`` + ``at01`` is not a number, ``openat`` + ``01`` is), only the
number rule decides, so the table needs no ordering.

FAMILIES is the default subset's family list (issue 5): the calls the brand emulates or touches,
plus their close relatives (vectored read/write, the send/recv variants, the legacy signal calls
that glibc maps onto rt_sig*, alarm, sched affinity, which the brand virtualizes).
Tags outside it fall back to their own call name, so a comparison can group any runtest file.
"""

import re

# family -> the LTP call names that belong to it. One row per family, names as LTP spells them.
FAMILIES = {
    "clone": ["clone", "clone3"],
    "fork": ["fork"],
    "vfork": ["vfork"],
    "execve": ["execve", "execveat", "execl", "execle", "execlp", "execv", "execvp"],
    "exit": ["exit", "exit_group"],
    "wait": ["wait", "wait4", "waitpid", "waitid"],
    "kill": ["kill", "tkill", "tgkill"],
    "rt_sig": ["rt_sigaction", "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigsuspend",
               "rt_sigtimedwait", "rt_tgsigqueueinfo"],
    # The legacy signal calls: glibc implements them with rt_sig* and the brand sees those.
    "signal": ["signal", "sighold", "sigrelse", "sigpending", "sigprocmask", "sigsuspend",
               "sigtimedwait", "sigwait", "sigwaitinfo"],
    "sigaction": ["sigaction"],
    "alarm": ["alarm"],
    "sigaltstack": ["sigaltstack"],
    "signalfd": ["signalfd", "signalfd4"],
    "pipe": ["pipe", "pipe2", "pipeio"],
    "eventfd": ["eventfd", "eventfd2"],
    "epoll": ["epoll", "epoll_create", "epoll_create1", "epoll_ctl", "epoll_wait",
              "epoll_pwait"],
    "poll": ["poll"],
    "ppoll": ["ppoll"],
    "select": ["select", "pselect"],
    "futex": ["futex_cmp_requeue", "futex_wait", "futex_wait_bitset", "futex_wake",
              "futex_waitv"],
    "inotify": ["inotify", "inotify_init1"],
    "uname": ["uname", "newuname"],
    "getpid": ["getpid", "getppid"],
    "gettid": ["gettid"],
    "set_tid_address": ["set_tid_address"],
    "getrusage": ["getrusage"],
    "sysinfo": ["sysinfo"],
    "prctl": ["prctl"],
    "capget": ["capget"],
    "capset": ["capset"],
    "open": ["open"],
    "openat": ["openat", "openat2"],
    "read": ["read", "readv"],
    "write": ["write", "writev"],
    "close": ["close"],
    "close_range": ["close_range"],
    "dup": ["dup", "dup2", "dup3"],
    "mmap": ["mmap"],
    "munmap": ["munmap"],
    "mprotect": ["mprotect"],
    "brk": ["brk"],
    "getdents": ["getdents"],
    "stat": ["stat", "lstat", "fstatat"],
    "fstat": ["fstat"],
    "statx": ["statx"],
    "readlink": ["readlink", "readlinkat"],
    "chdir": ["chdir"],
    "getcwd": ["getcwd"],
    "gettimeofday": ["gettimeofday"],
    "clock_gettime": ["clock_gettime"],
    "clock_nanosleep": ["clock_nanosleep"],
    "nanosleep": ["nanosleep"],
    "time": ["time", "times"],
    "timerfd": ["timerfd", "timerfd_create", "timerfd_gettime", "timerfd_settime"],
    "timer": ["timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
              "timer_settime"],
    "sched_yield": ["sched_yield"],
    "sched_affinity": ["sched_getaffinity", "sched_setaffinity"],
    "socket": ["socket"],
    "socketpair": ["socketpair"],
    "sendmsg": ["sendmsg", "send", "sendto", "sendmmsg"],
    "recvmsg": ["recvmsg", "recv", "recvfrom", "recvmmsg"],
}

# The test number after a call name: 01, 201 (dup2 + 01), 2_01, 1_01, with an optional
# _64 (large-file build) or _16 (16-bit uid build) variant suffix.
_NUMBER = re.compile(r"^(\d*_?\d+)(_64|_16)?$")

_NAME_TO_FAMILY = {name: fam for fam, names in FAMILIES.items() for name in names}


def subset_family(tag):
    """The FAMILIES entry the tag belongs to, or None."""
    best = None
    for name, fam in _NAME_TO_FAMILY.items():
        if tag.startswith(name) and _NUMBER.match(tag[len(name):]):
            # Prefer the longest call name: futex_wait_bitset01 over futex_wait + _bitset01
            # (which the number rule already refuses) and, e.g., epoll_pwait over epoll.
            if best is None or len(name) > len(best[0]):
                best = (name, fam)
    return best[1] if best else None


def family_of(tag):
    """The family of any tag: a FAMILIES entry, else the call name with its number cut off."""
    fam = subset_family(tag)
    if fam:
        return fam
    base = re.sub(r"(_64|_16)$", "", tag)
    base = re.sub(r"_?\d+$", "", base)
    return base or tag
