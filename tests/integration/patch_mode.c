/*
 * patch_mode: which site patching the brand gives this process (emul/patch.h), seen from
 * inside the guest, for the tests of who chooses it (tests/integration/zone/
 * test_syscall_patching.sh, oci_mapping.sh).  One line:
 *
 *     on     the site was a jump after its first trapped call (syscall-patching=on)
 *     auto   after its 64th but not its first (the default profile's auto: a site's 32nd)
 *     off    never (off, or natively)
 *
 * The site is the program's own `mov $14, %eax; syscall` (rt_sigprocmask, which traps in
 * every zone and container: the guest's mask is the brand's to keep), asked for the mask only.
 * Static, so it runs in the busybox image.
 */
#include <stdint.h>
#include <stdio.h>

long site_sigmask(long how, const uint64_t *set, uint64_t *old, long size);
__asm__(".text\n"
	".globl site_sigmask\n"
	"site_sigmask:\n"
	"	mov %rcx, %r10\n"
	"	mov $14, %eax\n"
	"	syscall\n"
	"	ret\n");

/* The byte at the site's mov: 0xe9 once patched into `jmp rel32`. */
static int patched(void)
{
	return ((const volatile unsigned char *)(void *)site_sigmask)[3] == 0xe9;
}

int main(void)
{
	uint64_t m;
	int n;

	site_sigmask(0, NULL, &m, 8);
	if (patched()) {
		puts("on");
		return 0;
	}
	for (n = 1; n < 64; n++)
		site_sigmask(0, NULL, &m, 8);
	puts(patched() ? "auto" : "off");
	return 0;
}
