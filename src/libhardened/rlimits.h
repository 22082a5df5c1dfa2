/* The rlimit names of the spec (process.rlimits[].type) and the kernel's
 * numbers for them: one table for the overlay, the policy, the host facts
 * and setup. */
#ifndef HD_RLIMITS_H
#define HD_RLIMITS_H

#include <stddef.h>

/* The RLIMIT_* number, or -1 for a name this kernel's headers lack. */
int hd_rlimit_from_name(const char *name);
/* The i-th known name (for walking the table), NULL past the end. */
const char *hd_rlimit_name_at(size_t i);

#endif
