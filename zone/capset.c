/*
 * Capability names, the profiles' sets and the `capabilities` syntax. See capset.h.
 */
#include "zone/capset.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <linux/capability.h>

#define BIT(c) (UINT64_C(1) << (c))

/* Indexed by number: the names libcap and capsh use. */
static const char *const cap_names[ZONE_CAP_LAST + 1] = {
    [CAP_CHOWN] = "cap_chown",
    [CAP_DAC_OVERRIDE] = "cap_dac_override",
    [CAP_DAC_READ_SEARCH] = "cap_dac_read_search",
    [CAP_FOWNER] = "cap_fowner",
    [CAP_FSETID] = "cap_fsetid",
    [CAP_KILL] = "cap_kill",
    [CAP_SETGID] = "cap_setgid",
    [CAP_SETUID] = "cap_setuid",
    [CAP_SETPCAP] = "cap_setpcap",
    [CAP_LINUX_IMMUTABLE] = "cap_linux_immutable",
    [CAP_NET_BIND_SERVICE] = "cap_net_bind_service",
    [CAP_NET_BROADCAST] = "cap_net_broadcast",
    [CAP_NET_ADMIN] = "cap_net_admin",
    [CAP_NET_RAW] = "cap_net_raw",
    [CAP_IPC_LOCK] = "cap_ipc_lock",
    [CAP_IPC_OWNER] = "cap_ipc_owner",
    [CAP_SYS_MODULE] = "cap_sys_module",
    [CAP_SYS_RAWIO] = "cap_sys_rawio",
    [CAP_SYS_CHROOT] = "cap_sys_chroot",
    [CAP_SYS_PTRACE] = "cap_sys_ptrace",
    [CAP_SYS_PACCT] = "cap_sys_pacct",
    [CAP_SYS_ADMIN] = "cap_sys_admin",
    [CAP_SYS_BOOT] = "cap_sys_boot",
    [CAP_SYS_NICE] = "cap_sys_nice",
    [CAP_SYS_RESOURCE] = "cap_sys_resource",
    [CAP_SYS_TIME] = "cap_sys_time",
    [CAP_SYS_TTY_CONFIG] = "cap_sys_tty_config",
    [CAP_MKNOD] = "cap_mknod",
    [CAP_LEASE] = "cap_lease",
    [CAP_AUDIT_WRITE] = "cap_audit_write",
    [CAP_AUDIT_CONTROL] = "cap_audit_control",
    [CAP_SETFCAP] = "cap_setfcap",
    [CAP_MAC_OVERRIDE] = "cap_mac_override",
    [CAP_MAC_ADMIN] = "cap_mac_admin",
    [CAP_SYSLOG] = "cap_syslog",
    [CAP_WAKE_ALARM] = "cap_wake_alarm",
    [CAP_BLOCK_SUSPEND] = "cap_block_suspend",
    [CAP_AUDIT_READ] = "cap_audit_read",
    [38] = "cap_perfmon",	     /* CAP_PERFMON: older headers lack the name */
    [39] = "cap_bpf",		     /* CAP_BPF */
    [40] = "cap_checkpoint_restore", /* CAP_CHECKPOINT_RESTORE */
};

/*
 * What the default profile takes away from root: what reaches past the zone to host-wide state
 * or hardware.  LXC's privileged default drops sys_module, sys_rawio, sys_time, mac_admin and
 * mac_override; the rest goes for the same reason: the kernel log (syslog), process accounting
 * (sys_pacct), the audit subsystem (audit_control, audit_read), BPF and perf (bpf, perfmon),
 * wake-up alarms and suspend blocking (wake_alarm, block_suspend), open_by_handle_at past the
 * zone root (dac_read_search, "shocker").
 *
 * Kept although LXC drops it: sys_time.  The brand's filter refuses every call that sets a
 * host clock (clock_settime, settimeofday, adjtimex, clock_adjtime: emul/systable.c, whatever
 * the capabilities), so all the capability still allows is what a time namespace offers: the
 * offsets in /proc/self/timens_offsets of a namespace the zone made itself.
 *
 * mknod is kept where the zone has a devices cgroup (zone/cgroup.h): a node it makes for a
 * host disk does not open.  Without one (a pure cgroup2 host) it would, so there it goes.
 * sys_boot stays: in a pid namespace reboot(2) only ends the zone's init (and the brand
 * refuses it anyway).
 */
#define DEFAULT_DROPPED                                                                            \
	(BIT(CAP_DAC_READ_SEARCH) | BIT(CAP_SYS_MODULE) | BIT(CAP_SYS_RAWIO) |                     \
	 BIT(CAP_SYS_PACCT) | BIT(CAP_AUDIT_CONTROL) | BIT(CAP_MAC_OVERRIDE) |                     \
	 BIT(CAP_MAC_ADMIN) | BIT(CAP_SYSLOG) | BIT(CAP_WAKE_ALARM) | BIT(CAP_BLOCK_SUSPEND) |     \
	 BIT(CAP_AUDIT_READ) | BIT(38) | BIT(39))

/*
 * The hardened profile: the Docker / runc default set without mknod, devices cgroup or not
 * (hardened zones need no device nodes of their own).
 */
