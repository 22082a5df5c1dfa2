/* The hardening policy: the values the overlay enforces, and which of
 * the relaxable defaults a site has relaxed. The five invariants are not
 * in here: no policy can switch them off. */
#ifndef HD_POLICY_H
#define HD_POLICY_H

#include "error.h"

typedef struct hd_policy hd_policy;

/* path NULL: the built-in defaults. A bad policy file is an error that
 * names the file and the field. */
int hd_policy_load(const char *path, hd_policy **out, hd_error_t *err);
void hd_policy_free(hd_policy *policy);

#endif
