#define _GNU_SOURCE
#define OCI_JSON_INTERNAL
#include "json-util.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

char *oci_json_quote(const char *s) {
  size_t len = strlen(s);
  char *out = malloc(len * 6 + 3);
  if (out == NULL)
    abort();
  char *o = out;
  *o++ = '"';
  for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch (*p) {
    case '"':
      *o++ = '\\';
      *o++ = '"';
      break;
    case '\\':
      *o++ = '\\';
      *o++ = '\\';
      break;
    case '\n':
      *o++ = '\\';
      *o++ = 'n';
      break;
    case '\t':
      *o++ = '\\';
      *o++ = 't';
      break;
    case '\r':
      *o++ = '\\';
      *o++ = 'r';
      break;
    default:
      if (*p < 0x20)
        o += sprintf(o, "\\u%04x", *p);
      else
        *o++ = (char)*p;
    }
  }
  *o++ = '"';
  *o = '\0';
  return out;
}

/* ---- allocation ---- */

void *oci_xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (p == NULL)
    abort();
  return p;
}

void *oci_xcalloc(size_t n, size_t sz) {
  void *p = calloc(n ? n : 1, sz ? sz : 1);
  if (p == NULL)
    abort();
  return p;
}

char *oci_xstrdup(const char *s) {
  if (s == NULL)
    return NULL;
  char *d = strdup(s);
  if (d == NULL)
    abort();
  return d;
}

static char *xvasprintf(const char *fmt, va_list ap) {
  char *s = NULL;
  if (vasprintf(&s, fmt, ap) < 0)
    abort();
  return s;
}

char *oci_xasprintf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  char *s = xvasprintf(fmt, ap);
  va_end(ap);
  return s;
}

void *oci_xmemdup(const void *p, size_t n) {
  /* An empty but present array stays present (non-NULL). */
  if (p == NULL)
    return NULL;
  void *d = oci_xmalloc(n);
  if (n)
    memcpy(d, p, n);
  return d;
}

char **oci_strv_dup(char *const *v, size_t n) {
  if (v == NULL)
    return NULL;
  char **d = oci_xcalloc(n, sizeof *d);
  for (size_t i = 0; i < n; i++)
    d[i] = oci_xstrdup(v[i]);
  return d;
}

