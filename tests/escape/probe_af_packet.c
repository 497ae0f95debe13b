/*
 * probe_af_packet: a packet socket sees every frame of the interfaces it can bind.
 * escape-contexts: zone hardened lxrun oci oci-userns
 * escape-native: escaped
 * Safe outcome: in a zone with net=none (and under lxrun --root, and in an OCI container with a
 * network namespace of its own) the socket is refused or the network namespace has no
 * interface but lo: no host traffic to read.
 */
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tests/escape/probe.h"

#ifndef AF_PACKET
#define AF_PACKET 17
#endif

int main(void)
{
	int fd = socket(AF_PACKET, SOCK_RAW, htons(0x0003 /* ETH_P_ALL */));
	struct if_nameindex *ifs;
	char seen[512] = "";
	size_t used = 0;
	int others = 0;

	if (fd < 0)
		probe_safe("socket(AF_PACKET) refused (%s)", probe_errname(errno));
	close(fd);
	ifs = if_nameindex();
	if (!ifs)
		probe_skip("socket(AF_PACKET) opens; if_nameindex: %s", probe_errname(errno));
	for (struct if_nameindex *i = ifs; i->if_name; i++) {
		if (strcmp(i->if_name, "lo") != 0)
			others++;
		if (used < sizeof(seen))
			used += snprintf(seen + used, sizeof(seen) - used, " %s", i->if_name);
	}
	if_freenameindex(ifs);
	if (others)
		probe_escaped("socket(AF_PACKET) opens and sees interfaces:%s (not a net=none "
			      "namespace)",
			      seen);
	probe_safe("socket(AF_PACKET) opens, but the only interface is lo");
}
