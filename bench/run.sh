#!/bin/sh
# bench/run.sh: native vs lxrun, per-operation medians and ratios, in one run.
#
#   bench/run.sh [-r ROUNDS] [-t MS] [-b BATCHES] [-m] [-a "LXRUN OPTIONS"] [-o "OP..."]
#                [--yardstick FILE.c] [--programs] [--quick] BUILD_DIR
#
# Runs the benchmark natively and under BUILD_DIR/bin/lxrun alternately, ROUNDS times
# each (so drift on this shared VM hits both sides alike), then prints, per operation, the
# median over rounds natively and under the brand and their ratio, and the cost of the
# trapped uname under the brand against a native getpid.
# The benchmark is BUILD_DIR/bin/lxbench-ops, or with --yardstick an independent program
# with the same "name ns_per_op" output (../shared/yardstick/lxbench.c), compiled here.
# -m: each run reports its fastest batch, not the median (lxbench-ops -m: steadier when
# other work shares the VM).
# -o: only these operations of lxbench-ops (names as it prints them).
# --programs: also whole programs (/bin/true, sh, python3 start-up, gcc -c, find), wall
# time natively and under lxrun, paired per round (bench/programs.py).
# --quick: one short round, and fail unless every operation produced a number (the smoke
# test ctest runs; not a measurement).
set -eu

rounds=7 ms=30 batches=5 yardstick="" quick="" programs="" lxargs="" ops="" fastest=""
while [ $# -gt 1 ]; do
	case "$1" in
	-r) rounds=$2; shift 2 ;;
	-t) ms=$2; shift 2 ;;
	-b) batches=$2; shift 2 ;;
	--yardstick) yardstick=$2; shift 2 ;;
	--programs) programs=1; shift ;;
	-a) lxargs=$2; shift 2 ;;
	-o) ops=$2; shift 2 ;;
	-m) fastest=-m; shift ;;
	--quick) quick=1 rounds=1 ms=2 batches=1; shift ;;
	*) break ;;
	esac
done
if [ $# -ne 1 ]; then
	sed -n '4,5p' "$0" >&2
	exit 2
fi
build=$(cd "$1" && pwd)
lxrun=$build/bin/lxrun
out=$build/bench
mkdir -p "$out"

if [ -n "$yardstick" ]; then
	bin=$out/yardstick-lxbench
	gcc -O2 -pthread -o "$bin" "$yardstick"
	args="-t $ms -b $batches"
	name="yardstick $(basename "$yardstick")"
else
	bin=$build/bin/lxbench-ops
	args="-t $ms -b $batches $fastest $ops"
	name="lxbench-ops"
fi
[ -x "$bin" ] || { echo "run.sh: $bin not built" >&2; exit 1; }
brand=1
if [ ! -x "$lxrun" ]; then
	[ -n "$quick" ] || { echo "run.sh: $lxrun not built" >&2; exit 1; }
	echo "run.sh: $lxrun not built; native only" >&2
	brand=""
fi

results=$(mktemp -d "${TMPDIR:-/tmp}/lxbench.XXXXXX")
trap 'rm -rf "$results"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
i=1
while [ $i -le "$rounds" ]; do
	echo "round $i/$rounds" >&2
	# shellcheck disable=SC2086
	"$bin" $args >"$results/native.$i"
	if [ -n "$brand" ]; then
		# shellcheck disable=SC2086
		"$lxrun" $lxargs -- "$bin" $args >"$results/brand.$i"
	fi
	i=$((i + 1))
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)
python3 - "$results" "$rounds" "$name" "$quick" "$load_before" "$load_after" <<'EOF'
import os, platform, statistics, sys

results, rounds, name, quick = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
load_before, load_after = sys.argv[5], sys.argv[6]

def load(side):
    """Per op: (order of ops, {op: median}, {op: [value per round]})."""
    per = {}
    order = []
    for i in range(1, rounds + 1):
        path = os.path.join(results, "%s.%d" % (side, i))
        if not os.path.exists(path):
            return order, {}, {}
        for line in open(path):
            parts = line.split()
            if len(parts) != 2:
                continue
            if parts[0] not in per:
                per[parts[0]] = []
                order.append(parts[0])
            per[parts[0]].append(None if parts[1] == "NA" else float(parts[1]))
    med = {k: statistics.median([x for x in v if x is not None]) for k, v in per.items()
           if any(x is not None for x in v)}
    return order, med, per

order, native, native_rounds = load("native")
_, brand, brand_rounds = load("brand")

def paired(op):
    """Median over rounds of lxrun/native within the same round: robust to drift."""
    pairs = [b / n for n, b in zip(native_rounds.get(op, []), brand_rounds.get(op, []))
             if n and b]
    return "%.2f" % statistics.median(pairs) if pairs else "NA"

def fmt(ns):
    if ns is None:
        return "NA"
    if ns >= 1e6:
        return "%.2f ms" % (ns / 1e6)
    return "%.2f us" % (ns / 1e3)

print("%s, medians of %d alternating round(s); kernel %s; load %s -> %s"
      % (name, rounds, platform.release(), load_before, load_after))
print()
print("| op | native | lxrun | x native | x native, paired |")
print("|---|---:|---:|---:|---:|")
for op in order:
    n, b = native.get(op), brand.get(op)
    ratio = "%.2f" % (b / n) if n and b else "NA"
    print("| %s | %s | %s | %s | %s |" % (op, fmt(n), fmt(b), ratio, paired(op)))
print()
trapped = "uname" if "uname" in brand else None
if trapped and "getpid" in native:
    print("trapped uname under lxrun vs native getpid: x%.2f" % (brand["uname"] / native["getpid"]))
if quick:
    missing = [op for op in order if op not in native]
    if brand:
        missing += [op for op in order if op not in brand]
    if not order or missing:
        print("FAIL: no result for: %s" % (", ".join(missing) or "anything"))
        sys.exit(1)
EOF

if [ -n "$programs" ] && [ -n "$brand" ]; then
	echo
	echo "Whole programs, wall time, $rounds alternating round(s):"
	echo
	python3 "$(dirname "$0")/programs.py" "$lxrun" "$rounds" $lxargs
fi
