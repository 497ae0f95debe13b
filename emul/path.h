/* Paths the brand works out for itself: a descriptor's /proc link and target, the absolute
 * form of a path relative to a directory descriptor, and the file a mapping maps. */
#ifndef LXZONE_PATH_H
#define LXZONE_PATH_H

#include <stddef.h>
#include <stdint.h>

#define LX_FD_LINK_MAX 40

/* "/proc/self/fd/<fd>" into buf[LX_FD_LINK_MAX]. */
void lx_fd_link(long fd, char *buf);
/* What the descriptor names (readlink of its /proc link), NUL-terminated: length or -errno. */
long lx_fd_path(long fd, char *out, size_t cap);
/* path made absolute against dirfd (LX_AT_FDCWD: the working directory): 0, or -1 when it
 * cannot be (no /proc, too long) and the caller should leave the path to the kernel. */
int lx_path_absolute(int dirfd, const char *path, char *out, size_t cap);

/* PROCMAP_QUERY (Linux 6.11, include/uapi/linux/fs.h): one mapping of /proc/self/maps (fd), by
 * address, without the text of every other. */
#define PMQ_EXECUTABLE	0x4  /* PROCMAP_QUERY_VMA_EXECUTABLE */
#define PMQ_SHARED	0x8  /* PROCMAP_QUERY_VMA_SHARED: VM_MAYSHARE, maps' 's' */
#define PMQ_FILE_BACKED 0x20 /* PROCMAP_QUERY_FILE_BACKED_VMA */
struct lx_procmap_query {
	uint64_t size, query_flags, query_addr;
	uint64_t vma_start, vma_end, vma_flags, vma_page_size, vma_offset, inode;
	uint32_t dev_major, dev_minor, vma_name_size, build_id_size;
	uint64_t vma_name_addr, build_id_addr;
};
/* One query of the mapping at addr with these flags (and its name into name): 0 or -errno
 * (ENOTTY: a kernel before 6.11; ENOENT: no such mapping). */
long lx_procmap_query(long fd, struct lx_procmap_query *q, uint64_t flags, uintptr_t addr,
		      char *name, uint32_t name_size);
/* The path of the file mapped at addr in this process, as /proc/self/maps shows it (the
 * kernel's d_path, " (deleted)" and all), NUL-terminated: its length, or -errno (ENOENT: no
 * file mapped there; ENOTTY: a kernel without PROCMAP_QUERY). */
long lx_map_path(uintptr_t addr, char *out, size_t cap);

#endif
