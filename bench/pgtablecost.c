/*
 * What one page-table page costs on this machine: map one anonymous page at an address,
 * write it, unmap it, 200 times, best of 15 batches, at four kinds of address:
 *
 *   - inside a 2 MiB whose page table is there already (a page kept mapped beside it);
 *   - in a new 2 MiB of a GiB already mapped (a PTE page made and freed every cycle);
 *   - in a new GiB of a 512 GiB already mapped (a PMD and a PTE page);
 *   - in a new 512 GiB (a PUD, a PMD and a PTE page).
 *
 * The differences are what each page-table level costs to make and free (on a VM with shadow
 * paging, the hypervisor's shadow page too): what a fixed mapping in a region the program does
 * not otherwise use, like the brand's image, adds to every exec, fork and exit
 * (docs/performance.md, "Where the brand sits").  Build: gcc -O2 -o pgtablecost pgtablecost.c.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>

static double now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static char *map_at(unsigned long a)
{
	char *p = mmap((void *)a, 4096, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);

	if (p != (char *)a) {
		fprintf(stderr, "pgtablecost: cannot map %#lx\n", a);
		exit(1);
	}
	return p;
}

static double cycle_us(unsigned long a)
{
	double best = 1e12;

	for (int b = 0; b < 15; b++) {
		double t0 = now_us();
		for (int i = 0; i < 200; i++) {
			char *p = map_at(a);
			p[0] = 1;
			munmap(p, 4096);
		}
		double d = (now_us() - t0) / 200;
		if (d < best)
			best = d;
	}
	return best;
}

int main(void)
{
	/* anchors: kept mapped, so their page tables stay (0x30000000: GiB 0 of 512 GiB 0;
	 * 0x200000000000: a 512 GiB nothing else uses) */
	map_at(0x30000000UL)[0] = 1;
	map_at(0x200000000000UL)[0] = 1;
	for (int r = 0; r < 3; r++) {
		double same = cycle_us(0x30001000UL);
		printf("in a page table already there  %7.1f us\n", same);
		printf("+ a PTE page                    %+7.1f us\n", cycle_us(0x30400000UL) - same);
		printf("+ a PMD and a PTE page          %+7.1f us\n",
		       cycle_us(0x200040000000UL) - same);
		printf("+ a PUD, a PMD and a PTE page   %+7.1f us\n",
		       cycle_us(0x300000000000UL) - same);
	}
	return 0;
}
