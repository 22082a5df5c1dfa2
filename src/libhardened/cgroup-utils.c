/* The small helpers every cgroup file shares: reading and writing one
 * cgroup file (errors read "writing <name>: <strerror>"), naming the spec
 * field of a failed write, the bounded waits' nap and the value
 * conversions. They call nothing else of the cgroup code. */
#define _GNU_SOURCE
#include "cgroup-internal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* ---- small file helpers ---- */

int hd_cg_write(const char *dir, const char *name, const char *value,
                hd_error_t *err) {
  cleanup_free char *p = xasprintf("%s/%s", dir, name);
  cleanup_close int fd = open(p, O_WRONLY | O_CLOEXEC);
  if (fd < 0)
    return hd_error_set(err, errno, "writing %s", name);
  size_t len = strlen(value);
  ssize_t w = write(fd, value, len);
  if (w < 0)
    return hd_error_set(err, errno, "writing %s", name);
  if ((size_t)w != len)
    return hd_error_set(err, EIO, "writing %s", name);
  return 0;
}

int hd_cg_writef(const char *dir, const char *name, hd_error_t *err,
                 const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cleanup_free char *v = NULL;
  if (vasprintf(&v, fmt, ap) < 0)
    abort();
  va_end(ap);
  return hd_cg_write(dir, name, v, err);
}

char *hd_cg_read(const char *dir, const char *name, hd_error_t *err) {
  cleanup_free char *p = xasprintf("%s/%s", dir, name);
  cleanup_close int fd = open(p, O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    hd_error_set(err, errno, "reading %s", name);
    return NULL;
  }
  size_t cap = 4096, len = 0;
  cleanup_free char *buf = xmalloc(cap);
  for (;;) {
    if (len + 1 >= cap)
      buf = xrealloc(buf, cap *= 2);
    ssize_t r = read(fd, buf + len, cap - len - 1);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      hd_error_set(err, errno, "reading %s", name);
      return NULL;
    }
    if (r == 0)
      break;
    len += (size_t)r;
  }
  while (len > 0 && buf[len - 1] == '\n')
    len--;
  buf[len] = '\0';
  return hd_steal_pointer(&buf);
}

bool hd_cg_exists(const char *dir, const char *name) {
  cleanup_free char *p = xasprintf("%s/%s", dir, name);
  return access(p, F_OK) == 0;
}

static const char *errno_reason(int e) {
  switch (e) {
  case ENOENT:
    return "the container's cgroup has no such file: its controller is not "
           "enabled there, or this kernel does not have it";
  case EINVAL:
  case ERANGE:
    return "the kernel refused the value";
  case EBUSY:
    return "the kernel refused it in the cgroup's current state";
  case EACCES:
  case EPERM:
    return "the file is not writable";
  case EOPNOTSUPP:
    return "not supported by this kernel";
  default:
    return NULL;
  }
}

int hd_cg_blame(hd_error_t *err, const char *field, const char *why) {
  if (err == NULL || *err == NULL)
    return -1;
  if (why == NULL)
    why = errno_reason((*err)->errno_value);
  char *msg = why ? xasprintf("%s: %s (%s)", field, (*err)->msg, why)
                  : xasprintf("%s: %s", field, (*err)->msg);
  free((*err)->msg);
  (*err)->msg = msg;
  return -1;
}

void hd_cg_nap(int attempt) {
  /* 1ms growing to 50ms: quick when the kernel is quick, gentle when
   * it is not. */
  long ms = attempt < 6 ? 1L << attempt : 50;
  struct timespec ts = {0, ms * 1000000L};
  nanosleep(&ts, NULL);
}

uint64_t hd_cg_shares_to_weight(uint64_t shares) {
  if (shares < 2)
    shares = 2;
  if (shares > 262144)
    shares = 262144;
  return 1 + ((shares - 2) * 9999) / 262142;
}

bool hd_cg_valid_page_size(const char *s) {
  size_t digits = strspn(s, "0123456789");
  if (digits == 0)
    return false;
  return strchr("KMGT", s[digits]) != NULL && s[digits] != '\0' &&
         s[digits + 1] == 'B' && s[digits + 2] == '\0';
}

int hd_cg_check_page_size(const oci_hugepage_limit *l, hd_error_t *err) {
  if (l->page_size && hd_cg_valid_page_size(l->page_size))
    return 0;
  return hd_error_set(err, 0,
                      "linux.resources.hugepageLimits: invalid pageSize \"%s\"",
                      l->page_size ? l->page_size : "");
}
