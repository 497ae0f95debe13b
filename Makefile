# The front door. `make demo` and `make test` work on a fresh Debian 12 root machine:
# they install what is missing (apt-get), configure and build with CMake, then run.

BUILD      ?= build
ASAN_BUILD ?= build-asan
RELEASE_BUILD ?= build-release
JOBS       ?= $(shell nproc)

# Debian packages the build and the tests need. One list; `deps` installs the missing ones.
DEB_PACKAGES = cmake gcc clang make pkg-config libseccomp-dev libcap-dev libcmocka-dev \
	busybox-static python3 golang-go procps iproute2 util-linux htop tmux libarchive-dev libjansson-dev nettle-dev libacl1-dev zstd xz-utils debootstrap \
	btrfs-progs xfsprogs e2fsprogs groff-base dpkg-dev debhelper systemd-container

# The real clients and peers the tests run against (issue 16's podman, containerd and runc;
# strace and wrk for the benches' smoke tests). `make test` installs them too, so CI runs
# those tests instead of reporting them skipped; `make demo` does not need them.
TEST_PACKAGES = podman runc containerd strace wrk

# The main job on the built-in image: a zone of 256 MiB and 1 CPU, and what it sees.
DEMO_SCRIPT = echo 'hello from a zone (256 MiB, 1 CPU)'; uname -a; ps; \
	readlink /proc/self/exe; free -m; nproc; cat /proc/uptime

PREFIX  ?= /usr/local
DESTDIR ?=

.PHONY: all deps build asan release demo test test-unit clean install deb oci-validate fuzz

all: build

deps:
	@missing=""; for p in $(DEB_PACKAGES) $(EXTRA_PACKAGES); do \
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
# is never built with sanitizers), compiled with clang: the other builds are gcc's, so `make
# test` compiles everything with both compilers (-Werror), and clang's UBSan checks more
# (pointer overflow, for one). `make test` runs its unit tests and the "sanitized" ones: the
# sanitized lxrun and lxzone-oci launching programs (tests/integration/launch_armed.sh).
# It is the fuzzing build too (LXZONE_FUZZ, tests/fuzz): the same clang, the same sanitizers,
# host code with libFuzzer's coverage; `make test` replays each target's seeds once ("fuzz").
asan: deps
	cmake -S . -B $(ASAN_BUILD) -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug \
		-DLXZONE_SANITIZE=ON -DLXZONE_FUZZ=ON >/dev/null
	cmake --build $(ASAN_BUILD) -j $(JOBS)

# What packagers build (-O3 -DNDEBUG, no -Werror by default), here with -Werror so that CI
# fails on a warning only an optimised build shows (-Wformat-truncation, -Wmaybe-uninitialized).
release: deps
	cmake -S . -B $(RELEASE_BUILD) -DCMAKE_BUILD_TYPE=Release -DLXZONE_WERROR=ON >/dev/null
	cmake --build $(RELEASE_BUILD) -j $(JOBS)

demo: build
	$(BUILD)/bin/lxrun --root $(BUILD)/images/busybox --kernel-version 5.15.0 \
		--memory 256M --cpus 1 -- /bin/sh -c "$(DEMO_SCRIPT)"

test: EXTRA_PACKAGES = $(TEST_PACKAGES)
test: build asan release
	cd $(ASAN_BUILD) && ctest --output-on-failure -L 'unit|sanitized|fuzz'
	cd $(RELEASE_BUILD) && ctest --output-on-failure -L unit
	cd $(BUILD) && ctest --output-on-failure

# A fuzzing campaign (tests/fuzz/README.md): each of FUZZ_TARGETS for FUZZ_SECONDS in the
# clang build, one after the other; each corpus is kept in $(ASAN_BUILD)/tests/fuzz/TARGET/.
# Stops at the first target that finds something (its artifacts directory holds the input).
FUZZ_SECONDS ?= 600
FUZZ_TARGETS ?= fuzz_oci_config fuzz_extract fuzz_oci_image
fuzz: asan
	@for t in $(FUZZ_TARGETS); do \
		sh tests/fuzz/run.sh $(ASAN_BUILD) $$t $(FUZZ_SECONDS) || exit 1; \
	done

# opencontainers/runtime-tools' validation suite against the built lxzone-oci (docs/oci.md
# says how to build it outside the repo): make oci-validate RTOOLS=/path/to/runtime-tools
oci-validate: build
	RTOOLS=$(RTOOLS) LXZONE_BUILD=$(BUILD) sh tests/oci/runtime-tools.sh

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(RELEASE_BUILD)

# Install under PREFIX (compiled into the binaries: where they find the brand and the
# images), staged under DESTDIR when given.
install: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_INSTALL_PREFIX=$(PREFIX) >/dev/null
	cmake --build $(BUILD) -j $(JOBS)
	DESTDIR=$(DESTDIR) cmake --install $(BUILD)

# The Debian package (debian/): ../lxzone_VERSION_amd64.deb.
deb: deps
	dpkg-buildpackage -b -us -uc

# LTP conformance (ltp-harness/README.md): the syscall tests natively, then on each target
# against that native run -- the default-profile zone, the hardened zone (zones the harness makes
# from a cached Debian bookworm minbase image with what LTP needs and destroys again; LTP
# bind-mounted read-only; a loop device for the device tests) and zone-less lxrun -- and one
# report. Exits non-zero when a target could not run or its parity is below its threshold.
# LTP is not vendored: `make ltp LTPROOT=/opt/ltp`. LTP_SCOPE=full runs every entry of
# runtest/syscalls (report docs/conformance-full.md); LTP_TARGETS picks targets; LTP_NATIVE=DIR
# reuses earlier native results; LTP_ARGS passes more `ltprun conformance` options.
LTP_ZONE_STORE ?= /var/lib/lxzone-ltp-make
LTP_SCOPE      ?= subset
LTP_TARGETS    ?= zone,hardened,hardened-shipped,lxrun
LTP_OUT        ?= $(BUILD)/ltp-results$(if $(filter full,$(LTP_SCOPE)),-full)
LTP_REPORT     ?= docs/conformance$(if $(filter full,$(LTP_SCOPE)),-full).md
LTP_NATIVE     ?=
LTP_ARGS       ?=
.PHONY: ltp ltp-run
ltp:
	@if [ -z "$(LTPROOT)" ]; then \
		echo "ltp: LTPROOT is not set: install LTP (ltp-harness/README.md), then run: make ltp LTPROOT=/opt/ltp" >&2; \
		exit 2; \
	fi; \
	$(MAKE) build || { echo "ltp: the build failed, no LTP run"; exit 1; }; \
	$(MAKE) ltp-run

# The run itself, on an existing build (tests/ltp: the harness's integration test runs this).
ltp-run:
	python3 ltp-harness/ltprun conformance --ltproot "$(LTPROOT)" --scope $(LTP_SCOPE) \
		--targets $(LTP_TARGETS) --lxzone $(BUILD)/bin/lxzone --lxrun $(BUILD)/bin/lxrun \
		--zone-store "$(LTP_ZONE_STORE)" --out $(LTP_OUT) --report $(LTP_REPORT) \
		$(if $(LTP_NATIVE),--native-results "$(LTP_NATIVE)") $(LTP_ARGS)
