#ifndef HD_SECCOMP_H
#define HD_SECCOMP_H

#include "error.h"
#include "spec.h"

/* Compile linux.seccomp with libseccomp and load it into this process:
 * every action incl. errnoRet, argument comparisons, architectures and
 * flags. A NULL spec loads nothing. */
int hd_seccomp_load(const oci_seccomp *seccomp, hd_error_t *err);

#endif
