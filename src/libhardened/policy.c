/* STUB: replaced by its owner. */
#include "policy.h"
int hd_policy_load(const char *path, hd_policy **out, hd_error_t *err) { *out = NULL; return 0; }
void hd_policy_free(hd_policy *p) {}