#define HARDENED_SET                                                                               \
	(BIT(CAP_CHOWN) | BIT(CAP_DAC_OVERRIDE) | BIT(CAP_FOWNER) | BIT(CAP_FSETID) |              \
	 BIT(CAP_KILL) | BIT(CAP_SETGID) | BIT(CAP_SETUID) | BIT(CAP_SETPCAP) |                    \
	 BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_NET_RAW) | BIT(CAP_SYS_CHROOT) |                      \
	 BIT(CAP_AUDIT_WRITE) | BIT(CAP_SETFCAP))

uint64_t zone_caps_profile(bool hardened, bool devices_cgroup)
{
	if (hardened)
		return HARDENED_SET;
	return ZONE_CAPS_ALL & ~DEFAULT_DROPPED & ~(devices_cgroup ? 0 : BIT(CAP_MKNOD));
}

const char *zone_cap_name(int cap)
{
	if (cap < 0 || cap > ZONE_CAP_LAST)
		return NULL;
	return cap_names[cap];
}

int zone_cap_from_name(const char *name, size_t len)
{
	if (len >= 4 && strncasecmp(name, "cap_", 4) == 0) {
		name += 4;
		len -= 4;
	}
	for (int c = 0; c <= ZONE_CAP_LAST; c++)
		if (strlen(cap_names[c] + 4) == len &&
		    strncasecmp(cap_names[c] + 4, name, len) == 0)
			return c;
	return -1;
}

static int keyword(const char *s, size_t len, uint64_t base, uint64_t dflt, uint64_t *set)
{
	static const char *const words[] = {"default", "all", "none", "default-profile"};
	const uint64_t sets[] = {base, ZONE_CAPS_ALL, 0, dflt};

	for (size_t i = 0; i < 4; i++)
		if (strlen(words[i]) == len && strncasecmp(words[i], s, len) == 0) {
			*set = sets[i];
			return (int)i;
		}
	return -1;
}

/* Append "sep item" to norm; items are short, so a full buffer only truncates. */
static void norm_add(char *norm, size_t sz, size_t *at, const char *item)
{
	int n;

	if (!norm || *at >= sz)
		return;
	n = snprintf(norm + *at, sz - *at, "%s%s", *at ? "," : "", item);
	*at += n > 0 ? (size_t)n : 0;
}

int zone_caps_parse(const char *spec, uint64_t base, uint64_t *mask, char *norm, size_t normsz,
		    struct zone_error *err)
{
	return zone_caps_parse_in(spec, base, zone_caps_profile(false, true), mask, norm, normsz,
				  err);
}

int zone_caps_parse_in(const char *spec, uint64_t base, uint64_t dflt, uint64_t *mask, char *norm,
		       size_t normsz, struct zone_error *err)
{
	uint64_t m = base;
	const char *p = spec;
	size_t at = 0;
	int first = 1;

	if (norm && normsz)
		norm[0] = '\0';
	if (!*spec)
		return zone_error_set(err, 0, "empty capability set (say none)");
	for (;;) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		char sign = 0, item[48];
		uint64_t set;
		int c, kw;

		if (len && (*p == '+' || *p == '-')) {
			sign = *p++;
			len--;
		}
		if (len == 0)
			return zone_error_set(err, 0, "'%s': empty item", spec);
		kw = keyword(p, len, base, dflt, &set);
		if (kw >= 0) {
			if (!first || sign)
				return zone_error_set(err, 0,
						      "'%s': %.*s may only come first, unsigned",
						      spec, (int)len, p);
			m = set;
			snprintf(item, sizeof(item), "%.*s", (int)len, p);
			for (char *q = item; *q; q++)
				*q = (char)tolower((unsigned char)*q);
		} else {
			c = zone_cap_from_name(p, len);
			if (c < 0)
				return zone_error_set(err, 0, "unknown capability '%.*s'", (int)len,
						      p);
			/* an unsigned name first starts an explicit set */
			if (first && !sign)
				m = 0;
			if (sign == '-')
				m &= ~BIT(c);
			else
				m |= BIT(c);
			snprintf(item, sizeof(item), "%s%s", sign ? (sign == '+' ? "+" : "-") : "",
				 zone_cap_name(c));
		}
		norm_add(norm, normsz, &at, item);
		first = 0;
		if (!end)
			break;
		p = end + 1;
	}
	if (norm && at >= normsz)
		return zone_error_set(err, 0, "'%s': too long", spec);
	*mask = m;
	return 0;
}

size_t zone_caps_format(uint64_t mask, char *buf, size_t sz)
{
	size_t at = 0;

	if (sz)
		buf[0] = '\0';
	for (int c = 0; c <= ZONE_CAP_LAST; c++) {
		if (!(mask & BIT(c)))
			continue;
		int n = snprintf(at < sz ? buf + at : NULL, at < sz ? sz - at : 0, "%s%s",
				 at ? "," : "", zone_cap_name(c));
		at += n > 0 ? (size_t)n : 0;
	}
	if (at == 0)
		at = (size_t)snprintf(buf, sz, "none");
	return at;
}
