# The brand image: freestanding, static, ET_EXEC at a fixed address (brand.ld). Never built
# with sanitizers: it runs inside every guest process, beside the guest's own libc.
set(LXZONE_BRAND_SOURCES
	${CMAKE_SOURCE_DIR}/kernel-shim/entry.S
	${CMAKE_SOURCE_DIR}/kernel-shim/start.c
	${CMAKE_SOURCE_DIR}/kernel-shim/loader.c
	${CMAKE_SOURCE_DIR}/emul/lx_libc.c
	${CMAKE_SOURCE_DIR}/emul/state.c
	${CMAKE_SOURCE_DIR}/emul/guestmem.c
	${CMAKE_SOURCE_DIR}/emul/path.c
	${CMAKE_SOURCE_DIR}/emul/signal.c
	${CMAKE_SOURCE_DIR}/emul/patch.c
	${CMAKE_SOURCE_DIR}/emul/vsyscall.c
	${CMAKE_SOURCE_DIR}/emul/systable.c
	${CMAKE_SOURCE_DIR}/emul/fdfilter.c
	${CMAKE_SOURCE_DIR}/emul/exefilter.c
	${CMAKE_SOURCE_DIR}/emul/execprobe.c
	${CMAKE_SOURCE_DIR}/syscalls/dispatch.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_signal.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_clone.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_exec.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_uname.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_readlink.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_exe.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_unsup.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_proc.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_procnet.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_open.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_read.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_stat.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_mem.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_sysinfo.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_sched.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_epoll.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_epoll_host.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_futex.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_inotify.c
	${CMAKE_SOURCE_DIR}/syscalls/lx_net.c
	${CMAKE_SOURCE_DIR}/netlink/lx_netlink.c
	${CMAKE_SOURCE_DIR}/netlink/sockdiag.c
	${CMAKE_SOURCE_DIR}/emul/epoll_inst.c
	${CMAKE_SOURCE_DIR}/emul/zoneview.c
	${CMAKE_SOURCE_DIR}/proc/lxbuf.c
	${CMAKE_SOURCE_DIR}/proc/lxcgroup.c
	${CMAKE_SOURCE_DIR}/proc/lxhost.c
	${CMAKE_SOURCE_DIR}/proc/lxproc_cpu.c
	${CMAKE_SOURCE_DIR}/proc/lxproc_mem.c
	${CMAKE_SOURCE_DIR}/proc/lxproc_time.c
	${CMAKE_SOURCE_DIR}/proc/lxproc_kernel.c
	${CMAKE_SOURCE_DIR}/proc/lxproc_net.c
	${CMAKE_SOURCE_DIR}/proc/lxproc_table.c
	${CMAKE_SOURCE_DIR}/proc/lxproc_page.c)

add_executable(lxzone-brand ${LXZONE_BRAND_SOURCES})
# Checked freestanding: no libc header is reachable (-nostdinc; only the compiler's own
# stddef.h, stdint.h, stdarg.h), and the link has no libc (-nostdlib), so a brand object that
# reaches for libc fails the build.
execute_process(COMMAND ${CMAKE_C_COMPILER} -print-file-name=include
	OUTPUT_VARIABLE LXZONE_CC_INCLUDE OUTPUT_STRIP_TRAILING_WHITESPACE)
target_compile_options(lxzone-brand PRIVATE -nostdinc -isystem ${LXZONE_CC_INCLUDE})
# position-independent code at a fixed address above 4 GiB: every symbol the brand's own
target_compile_options(lxzone-brand PRIVATE
	$<$<COMPILE_LANGUAGE:C>:-include ${CMAKE_SOURCE_DIR}/kernel-shim/brand_hidden.h>)
target_compile_options(lxzone-brand PRIVATE
	-Wall -Wextra ${LXZONE_WERROR_FLAG} -O2 -g -ffreestanding -fno-stack-protector -fpie
	-fno-asynchronous-unwind-tables -fno-unwind-tables -mgeneral-regs-only
	-fcf-protection=none
	# gcc would turn the brand's own copy loops into calls of memcpy/memset (the brand has
	# its own, but a loop inside memcpy must not call itself); clang has no such flag
	$<$<C_COMPILER_ID:GNU>:-fno-tree-loop-distribute-patterns>)
# The sanitizer build adds -fsanitize to every target's flags; the brand must not get it.
target_compile_options(lxzone-brand PRIVATE -fno-sanitize=all)
# -no-pie for gcc only: clang links -static at a fixed address anyway and warns the flag is unused
target_link_options(lxzone-brand PRIVATE
	-nostdlib -static $<$<C_COMPILER_ID:GNU>:-no-pie> -Wl,-T,${CMAKE_SOURCE_DIR}/kernel-shim/brand.ld
	-Wl,--build-id=none -Wl,-z,noexecstack -fno-sanitize=all)
set_target_properties(lxzone-brand PROPERTIES LINK_DEPENDS ${CMAKE_SOURCE_DIR}/kernel-shim/brand.ld)
# EI_OSABI 0xff: never matched by a zone's binfmt_misc entry for guest programs (brand_abi.h)
add_custom_command(TARGET lxzone-brand POST_BUILD
	COMMAND ${CMAKE_SOURCE_DIR}/kernel-shim/stamp_osabi.sh $<TARGET_FILE:lxzone-brand>)

# The dispatch table's wiring against the syscall table, on the host (stub handlers).
add_executable(test_dispatch ${CMAKE_SOURCE_DIR}/tests/unit/test_dispatch.c
	${CMAKE_SOURCE_DIR}/syscalls/dispatch.c)
target_compile_options(test_dispatch PRIVATE ${LXZONE_HOST_CFLAGS})
target_link_libraries(test_dispatch lxtable PkgConfig::CMOCKA)
add_test(NAME dispatch COMMAND test_dispatch)
set_tests_properties(dispatch PROPERTIES LABELS unit)