void oci_strv_free(char **v, size_t n) {
  if (v == NULL)
    return;
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

oci_kv *oci_kv_dup(const oci_kv *kv, size_t n) {
  if (kv == NULL)
    return NULL;
  oci_kv *d = oci_xcalloc(n, sizeof *d);
  for (size_t i = 0; i < n; i++) {
    d[i].key = oci_xstrdup(kv[i].key);
    d[i].value = oci_xstrdup(kv[i].value);
  }
  return d;
}

void oci_kv_free(oci_kv *kv, size_t n) {
  if (kv == NULL)
    return;
  for (size_t i = 0; i < n; i++) {
    free(kv[i].key);
    free(kv[i].value);
  }
  free(kv);
}

/* ---- the path cursor ---- */

static size_t jp_append(oci_jp *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static size_t jp_append(oci_jp *p, const char *fmt, ...) {
  size_t old = p->len;
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(p->path + p->len, sizeof p->path - p->len, fmt, ap);
  va_end(ap);
  /* A path deeper than the buffer is cut, never overrun. */
  if (n > 0)
    p->len += (size_t)n < sizeof p->path - p->len ? (size_t)n
                                                  : sizeof p->path - 1 - p->len;
  return old;
}

size_t oci_jp_push_key(oci_jp *p, const char *key) {
  return jp_append(p, p->len ? ".%s" : "%s", key);
}

size_t oci_jp_push_index(oci_jp *p, size_t i) {
  return jp_append(p, "[%zu]", i);
}

void oci_jp_pop(oci_jp *p, size_t old_len) {
  p->len = old_len;
  p->path[old_len] = '\0';
}

int oci_jp_fail(oci_jp *p, const char *fmt, ...) {
  if (p->err != NULL)
    return -1;
  va_list ap;
  va_start(ap, fmt);
  char *what = xvasprintf(fmt, ap);
  va_end(ap);
  if (p->len == 0)
    p->err = what;
  else {
    p->err = oci_xasprintf("%s: %s", p->path, what);
    free(what);
  }
  /* Keys in the path come from the input; the message stays one line. */
  for (char *c = p->err; *c; c++)
    if ((unsigned char)*c < 0x20)
      *c = ' ';
  return -1;
}

char *oci_quote_for_message(const char *s) {
  enum { MAX = 64 };
  if (strlen(s) <= MAX)
    return oci_json_quote(s);
  char cut[MAX + 1];
  memcpy(cut, s, MAX);
  cut[MAX] = '\0';
  char *q = oci_json_quote(cut);
  char *out = oci_xasprintf("%s...", q);
  free(q);
  return out;
}

const char *oci_json_kind(yajl_val v) {
  if (v == NULL || YAJL_IS_NULL(v))
    return "null";
  if (YAJL_IS_STRING(v))
    return "a string";
  if (YAJL_IS_NUMBER(v))
    return "a number";
  if (YAJL_IS_OBJECT(v))
    return "an object";
  if (YAJL_IS_ARRAY(v))
    return "an array";
  return "a boolean";
}

/* yajl explains errors over several lines with a caret picture; one line
 * reads better in a log, so runs of whitespace become one space. */
static void squash_to_one_line(char *s) {
  char *o = s;
  bool in_space = false;
  for (char *c = s; *c; c++) {
    bool space = *c == '\n' || *c == '\r' || *c == '\t' || *c == ' ';
    if (space) {
      if (!in_space && o != s)
        *o++ = ' ';
      in_space = true;
      continue;
    }
    in_space = false;
    *o++ = *c;
  }
  while (o > s && o[-1] == ' ')
    o--;
  *o = '\0';
}

/* Checks yajl cannot make for us, in one pass over the text:
 *  - yajl builds the tree iteratively but frees it recursively, so a few
 *    million '[' would overflow the stack; no OCI document nests deeper
 *    than a dozen levels;
 *  - yajl hands strings over NUL-terminated, so "/bin/sh\u0000x" would
 *    silently become "/bin/sh"; refuse it instead. */
#define OCI_JSON_MAX_DEPTH 256

static const char *precheck(const char *s, size_t len) {
  size_t depth = 0;
  bool in_string = false;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') {
        if (len - i >= 6 && memcmp(s + i + 1, "u0000", 5) == 0)
          return "\\u0000 in a string";
        i++;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > OCI_JSON_MAX_DEPTH)
        return "nested deeper than 256 levels";
    } else if ((c == ']' || c == '}') && depth > 0) {
      depth--;
    }
  }
  return NULL;
}

