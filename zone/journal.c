/* Journals of interrupted storage operations (zone/journal.h). */
#include "zone/journal.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

bool zone_journal_pending(struct zone *z, const char *op)
{
	return json_object_get(z->state, op) != NULL;
}

const char *zone_journal_str(struct zone *z, const char *op, const char *key)
{
	const char *v = json_string_value(json_object_get(json_object_get(z->state, op), key));
	return v ? v : "";
}

bool zone_journal_bool(struct zone *z, const char *op, const char *key)
{
	return json_is_true(json_object_get(json_object_get(z->state, op), key));
}

int zone_journal_phase(struct zone *z, const char *op, const char *phase, struct zone_error *err)
{
	json_object_set_new(json_object_get(z->state, op), "phase", json_string(phase));
	return zone_save_state(z, err);
}

bool zone_path_within(const char *in, const char *dir)
{
	size_t n = strlen(dir);
	return strncmp(in, dir, n) == 0 && (in[n] == '\0' || in[n] == '/');
}

void zone_test_crashpoint(const char *name)
{
	const char *c = getenv("LXZONE_TEST_CRASH");

	if (c != NULL && strcmp(c, name) == 0)
		raise(SIGKILL);
}
