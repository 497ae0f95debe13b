"""Which tests run in the privileged zone of ``ltprun conformance``, and why.

The zone run is made in a user-namespaced zone (lxzone's default): its root is an unprivileged
host uid range, so what Linux refuses to any user-namespaced container's root is refused there
too. Two kinds of test need more, and run in a second, privileged zone (``privileged=true``),
the only one given the test device:

* **device tests**: the tests that acquire LTP's block device (``.needs_device``,
  ``.mount_device``, ``.all_filesystems``), format it and mount it. A user-namespaced zone's
  mount service refuses a block device's file system (EPERM, as Linux refuses it to a
  container's root: the host kernel would parse an image the zone can write). They are found
  in the native run's logs, where LTP's library says it acquired the device ("Found free
  device", or "Using test device LTP_DEV" under ``--device``): LTP 20260529 installs no
  metadata (``metadata/ltp.json``) and the flags are compiled into each binary.
* **the tests in privileged-tests.tsv** (``tag<TAB>reason``), each with the host capability a
  user namespace lacks (e.g. mknod of a device node, which Linux refuses in any user namespace).
"""

import os
import re

# the new library's "tst_device.c:98: TINFO: ..." and the old one's "linkat02  0  TINFO  :  ..."
DEVICE_RE = re.compile(r"^(?:tst_device\.c:\d+: TINFO: |\S+\s+\d+\s+TINFO\s+:\s+)"
                       r"(Found free device \d+ '[^']*'|Using test device LTP_DEV='[^']*')", re.M)
DEVICE_REASON = "device test (native log: \"%s\")"


def device_reason(log_text):
    """The reason a test is a device test, from its (native) log, or None."""
    m = DEVICE_RE.search(log_text or "")
    return DEVICE_REASON % m.group(1) if m else None


def device_tests(results_dir, tags):
    """{tag: reason} for the tags whose log in results_dir/logs shows LTP acquiring a device."""
    found = {}
    for tag in tags:
        try:
            with open(os.path.join(results_dir, "logs", tag + ".log"), encoding="utf-8",
                      errors="replace") as f:
                why = device_reason(f.read())
        except OSError:
            continue
        if why:
            found[tag] = why
    return found


def parse_list(text, origin="privileged-tests.tsv"):
    """[(tag, reason)] from ``tag<TAB>reason`` lines; # comments and blank lines ignored."""
    out = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        cells = [c.strip() for c in raw.split("\t") if c.strip()]
        if len(cells) != 2:
            raise ValueError("%s:%d: want 2 tab-separated fields (tag, reason), got %d"
                             % (origin, lineno, len(cells)))
        out.append((cells[0], cells[1]))
    return out


def load_list(path):
    if not path or not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as f:
        return parse_list(f.read(), path)


def split(tests, device, listed):
    """tests: [(tag, command)]; device: {tag: reason}; listed: [(tag, reason)].
    Returns (user-namespaced tests, privileged tests, {tag: reason} of the privileged ones),
    both lists in the tests' order."""
    why = dict(listed)
    why.update(device)
    unpriv = [t for t in tests if t[0] not in why]
    priv = [t for t in tests if t[0] in why]
    return unpriv, priv, {t[0]: why[t[0]] for t in priv}
