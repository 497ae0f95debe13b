# sysinfo(2) from Python (ctypes), for the lxproc "every view agrees" scripts: the scripts are
# this file with their own checks appended (test_python_agree.sh, test_debian.sh).
import ctypes
import os
import time


class SysInfo(ctypes.Structure):
    _fields_ = [("uptime", ctypes.c_long), ("loads", ctypes.c_ulong * 3),
                ("totalram", ctypes.c_ulong), ("freeram", ctypes.c_ulong),
                ("sharedram", ctypes.c_ulong), ("bufferram", ctypes.c_ulong),
                ("totalswap", ctypes.c_ulong), ("freeswap", ctypes.c_ulong),
                ("procs", ctypes.c_ushort), ("pad", ctypes.c_ushort),
                ("totalhigh", ctypes.c_ulong), ("freehigh", ctypes.c_ulong),
                ("mem_unit", ctypes.c_uint), ("_f", ctypes.c_char * 8)]


si = SysInfo()
assert ctypes.CDLL(None, use_errno=True).sysinfo(ctypes.byref(si)) == 0
