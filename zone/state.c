#include "zone/state.h"

#include <string.h>

static const char *const names[ZONE_STATE_COUNT] = {
    [ZONE_CONFIGURED] = "configured",
    [ZONE_INCOMPLETE] = "incomplete",
    [ZONE_INSTALLED] = "installed",
    [ZONE_READY] = "ready",
    [ZONE_BOOTING] = "booting",
    [ZONE_RUNNING] = "running",
    [ZONE_SHUTTING_DOWN] = "shutting_down",
};

const struct zone_transition zone_transitions[] = {
    {ZONE_CONFIGURED, ZONE_INCOMPLETE, "install, clone or attach starts"},
    {ZONE_INCOMPLETE, ZONE_INSTALLED, "install, clone, move or attach finished"},
    {ZONE_INCOMPLETE, ZONE_CONFIGURED,
     "uninstall cleaned up a partial root, or an attach rolled back"},
    {ZONE_INSTALLED, ZONE_INCOMPLETE, "uninstall, move or rollback starts"},
    {ZONE_INSTALLED, ZONE_CONFIGURED, "detach"},
    {ZONE_INSTALLED, ZONE_READY, "boot: supervisor holds namespaces and cgroup"},
    {ZONE_READY, ZONE_BOOTING, "boot: init started"},
    {ZONE_BOOTING, ZONE_RUNNING, "boot: init ready"},
    {ZONE_BOOTING, ZONE_INSTALLED, "boot timed out, init exited before it was ready, or halt"},
    {ZONE_READY, ZONE_RUNNING, "boot: init started (an lxzone without readiness)"},
    {ZONE_READY, ZONE_INSTALLED, "boot failed or halt before init"},
    {ZONE_RUNNING, ZONE_SHUTTING_DOWN, "shutdown asked init to stop"},
    {ZONE_RUNNING, ZONE_INSTALLED, "halt, or init exited"},
    {ZONE_SHUTTING_DOWN, ZONE_INSTALLED, "init stopped or was killed"},
};
const unsigned zone_ntransitions = sizeof(zone_transitions) / sizeof(zone_transitions[0]);

const char *zone_state_name(enum zone_state s)
{
	if ((unsigned)s >= ZONE_STATE_COUNT)
		return "unknown";
	return names[s];
}

int zone_state_from_name(const char *name)
{
	for (int i = 0; i < ZONE_STATE_COUNT; i++)
		if (strcmp(names[i], name) == 0)
			return i;
	return -1;
}

bool zone_state_transition_ok(enum zone_state from, enum zone_state to)
{
	for (unsigned i = 0; i < zone_ntransitions; i++)
		if (zone_transitions[i].from == from && zone_transitions[i].to == to)
			return true;
	return false;
}
