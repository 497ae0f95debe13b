#include "zone/verify.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/openat2.h"
#include "zone/clone.h"
#include "zone/config.h"
#include "zone/fsutil.h"

static const char *machine_name(unsigned m, unsigned char cls)
{
	switch (m) {
	case EM_X86_64:
		return cls == ELFCLASS64 ? "x86_64" : "x32";
	case EM_386:
		return "i386";
	case EM_AARCH64:
		return "aarch64";
	case EM_ARM:
		return "arm";
	case EM_RISCV:
		return "riscv";
	case EM_PPC64:
		return "ppc64";
	case EM_S390:
		return "s390x";
	default:
		return "unknown";
	}
}

const char *zone_host_arch(void)
{
#if defined(__x86_64__)
	return "x86_64";
#elif defined(__aarch64__)
	return "aarch64";
#else
	return "unknown";
#endif
}

int zone_root_arch(const char *root, char *arch, size_t archsz, struct zone_error *err)
{
	static const char *const probes[] = {"bin/sh", "sbin/init", "bin/busybox", "usr/bin/env"};
	cleanup_close int rfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (rfd < 0)
		return zone_error_set(err, errno, "open %s", root);
	for (size_t i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
		Elf64_Ehdr eh;
		cleanup_close int fd =
		    zone_openat2(rfd, probes[i], O_RDONLY, RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
		if (fd < 0)
			continue;
		if (read(fd, &eh, sizeof(eh)) < (ssize_t)sizeof(Elf32_Ehdr) ||
		    memcmp(eh.e_ident, ELFMAG, SELFMAG) != 0)
			continue;
		snprintf(arch, archsz, "%s", machine_name(eh.e_machine, eh.e_ident[EI_CLASS]));
		return 0;
	}
	return zone_error_set(err, 0, "%s: no ELF /bin/sh or /sbin/init to tell the architecture",
			      root);
}

static void problem(json_t *list, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(json_t *list, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	json_array_append_new(list, json_string(buf));
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

json_t *zone_verify(struct zone *z)
{
	json_t *list = json_array();
	enum zone_state s = zone_get_state(z);
	cleanup_free char *root = zone_subpath(z, "root");
	const char *lower = zone_overlay_lower(z);
	size_t i;
	json_t *m;

	json_array_foreach(json_object_get(z->config, "mount"), i, m)
	{
		struct zone_mount mt;
		struct zone_error e;
		if (zone_mount_parse(json_string_value(m), &mt, &e) < 0)
			problem(list, "mount %s: %s", json_string_value(m), e.msg);
		else if (!is_dir(mt.host) && access(mt.host, F_OK) < 0)
			problem(list, "mount %s: host path %s does not exist", json_string_value(m),
				mt.host);
	}
	if (s == ZONE_INCOMPLETE) {
		problem(list,
			"incomplete: an install, clone, move or uninstall did not finish; "
			"run lxzone uninstall %s",
			z->name);
		return list;
	}
	if (s == ZONE_CONFIGURED) {
		/* a zone detached in place keeps its root there, for attach */
		const char *dpath = json_string_value(
		    json_object_get(json_object_get(z->state, "detached"), "path"));
		if (is_dir(root) && (dpath == NULL || strcmp(dpath, zone_path(z)) != 0))
			problem(list, "configured but a root exists at %s", root);
		return list;
	}
	if (!is_dir(zone_path(z))) {
		problem(list, "zone path %s is missing", zone_path(z));
		return list;
	}
	if (lower != NULL) {
		cleanup_free char *upper = zone_subpath(z, "upper");
		cleanup_free char *work = zone_subpath(z, "work");
		if (!is_dir(lower))
			problem(list, "overlay lower layer %s is missing", lower);
		if (!is_dir(upper) || !is_dir(work))
			problem(list, "overlay upper/work directories are missing");
		if (!is_dir(root))
			problem(list, "overlay mount point %s is missing", root);
		return list;
	}
	if (!is_dir(root)) {
		problem(list, "root %s is missing", root);
		return list;
	}
	char arch[32];
	struct zone_error e;
	if (zone_root_arch(root, arch, sizeof(arch), &e) < 0)
		problem(list, "%s", e.msg);
	else if (strcmp(arch, zone_host_arch()) != 0)
		problem(list, "image architecture %s does not run on this %s host", arch,
			zone_host_arch());
	if ((s == ZONE_RUNNING || s == ZONE_BOOTING || s == ZONE_READY) &&
	    zone_supervisor_pid(z) == 0)
		problem(list, "state %s but no supervisor is alive", zone_state_name(s));
	return list;
}
