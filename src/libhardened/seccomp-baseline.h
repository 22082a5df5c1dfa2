#ifndef HD_SECCOMP_BASELINE_H
#define HD_SECCOMP_BASELINE_H

#include "error.h"

/* Load the overlay's baseline filter on top of whatever the spec loaded
 * (filters stack; the stricter wins). Compiled once, BPF cached. */
int hd_seccomp_baseline_load(hd_error_t *err);

/* Build and cache the BPF without loading it (for an early, cheap check
 * and for measuring); _forget drops the cache (tests only). */
int hd_seccomp_baseline_compile(hd_error_t *err);
void hd_seccomp_baseline_forget(void);

#endif
