/* The three documents: config.json -> oci_spec, a process JSON ->
 * oci_process, a LinuxResources JSON -> oci_resources. The fields are
 * the descriptor tables' (spec-tables.c), walked by spec-walk.c; this file
 * reads the file and drives one walk. */
#define _GNU_SOURCE
#define OCI_JSON_INTERNAL
#include "json-util.h"
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One document: parse text, check the top is an object, walk desc over a
 * zeroed result, and hand it the unknown keys (at unknown_offset). */
static void *parse_document(const char *json, size_t len,
                            const oci_struct_desc *desc, size_t unknown_offset,
                            oci_parse_error *err, const char *prefix) {
  oci_jp p = {.len = 0};
  void *out = NULL;
  yajl_val tree = oci_jp_parse_tree(&p, json, len);
  if (tree != NULL && !YAJL_IS_OBJECT(tree)) {
    oci_jp_fail(&p, "expected a JSON object, got %s", oci_json_kind(tree));
  } else if (tree != NULL) {
    out = oci_xcalloc(1, desc->size);
    if (oci_walk_parse(&p, desc, tree, out) < 0) {
      if (p.err == NULL) /* every failure path names itself; be safe */
        oci_jp_fail(&p, "invalid document");
      oci_walk_clear(desc, out);
      free(out);
      out = NULL;
    } else {
      *(oci_unknown_fields *)((char *)out + unknown_offset) = p.unknown;
      p.unknown = (oci_unknown_fields){0};
    }
  }
  oci_unknown_fields_clear(&p.unknown);
  yajl_tree_free(tree);
  oci_jp_finish(&p, err, prefix);
  return out;
}

oci_spec *oci_spec_parse(const char *json, size_t len, oci_parse_error *err) {
  return parse_document(json, len, &oci_spec_desc, offsetof(oci_spec, unknown),
                        err, NULL);
}

oci_process *oci_process_parse(const char *json, size_t len,
                               oci_parse_error *err) {
  return parse_document(json, len, &oci_process_desc,
                        offsetof(oci_process, unknown), err, NULL);
}

oci_resources *oci_resources_parse(const char *json, size_t len,
                                   oci_parse_error *err) {
  return parse_document(json, len, &oci_resources_desc,
                        offsetof(oci_resources, unknown), err, NULL);
}

static void set_error(oci_parse_error *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void set_error(oci_parse_error *err, const char *fmt, ...) {
  if (err == NULL)
    return;
  va_list ap;
  va_start(ap, fmt);
  char *msg = NULL;
  if (vasprintf(&msg, fmt, ap) < 0)
    abort();
  va_end(ap);
  free(err->msg);
  err->msg = msg;
}

/* Reads at most OCI_SPEC_MAX_FILE_SIZE + 1 bytes, so a FIFO or a file that
 * grows while we read cannot make us allocate without bound. */
static char *read_limited(int fd, size_t *len, int *too_big) {
  size_t cap = 65536, n = 0;
  char *buf = oci_xmalloc(cap);
  *too_big = 0;
  for (;;) {
    if (n == cap) {
      cap *= 2;
      char *nb = realloc(buf, cap);
      if (nb == NULL)
        abort();
      buf = nb;
    }
    ssize_t r = read(fd, buf + n, cap - n);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      free(buf);
      return NULL;
    }
    if (r == 0)
      break;
    n += (size_t)r;
    if (n > OCI_SPEC_MAX_FILE_SIZE) {
      *too_big = 1;
      free(buf);
      return NULL;
    }
  }
  *len = n;
  return buf;
}

static const char *base_name(const char *path) {
  const char *slash = strrchr(path, '/');
  return slash && slash[1] ? slash + 1 : path;
}

oci_spec *oci_spec_parse_file(const char *path, oci_parse_error *err) {
  const char *name = base_name(path);
  /* O_NONBLOCK: a fifo in the bundle must not hang the runtime in open(). */
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
  if (fd < 0) {
    set_error(err, "%s: cannot open: %s", name, strerror(errno));
    return NULL;
  }
  struct stat st;
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    /* A device (/dev/zero) or fifo would never end or never start. */
    close(fd);
    set_error(err, "%s: not a regular file", name);
    return NULL;
  }
  if (st.st_size > (off_t)OCI_SPEC_MAX_FILE_SIZE) {
    close(fd);
    set_error(err, "%s: file is %lld bytes, larger than the %u MiB limit", name,
              (long long)st.st_size, OCI_SPEC_MAX_FILE_SIZE >> 20);
    return NULL;
  }
  size_t len = 0;
  int too_big = 0;
  char *buf = read_limited(fd, &len, &too_big);
  int saved = errno;
  close(fd);
  if (buf == NULL) {
    if (too_big)
      set_error(err, "%s: larger than the %u MiB limit", name,
                OCI_SPEC_MAX_FILE_SIZE >> 20);
    else
      set_error(err, "%s: cannot read: %s", name, strerror(saved));
    return NULL;
  }
  oci_spec *spec = parse_document(buf, len, &oci_spec_desc,
                                  offsetof(oci_spec, unknown), err, name);
  free(buf);
  return spec;
}
