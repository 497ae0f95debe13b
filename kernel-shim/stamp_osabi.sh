#!/bin/sh
# stamp_osabi.sh FILE...: set EI_OSABI (byte 7 of the ELF header) to 0xff (standalone).
# The kernel's ELF loader ignores the byte; a zone's binfmt_misc entry matches only x86_64
# ELFs below 0x80, so lxzone's own images (the brand, lxzone-init) are never
# handed to the brand as programs (kernel-shim/brand_abi.h).
set -e
for f in "$@"; do
	printf '\377' | dd of="$f" bs=1 seek=7 count=1 conv=notrunc status=none
done
