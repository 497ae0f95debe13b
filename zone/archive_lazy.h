/*
 * libarchive, loaded when first used.
 *
 * Why: libarchive pulls in libxml2, ICU and libstdc++; linking it costs every lxzone command
 * ~4-5 ms of start-up on this machine (measured: an empty program linked with -larchive
 * starts in 6-8 ms, without it in 2 ms), and boot, exec and halt never touch an archive.
 * So zone/extract.c and zone/detach.c include this header instead of <archive.h>: each
 * archive_* function they call becomes a pointer dlsym'ed from libarchive the first time
 * any of them is used.  The prototypes still come from <archive.h>, so the types are
 * checked as before.
 *
 * If libarchive cannot be loaded, the first call prints one line and exits 1 (it is a hard
 * dependency of the package, like any linked library; this only defers the check).
 */
#ifndef LXZONE_ARCHIVE_LAZY_H
#define LXZONE_ARCHIVE_LAZY_H

#include <archive.h>
#include <archive_entry.h>

/* The soname's major version has been 13 since libarchive 3.0. */
#define ZONE_ARCHIVE_SONAME "libarchive.so.13"

#define ZONE_ARCHIVE_FUNCTIONS(X)                                                                  \
	X(archive_entry_atime)                                                                     \
	X(archive_entry_atime_is_set)                                                              \
	X(archive_entry_atime_nsec)                                                                \
	X(archive_entry_filetype)                                                                  \
	X(archive_entry_free)                                                                      \
	X(archive_entry_gid)                                                                       \
	X(archive_entry_hardlink)                                                                  \
	X(archive_entry_mtime)                                                                     \
	X(archive_entry_mtime_is_set)                                                              \
	X(archive_entry_mtime_nsec)                                                                \
	X(archive_entry_new)                                                                       \
	X(archive_entry_pathname)                                                                  \
	X(archive_entry_perm)                                                                      \
	X(archive_entry_size)                                                                      \
	X(archive_entry_sourcepath)                                                                \
	X(archive_entry_symlink)                                                                   \
	X(archive_entry_uid)                                                                       \
	X(archive_entry_xattr_next)                                                                \
	X(archive_entry_xattr_reset)                                                               \
	X(archive_errno)                                                                           \
	X(archive_error_string)                                                                    \
	X(archive_filter_bytes)                                                                    \
	X(archive_read_close)                                                                      \
	X(archive_read_data_block)                                                                 \
	X(archive_read_disk_descend)                                                               \
	X(archive_read_disk_new)                                                                   \
	X(archive_read_disk_open)                                                                  \
	X(archive_read_disk_set_behavior)                                                          \
	X(archive_read_disk_set_standard_lookup)                                                   \
	X(archive_read_free)                                                                       \
	X(archive_read_new)                                                                        \
	X(archive_read_next_header)                                                                \
	X(archive_read_next_header2)                                                               \
	X(archive_read_open_filename)                                                              \
	X(archive_read_support_filter_all)                                                         \
	X(archive_read_support_format_cpio)                                                        \
	X(archive_read_support_format_gnutar)                                                      \
	X(archive_read_support_format_tar)                                                         \
	X(archive_write_add_filter_gzip)                                                           \
	X(archive_write_add_filter_xz)                                                             \
	X(archive_write_add_filter_zstd)                                                           \
	X(archive_write_close)                                                                     \
	X(archive_write_data)                                                                      \
	X(archive_write_free)                                                                      \
	X(archive_write_header)                                                                    \
	X(archive_write_new)                                                                       \
	X(archive_write_open_filename)                                                             \
	X(archive_write_set_format_pax_restricted)

struct zone_archive_fns {
#define ZONE_ARCHIVE_MEMBER(f) __typeof__(f) *f;
	ZONE_ARCHIVE_FUNCTIONS(ZONE_ARCHIVE_MEMBER)
#undef ZONE_ARCHIVE_MEMBER
};

extern const struct zone_archive_fns *zone_archive_loaded;
const struct zone_archive_fns *zone_archive_load(void);

static inline const struct zone_archive_fns *zone_archive(void)
{
	return zone_archive_loaded ? zone_archive_loaded : zone_archive_load();
}

