/* linux.seccomp as a ready BPF program, compiled by the runtime before it
 * forks and kept in an on-disk cache.
 *
 * libseccomp needs about 16 ms on this host to build a docker-sized
 * profile (some 400 syscalls over three architectures), and engines pass
 * the same profile to every container and every exec. The program is
 * therefore cached, in a root-only directory, under a hash of everything
 * the compiled program depends on:
 *   - every field of linux.seccomp, in a fixed binary encoding;
 *   - libseccomp's version and the API level it found in the kernel
 *     (both change the BPF it emits), and hardened's own version (its
 *     code turns the spec into libseccomp rules: a fixed hardened must
 *     not go on loading what an older one compiled).
 * The hash is only a file name. A cache file holds the whole encoding,
 * and a hit needs a byte-for-byte match, so a spec written to collide
 * with another one's hash still gets its own filter.
 *
 * The directory is trusted only when it is ours and nobody else can
 * write it; otherwise the cache is skipped. Anything odd in a file (a
 * short read, a wrong size, a checksum that does not match, as a file
 * torn by a crash would have) is a miss, and the file is rewritten.
 * Containers started together on one new profile all miss at once; one
 * of them stores (it holds the directory's flock), the others skip. The
 * store writes a fixed temporary name and renames it, so two writers on
 * one file would mix their bytes without that lock.
 *
 * Specs are untrusted, so the cache is bounded: 1024 slots (the hash's
 * top 10 bits name the file; two filters sharing a slot take turns) and
 * filters whose encoding exceeds 64 KiB (an engine's default profile
 * takes about 16 KiB) are compiled every time. At most about 100 MiB. */
#define _GNU_SOURCE
#include "seccomp.h"

#include "log.h"
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#define CACHE_MAGIC "hardened-seccomp-2\n"
#define MAX_INSNS BPF_MAXINSNS
#define MAX_KEY (64u << 10)
#define MAX_FILE (sizeof(file_head) + MAX_KEY + 8 + MAX_INSNS * 8 + 8)

/* ---- the key: a length-prefixed encoding of the filter ---- */

typedef struct {
  char *data;
  size_t len, cap;
} key_buf;

static void key_put(key_buf *k, const void *p, size_t n) {
  if (k->len + n > k->cap) {
    k->cap = (k->len + n) * 2 + 256;
    k->data = xrealloc(k->data, k->cap);
  }
  memcpy(k->data + k->len, p, n);
  k->len += n;
}

static void key_u64(key_buf *k, uint64_t v) {
  key_put(k, &v, sizeof v);
}

static void key_str(key_buf *k, const char *s) {
  size_t n = s ? strlen(s) : 0;
  key_u64(k, n);
  key_put(k, s ? s : "", n);
}

static void key_strs(key_buf *k, char *const *v, size_t n) {
  key_u64(k, n);
  for (size_t i = 0; i < n; i++)
    key_str(k, v[i]);
}

static void encode_filter(key_buf *k, const oci_seccomp *s) {
  const struct scmp_version *v = seccomp_version();
  key_put(k, CACHE_MAGIC, sizeof CACHE_MAGIC - 1);
  key_str(k, HD_VERSION);
  key_str(k, "enosys-stub"); /* programs cached before it lack the stub */
  key_u64(k, v ? v->major * 1000000u + v->minor * 1000u + v->micro : 0);
  key_u64(k, seccomp_api_get());
  key_u64(k, (uint64_t)s->default_action);
  key_u64(k, s->has_default_errno_ret);
  key_u64(k, s->default_errno_ret);
  key_strs(k, s->architectures, s->architectures_len);
  key_strs(k, s->flags, s->flags_len);
  key_u64(k, s->syscalls_len);
  for (size_t i = 0; i < s->syscalls_len; i++) {
    const oci_seccomp_syscall *sc = &s->syscalls[i];
    key_strs(k, sc->names, sc->names_len);
    key_u64(k, (uint64_t)sc->action);
    key_u64(k, sc->has_errno_ret);
    key_u64(k, sc->errno_ret);
    key_u64(k, sc->args_len);
    for (size_t j = 0; j < sc->args_len; j++) {
      const oci_seccomp_arg *a = &sc->args[j];
      key_u64(k, a->index);
      key_u64(k, a->value);
      key_u64(k, a->value_two);
      key_u64(k, (uint64_t)a->op);
    }
  }
}

