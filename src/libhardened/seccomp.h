#ifndef HD_SECCOMP_H
#define HD_SECCOMP_H

#include "error.h"
#include "spec.h"

/* libseccomp's header: the build puts this directory on the quote
 * path only (-iquote), so the name does not shadow it. */
#include <seccomp.h>

/* Compile linux.seccomp with libseccomp and load it into this process:
 * every action incl. errnoRet, argument comparisons, architectures and
 * flags. A NULL spec loads nothing. */
int hd_seccomp_load(const oci_seccomp *seccomp, hd_error_t *err);

/* Build without loading (the caller owns *out: seccomp_release). The
 * filter never sets no_new_privs by itself. Syscalls this libseccomp
 * does not know are skipped; SCMP_ACT_NOTIFY is refused. */
int hd_seccomp_build(const oci_seccomp *seccomp, scmp_filter_ctx *out,
                     hd_error_t *err);

#endif
