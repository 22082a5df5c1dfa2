#ifndef HD_SECCOMP_H
#define HD_SECCOMP_H

#include "error.h"
#include "spec.h"

/* libseccomp's header: the build puts this directory on the quote
 * path only (-iquote), so the name does not shadow it. */
#include <seccomp.h>

#include <linux/filter.h>
#include <stddef.h>
#include <stdint.h>

/* linux.seccomp compiled to BPF (seccomp-cache.c), ready for the
 * container's process to load: no libseccomp work after the fork. */
typedef struct {
  struct sock_filter *insns; /* NULL: no filter */
  size_t len;
  uint32_t flags; /* seccomp(2) SECCOMP_FILTER_FLAG_* */
} hd_seccomp_prog;

/* Compile s (NULL: an empty program), or take the program from the cache
 * in cache_dir (NULL: no cache) when the same filter was compiled
 * before by this libseccomp on this kernel. */
int hd_seccomp_compile(const oci_seccomp *s, const char *cache_dir,
                       hd_seccomp_prog *out, hd_error_t *err);
/* Load it into this process; an empty program loads nothing. */
int hd_seccomp_prog_load(const hd_seccomp_prog *p, hd_error_t *err);
void hd_seccomp_prog_clear(hd_seccomp_prog *p);

/* Whether create accepts action a in linux.seccomp (features lists
 * exactly these). */
bool hd_seccomp_action_supported(oci_seccomp_action a);
/* Whether linux.seccomp.architectures may name arch here: libseccomp
 * knows it and can put it in one filter with the native one (not, e.g.,
 * a big-endian arch beside x86_64). */
bool hd_seccomp_arch_supported(const char *name);
/* The instructions that go before libseccomp's program for s: a syscall
 * numbered above every one s names, on an architecture s covers, gets
 * ENOSYS instead of the default action (when that denies), as in runc.
 * Returns how many were written into dst (at most max); 0: none needed. */
size_t hd_seccomp_enosys_stub(const oci_seccomp *s, struct sock_filter *dst,
                              size_t max);
/* libseccomp's BPF for ctx into dst (max instructions). */
int hd_seccomp_export_into(scmp_filter_ctx ctx, struct sock_filter *dst,
                           size_t max, size_t *len, hd_error_t *err);

/* Build without loading (the caller owns *out: seccomp_release). The
 * filter never sets no_new_privs by itself. Syscalls this libseccomp
 * does not know are skipped; SCMP_ACT_NOTIFY is refused. */
int hd_seccomp_build(const oci_seccomp *seccomp, scmp_filter_ctx *out,
                     hd_error_t *err);

#endif
