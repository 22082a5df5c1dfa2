/* linux.seccomp built with libseccomp, and its BPF exported; the
 * compiled program and its cache are in seccomp-cache.c. */
#define _GNU_SOURCE
#include "seccomp.h"

#include "log.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <unistd.h>

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void release_filter(scmp_filter_ctx *ctx) {
  if (*ctx)
    seccomp_release(*ctx);
}
#define cleanup_filter __attribute__((cleanup(release_filter)))

/* Translate a spec action to libseccomp's encoding. `errno_ret` carries
 * errnoRet (ERRNO) or the tracer message (TRACE); both default to EPERM
 * as in runc. */
static int action_value(oci_seccomp_action a, bool has_ret, uint32_t ret,
                        const char *where, uint32_t *out, hd_error_t *err) {
  uint32_t code = has_ret ? ret : EPERM;
  switch (a) {
  case OCI_SECCOMP_ACT_KILL:
  case OCI_SECCOMP_ACT_KILL_THREAD:
    *out = SCMP_ACT_KILL_THREAD;
    return 0;
  case OCI_SECCOMP_ACT_KILL_PROCESS:
    *out = SCMP_ACT_KILL_PROCESS;
    return 0;
  case OCI_SECCOMP_ACT_TRAP:
    *out = SCMP_ACT_TRAP;
    return 0;
  case OCI_SECCOMP_ACT_ERRNO:
    *out = SCMP_ACT_ERRNO(code);
    return 0;
  case OCI_SECCOMP_ACT_TRACE:
    *out = SCMP_ACT_TRACE(code);
    return 0;
  case OCI_SECCOMP_ACT_ALLOW:
    *out = SCMP_ACT_ALLOW;
    return 0;
  case OCI_SECCOMP_ACT_LOG:
    *out = SCMP_ACT_LOG;
    return 0;
  case OCI_SECCOMP_ACT_NOTIFY: /* hd_seccomp_action_supported says no */
    return hd_error_set(err, 0,
                        "linux.seccomp: SCMP_ACT_NOTIFY is not supported "
                        "(%s)",
                        where);
  }
  return hd_error_set(err, EINVAL, "linux.seccomp: %s: unknown action %d",
                      where, (int)a);
}

bool hd_seccomp_action_supported(oci_seccomp_action a) {
  return a != OCI_SECCOMP_ACT_NOTIFY; /* no supervisor to hand the fd to */
}

static enum scmp_compare compare_op(oci_seccomp_op op) {
  switch (op) {
  case OCI_SECCOMP_OP_NE:
    return SCMP_CMP_NE;
  case OCI_SECCOMP_OP_LT:
    return SCMP_CMP_LT;
  case OCI_SECCOMP_OP_LE:
    return SCMP_CMP_LE;
  case OCI_SECCOMP_OP_EQ:
    return SCMP_CMP_EQ;
  case OCI_SECCOMP_OP_GE:
    return SCMP_CMP_GE;
  case OCI_SECCOMP_OP_GT:
    return SCMP_CMP_GT;
  case OCI_SECCOMP_OP_MASKED_EQ:
    return SCMP_CMP_MASKED_EQ;
  }
  return _SCMP_CMP_MIN;
}

/* "SCMP_ARCH_X86_64" (or "x86_64") to libseccomp's token; 0: unknown. */
static uint32_t resolve_arch(const char *name) {
  const char *tail = strncmp(name, "SCMP_ARCH_", 10) == 0 ? name + 10 : name;
  char lower[32];
  size_t j = 0;
  for (; j < sizeof lower - 1 && tail[j]; j++)
    lower[j] = (char)tolower((unsigned char)tail[j]);
  lower[j] = '\0';
  return seccomp_arch_resolve_name(lower);
}

bool hd_seccomp_arch_supported(const char *name) {
  uint32_t arch = resolve_arch(name);
  cleanup_filter scmp_filter_ctx ctx = arch ? seccomp_init(SCMP_ACT_ALLOW) : NULL;
  if (ctx == NULL)
    return false;
  int r = seccomp_arch_add(ctx, arch);
  return r == 0 || r == -EEXIST;
}

static int add_architectures(scmp_filter_ctx ctx, const oci_seccomp *s,
                             hd_error_t *err) {
  for (size_t i = 0; i < s->architectures_len; i++) {
    const char *name = s->architectures[i];
    uint32_t arch = resolve_arch(name);
    if (arch == 0)
      return hd_error_set(err, 0,
                          "linux.seccomp.architectures[%zu]: unknown "
                          "architecture \"%s\"",
                          i, name);
    int r = seccomp_arch_add(ctx, arch);
    if (r < 0 && r != -EEXIST)
      return hd_error_set(err, -r, "linux.seccomp.architectures[%zu]: add %s",
                          i, name);
  }
  return 0;
}

