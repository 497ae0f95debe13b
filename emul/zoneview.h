/*
 * The zone's view for lxproc, inside the brand: the zone page (proc/lxzonepage.h, mapped
 * read-only on first use) plus the host's own /proc text (read live, cached for about a
 * second of TSC time, as the page itself is sampled once a second), handed to proc/'s
 * generators.  Every answer of one process comes from one consistent snapshot of the page.
 */
#ifndef LXZONE_ZONEVIEW_H
#define LXZONE_ZONEVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "proc/lxproc.h"

/* Is there a valid zone page to answer from?  (Maps it on first use.) */
int lx_zone_active(void);
/* Is f answered by the brand?  Every lxproc file with a page, unless the page says the kernel
 * serves them (LXZP_F_KERNEL_FILES); without one, with a kernel-version to show, the files
 * that show the release (/proc/version, osrelease). */
int lx_zone_serves(const struct lxproc_file *f);
/*
 * The generation of f's text: changes whenever an input of f may have (a new page sample,
 * a host text re-read); 0 for files that depend on the clock (always re-rendered).
 */
uint64_t lx_zone_generation(const struct lxproc_file *f);
/* Renders f into the process's scratch buffer; *out points into it until the next call. */
long lx_zone_render(const struct lxproc_file *f, struct lx_text *out);
long lx_zone_sysinfo(struct lx_sysinfo *si);
/* net=shared: the zone's network view (netlink/lx_netlink.h) from the page; 0, or -1 when the
 * zone is no shared one (or has no valid page): its sockets then show what the kernel says. */
struct lx_nl_view;
int lx_zone_netview(struct lx_nl_view *v);
long lx_zone_affinity(const uint8_t *host, size_t host_len, uint8_t *mask, size_t len);

#endif
