/* Errors are values: a failing function returns a negative int and fills
 * *err. Callers add context on the way up; only the CLI prints, once. */
#ifndef HD_ERROR_H
#define HD_ERROR_H

#include <stdarg.h>
#include <stddef.h>

typedef struct hd_error {
  int errno_value; /* 0 when the error has no errno behind it */
  char *msg;
} *hd_error_t;

/* Set *err to "<fmt>: <strerror(errno_value)>" (or just fmt when
 * errno_value is 0). Always returns -1, so `return hd_error_set(...)`. */
int hd_error_set(hd_error_t *err, int errno_value, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Prefix context: "<fmt>: <old msg>". Returns -1. */
int hd_error_wrap(hd_error_t *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
void hd_error_free(hd_error_t *err);

/* Cleanup helpers in the bubblewrap style: the variable owns the resource. */
void hd_freep(void *p);
void hd_closep(const int *fd);
#define cleanup_free __attribute__((cleanup(hd_freep)))
#define cleanup_close __attribute__((cleanup(hd_closep)))
#define cleanup_error __attribute__((cleanup(hd_error_free)))
static inline void *hd_steal_pointer(void *pp) {
  void **p = (void **)pp;
  void *v = *p;
  *p = 0;
  return v;
}
static inline int hd_steal_fd(int *fd) {
  int v = *fd;
  *fd = -1;
  return v;
}

/* Allocation never fails quietly: these abort on out-of-memory. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t sz);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
