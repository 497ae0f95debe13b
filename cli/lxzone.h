/* The `lxzone` command line: one table of verbs (main.c), one small file per group of verbs. */
#ifndef LXZONE_ZONE_CLI_H
#define LXZONE_ZONE_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>

#include "lib/error.h"
#include "zone/store.h"

struct cli {
	struct zone_store store;
	bool json;
	const char *verb;
	int exit_code;	       /* for verbs that report a command's status (run, exec) */
	bool quiet;	       /* -q: no success line */
	bool usage;	       /* the error is a usage error: exit 2 (cli_bad_args) */
	char done[160];	       /* the success line, "NAME: WHAT", set by cli_done... */
	char done_name[128];   /* ...the zone it names (--json: its info, when the verb prints
				* none of its own)... */
	char done_detail[160]; /* ...and what follows the time */
};

struct cli_verb {
	const char *name;
	int (*run)(struct cli *c, int argc, char **argv, struct zone_error *err);
	const char *usage;
	const char *summary;
};

/* Parse common flags out of argv in place (--json). Returns the new argc. */
int cli_common_flags(struct cli *c, int argc, char **argv);
/* Print obj (compact on one line when not a terminal) and drop the reference.  Once per
 * command: a verb that printed its own JSON gets no info object after it. */
void cli_print_json(json_t *obj);
int cli_usage_error(struct cli *c, struct zone_error *err);
/* A usage error that says what is wrong ("unknown option --x"): exit 2, as cli_usage_error. */
int cli_bad_args(struct cli *c, struct zone_error *err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* The one error line on out: "lxzone: VERB NAME: MSG" (no NAME: "lxzone: VERB: MSG"). */
void cli_error_line(FILE *out, const char *verb, const char *name, const char *msg);
/* What a verb did, for its one success line: "NAME: WHAT in 36 ms DETAIL" (main prints it
 * after the verb returns, with the time it took; not with -q or --json). */
void cli_done(struct cli *c, const char *name, const char *what, const char *detail_fmt, ...)
    __attribute__((format(printf, 4, 5)));

int cli_create(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_configure(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_config(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_config_doc(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_list(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_info(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_state(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_verify(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_install(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_uninstall(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_destroy(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_clone(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_move(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_snapshot(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_rollback(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_snapshots(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_detach(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_attach(struct cli *c, int argc, char **argv, struct zone_error *err);

int cli_boot(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_halt(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_shutdown(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_reboot(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_exec(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_login(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_console(struct cli *c, int argc, char **argv, struct zone_error *err);
int cli_run(struct cli *c, int argc, char **argv, struct zone_error *err);

const struct cli_verb *cli_verb_find(const char *name);
const struct cli_verb *cli_verbs(size_t *n);
void cli_help(FILE *out);
/* Generated from the verb table (cli_docs.c): lxzone(8) in roff, and bash completion. */
void cli_doc_man(FILE *out);
void cli_doc_completion(FILE *out);

#endif
