/*
 * brand_gone: a guest that unmaps, protects or moves the brand's own memory must die at
 * once with SIGSEGV or SIGSYS, never spin (tests/integration/brand_gone.sh runs every case
 * under lxrun with a deadline).
 *
 * The brand image is the mapping that holds the gate (LX_GATE_ADDR, kernel-shim/brand_abi.h)
 * and the mappings right after it (its data and bss); the calling thread's emulation stack
 * is the 128 KiB-aligned region of three anonymous mappings (state page, guard page, stack:
 * emul/state.h) that the kernel delivers signals on.  Both are found in /proc/self/maps.
 *
 * After the damage the program makes an emulated call (uname; rt_sigaction, which writes
 * the brand's state, when the data is only made read-only) or takes a signal it has a
 * handler for; if it is still alive it prints "survived" and exits 0.  Exit 3: the regions
 * were not found (not under the brand, or the layout changed: the test must learn it).
 */
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/utsname.h>
#include <unistd.h>

#define GATE_ADDR   0x7ff000001000UL /* LX_GATE_ADDR */
#define ESTACK_SIZE (128UL * 1024)

struct map {
	uintptr_t lo, hi;
	char perms[5];
	char path[256];
};

static struct map maps[512];
static int nmaps;

static void read_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512];

	if (!f)
		exit(3);
	while (nmaps < 512 && fgets(line, sizeof(line), f)) {
		struct map *m = &maps[nmaps];
		m->path[0] = '\0';
		if (sscanf(line, "%lx-%lx %4s %*s %*s %*s %255s", &m->lo, &m->hi, m->perms,
			   m->path) >= 3)
			nmaps++;
	}
	fclose(f);
}

/* The brand image: [text.lo, data_hi); text is the gate's mapping. */
static int brand(struct map *text, uintptr_t *data_lo, uintptr_t *data_hi)
{
	for (int i = 0; i < nmaps; i++) {
		if (maps[i].lo > GATE_ADDR || maps[i].hi <= GATE_ADDR)
			continue;
		*text = maps[i];
		*data_lo = *data_hi = maps[i].hi;
		for (int j = i + 1; j < nmaps && maps[j].lo == *data_hi &&
				    (!maps[j].path[0] || !strcmp(maps[j].path, text->path));
		     j++)
			*data_hi = maps[j].hi;
		return *data_hi > *data_lo;
	}
	return 0;
}

/* The calling thread's emulation stack: the only region shaped like one. */
static int estack(uintptr_t *lo)
{
	for (int i = 0; i + 2 < nmaps; i++) {
		struct map *a = &maps[i], *g = &maps[i + 1], *s = &maps[i + 2];
		if (a->lo % ESTACK_SIZE == 0 && a->hi == a->lo + 4096 && g->lo == a->hi &&
		    g->hi == g->lo + 4096 && !strcmp(g->perms, "---p") && s->lo == g->hi &&
		    s->hi == a->lo + ESTACK_SIZE && !a->path[0] && !s->path[0]) {
			*lo = a->lo;
			return 1;
		}
	}
	return 0;
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* Moves [lo, hi) to a fresh address: the old range is gone, the pages live on elsewhere. */
static int move(uintptr_t lo, uintptr_t hi)
{
	void *to = mmap(NULL, hi - lo, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (to == MAP_FAILED)
		return -1;
	return mremap((void *)lo, hi - lo, hi - lo, MREMAP_MAYMOVE | MREMAP_FIXED, to) == MAP_FAILED
		   ? -1
		   : 0;
}

int main(int argc, char **argv)
{
	const char *c = argc > 1 ? argv[1] : "";
	struct map text;
	uintptr_t dlo, dhi, es;
	struct utsname u;
	int r = 0;

	read_maps();
	if (!brand(&text, &dlo, &dhi) || !estack(&es)) {
		printf("no brand image or emulation stack in /proc/self/maps\n");
		return 3;
	}
	signal(SIGUSR1, on_usr1);
	fflush(stdout);
	if (!strcmp(c, "none"))
		r = 0;
	else if (!strcmp(c, "brand-munmap") || !strcmp(c, "brand-munmap-signal"))
		r = munmap((void *)text.lo, dhi - text.lo);
	else if (!strcmp(c, "text-munmap"))
		r = munmap((void *)text.lo, text.hi - text.lo);
	else if (!strcmp(c, "text-mprotect"))
		r = mprotect((void *)text.lo, text.hi - text.lo, PROT_NONE);
	else if (!strcmp(c, "text-mremap"))
		r = move(text.lo, text.hi);
	else if (!strcmp(c, "data-munmap"))
		r = munmap((void *)dlo, dhi - dlo);
	else if (!strcmp(c, "data-mprotect"))
		r = mprotect((void *)dlo, dhi - dlo, PROT_READ);
	else if (!strcmp(c, "estack-munmap"))
		r = munmap((void *)es, ESTACK_SIZE);
	else if (!strcmp(c, "estack-mprotect"))
		r = mprotect((void *)(es + 8192), ESTACK_SIZE - 8192, PROT_NONE);
	else if (!strcmp(c, "estack-mremap"))
		r = move(es + 8192, es + ESTACK_SIZE);
	else {
		printf("unknown case %s\n", c);
		return 2;
	}
	if (r != 0)
		return 4; /* refused: nothing tested (no stdio: it may need the brand) */
	if (!strcmp(c, "brand-munmap-signal"))
		kill(getpid(), SIGUSR1);
	else if (!strcmp(c, "data-mprotect"))
		signal(SIGUSR2, SIG_IGN); /* emulated, and writes the brand's state (uname does
					     not: it keeps no cache) */
	else
		uname(&u);
	printf("survived\n");
	return 0;
}