static int key_cmp(const void *a, const void *b) {
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A key given twice: which one counts differs between readers (yajl's
 * tree keeps both, the kernel gets whatever a writer picked), so the
 * overlay could check one value and setup use the other. Refused. */
static int object_duplicates(oci_jp *p, yajl_val obj) {
  size_t n = obj->u.object.len;
  if (n < 2)
    return 0;
  const char **keys = oci_xcalloc(n, sizeof *keys);
  memcpy(keys, obj->u.object.keys, n * sizeof *keys);
  qsort(keys, n, sizeof *keys, key_cmp);
  const char *dup = NULL;
  for (size_t i = 1; i < n && dup == NULL; i++)
    if (strcmp(keys[i - 1], keys[i]) == 0)
      dup = keys[i];
  int r = 0;
  if (dup != NULL) {
    char *quoted = oci_quote_for_message(dup);
    char *where = oci_xstrdup(p->len ? p->path : "the top-level object");
    size_t old = p->len;
    p->len = 0; /* the message names the path itself */
    r = oci_jp_fail(p, "duplicate key %s in %s", quoted, where);
    p->len = old;
    free(where);
    free(quoted);
  }
  free(keys);
  return r;
}

/* Every object of the document, known fields or not. The depth is
 * bounded by precheck. */
static int check_duplicates(oci_jp *p, yajl_val v) {
  if (YAJL_IS_OBJECT(v)) {
    if (object_duplicates(p, v) < 0)
      return -1;
    for (size_t i = 0; i < v->u.object.len; i++) {
      size_t old = oci_jp_push_key(p, v->u.object.keys[i]);
      int r = check_duplicates(p, v->u.object.values[i]);
      oci_jp_pop(p, old);
      if (r < 0)
        return -1;
    }
  } else if (YAJL_IS_ARRAY(v)) {
    for (size_t i = 0; i < v->u.array.len; i++) {
      size_t old = oci_jp_push_index(p, i);
      int r = check_duplicates(p, v->u.array.values[i]);
      oci_jp_pop(p, old);
      if (r < 0)
        return -1;
    }
  }
  return 0;
}

yajl_val oci_jp_parse_tree(oci_jp *p, const char *json, size_t len) {
  if (memchr(json, '\0', len) != NULL) {
    oci_jp_fail(p, "invalid JSON: NUL byte in input");
    return NULL;
  }
  const char *refused = precheck(json, len);
  if (refused != NULL) {
    oci_jp_fail(p, "invalid JSON: %s", refused);
    return NULL;
  }
  /* yajl_tree_parse wants a C string; the input is a counted buffer. */
  char *text = oci_xmalloc(len + 1);
  memcpy(text, json, len);
  text[len] = '\0';
  char msg[1024] = "";
  yajl_val tree = yajl_tree_parse(text, msg, sizeof msg);
  free(text);
  if (tree == NULL) {
    squash_to_one_line(msg);
    oci_jp_fail(p, "invalid JSON: %s", msg[0] ? msg : "unknown error");
  } else if (check_duplicates(p, tree) < 0) {
    yajl_tree_free(tree);
    tree = NULL;
  }
  return tree;
}

void oci_jp_finish(oci_jp *p, oci_parse_error *err, const char *prefix) {
  if (p->err == NULL)
    return;
  if (err == NULL) {
    free(p->err);
  } else {
    free(err->msg);
    err->msg = prefix ? oci_xasprintf("%s: %s", prefix, p->err) : p->err;
    if (prefix)
      free(p->err);
  }
  p->err = NULL;
}

void oci_parse_error_clear(oci_parse_error *e) {
  if (e == NULL)
    return;
  free(e->msg);
  e->msg = NULL;
}

/* ---- keys no table knows ---- */

void oci_jp_unknown(oci_jp *p, yajl_val v) {
  oci_unknown_fields *u = &p->unknown;
  u->total++;
  if (u->len == OCI_UNKNOWN_FIELDS_MAX)
    return; /* counted, not kept: a hostile spec cannot grow the list */
  u->items = realloc(u->items, (u->len + 1) * sizeof *u->items);
  if (u->items == NULL)
    abort();
  u->items[u->len++] = (oci_kv){.key = oci_xstrdup(p->path),
                                .value = oci_xstrdup(oci_json_kind(v))};
}

void oci_unknown_fields_clear(oci_unknown_fields *u) {
  oci_kv_free(u->items, u->len);
  *u = (oci_unknown_fields){0};
}

void oci_unknown_fields_copy(oci_unknown_fields *dst,
                             const oci_unknown_fields *src) {
  dst->items = oci_kv_dup(src->items, src->len);
  dst->len = src->len;
  dst->total = src->total;
}

/* ---- field getters ---- */

yajl_val oci_obj_get(yajl_val obj, const char *key) {
  if (obj == NULL || !YAJL_IS_OBJECT(obj))
    return NULL;
  yajl_val found = NULL;
  /* Documents with a key given twice were refused by oci_jp_parse_tree. */
  for (size_t i = 0; i < obj->u.object.len && found == NULL; i++)
    if (strcmp(obj->u.object.keys[i], key) == 0)
      found = obj->u.object.values[i];
  if (found != NULL && YAJL_IS_NULL(found))
    return NULL;
  return found;
}

int oci_expect_object(oci_jp *p, yajl_val v) {
  if (v != NULL && YAJL_IS_OBJECT(v))
    return 0;
  return oci_jp_fail(p, "expected an object, got %s", oci_json_kind(v));
}

/* Fetch obj[key], pushing key; -1 with "required field missing" when it is
 * required and absent. *v NULL = absent. */
static int field(oci_jp *p, yajl_val obj, const char *key, bool required,
                 yajl_val *v, size_t *old) {
  *old = oci_jp_push_key(p, key);
  *v = oci_obj_get(obj, key);
  if (*v == NULL && required) {
    oci_jp_fail(p, "required field missing");
    oci_jp_pop(p, *old);
    return -1;
  }
  return 0;
}

int oci_val_string(oci_jp *p, yajl_val v, char **out) {
  if (!YAJL_IS_STRING(v))
    return oci_jp_fail(p, "expected a string, got %s", oci_json_kind(v));
  free(*out);
  *out = oci_xstrdup(YAJL_GET_STRING(v));
  return 0;
}

int oci_get_string(oci_jp *p, yajl_val obj, const char *key, char **out,
                   bool required) {
  yajl_val v;
  size_t old;
  if (field(p, obj, key, required, &v, &old) < 0)
    return -1;
  int r = v ? oci_val_string(p, v, out) : 0;
  oci_jp_pop(p, old);
  return r;
}

int oci_get_bool(oci_jp *p, yajl_val obj, const char *key, bool *out) {
  yajl_val v;
  size_t old;
  field(p, obj, key, false, &v, &old);
  int r = 0;
  if (v != NULL && !YAJL_IS_TRUE(v) && !YAJL_IS_FALSE(v))
    r = oci_jp_fail(p, "expected a boolean, got %s", oci_json_kind(v));
  else if (v != NULL)
    *out = YAJL_IS_TRUE(v);
  oci_jp_pop(p, old);
  return r;
}

/* yajl keeps the number's text; reading it ourselves gives exact 64-bit
 * values where yajl would fall back to a double. */
static bool number_is_integer(yajl_val v) {
  const char *s = v->u.number.r;
  if (*s == '-')
    s++;
  if (*s == '\0')
    return false;
  for (; *s; s++)
    if (*s < '0' || *s > '9')
      return false;
  return true;
}

int oci_val_u64(oci_jp *p, yajl_val v, uint64_t max, uint64_t *out) {
  if (!YAJL_IS_NUMBER(v))
    return oci_jp_fail(p, "expected a non-negative integer, got %s",
                       oci_json_kind(v));
  const char *raw = v->u.number.r;
  if (!number_is_integer(v))
    return oci_jp_fail(p, "expected a non-negative integer, got %s", raw);
  errno = 0;
  unsigned long long n = strtoull(raw, NULL, 10);
  if (raw[0] == '-' || errno == ERANGE || n > max)
    return oci_jp_fail(p, "%s is out of range (0 to %" PRIu64 ")", raw, max);
  *out = n;
  return 0;
}

int oci_val_i64(oci_jp *p, yajl_val v, int64_t min, int64_t max, int64_t *out) {
  if (!YAJL_IS_NUMBER(v))
    return oci_jp_fail(p, "expected an integer, got %s", oci_json_kind(v));
  const char *raw = v->u.number.r;
  if (!number_is_integer(v))
    return oci_jp_fail(p, "expected an integer, got %s", raw);
  errno = 0;
  long long n = strtoll(raw, NULL, 10);
  if (errno == ERANGE || n < min || n > max)
    return oci_jp_fail(p, "%s is out of range (%" PRId64 " to %" PRId64 ")",
                       raw, min, max);
  *out = n;
  return 0;
}

int oci_get_u64(oci_jp *p, yajl_val obj, const char *key, uint64_t max,
                uint64_t *out, bool *has, bool required) {
  yajl_val v;
  size_t old;
  if (field(p, obj, key, required, &v, &old) < 0)
    return -1;
  int r = 0;
  if (v != NULL) {
    r = oci_val_u64(p, v, max, out);
    if (r == 0 && has)
      *has = true;
  }
  oci_jp_pop(p, old);
  return r;
}

int oci_get_i64(oci_jp *p, yajl_val obj, const char *key, int64_t min,
                int64_t max, int64_t *out, bool *has, bool required) {
  yajl_val v;
  size_t old;
  if (field(p, obj, key, required, &v, &old) < 0)
    return -1;
  int r = 0;
  if (v != NULL) {
    r = oci_val_i64(p, v, min, max, out);
    if (r == 0 && has)
      *has = true;
  }
  oci_jp_pop(p, old);
  return r;
}

int oci_get_u32(oci_jp *p, yajl_val obj, const char *key, uint32_t *out,
                bool *has, bool required) {
  uint64_t n = 0;
  bool got = false;
  if (oci_get_u64(p, obj, key, UINT32_MAX, &n, &got, required) < 0)
    return -1;
  if (got) {
    *out = (uint32_t)n;
    if (has)
      *has = true;
  }
  return 0;
}

static int array_field(oci_jp *p, yajl_val obj, const char *key, bool required,
                       yajl_val *v, size_t *old) {
  if (field(p, obj, key, required, v, old) < 0)
    return -1;
  if (*v != NULL && !YAJL_IS_ARRAY(*v)) {
    oci_jp_fail(p, "expected an array, got %s", oci_json_kind(*v));
    oci_jp_pop(p, *old);
    return -1;
  }
  return 0;
}

int oci_get_strv(oci_jp *p, yajl_val obj, const char *key, char ***out,
                 size_t *len, bool required) {
  yajl_val v;
  size_t old;
  if (array_field(p, obj, key, required, &v, &old) < 0)
    return -1;
  int r = 0;
  if (v != NULL) {
    size_t n = v->u.array.len;
    oci_strv_free(*out, *len);
    *out = oci_xcalloc(n, sizeof **out);
    *len = n;
    for (size_t i = 0; i < n && r == 0; i++) {
      size_t o = oci_jp_push_index(p, i);
      r = oci_val_string(p, v->u.array.values[i], &(*out)[i]);
      oci_jp_pop(p, o);
    }
  }
  oci_jp_pop(p, old);
  return r;
}

int oci_get_kv(oci_jp *p, yajl_val obj, const char *key, oci_kv **out,
               size_t *len) {
  yajl_val v;
  size_t old;
  field(p, obj, key, false, &v, &old);
  int r = 0;
  if (v != NULL && !YAJL_IS_OBJECT(v)) {
    r = oci_jp_fail(p, "expected an object, got %s", oci_json_kind(v));
  } else if (v != NULL) {
    size_t n = v->u.object.len;
    oci_kv_free(*out, *len);
    *out = oci_xcalloc(n, sizeof **out);
    *len = n;
    for (size_t i = 0; i < n && r == 0; i++) {
      size_t o = oci_jp_push_key(p, v->u.object.keys[i]);
      (*out)[i].key = oci_xstrdup(v->u.object.keys[i]);
      r = oci_val_string(p, v->u.object.values[i], &(*out)[i].value);
      oci_jp_pop(p, o);
    }
  }
  oci_jp_pop(p, old);
  return r;
}

int oci_get_array(oci_jp *p, yajl_val obj, const char *key, size_t elem_size,
                  void **out, size_t *len, oci_elem_fn fn, bool required) {
  yajl_val v;
  size_t old;
  if (array_field(p, obj, key, required, &v, &old) < 0)
    return -1;
  int r = 0;
  if (v != NULL) {
    size_t n = v->u.array.len;
    char *elems = oci_xcalloc(n, elem_size);
    *out = elems;
    *len = n;
    for (size_t i = 0; i < n && r == 0; i++) {
      size_t o = oci_jp_push_index(p, i);
      yajl_val e = v->u.array.values[i];
      r = oci_expect_object(p, e);
      if (r == 0)
        r = fn(p, e, elems + i * elem_size);
      oci_jp_pop(p, o);
    }
  }
  oci_jp_pop(p, old);
  return r;
}

int oci_get_object(oci_jp *p, yajl_val obj, const char *key, size_t size,
                   void **out, oci_elem_fn fn, bool required) {
  yajl_val v;
  size_t old;
  if (field(p, obj, key, required, &v, &old) < 0)
    return -1;
  int r = 0;
  if (v != NULL) {
    r = oci_expect_object(p, v);
    if (r == 0) {
      *out = oci_xcalloc(1, size);
      r = fn(p, v, *out);
    }
  }
  oci_jp_pop(p, old);
  return r;
}

/* ---- emitting ---- */

yajl_gen oci_gen_new(bool pretty) {
  yajl_gen g = yajl_gen_alloc(NULL);
  if (g == NULL)
    abort();
  if (pretty) {
    yajl_gen_config(g, yajl_gen_beautify, 1);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
  }
  return g;
}

/* yajl's beautifier prints an empty array as "[", a blank line and "]".
 * Outside strings, an opening bracket followed only by whitespace up to
 * its closing one becomes "[]" (or "{}"). Compact output is unchanged. */
static size_t collapse_empty(char *s, size_t len) {
  size_t o = 0;
  bool in_string = false;
  for (size_t i = 0; i < len; i++) {
    char c = s[i];
    s[o++] = c;
    if (in_string) {
      if (c == '\\' && i + 1 < len)
        s[o++] = s[++i];
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    if (c != '[' && c != '{')
      continue;
    size_t j = i + 1;
    while (j < len && (s[j] == ' ' || s[j] == '\n'))
      j++;
    if (j < len && s[j] == (c == '[' ? ']' : '}')) {
      s[o++] = s[j];
      i = j;
    }
  }
  return o;
}

char *oci_gen_finish(yajl_gen g) {
  const unsigned char *buf = NULL;
  size_t len = 0;
  char *out = NULL;
  if (yajl_gen_get_buf(g, &buf, &len) == yajl_gen_status_ok) {
    /* beautify mode ends the document with a newline; callers print their
     * own, so strip it for the same result in both modes. */
    while (len > 0 && buf[len - 1] == '\n')
      len--;
    out = oci_xmalloc(len + 1);
    memcpy(out, buf, len);
    len = collapse_empty(out, len);
    out[len] = '\0';
  }
  yajl_gen_free(g);
  return out;
}

void oci_gen_str(yajl_gen g, const char *s) {
  if (s == NULL) {
    yajl_gen_null(g);
    return;
  }
  yajl_gen_string(g, (const unsigned char *)s, strlen(s));
}

void oci_gen_key_str(yajl_gen g, const char *key, const char *s) {
  if (s == NULL)
    return;
  oci_gen_str(g, key);
  oci_gen_str(g, s);
}

void oci_gen_key_bool(yajl_gen g, const char *key, bool b) {
  oci_gen_str(g, key);
  yajl_gen_bool(g, b);
}

void oci_gen_u64(yajl_gen g, uint64_t v) {
  char buf[32];
  int n = snprintf(buf, sizeof buf, "%" PRIu64, v);
  yajl_gen_number(g, buf, (size_t)n);
}

void oci_gen_key_u64(yajl_gen g, const char *key, uint64_t v) {
  oci_gen_str(g, key);
  oci_gen_u64(g, v);
}

void oci_gen_key_i64(yajl_gen g, const char *key, int64_t v) {
  oci_gen_str(g, key);
  yajl_gen_integer(g, (long long)v);
}

void oci_gen_key_strv(yajl_gen g, const char *key, char *const *v, size_t n,
                      bool even_if_empty) {
  if (v == NULL && !even_if_empty)
    return;
  oci_gen_str(g, key);
  yajl_gen_array_open(g);
  for (size_t i = 0; i < n; i++)
    oci_gen_str(g, v[i]);
  yajl_gen_array_close(g);
}

void oci_gen_key_kv(yajl_gen g, const char *key, const oci_kv *kv, size_t n) {
  if (kv == NULL)
    return;
  oci_gen_str(g, key);
  yajl_gen_map_open(g);
  for (size_t i = 0; i < n; i++) {
    oci_gen_str(g, kv[i].key);
    oci_gen_str(g, kv[i].value);
  }
  yajl_gen_map_close(g);
}
