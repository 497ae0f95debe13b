/*
 * libFuzzer target: image extraction (zone/extract.c, zone_extract_archive), as `lxzone
 * create --image FILE` and an OCI image's layers use it.
 *
 * Feeds: a flag byte, then an archive in any format libarchive reads, extracted into /w/root
 * of the jail (fuzz_jail.h).  flag & 3 wraps the archive before it is read: 0 as is, 1 gzip,
 * 2 zstd, 3 xz (libarchive's raw writer), so the fuzzer mutates the tar and not the
 * compressed stream.  (flag >> 2) & 3 picks the pass: 0 a plain archive, 1 an OCI layer's
 * whiteout pass, 2 its content pass, 3 the archive extracted as a lower layer, then again as
 * an upper layer (whiteouts, then content), as zone_oci_apply layers images.
 *
 * Checks: nothing outside the root appeared, vanished or changed (jail_check: the escapes
 * through symlinks, hard links, '..' and whiteouts); the error message fits its buffer; what
 * ASan and UBSan see.  Runs as root in a private mount namespace: tests/fuzz/jail.sh.
 *
 * FUZZ_VERBOSE=1 prints the warnings and each input's error on stderr.
 */
#include "fuzz_jail.h"

#include <archive.h>
#include <archive_entry.h>
#include <stdint.h>

#include "zone/extract.h"

/* /w/in: the bytes as they are, or as the one file of a compressed raw stream. */
static void input_write(const uint8_t *data, size_t size, int wrap)
{
	struct archive *a;
	struct archive_entry *e;

	if (wrap == 0) {
		int fd = open("/w/in", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

		if (fd < 0 || write(fd, data, size) != (ssize_t)size)
			abort();
		close(fd);
		return;
	}
	a = archive_write_new();
	archive_write_set_format_raw(a);
	if (wrap == 1) {
		archive_write_add_filter_gzip(a);
		archive_write_set_filter_option(a, NULL, "compression-level", "1");
	} else if (wrap == 2) {
		archive_write_add_filter_zstd(a);
	} else {
		archive_write_add_filter_xz(a);
		archive_write_set_filter_option(a, NULL, "compression-level", "0");
	}
	if (archive_write_open_filename(a, "/w/in") != ARCHIVE_OK)
		abort();
	e = archive_entry_new();
	archive_entry_set_pathname(e, "x");
	archive_entry_set_filetype(e, AE_IFREG);
	archive_entry_set_size(e, (la_int64_t)size);
	if (archive_write_header(a, e) != ARCHIVE_OK)
		abort();
	if (size > 0 && archive_write_data(a, data, size) != (la_ssize_t)size)
		abort();
	archive_entry_free(e);
	archive_write_close(a);
	archive_write_free(a);
}

static int extract(struct zone_extract_opts *o, enum zone_extract_layer layer,
		   struct zone_error *err)
{
	struct zone_extract_stats st;

	o->layer = layer;
	return zone_extract_archive("/w/in", "/w/root", o, &st, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct zone_extract_opts o = {0};
	struct zone_error err = {0};
	int pass, r;

	if (size < 1)
		return 0;
	o.warnings = jail_warnings();
	input_write(data + 1, size - 1, data[0] & 3);
	pass = (data[0] >> 2) & 3;
	jail_fresh_dir("/w/root");
	if (pass == 3) {
		r = extract(&o, ZONE_EXTRACT_ALL, &err);
		if (r == 0)
			r = extract(&o, ZONE_EXTRACT_WHITEOUTS, &err);
		if (r == 0)
			r = extract(&o, ZONE_EXTRACT_CONTENT, &err);
	} else {
		r = extract(&o, (enum zone_extract_layer)pass, &err);
	}
	if (r < 0 && jail_verbose)
		fprintf(stderr, "error: %s\n", err.msg);
	if (strnlen(err.msg, sizeof(err.msg)) == sizeof(err.msg))
		abort();
	fflush(o.warnings);
	jail_check();
	return 0;
}
