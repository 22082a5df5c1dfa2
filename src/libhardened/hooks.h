#ifndef HD_HOOKS_H
#define HD_HOOKS_H

#include "error.h"
#include "spec.h"

/* Run hooks in order, each with `state_json` on stdin, honouring its
 * timeout (SIGKILL on expiry). Fails on the first hook that fails;
 * `phase` ("createRuntime") names it in the message. */
int hd_hooks_run(const oci_hook *hooks, size_t n, const char *phase,
                 const char *state_json, hd_error_t *err);

#endif
