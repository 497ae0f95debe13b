/*
 * The config.json parser's pieces shared by its two files: oci_config.c (the document, its
 * process, mounts, hooks and annotations) and oci_linux.c (its linux object).  Private to
 * them; callers use oci_config_load (cli/oci.h).
 */
#ifndef LXZONE_CLI_OCI_PARSE_H
#define LXZONE_CLI_OCI_PARSE_H

#include "cli/oci.h"

/* Log a warning for each member of obj not in known[0..n) (the spec: ignore, don't refuse);
 * where prefixes the key in the message ("process.", "linux."). */
void oci_warn_unknown(json_t *obj, const char *const *known, size_t n, const char *where);
/* A string member, NULL when absent; -1 when present and not a string. */
int oci_get_str(json_t *o, const char *key, const char **out, struct zone_error *e);
/* uidMappings or gidMappings (oci_linux.c): checked, and as the kernel's map text in *text
 * (malloc'd); with root, the container's id 0 must be mapped and *root is its host id.  ctx
 * names the owner in messages.  0, or -1 with e. */
int oci_idmap_parse(json_t *a, const char *ctx, const char *what, char **text, uint32_t *root,
		    struct zone_error *e);
/* config.json's linux object (oci_linux.c); absent: no limits.  0, or -1 with e. */
int oci_linux_parse(json_t *l, struct oci_config *c, struct zone_error *e);

#endif
