# The systemd-nspawn anchor of the systemd tests (sourced after lib.sh).
#
# nspawn_compare IMAGE FAILED [UNIFIED]: boot IMAGE (a tar.zst) under `systemd-nspawn --boot`
# with a unit that records `systemctl is-system-running --wait`, the failed units and the
# type of /sys/fs/cgroup, then powers off; fail unless its failed units are FAILED (what
# lxzone's boot listed). UNIFIED=1 gives the container a cgroup2-only view
# (SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1, as lxzone's cgroup2 test gives its zone).
# --private-network, as the zone (net none) has its own loopback only: on the host's
# network the image's nginx fails when a bench already listens on port 80.
# Without nspawn (Debian's systemd-container) or script(1) it says so and compares nothing.
nspawn_compare() {
	if ! command -v systemd-nspawn >/dev/null || ! command -v script >/dev/null; then
		echo "note: no systemd-nspawn (Debian's systemd-container): comparison not run"
		return 0
	fi
	_d="$T/nspawn"
	rm -rf "$_d"
	mkdir -p "$_d"
	zstd -dc "$1" | tar -C "$_d" -xf - 2>/dev/null
	cat >"$_d/etc/systemd/system/lxzone-report.service" <<'UNIT'
[Unit]
Description=report the boot and power off
After=multi-user.target
[Service]
ExecStart=/bin/sh -c 'systemctl is-system-running --wait >/root/state; systemctl --failed --plain --no-legend >/root/failed; stat -fc %%T /sys/fs/cgroup >/root/cgfs; systemctl poweroff'
[Install]
WantedBy=multi-user.target
UNIT
	ln -s /etc/systemd/system/lxzone-report.service \
		"$_d/etc/systemd/system/multi-user.target.wants/lxzone-report.service"
	SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=${3:-0} timeout 120 script -qfc \
		"systemd-nspawn -q --register=no --keep-unit --private-network -D $_d --boot" \
		/dev/null >"$T/nspawn.log" 2>&1 </dev/null || true
	if [ ! -s "$_d/root/state" ]; then
		echo "note: systemd-nspawn did not boot the image here: $(tail -3 "$T/nspawn.log")"
		return 0
	fi
	echo "nspawn: $(cat "$_d/root/state") on $(cat "$_d/root/cgfs"), failed: [$(cat "$_d/root/failed")]"
	[ "$(cat "$_d/root/failed")" = "$2" ] ||
		fail "failed units differ: nspawn [$(cat "$_d/root/failed")], lxzone [$2]"
	echo "ok: the same failed units as systemd-nspawn"
	rm -rf "$_d"
}
