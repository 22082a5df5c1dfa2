#define _GNU_SOURCE
#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char *vformat(const char *fmt, va_list ap) {
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0)
    abort();
  return s;
}

int hd_error_set(hd_error_t *err, int errno_value, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cleanup_free char *what = vformat(fmt, ap);
  va_end(ap);
  if (err == NULL)
    return -1;
  hd_error_free(err);
  struct hd_error *e = xcalloc(1, sizeof *e);
  e->errno_value = errno_value;
  e->msg = errno_value ? xasprintf("%s: %s", what, strerror(errno_value))
                       : xstrdup(what);
  *err = e;
  return -1;
}

int hd_error_wrap(hd_error_t *err, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cleanup_free char *ctx = vformat(fmt, ap);
  va_end(ap);
  if (err == NULL || *err == NULL)
    return -1;
  char *msg = xasprintf("%s: %s", ctx, (*err)->msg);
  free((*err)->msg);
  (*err)->msg = msg;
  return -1;
}

void hd_error_free(hd_error_t *err) {
  if (err == NULL || *err == NULL)
    return;
  free((*err)->msg);
  free(*err);
  *err = NULL;
}

void hd_freep(void *p) { free(*(void **)p); }

void hd_closep(const int *fd) {
  if (*fd >= 0) {
    int saved = errno;
    close(*fd);
    errno = saved;
  }
}

static void out_of_memory(void) {
  static const char msg[] = "hardened: out of memory\n";
  (void)!write(2, msg, sizeof msg - 1);
  abort();
}

void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (p == NULL)
    out_of_memory();
  return p;
}

void *xcalloc(size_t n, size_t sz) {
  void *p = calloc(n ? n : 1, sz ? sz : 1);
  if (p == NULL)
    out_of_memory();
  return p;
}

void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (p == NULL)
    out_of_memory();
  return p;
}

char *xstrdup(const char *s) {
  if (s == NULL)
    return NULL;
  char *d = strdup(s);
  if (d == NULL)
    out_of_memory();
  return d;
}

char *xasprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = vformat(fmt, ap);
  va_end(ap);
  return s;
}
