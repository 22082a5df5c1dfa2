#ifndef HD_SELF_PROTECT_H
#define HD_SELF_PROTECT_H

#include "error.h"

/* CVE-2019-5736: a container must never be able to reopen the runtime
 * binary for write through /proc/PID/exe. Before a command that enters a
 * container, re-exec from a private read-only mount of ourselves (or,
 * where that is refused, a sealed memfd copy); skipped when we already run
 * from one. Returns 0 when nothing was needed; on success of the re-exec
 * it does not return. */
int hd_self_protect(int argc, char **argv, hd_error_t *err);

#endif
