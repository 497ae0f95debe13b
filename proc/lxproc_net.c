/* /proc/net's socket tables and snmp for a net=shared zone (proc/lxproc_net.h). */
#include "proc/lxproc_net.h"

#include "proc/lxproc.h"

/* Word indexes in a tcp/udp(6) row: "sl: local remote st tx:rx tr:when retr uid timeout inode" */
enum { W_LOCAL = 1, W_REMOTE = 2, W_ST = 3, W_INODE = 9 };
/* ... and in a unix row: "Num: RefCount Protocol Flags Type St Inode Path" */
enum { W_UNIX_INODE = 6 };
#define TCP_ESTABLISHED 1
#define TCP_CLOSE_WAIT	8

static bool is_v6(enum lxproc_socktab kind)
{
	return kind == LXPROC_TAB_TCP6 || kind == LXPROC_TAB_UDP6;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Word k of line (false when the line is shorter). */
static bool word_at(struct lx_text line, unsigned k, struct lx_text *w)
{
	for (unsigned i = 0; i <= k; i++)
		if (!lx_text_next_word(&line, w))
			return false;
	return true;
}

static bool inode_is_zones(const struct lxproc_netsocks *z, uint64_t ino)
{
	size_t lo = 0, hi = z->ninodes;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (z->inodes[mid] == ino)
			return true;
		if (z->inodes[mid] < ino)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/*
 * The address of "HEX:PORT" as bytes in network order.  The kernel prints each 32-bit word
 * of the address as the CPU holds it (%08X of a __be32 read as a u32): on little-endian
 * machines 127.0.0.1 is "0100007F".  Returns the address length, 0 when it does not parse.
 */
static size_t parse_addr(struct lx_text w, enum lxproc_socktab kind, uint8_t out[16])
{
	size_t n = is_v6(kind) ? 16 : 4;

	if (w.len < 2 * n + 1 || w.p[2 * n] != ':')
		return 0;
	for (size_t word = 0; word < n / 4; word++)
		for (size_t i = 0; i < 4; i++) {
			/* little-endian: the word's lowest byte (its first in memory) prints last
			 */
			const char *h = w.p + word * 8 + (3 - i) * 2;
			int hi = hexval(h[0]), lo = hexval(h[1]);
			if (hi < 0 || lo < 0)
				return 0;
			out[word * 4 + i] = (uint8_t)(hi << 4 | lo);
		}
	return n;
}

static bool addr_is_zones(const struct lxproc_netsocks *z, enum lxproc_socktab kind,
			  struct lx_text w)
{
	static const uint8_t v4mapped[12] = {[10] = 0xff, [11] = 0xff};
	uint8_t a[16];
	size_t n = parse_addr(w, kind, a);
	const uint8_t *p = a;
	uint8_t family = n == 4 ? 2 : 10;

	if (n == 0)
		return false;
	if (n == 16 && lx_mem_eq(a, v4mapped, 12)) {
		p = a + 12;
		n = 4;
		family = 2;
	}
	for (size_t i = 0; i < z->naddr && i < LXPROC_NET_MAXADDR; i++)
		if (z->addr[i].family == family && lx_mem_eq(z->addr[i].bytes, p, n))
			return true;
	return n == 4 && (z->lo4[0] | z->lo4[1] | z->lo4[2] | z->lo4[3]) != 0 &&
	       lx_mem_eq(p, z->lo4, 4);
}

static bool row_is_zones(const struct lxproc_netsocks *z, enum lxproc_socktab kind,
			 struct lx_text line)
{
	struct lx_text w;
	uint64_t ino;

	if (!word_at(line, kind == LXPROC_TAB_UNIX ? W_UNIX_INODE : W_INODE, &w) ||
	    !lx_text_to_u64(w, &ino))
		return false;
	if (ino != 0 || kind == LXPROC_TAB_UNIX)
		return ino != 0 && inode_is_zones(z, ino);
	return word_at(line, W_LOCAL, &w) && addr_is_zones(z, kind, w);
}

/* The rest of the row from its ':' (after "sl"), with the zone's loopback as 127.0.0.1. */
static void put_rest(const struct lxproc_netsocks *z, enum lxproc_socktab kind, struct lx_text rest,
		     struct lx_buf *b)
{
	char lo[8];
	const char *hex = "0123456789ABCDEF";

	if (is_v6(kind) || (z->lo4[0] | z->lo4[1] | z->lo4[2] | z->lo4[3]) == 0) {
		lx_buf_text(b, rest);
		return;
	}
	for (int i = 0; i < 4; i++) { /* as the kernel prints it (see parse_addr) */
		lo[(3 - i) * 2] = hex[z->lo4[i] >> 4];
		lo[(3 - i) * 2 + 1] = hex[z->lo4[i] & 15];
	}
	for (size_t i = 0; i < rest.len;) {
		if (rest.len - i >= 10 && rest.p[i] == ' ' && lx_mem_eq(rest.p + i + 1, lo, 8) &&
		    rest.p[i + 9] == ':') {
			lx_buf_puts(b, " 0100007F");
			i += 9;
		} else {
			lx_buf_putc(b, rest.p[i++]);
		}
	}
}

int lxproc_net_sockets(const struct lxproc_netsocks *z, enum lxproc_socktab kind,
		       struct lx_text host, struct lx_buf *b)
{
	struct lx_text rest = host, line;
	uint64_t sl = 0;
	bool first = true;

	while (lx_text_next_line(&rest, &line)) {
		size_t colon = 0;

		if (first) { /* the header */
			first = false;
			lx_buf_text(b, line);
			lx_buf_putc(b, '\n');
			continue;
		}
		if (!row_is_zones(z, kind, line))
			continue;
		if (kind == LXPROC_TAB_UNIX) {
			lx_buf_text(b, line);
			lx_buf_putc(b, '\n');
			continue;
		}
		while (colon < line.len && line.p[colon] != ':')
			colon++;
		if (kind == LXPROC_TAB_TCP || kind == LXPROC_TAB_TCP6) /* "%4d: ": the width */
			lx_buf_u64(b, sl++, (unsigned)colon, ' ');
		else
			lx_buf_putn(b, line.p, colon);
		put_rest(z, kind, (struct lx_text){line.p + colon, line.len - colon}, b);
		lx_buf_putc(b, '\n');
	}
	return lx_buf_truncated(b) ? LXPROC_ETRUNC : LXPROC_OK;
}

uint64_t lxproc_net_estab(const struct lxproc_netsocks *z, enum lxproc_socktab kind,
			  struct lx_text host_tcp)
{
	struct lx_text rest = host_tcp, line, w;
	uint64_t n = 0;

	lx_text_next_line(&rest, &line); /* the header */
	while (lx_text_next_line(&rest, &line)) {
		int hi, lo;

		if (!word_at(line, W_ST, &w) || w.len != 2 || !row_is_zones(z, kind, line))
			continue;
		hi = hexval(w.p[0]);
		lo = hexval(w.p[1]);
		n += hi >= 0 && lo >= 0 &&
		     (hi * 16 + lo == TCP_ESTABLISHED || hi * 16 + lo == TCP_CLOSE_WAIT);
	}
	return n;
}

/* A "Tcp:" values line with the value under CurrEstab (in the names line) replaced. */
static void put_tcp_values(struct lx_text names, struct lx_text values, uint64_t curr_estab,
			   struct lx_buf *b)
{
	struct lx_text nrest = names, vrest = values, nw, vw;

	while (lx_text_next_word(&nrest, &nw) && lx_text_next_word(&vrest, &vw))
		if (lx_text_eq_cstr(nw, "CurrEstab")) {
			size_t at = (size_t)(vw.p - values.p);

			lx_buf_putn(b, values.p, at);
			lx_buf_u64(b, curr_estab, 0, ' ');
			lx_buf_putn(b, vw.p + vw.len, values.len - at - vw.len);
			return;
		}
	lx_buf_text(b, values);
}

int lxproc_net_snmp(struct lx_text host, uint64_t curr_estab, struct lx_buf *b)
{
	struct lx_text rest = host, line, names = {0, 0};
	bool after_names = false;

	/* lines come in pairs: "Tcp: Name Name ..." then "Tcp: value value ..." */
	while (lx_text_next_line(&rest, &line)) {
		if (after_names && lx_text_starts(line, "Tcp:")) {
			put_tcp_values(names, line, curr_estab, b);
			after_names = false;
		} else {
			after_names = lx_text_starts(line, "Tcp:");
			names = line;
			lx_buf_text(b, line);
		}
		lx_buf_putc(b, '\n');
	}
	return lx_buf_truncated(b) ? LXPROC_ETRUNC : LXPROC_OK;
}

/* The interface name of a /proc/net/dev row ("%6s:" right-aligned), false for a header. */
static bool dev_name(struct lx_text line, struct lx_text *name)
{
	struct lx_text t = lx_text_skip_ws(line);
	size_t n = 0;

	while (n < t.len && t.p[n] != ':' && t.p[n] != '|')
		n++;
	if (n == t.len || t.p[n] != ':')
		return false;
	*name = (struct lx_text){t.p, n};
	return true;
}

int lxproc_net_dev(struct lx_text host, const char *zone_if, struct lx_buf *b)
{
	struct lx_text rest = host, line, name;

	while (lx_text_next_line(&rest, &line)) {
		/* the two header lines have no "name:" */
		if (dev_name(line, &name) && !lx_text_eq_cstr(name, "lo") &&
		    !(zone_if && zone_if[0] && lx_text_eq_cstr(name, zone_if)))
			continue;
		lx_buf_text(b, line);
		lx_buf_putc(b, '\n');
	}
	return lx_buf_truncated(b) ? LXPROC_ETRUNC : LXPROC_OK;
}

/* 32 hex digits (as if_inet6 prints an address, "%pi6" without colons) into 16 bytes. */
static bool parse_hex16(struct lx_text w, uint8_t out[16])
{
	if (w.len != 32)
		return false;
	for (size_t i = 0; i < 16; i++) {
		int hi = hexval(w.p[2 * i]), lo = hexval(w.p[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return false;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return true;
}

int lxproc_net_if_inet6(const struct lxproc_netsocks *z, struct lx_text host, struct lx_buf *b)
{
	struct lx_text rest = host, line, w;
	uint8_t a[16];

	while (lx_text_next_line(&rest, &line)) {
		struct lx_text t = line;
		bool keep = false;

		if (!lx_text_next_word(&t, &w) || !parse_hex16(w, a))
			continue;
		for (size_t i = 0; i < z->naddr && i < LXPROC_NET_MAXADDR; i++)
			keep |= z->addr[i].family == 10 && lx_mem_eq(z->addr[i].bytes, a, 16);
		if (keep) {
			lx_buf_text(b, line);
			lx_buf_putc(b, '\n');
		}
	}
	return lx_buf_truncated(b) ? LXPROC_ETRUNC : LXPROC_OK;
}

/* Field k of a tab-separated route row (false when the row is shorter). */
static bool tab_field(struct lx_text line, unsigned k, struct lx_text *f)
{
	size_t start = 0;

	for (unsigned i = 0;; i++) {
		size_t end = start;
		while (end < line.len && line.p[end] != '\t')
			end++;
		if (i == k) {
			*f = lx_text_trim((struct lx_text){line.p + start, end - start});
			return true;
		}
		if (end == line.len)
			return false;
		start = end + 1;
	}
}

#define ROUTE_LINE  127 /* the kernel pads every line to this ("%-127s\n") */
#define RTF_GATEWAY 0x2
#define RF_IFACE    0
#define RF_DEST	    1
#define RF_GATEWAY  2
#define RF_FLAGS    3
#define RF_REFCNT   4
#define RF_MASK	    7

/* The host's default route through zone_if, with no gateway: "IF\t00000000\t00000000\tFLAGS\t"
 * then the row's own fields from RefCnt on. */
static void put_default_route(struct lx_text line, const char *zone_if, struct lx_buf *b)
{
	static const char hex[] = "0123456789ABCDEF";
	struct lx_text flags = {0, 0}, refcnt = {line.p + line.len, 0};
	uint64_t fl = 0;
	size_t start = b->len;

	tab_field(line, RF_FLAGS, &flags);
	for (size_t i = 0; i < flags.len && hexval(flags.p[i]) >= 0; i++)
		fl = fl * 16 + (uint64_t)hexval(flags.p[i]);
	fl &= ~(uint64_t)RTF_GATEWAY;
	lx_buf_puts(b, zone_if);
	lx_buf_puts(b, "\t00000000\t00000000\t");
	for (int sh = 12; sh >= 0; sh -= 4)
		lx_buf_putc(b, hex[(fl >> sh) & 15]);
	lx_buf_putc(b, '\t');
	tab_field(line, RF_REFCNT, &refcnt);
	lx_buf_text(
	    b, lx_text_trim((struct lx_text){refcnt.p, (size_t)(line.p + line.len - refcnt.p)}));
	lx_buf_pad_to(b, start, ROUTE_LINE, false);
}

int lxproc_net_route(struct lx_text host, const char *zone_if, bool has_v4, struct lx_buf *b)
{
	struct lx_text rest = host, line, iface, dest, mask;
	bool first = true, zone = zone_if && zone_if[0];

	while (lx_text_next_line(&rest, &line)) {
		if (first) { /* the header */
			first = false;
		} else if (!tab_field(line, RF_IFACE, &iface) || !tab_field(line, RF_MASK, &mask)) {
			continue;
		} else if (!lx_text_eq_cstr(iface, "lo") &&
			   !(zone && lx_text_eq_cstr(iface, zone_if))) {
			/* another interface's: only the default route, as the zone leaves */
			tab_field(line, RF_DEST, &dest);
			if (zone && has_v4 && lx_text_eq_cstr(dest, "00000000") &&
			    lx_text_eq_cstr(mask, "00000000")) {
				put_default_route(line, zone_if, b);
				lx_buf_putc(b, '\n');
			}
			continue;
		}
		lx_buf_text(b, line);
		lx_buf_putc(b, '\n');
	}
	return lx_buf_truncated(b) ? LXPROC_ETRUNC : LXPROC_OK;
}

static const char *const netfile_names[] = {
    [LXPROC_NET_TCP] = "tcp",		[LXPROC_NET_TCP6] = "tcp6",   [LXPROC_NET_UDP] = "udp",
    [LXPROC_NET_UDP6] = "udp6",		[LXPROC_NET_UNIX] = "unix",   [LXPROC_NET_DEV] = "dev",
    [LXPROC_NET_IF_INET6] = "if_inet6", [LXPROC_NET_ROUTE] = "route", [LXPROC_NET_SNMP] = "snmp",
};
#define NNETFILES (sizeof(netfile_names) / sizeof(netfile_names[0]))

static enum lxproc_netfile netfile_of(struct lx_text name)
{
	for (size_t i = 0; i < NNETFILES; i++)
		if (lx_text_eq_cstr(name, netfile_names[i]))
			return (enum lxproc_netfile)i;
	return LXPROC_NET_NONE;
}

bool lxproc_net_name(const char *name)
{
	return netfile_of(lx_text_cstr(name)) != LXPROC_NET_NONE;
}

/* The component of t that ends at end (exclusive), moving end to its '/'; false when none. */
static bool prev_component(struct lx_text t, size_t *end, struct lx_text *c)
{
	size_t s = *end;

	if (s == 0 || t.p[s - 1] == '/')
		return false;
	while (s > 0 && t.p[s - 1] != '/')
		s--;
	if (s == 0)
		return false; /* a relative path: no '/' before it */
	*c = (struct lx_text){t.p + s, *end - s};
	*end = s - 1;
	return true;
}

static bool all_digits(struct lx_text c)
{
	for (size_t i = 0; i < c.len; i++)
		if (c.p[i] < '0' || c.p[i] > '9')
			return false;
	return c.len > 0;
}

enum lxproc_netfile lxproc_net_file(const char *path, size_t len)
{
	struct lx_text t = {path, len}, name, net, id;
	size_t end = len;
	enum lxproc_netfile f;

	/* "<pid>/net/<name>" ends /proc/<pid>/net/<name> and a thread's
	 * /proc/<pid>/task/<tid>/net/<name> alike (the caller checked the file is procfs') */
	if (!prev_component(t, &end, &name) || (f = netfile_of(name)) == LXPROC_NET_NONE ||
	    !prev_component(t, &end, &net) || !lx_text_eq_cstr(net, "net") ||
	    !prev_component(t, &end, &id) || !all_digits(id))
		return LXPROC_NET_NONE;
	return f;
}

void lxproc_net_sort_inodes(uint64_t *v, size_t n)
{
	/* Shell sort, halving gaps: no recursion on the brand's emulation stack */
	for (size_t gap = n / 2; gap > 0; gap /= 2)
		for (size_t i = gap; i < n; i++) {
			uint64_t t = v[i];
			size_t j = i;
			for (; j >= gap && v[j - gap] > t; j -= gap)
				v[j] = v[j - gap];
			v[j] = t;
		}
}
