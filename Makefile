# The front door. `make demo` and `make test` work on a fresh Debian 12 root machine:
# they install what is missing (apt-get), configure and build with CMake, then run.

BUILD      ?= build
ASAN_BUILD ?= build-asan
JOBS       ?= $(shell nproc)

# Debian packages the build and the tests need. One list; `deps` installs the missing ones.
DEB_PACKAGES = cmake gcc make pkg-config libseccomp-dev libcap-dev libcmocka-dev \
	busybox-static python3 golang-go procps iproute2 util-linux htop tmux libarchive-dev libjansson-dev nettle-dev libacl1-dev zstd xz-utils debootstrap \
	btrfs-progs xfsprogs e2fsprogs groff-base dpkg-dev debhelper

# The main job on the built-in image: a zone of 256 MiB and 1 CPU, and what it sees.
DEMO_SCRIPT = echo 'hello from a zone (256 MiB, 1 CPU)'; uname -a; ps; \
	readlink /proc/self/exe; free -m; nproc; cat /proc/uptime

PREFIX  ?= /usr/local
DESTDIR ?=

.PHONY: all deps build asan demo test test-unit clean install deb

all: build

deps:
	@missing=""; for p in $(DEB_PACKAGES); do \
		dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
		echo "installing:$$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

# Host tools and unit tests under AddressSanitizer + UBSan (the brand is freestanding and
# is never built with sanitizers).
asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DLXZONE_SANITIZE=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)

demo: build
	$(BUILD)/bin/lxrun --root $(BUILD)/images/busybox --kernel-version 5.15.0 \
		--memory 256M --cpus 1 -- /bin/sh -c "$(DEMO_SCRIPT)"

test: build asan
	cd $(ASAN_BUILD) && ctest --output-on-failure -L unit
	cd $(BUILD) && ctest --output-on-failure

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)

# Install under PREFIX (compiled into the binaries: where they find the brand and the
# images), staged under DESTDIR when given.
install: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	DESTDIR=$(DESTDIR) cmake --install $(BUILD)

# The Debian package (debian/): ../lxzone_VERSION_amd64.deb.
deb: deps
	dpkg-buildpackage -b -us -uc

# LTP conformance (ltp-harness/README.md): the default subset natively, then in a default-profile
# zone that the harness makes and destroys again (a cached Debian bookworm minbase image with what
# LTP needs, LTP bind-mounted read-only, a loop device for the device tests when lxzone has the
# `device` key); report in docs/conformance.md. LTP is not vendored: `make ltp LTPROOT=/opt/ltp`.
# LTP_NATIVE=DIR reuses earlier native results; LTP_ARGS passes more `ltprun conformance` options.
LTP_ZONE_STORE ?= /var/lib/lxzone-ltp-make
LTP_NATIVE     ?=
LTP_ARGS       ?=
.PHONY: ltp
ltp:
	@if [ -z "$(LTPROOT)" ]; then \
		echo "ltp: skipped: LTPROOT is not set. Install LTP (ltp-harness/README.md), then run: make ltp LTPROOT=/opt/ltp"; \
		exit 0; \
	fi; \
	$(MAKE) build || echo "ltp: the build failed; the zone run will be reported as pending"; \
	python3 ltp-harness/ltprun conformance --ltproot "$(LTPROOT)" --lxzone $(BUILD)/bin/lxzone \
		--zone-store "$(LTP_ZONE_STORE)" --out $(BUILD)/ltp-results --report docs/conformance.md \
		$(if $(LTP_NATIVE),--native-results "$(LTP_NATIVE)") $(LTP_ARGS)
