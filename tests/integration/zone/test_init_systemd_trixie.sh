#!/bin/sh
# Issue 11: test_init_systemd.sh on Debian trixie (systemd 257): boot to running with no
# failed unit, the same failed units as systemd-nspawn, reboot and shutdown.
exec sh "$(dirname "$0")/test_init_systemd.sh" trixie
