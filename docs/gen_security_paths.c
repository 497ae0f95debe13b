/*
 * Prints docs/security-paths.md, the /proc and /sys rules of every zone, from the table in
 * zone/launch/launch_mask.c, so the document cannot drift from what the launcher mounts.
 *
 *   gen_security_paths              print to stdout
 *   gen_security_paths -o FILE      write FILE (via a temporary file and rename)
 *   gen_security_paths --check FILE exit 1, naming the first differing line, if FILE is stale
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "zone/launch/launch.h"

static char *render(size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f)
		return NULL;
	launch_paths_doc(f);
	if (fclose(f) != 0) {
		free(text);
		return NULL;
	}
	return text;
}

static int check(const char *path, const char *want, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[4096];
	size_t off = 0, n = 0;

	if (!f) {
		perror(path);
		return 1;
	}
	while (fgets(line, sizeof(line), f)) {
		size_t l = strlen(line);

		n++;
		if (off + l > len || memcmp(want + off, line, l) != 0) {
			fprintf(stderr, "%s:%zu: stale (run `make -C build docs`)\n", path, n);
			fclose(f);
			return 1;
		}
		off += l;
	}
	fclose(f);
	if (off != len) {
		fprintf(stderr, "%s: stale: lines missing at the end (run `make -C build docs`)\n",
			path);
		return 1;
	}
	printf("%s is current\n", path);
	return 0;
}

/* What main asked for, with the rendered text; main frees it on every path. */
static int run(int argc, char **argv, const char *text, size_t len)
{
	if (argc == 3 && !strcmp(argv[1], "--check"))
		return check(argv[2], text, len);
	if (argc == 3 && !strcmp(argv[1], "-o")) {
		char tmp[4096];
		FILE *f;

		snprintf(tmp, sizeof(tmp), "%s.tmp", argv[2]);
		f = fopen(tmp, "w");
		if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0 ||
		    rename(tmp, argv[2]) != 0) {
			perror(argv[2]);
			return 1;
		}
		return 0;
	}
	if (argc != 1) {
		fprintf(stderr, "usage: gen_security_paths [-o FILE | --check FILE]\n");
		return 2;
	}
	fwrite(text, 1, len, stdout);
	return 0;
}

int main(int argc, char **argv)
{
	size_t len;
	char *text = render(&len);
	int r;

	if (!text)
		return 2;
	r = run(argc, argv, text, len);
	free(text);
	return r;
}