/* From here on, archive_foo(...) in the including file calls through the table. */
#ifndef ZONE_ARCHIVE_NO_MACROS
#define archive_entry_atime	       (zone_archive()->archive_entry_atime)
#define archive_entry_atime_is_set     (zone_archive()->archive_entry_atime_is_set)
#define archive_entry_atime_nsec       (zone_archive()->archive_entry_atime_nsec)
#define archive_entry_filetype	       (zone_archive()->archive_entry_filetype)
#define archive_entry_free	       (zone_archive()->archive_entry_free)
#define archive_entry_gid	       (zone_archive()->archive_entry_gid)
#define archive_entry_hardlink	       (zone_archive()->archive_entry_hardlink)
#define archive_entry_mtime	       (zone_archive()->archive_entry_mtime)
#define archive_entry_mtime_is_set     (zone_archive()->archive_entry_mtime_is_set)
#define archive_entry_mtime_nsec       (zone_archive()->archive_entry_mtime_nsec)
#define archive_entry_new	       (zone_archive()->archive_entry_new)
#define archive_entry_pathname	       (zone_archive()->archive_entry_pathname)
#define archive_entry_perm	       (zone_archive()->archive_entry_perm)
#define archive_entry_size	       (zone_archive()->archive_entry_size)
#define archive_entry_sourcepath       (zone_archive()->archive_entry_sourcepath)
#define archive_entry_symlink	       (zone_archive()->archive_entry_symlink)
#define archive_entry_uid	       (zone_archive()->archive_entry_uid)
#define archive_entry_xattr_next       (zone_archive()->archive_entry_xattr_next)
#define archive_entry_xattr_reset      (zone_archive()->archive_entry_xattr_reset)
#define archive_errno		       (zone_archive()->archive_errno)
#define archive_error_string	       (zone_archive()->archive_error_string)
#define archive_filter_bytes	       (zone_archive()->archive_filter_bytes)
#define archive_read_close	       (zone_archive()->archive_read_close)
#define archive_read_data_block	       (zone_archive()->archive_read_data_block)
#define archive_read_disk_descend      (zone_archive()->archive_read_disk_descend)
#define archive_read_disk_new	       (zone_archive()->archive_read_disk_new)
#define archive_read_disk_open	       (zone_archive()->archive_read_disk_open)
#define archive_read_disk_set_behavior (zone_archive()->archive_read_disk_set_behavior)
#define archive_read_disk_set_standard_lookup                                                      \
	(zone_archive()->archive_read_disk_set_standard_lookup)
#define archive_read_free		   (zone_archive()->archive_read_free)
#define archive_read_new		   (zone_archive()->archive_read_new)
#define archive_read_next_header	   (zone_archive()->archive_read_next_header)
#define archive_read_next_header2	   (zone_archive()->archive_read_next_header2)
#define archive_read_open_filename	   (zone_archive()->archive_read_open_filename)
#define archive_read_support_filter_all	   (zone_archive()->archive_read_support_filter_all)
#define archive_read_support_format_cpio   (zone_archive()->archive_read_support_format_cpio)
#define archive_read_support_format_gnutar (zone_archive()->archive_read_support_format_gnutar)
#define archive_read_support_format_tar	   (zone_archive()->archive_read_support_format_tar)
#define archive_write_add_filter_gzip	   (zone_archive()->archive_write_add_filter_gzip)
#define archive_write_add_filter_xz	   (zone_archive()->archive_write_add_filter_xz)
#define archive_write_add_filter_zstd	   (zone_archive()->archive_write_add_filter_zstd)
#define archive_write_close		   (zone_archive()->archive_write_close)
#define archive_write_data		   (zone_archive()->archive_write_data)
#define archive_write_free		   (zone_archive()->archive_write_free)
#define archive_write_header		   (zone_archive()->archive_write_header)
#define archive_write_new		   (zone_archive()->archive_write_new)
#define archive_write_open_filename	   (zone_archive()->archive_write_open_filename)
#define archive_write_set_format_pax_restricted                                                    \
	(zone_archive()->archive_write_set_format_pax_restricted)
#endif

#endif