static int set_flags(scmp_filter_ctx ctx, const oci_seccomp *s,
                     hd_error_t *err) {
  for (size_t i = 0; i < s->flags_len; i++) {
    const char *f = s->flags[i];
    int r = 0;
    if (strcmp(f, "SECCOMP_FILTER_FLAG_LOG") == 0)
      r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_LOG, 1);
    else if (strcmp(f, "SECCOMP_FILTER_FLAG_SPEC_ALLOW") == 0)
      r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_SSB, 1);
    else if (strcmp(f, "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV") == 0)
      /* Only matters for SCMP_ACT_NOTIFY, which is refused anyway; this
       * libseccomp may not even have the attribute. */
      hd_debug("linux.seccomp.flags: %s ignored", f);
    else
      return hd_error_set(
          err, 0, "linux.seccomp.flags[%zu]: unknown flag \"%s\"", i, f);
    if (r < 0)
      return hd_error_set(err, -r, "linux.seccomp.flags[%zu]: set %s", i, f);
  }
  return 0;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t action, int nr,
                    const struct scmp_arg_cmp *cmps, unsigned n,
                    const char *name, hd_error_t *err) {
  int r = seccomp_rule_add_array(ctx, action, nr, n, cmps);
  if (r < 0)
    return hd_error_set(err, -r, "linux.seccomp: add rule for \"%s\"", name);
  return 0;
}

static bool repeats_an_index(const oci_seccomp_syscall *sc) {
  for (size_t i = 0; i < sc->args_len; i++)
    for (size_t j = i + 1; j < sc->args_len; j++)
      if (sc->args[i].index == sc->args[j].index)
        return true;
  return false;
}

/* libseccomp refuses two comparisons on one argument in a single rule;
 * when the spec repeats an index, each comparison becomes its own rule
 * (runc does the same), otherwise the comparisons are ANDed. */
static int add_syscall(scmp_filter_ctx ctx, const oci_seccomp_syscall *sc,
                       size_t idx, uint32_t action, const char *name,
                       hd_error_t *err) {
  int nr = seccomp_syscall_resolve_name(name);
  if (nr == __NR_SCMP_ERROR) {
    hd_debug("linux.seccomp: syscall \"%s\" unknown here; rule skipped", name);
    return 0;
  }
  struct scmp_arg_cmp cmps[6];
  if (sc->args_len > 6)
    return hd_error_set(err, 0, "linux.seccomp.syscalls[%zu]: more than 6 args",
                        idx);
  for (size_t i = 0; i < sc->args_len; i++) {
    const oci_seccomp_arg *a = &sc->args[i];
    if (a->index > 5)
      return hd_error_set(err, 0,
                          "linux.seccomp.syscalls[%zu].args[%zu]: index %u "
                          "out of range (0-5)",
                          idx, i, a->index);
    cmps[i] = (struct scmp_arg_cmp){.arg = a->index,
                                    .op = compare_op(a->op),
                                    .datum_a = a->value,
                                    .datum_b = a->value_two};
  }
  if (!repeats_an_index(sc))
    return add_rule(ctx, action, nr, cmps, (unsigned)sc->args_len, name, err);
  for (size_t i = 0; i < sc->args_len; i++)
    if (add_rule(ctx, action, nr, &cmps[i], 1, name, err) < 0)
      return -1;
  return 0;
}

static int add_syscalls(scmp_filter_ctx ctx, const oci_seccomp *s,
                        uint32_t default_action, hd_error_t *err) {
  for (size_t i = 0; i < s->syscalls_len; i++) {
    const oci_seccomp_syscall *sc = &s->syscalls[i];
    char where[64];
    snprintf(where, sizeof where, "linux.seccomp.syscalls[%zu]", i);
    uint32_t action;
    if (action_value(sc->action, sc->has_errno_ret, sc->errno_ret, where,
                     &action, err) < 0)
      return -1;
    /* libseccomp rejects a rule that repeats the default action. */
    if (action == default_action)
      continue;
    for (size_t j = 0; j < sc->names_len; j++)
      if (add_syscall(ctx, sc, i, action, sc->names[j], err) < 0)
        return -1;
  }
  return 0;
}

int hd_seccomp_build(const oci_seccomp *s, scmp_filter_ctx *out,
                     hd_error_t *err) {
  *out = NULL;
  uint32_t default_action;
  if (action_value(s->default_action, s->has_default_errno_ret,
                   s->default_errno_ret, "defaultAction", &default_action,
                   err) < 0)
    return -1;
  cleanup_filter scmp_filter_ctx ctx = seccomp_init(default_action);
  if (ctx == NULL)
    return hd_error_set(err, EINVAL, "linux.seccomp: seccomp_init");
  /* no_new_privs is the spec's choice (process.noNewPrivileges), not a
   * side effect of loading a filter. */
  int r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
  if (r < 0)
    return hd_error_set(err, -r, "linux.seccomp: clear the NNP attribute");
  if (add_architectures(ctx, s, err) < 0 || set_flags(ctx, s, err) < 0 ||
      add_syscalls(ctx, s, default_action, err) < 0)
    return -1;
  *out = hd_steal_pointer(&ctx);
  return 0;
}