/* FNV-1a, 64 bits: a file name, and a cache file's checksum against
 * torn writes. Not against an attacker: nobody else can write the
 * directory. */
static uint64_t fnv1a(const char *p, size_t n) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (size_t i = 0; i < n; i++) {
    h ^= (unsigned char)p[i];
    h *= 0x100000001b3ULL;
  }
  return h;
}

/* ---- the cache directory and its files ---- */

/* File layout: u64 key length, the key, u32 seccomp() flags, u32 number
 * of instructions, the instructions, then the u64 FNV-1a of all that. */
typedef struct {
  uint64_t key_len;
} file_head;

static bool trusted_dir(int fd) {
  struct stat st;
  return fstat(fd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == geteuid() &&
         (st.st_mode & 022) == 0;
}

/* The cache dir, made on first use (and its parent, 0700 both). -1 when
 * there is none to use: no dir configured, not root, or not trusted. */
static int open_cache_dir(const char *dir) {
  if (dir == NULL || dir[0] != '/' || geteuid() != 0)
    return -1;
  int fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 && errno == ENOENT) {
    cleanup_free char *parent = xstrdup(dir);
    char *slash = strrchr(parent, '/');
    if (slash && slash != parent) {
      *slash = '\0';
      (void)mkdir(parent, 0700);
    }
    (void)mkdir(dir, 0700);
    fd = open(dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  }
  if (fd >= 0 && !trusted_dir(fd)) {
    hd_debug("seccomp cache %s: not owned by us or writable by others; "
             "not used",
             dir);
    close(fd);
    fd = -1;
  }
  return fd;
}

static bool cache_lookup(int dirfd, const char *name, const key_buf *k,
                         hd_seccomp_prog *out) {
  cleanup_free char *file = NULL;
  size_t len = 0;
  hd_error_t err = NULL;
  if (hd_read_file_at(dirfd, name, MAX_FILE, &file, &len, &err) < 0) {
    hd_error_free(&err); /* a miss */
    return false;
  }
  file_head head;
  uint32_t flags, n;
  size_t at = sizeof head + k->len;
  if (len < at + sizeof flags + sizeof n)
    return false;
  memcpy(&head, file, sizeof head);
  if (head.key_len != k->len ||
      memcmp(file + sizeof head, k->data, k->len) != 0)
    return false;
  memcpy(&flags, file + at, sizeof flags);
  memcpy(&n, file + at + sizeof flags, sizeof n);
  at += sizeof flags + sizeof n;
  size_t end = at + n * sizeof(struct sock_filter);
  uint64_t sum;
  if (n == 0 || n > MAX_INSNS || len != end + sizeof sum)
    return false;
  memcpy(&sum, file + end, sizeof sum);
  if (sum != fnv1a(file, end))
    return false;
  struct sock_filter *insns = xcalloc(n, sizeof *insns);
  memcpy(insns, file + at, n * sizeof *insns);
  *out = (hd_seccomp_prog){.insns = insns, .len = n, .flags = flags};
  return true;
}

static void cache_store(int dirfd, const char *name, const key_buf *k,
                        const hd_seccomp_prog *p) {
  key_buf f = {0};
  file_head head = {.key_len = k->len};
  uint32_t n = (uint32_t)p->len;
  key_put(&f, &head, sizeof head);
  key_put(&f, k->data, k->len);
  key_put(&f, &p->flags, sizeof p->flags);
  key_put(&f, &n, sizeof n);
  key_put(&f, p->insns, p->len * sizeof *p->insns);
  uint64_t sum = fnv1a(f.data, f.len);
  key_put(&f, &sum, sizeof sum);
  /* Released by closing lock_fd. */
  cleanup_close int lock_fd =
      openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  hd_error_t err = NULL;
  if (lock_fd < 0 || flock(lock_fd, LOCK_EX | LOCK_NB) < 0)
    hd_debug("seccomp cache: another store is under way; not stored");
  else if (hd_write_file_atomic_at(dirfd, name, f.data, f.len, 0600, &err) < 0)
    hd_debug("seccomp cache: %s", err->msg);
  hd_error_free(&err);
  free(f.data);
}

/* ---- compiling ---- */

/* The seccomp() flags the program must be loaded with, read back from
 * the attributes hd_seccomp_build set from linux.seccomp.flags: that
 * function alone knows the spec's flag names. */
static uint32_t kernel_flags(scmp_filter_ctx ctx) {
  uint32_t flags = 0, on = 0;
  if (seccomp_attr_get(ctx, SCMP_FLTATR_CTL_LOG, &on) == 0 && on)
    flags |= SECCOMP_FILTER_FLAG_LOG;
  on = 0;
  if (seccomp_attr_get(ctx, SCMP_FLTATR_CTL_SSB, &on) == 0 && on)
    flags |= SECCOMP_FILTER_FLAG_SPEC_ALLOW;
  return flags;
}

static int compile_now(const oci_seccomp *s, hd_seccomp_prog *out,
                       hd_error_t *err) {
  scmp_filter_ctx ctx = NULL;
  if (hd_seccomp_build(s, &ctx, err) < 0)
    return -1;
  struct sock_filter *insns = xcalloc(MAX_INSNS, sizeof *insns);
  size_t stub = hd_seccomp_enosys_stub(s, insns, MAX_INSNS / 2);
  size_t len = 0;
  int rc = hd_seccomp_export_into(ctx, insns + stub, MAX_INSNS - stub, &len,
                                  err);
  len += stub;
  uint32_t flags = kernel_flags(ctx);
  seccomp_release(ctx);
  if (rc < 0) {
    free(insns);
    return hd_error_wrap(err, "linux.seccomp");
  }
  *out = (hd_seccomp_prog){.insns = xrealloc(insns, len * sizeof *insns),
                           .len = len,
                           .flags = flags};
  return 0;
}

int hd_seccomp_compile(const oci_seccomp *s, const char *cache_dir,
                       hd_seccomp_prog *out, hd_error_t *err) {
  *out = (hd_seccomp_prog){0};
  if (s == NULL)
    return 0;
  cleanup_close int dirfd = open_cache_dir(cache_dir);
  if (dirfd < 0)
    return compile_now(s, out, err);
  key_buf k = {0};
  encode_filter(&k, s);
  char name[32];
  /* FNV's low bits barely mix: the slot comes from the top ones. */
  snprintf(name, sizeof name, "%03" PRIx64, fnv1a(k.data, k.len) >> 54);
  int rc = 0;
  if (k.len > MAX_KEY)
    rc = compile_now(s, out, err); /* not worth a file */
  else if (cache_lookup(dirfd, name, &k, out))
    hd_debug("seccomp: cached program %s", name);
  else if ((rc = compile_now(s, out, err)) == 0)
    cache_store(dirfd, name, &k, out);
  free(k.data);
  return rc;
}

int hd_seccomp_prog_load(const hd_seccomp_prog *p, hd_error_t *err) {
  if (p == NULL || p->len == 0)
    return 0;
  struct sock_fprog prog = {.len = (unsigned short)p->len, .filter = p->insns};
  if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, p->flags, &prog) < 0)
    return hd_error_set(err, errno, "linux.seccomp: load filter");
  return 0;
}

void hd_seccomp_prog_clear(hd_seccomp_prog *p) {
  free(p->insns);
  *p = (hd_seccomp_prog){0};
}
