#!/bin/sh
# The brand's gate (kernel-shim/entry.S, section .lxgate at LX_GATE_ADDR) starts with exactly
# the bytes of LX_GATE_STUB_BYTES (kernel-shim/brand_abi.h), which lxrun copies to the same
# address to exec the brand under the installed filter: a change to one without the other
# would make the filter's gate check pass a different instruction.
# usage: check_gate_bytes.sh BRAND_IMAGE BRAND_ABI_H
set -eu
command -v objcopy >/dev/null || { echo "SKIP: objcopy (binutils) not installed"; exit 77; }
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
objcopy -O binary --only-section=.lxgate "$1" "$tmp"
python3 - "$tmp" "$2" <<'PY'
import re, sys
gate = open(sys.argv[1], "rb").read()
hdr = open(sys.argv[2]).read()
m = re.search(r"#define LX_GATE_STUB_BYTES\s*\\\s*\{([^}]*)\}", hdr)
if not m:
    sys.exit("FAIL: LX_GATE_STUB_BYTES not found in " + sys.argv[2])
want = bytes(int(x, 16) for x in re.findall(r"0x[0-9a-fA-F]+", m.group(1)))
if len(want) == 0 or gate[:len(want)] != want:
    sys.exit("FAIL: .lxgate starts %s, LX_GATE_STUB_BYTES is %s" % (gate[:len(want)].hex(), want.hex()))
print("the gate's %d bytes match LX_GATE_STUB_BYTES" % len(want))
PY