/* libseccomp 2.5 exports to an fd only; a pipe holds the few KiB. */
int hd_seccomp_export_into(scmp_filter_ctx ctx, struct sock_filter *dst,
                           size_t max, size_t *len, hd_error_t *err) {
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) < 0)
    return hd_error_set(err, errno, "pipe");
  cleanup_close int rd = fds[0];
  int rc = seccomp_export_bpf(ctx, fds[1]);
  close(fds[1]);
  if (rc < 0)
    return hd_error_set(err, -rc, "exporting the filter");
  size_t got = 0, cap = max * sizeof *dst;
  ssize_t n;
  while ((n = read(rd, (char *)dst + got, cap - got)) > 0)
    got += (size_t)n;
  if (n < 0)
    return hd_error_set(err, errno, "reading the exported filter");
  if (got == cap || got % sizeof *dst != 0)
    return hd_error_set(err, 0, "exported filter: unexpected size %zu", got);
  *len = got / sizeof *dst;
  return 0;
}

/* ---- ENOSYS for syscalls newer than the profile ---- */

/* The highest number any name of s has on arch; -1 when none resolves. */
static long newest_named(const oci_seccomp *s, uint32_t arch) {
  long newest = -1;
  for (size_t i = 0; i < s->syscalls_len; i++)
    for (size_t j = 0; j < s->syscalls[i].names_len; j++) {
      int nr = seccomp_syscall_resolve_name_arch(arch, s->syscalls[i].names[j]);
      if (nr >= 0 && nr > newest) /* negative: none, or multiplexed */
        newest = nr;
    }
  return newest;
}

/* A profile that denies by default denies every syscall newer than
 * itself, and EPERM tells glibc the call exists but is refused, so it
 * never falls back (fchmodat2, clone3): docker's and Kubernetes'
 * profiles count on ENOSYS there, as runc gives. A default that allows,
 * logs or traces decides nothing such a call could need. */
static bool default_denies(const oci_seccomp *s) {
  switch (s->default_action) {
  case OCI_SECCOMP_ACT_ALLOW:
  case OCI_SECCOMP_ACT_LOG:
  case OCI_SECCOMP_ACT_TRACE:
    return false;
  case OCI_SECCOMP_ACT_ERRNO:
    return !(s->has_default_errno_ret && s->default_errno_ret == ENOSYS);
  default:
    return true;
  }
}

/* One block per architecture: for arch, a number above the newest the
 * profile names returns ENOSYS; anything else falls through to the next
 * block and then to libseccomp's program (which loads what it needs
 * itself). On x86_64, x32 numbers (bit 30) are left to that program. */
static size_t stub_block(struct sock_filter *d, uint32_t arch, long newest) {
  const struct sock_filter ld_arch =
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch));
  const struct sock_filter ld_nr =
      BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr));
  bool x86_64 = arch == SCMP_ARCH_X86_64;
  size_t n = 0;
  d[n++] = ld_arch;
  d[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, arch, 0,
                                        x86_64 ? 4 : 3);
  d[n++] = ld_nr;
  if (x86_64)
    d[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JSET | BPF_K,
                                          0x40000000u, 2, 0);
  d[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGT | BPF_K,
                                        (uint32_t)newest, 0, 1);
  d[n++] =
      (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | ENOSYS);
  return n;
}

#define STUB_BLOCK_MAX 6

size_t hd_seccomp_enosys_stub(const oci_seccomp *s, struct sock_filter *dst,
                              size_t max) {
  if (s == NULL || !default_denies(s))
    return 0;
  uint32_t archs[16];
  size_t narchs = 0;
  archs[narchs++] = seccomp_arch_native();
  for (size_t i = 0; i < s->architectures_len && narchs < 16; i++) {
    uint32_t a = resolve_arch(s->architectures[i]);
    bool seen = a == 0 || a == SCMP_ARCH_X32; /* x32 is x86_64's arch */
    for (size_t k = 0; k < narchs && !seen; k++)
      seen = archs[k] == a;
    if (!seen)
      archs[narchs++] = a;
  }
  size_t len = 0;
  for (size_t k = 0; k < narchs && len + STUB_BLOCK_MAX <= max; k++) {
    long newest = newest_named(s, archs[k]);
    if (newest >= 0)
      len += stub_block(dst + len, archs[k], newest);
  }
  return len;
}
