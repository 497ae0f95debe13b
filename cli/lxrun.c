/*
 * lxrun: run one program under the brand, on the host or in a new zone.
 *
 *     lxrun [--root DIR] [--kernel-version X.Y.Z] [--report-unsupported[=FILE]] [--strict]
 *           [--hardened] [--dry-run] -- PROGRAM [ARG...]
 *
 * All the work is in the launcher library (cli/launch.h); this is the command line.
 */
#include "cli/launch.h"

#include <stdlib.h>

int main(int argc, char **argv)
{
	struct launch_error err = {0};
	struct launch_opts opts;
	struct launch_plan *plan;
	int r, status = 0;

	r = launch_opts_parse(argc, argv, &opts, stdout, &err);
	if (r == 1)
		return 0;
	if (r < 0) {
		fprintf(stderr, "lxrun: %s\n", err.msg);
		return err.status;
	}
	plan = calloc(1, sizeof(*plan));
	if (!plan) {
		fputs("lxrun: out of memory\n", stderr);
		return LAUNCH_EXIT_CANNOT;
	}
	if (launch_plan_build(&opts, plan, &err) < 0) {
		fprintf(stderr, "lxrun: %s\n", err.msg);
		free(plan);
		return err.status;
	}
	if (opts.dry_run) {
		launch_plan_print(plan, stdout);
		free(plan);
		return 0;
	}
	if (launch_run(plan, &status, &err) < 0) {
		fprintf(stderr, "lxrun: %s\n", err.msg);
		status = err.status;
	}
	free(plan);
	return status;
}
