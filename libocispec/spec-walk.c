/* Parse, emit, dup and free, each one walk over the descriptor tables of
 * spec-tables.c. What a field is (JSON type, C member, required, range)
 * is said once, in its table row; nothing here knows a field by name.
 *
 * Parsing stores each value in the result as soon as it exists, so a
 * failed parse leaves a half-built struct that oci_walk_clear frees.
 * Emitting leaves absent optionals out and keeps present-but-empty
 * arrays as [], so parse(emit(x)) gives back x field for field. */
#define OCI_JSON_INTERNAL
#include "json-util.h"
#include "spec.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define AT(base, off) ((char *)(base) + (off))
#define CAT(base, off) ((const char *)(base) + (off))

static bool *has_of(const oci_field *f, void *base) {
  return f->has_flag ? (bool *)AT(base, f->has_offset) : NULL;
}

static bool has_set(const oci_field *f, const void *base) {
  return f->has_flag && *(const bool *)CAT(base, f->has_offset);
}

static size_t *len_of(const oci_field *f, void *base) {
  return (size_t *)AT(base, f->len_offset);
}

static size_t clen_of(const oci_field *f, const void *base) {
  return *(const size_t *)CAT(base, f->len_offset);
}

/* ---- integers of any width ---- */

static uint64_t load_uint(const oci_field *f, const void *base) {
  const void *v = CAT(base, f->offset);
  switch (f->width) {
  case 1:
    return *(const uint8_t *)v;
  case 2:
    return *(const uint16_t *)v;
  case 4:
    return *(const uint32_t *)v;
  default:
    return *(const uint64_t *)v;
  }
}

static void store_uint(const oci_field *f, void *base, uint64_t n) {
  void *v = AT(base, f->offset);
  switch (f->width) {
  case 1:
    *(uint8_t *)v = (uint8_t)n;
    break;
  case 2:
    *(uint16_t *)v = (uint16_t)n;
    break;
  case 4:
    *(uint32_t *)v = (uint32_t)n;
    break;
  default:
    *(uint64_t *)v = n;
  }
}

static int64_t load_int(const oci_field *f, const void *base) {
  const void *v = CAT(base, f->offset);
  return f->width == 4 ? *(const int32_t *)v : *(const int64_t *)v;
}

static void store_int(const oci_field *f, void *base, int64_t n) {
  void *v = AT(base, f->offset);
  if (f->width == 4)
    *(int32_t *)v = (int32_t)n;
  else
    *(int64_t *)v = n;
}

/* ---- parsing ---- */

int oci_fail_at(oci_jp *p, const char *key, const char *what,
                const char *value) {
  size_t old = oci_jp_push_key(p, key);
  char *quoted = oci_quote_for_message(value);
  oci_jp_fail(p, "%s %s", what, quoted);
  free(quoted);
  oci_jp_pop(p, old);
  return -1;
}

static int missing(oci_jp *p, const char *key) {
  size_t old = oci_jp_push_key(p, key);
  oci_jp_fail(p, "required field missing");
  oci_jp_pop(p, old);
  return -1;
}

static int parse_bool(oci_jp *p, const oci_field *f, yajl_val obj, void *base) {
  if (oci_obj_get(obj, f->name) == NULL)
    return f->required ? missing(p, f->name) : 0;
  if (oci_get_bool(p, obj, f->name, (bool *)AT(base, f->offset)) < 0)
    return -1;
  if (f->has_flag)
    *has_of(f, base) = true;
  return 0;
}

static int parse_uint(oci_jp *p, const oci_field *f, yajl_val obj, void *base) {
  uint64_t n = 0;
  bool got = false;
  if (oci_get_u64(p, obj, f->name, f->max, &n, &got, f->required) < 0)
    return -1;
  if (got) {
    store_uint(f, base, n);
    if (f->has_flag)
      *has_of(f, base) = true;
  }
  return 0;
}

static int parse_int(oci_jp *p, const oci_field *f, yajl_val obj, void *base) {
  int64_t n = 0;
  bool got = false;
  if (oci_get_i64(p, obj, f->name, f->min, (int64_t)f->max, &n, &got,
                  f->required) < 0)
    return -1;
  if (got) {
    store_int(f, base, n);
    if (f->has_flag)
      *has_of(f, base) = true;
  }
  return 0;
}

static int parse_enum(oci_jp *p, const oci_field *f, yajl_val obj, void *base) {
  char *name = NULL;
  if (oci_get_string(p, obj, f->name, &name, f->required) < 0)
    return -1;
  if (name == NULL)
    return 0;
  int v = f->names->from_name(name);
  int r = 0;
  if (v < 0) {
    char what[64];
    snprintf(what, sizeof what, "unknown %s", f->names->what);
    r = oci_fail_at(p, f->name, what, name);
  } else {
    *(int *)AT(base, f->offset) = v;
  }
  free(name);
  return r;
}

static int parse_char(oci_jp *p, const oci_field *f, yajl_val obj, void *base) {
  char *s = NULL;
  if (oci_get_string(p, obj, f->name, &s, f->required) < 0)
    return -1;
  if (s == NULL)
    return 0;
  int r = 0;
  if (strlen(s) != 1 || strchr(f->letters, s[0]) == NULL) {
    char what[64];
    snprintf(what, sizeof what, "unknown %s", f->what);
    r = oci_fail_at(p, f->name, what, s);
  } else {
    *AT(base, f->offset) = s[0];
  }
  free(s);
  return r;
}

static int parse_u32v(oci_jp *p, const oci_field *f, yajl_val obj, void *base) {
  yajl_val v = oci_obj_get(obj, f->name);
  if (v == NULL)
    return f->required ? missing(p, f->name) : 0;
  size_t old = oci_jp_push_key(p, f->name);
  int r = 0;
  if (!YAJL_IS_ARRAY(v)) {
    r = oci_jp_fail(p, "expected an array, got %s", oci_json_kind(v));
  } else {
    size_t n = v->u.array.len;
    uint32_t *out = oci_xcalloc(n, sizeof *out);
    *(uint32_t **)AT(base, f->offset) = out;
    *len_of(f, base) = n;
    for (size_t i = 0; i < n && r == 0; i++) {
      size_t o = oci_jp_push_index(p, i);
      uint64_t x = 0;
      r = oci_val_u64(p, v->u.array.values[i], UINT32_MAX, &x);
      out[i] = (uint32_t)x;
      oci_jp_pop(p, o);
    }
  }
  oci_jp_pop(p, old);
  return r;
}

/* The member of an OBJECT, ARRAY or INLINE field: v is the JSON value,
 * already known to be present; the path points at it. */
static int parse_nested(oci_jp *p, const oci_field *f, yajl_val v, void *base) {
  const oci_struct_desc *d = f->sub;
  if (f->type == OCI_T_INLINE) {
    if (oci_expect_object(p, v) < 0 ||
        oci_walk_parse(p, d, v, AT(base, f->offset)) < 0)
      return -1;
    if (f->has_flag)
      *has_of(f, base) = true;
    return 0;
  }
  if (f->type == OCI_T_OBJECT) {
    if (oci_expect_object(p, v) < 0)
      return -1;
    void *sub = oci_xcalloc(1, d->size);
    *(void **)AT(base, f->offset) = sub;
    return oci_walk_parse(p, d, v, sub);
  }
  if (!YAJL_IS_ARRAY(v))
    return oci_jp_fail(p, "expected an array, got %s", oci_json_kind(v));
  size_t n = v->u.array.len;
  char *elems = oci_xcalloc(n, d->size);
  *(void **)AT(base, f->offset) = elems;
  *len_of(f, base) = n;
  int r = 0;
  for (size_t i = 0; i < n && r == 0; i++) {
    size_t o = oci_jp_push_index(p, i);
    yajl_val e = v->u.array.values[i];
    r = oci_expect_object(p, e);
    if (r == 0)
      r = oci_walk_parse(p, d, e, elems + i * d->size);
    oci_jp_pop(p, o);
  }
  return r;
}

static int parse_container(oci_jp *p, const oci_field *f, yajl_val obj,
                           void *base) {
  yajl_val v = oci_obj_get(obj, f->name);
  if (v == NULL)
    return f->required ? missing(p, f->name) : 0;
  size_t old = oci_jp_push_key(p, f->name);
  int r = parse_nested(p, f, v, base);
  oci_jp_pop(p, old);
  return r;
}

static int parse_field(oci_jp *p, const oci_field *f, yajl_val obj,
                       void *base) {
  switch (f->type) {
  case OCI_T_STRING:
    return oci_get_string(p, obj, f->name, (char **)AT(base, f->offset),
                          f->required);
  case OCI_T_BOOL:
    return parse_bool(p, f, obj, base);
  case OCI_T_UINT:
    return parse_uint(p, f, obj, base);
  case OCI_T_INT:
    return parse_int(p, f, obj, base);
  case OCI_T_ENUM:
    return parse_enum(p, f, obj, base);
  case OCI_T_CHAR:
    return parse_char(p, f, obj, base);
  case OCI_T_STRV:
    return oci_get_strv(p, obj, f->name, (char ***)AT(base, f->offset),
                        len_of(f, base), f->required);
  case OCI_T_U32V:
    return parse_u32v(p, f, obj, base);
  case OCI_T_MAP:
    if (f->required && oci_obj_get(obj, f->name) == NULL)
      return missing(p, f->name);
    return oci_get_kv(p, obj, f->name, (oci_kv **)AT(base, f->offset),
                      len_of(f, base));
  default:
    return parse_container(p, f, obj, base);
  }
}

static const oci_field *find_field(const oci_struct_desc *d, const char *key) {
  for (size_t i = 0; i < d->fields_len; i++)
    if (strcmp(d->fields[i].name, key) == 0)
      return &d->fields[i];
  return NULL;
}

/* Keys no row names are kept by path, so `check` can list them and
 * create can record them: nothing in the input is dropped silently. */
static void collect_unknown(oci_jp *p, const oci_struct_desc *d, yajl_val obj) {
  for (size_t i = 0; i < obj->u.object.len; i++) {
    const char *key = obj->u.object.keys[i];
    if (find_field(d, key) != NULL)
      continue;
    size_t old = oci_jp_push_key(p, key);
    oci_jp_unknown(p, obj->u.object.values[i]);
    oci_jp_pop(p, old);
  }
}

int oci_walk_parse(oci_jp *p, const oci_struct_desc *d, yajl_val obj,
                   void *base) {
  collect_unknown(p, d, obj);
  for (size_t i = 0; i < d->fields_len; i++) {
    const oci_field *f = &d->fields[i];
    if (parse_field(p, f, obj, base) < 0)
      return -1;
    if (f->check && f->check(p, f, base) < 0)
      return -1;
  }
  return d->check ? d->check(p, base) : 0;
}

/* ---- emitting ---- */

static bool nested_present(const oci_field *f, const void *base);

/* Whether a field would be emitted; an inline object is written when
 * any of its fields is. */
static bool field_present(const oci_field *f, const void *base) {
  const void *v = CAT(base, f->offset);
  switch (f->type) {
  case OCI_T_STRING:
  case OCI_T_U32V:
  case OCI_T_MAP:
  case OCI_T_OBJECT:
  case OCI_T_ARRAY:
    return *(void *const *)v != NULL;
  case OCI_T_STRV:
    return f->required || *(void *const *)v != NULL;
  case OCI_T_BOOL:
    return f->has_flag ? has_set(f, base) : true;
  case OCI_T_UINT:
    return f->has_flag ? has_set(f, base)
                       : f->required || load_uint(f, base) != 0;
  case OCI_T_INT:
    return f->has_flag ? has_set(f, base)
                       : f->required || load_int(f, base) != 0;
  case OCI_T_ENUM:
    return true;
  case OCI_T_CHAR:
    return *(const char *)v != '\0';
  case OCI_T_INLINE:
    return nested_present(f, base);
  }
  return false;
}

static bool nested_present(const oci_field *f, const void *base) {
  if (f->required)
    return true;
  if (f->has_flag)
    return has_set(f, base);
  const void *sub = CAT(base, f->offset);
  for (size_t i = 0; i < f->sub->fields_len; i++)
    if (field_present(&f->sub->fields[i], sub))
      return true;
  return false;
}

static void emit_value(yajl_gen g, const oci_field *f, const void *base) {
  const void *v = CAT(base, f->offset);
  switch (f->type) {
  case OCI_T_STRING:
    oci_gen_str(g, *(char *const *)v);
    break;
  case OCI_T_BOOL:
    yajl_gen_bool(g, *(const bool *)v);
    break;
  case OCI_T_UINT:
    oci_gen_u64(g, load_uint(f, base));
    break;
  case OCI_T_INT:
    yajl_gen_integer(g, (long long)load_int(f, base));
    break;
  case OCI_T_ENUM:
    oci_gen_str(g, f->names->name(*(const int *)v));
    break;
  case OCI_T_CHAR: {
    char s[2] = {*(const char *)v, '\0'};
    oci_gen_str(g, s);
    break;
  }
  case OCI_T_STRV: {
    char *const *sv = *(char **const *)v;
    yajl_gen_array_open(g);
    for (size_t i = 0; sv && i < clen_of(f, base); i++)
      oci_gen_str(g, sv[i]);
    yajl_gen_array_close(g);
    break;
  }
  case OCI_T_U32V: {
    const uint32_t *nv = *(uint32_t *const *)v;
    yajl_gen_array_open(g);
    for (size_t i = 0; i < clen_of(f, base); i++)
      oci_gen_u64(g, nv[i]);
    yajl_gen_array_close(g);
    break;
  }
  case OCI_T_MAP: {
    const oci_kv *kv = *(oci_kv *const *)v;
    yajl_gen_map_open(g);
    for (size_t i = 0; i < clen_of(f, base); i++) {
      oci_gen_str(g, kv[i].key);
      oci_gen_str(g, kv[i].value);
    }
    yajl_gen_map_close(g);
    break;
  }
  case OCI_T_OBJECT:
    oci_walk_emit(g, f->sub, *(void *const *)v);
    break;
  case OCI_T_INLINE:
    oci_walk_emit(g, f->sub, v);
    break;
  case OCI_T_ARRAY: {
    const char *elems = *(char *const *)v;
    yajl_gen_array_open(g);
    for (size_t i = 0; i < clen_of(f, base); i++)
      oci_walk_emit(g, f->sub, elems + i * f->sub->size);
    yajl_gen_array_close(g);
    break;
  }
  }
}

void oci_walk_emit(yajl_gen g, const oci_struct_desc *d, const void *base) {
  yajl_gen_map_open(g);
  for (size_t i = 0; i < d->fields_len; i++) {
    const oci_field *f = &d->fields[i];
    if (!field_present(f, base))
      continue;
    oci_gen_str(g, f->name);
    emit_value(g, f, base);
  }
  yajl_gen_map_close(g);
}

/* ---- deep copies and freeing ---- */

static bool has_count(const oci_field *f) {
  return f->type == OCI_T_STRV || f->type == OCI_T_U32V ||
         f->type == OCI_T_MAP || f->type == OCI_T_ARRAY;
}

static void dup_field(const oci_field *f, void *dst, const void *src) {
  void *dv = AT(dst, f->offset);
  const void *sv = CAT(src, f->offset);
  size_t n = has_count(f) ? clen_of(f, src) : 0;
  switch (f->type) {
  case OCI_T_STRING:
    *(char **)dv = oci_xstrdup(*(char *const *)sv);
    break;
  case OCI_T_STRV:
    *(char ***)dv = oci_strv_dup(*(char **const *)sv, n);
    break;
  case OCI_T_U32V:
    *(void **)dv = oci_xmemdup(*(void *const *)sv, n * sizeof(uint32_t));
    break;
  case OCI_T_MAP:
    *(oci_kv **)dv = oci_kv_dup(*(oci_kv *const *)sv, n);
    break;
  case OCI_T_OBJECT: {
    const void *s = *(void *const *)sv;
    void *d = oci_xmemdup(s, f->sub->size);
    if (d)
      oci_walk_dup(f->sub, d, s);
    *(void **)dv = d;
    break;
  }
  case OCI_T_INLINE:
    oci_walk_dup(f->sub, dv, sv);
    break;
  case OCI_T_ARRAY: {
    const char *s = *(char *const *)sv;
    char *d = oci_xmemdup(s, n * f->sub->size);
    for (size_t i = 0; d && i < n; i++)
      oci_walk_dup(f->sub, d + i * f->sub->size, s + i * f->sub->size);
    *(void **)dv = d;
    break;
  }
  default: /* scalars came with the byte copy */
    break;
  }
}

void oci_walk_dup(const oci_struct_desc *d, void *dst, const void *src) {
  for (size_t i = 0; i < d->fields_len; i++)
    dup_field(&d->fields[i], dst, src);
}

static void clear_field(const oci_field *f, void *base) {
  void *v = AT(base, f->offset);
  switch (f->type) {
  case OCI_T_STRING:
  case OCI_T_U32V:
    free(*(void **)v);
    break;
  case OCI_T_STRV:
    oci_strv_free(*(char ***)v, *len_of(f, base));
    break;
  case OCI_T_MAP:
    oci_kv_free(*(oci_kv **)v, *len_of(f, base));
    break;
  case OCI_T_OBJECT: {
    void *sub = *(void **)v;
    if (sub)
      oci_walk_clear(f->sub, sub);
    free(sub);
    break;
  }
  case OCI_T_INLINE:
    oci_walk_clear(f->sub, v);
    break;
  case OCI_T_ARRAY: {
    char *elems = *(char **)v;
    for (size_t i = 0; elems && i < *len_of(f, base); i++)
      oci_walk_clear(f->sub, elems + i * f->sub->size);
    free(elems);
    break;
  }
  default:
    break;
  }
}

void oci_walk_clear(const oci_struct_desc *d, void *base) {
  for (size_t i = 0; i < d->fields_len; i++)
    clear_field(&d->fields[i], base);
}

/* ---- the field list, for the overlay's rule table and its test ---- */

static void walk_into(const oci_struct_desc *d, char *path, size_t len,
                      size_t cap, oci_field_visit fn, void *data) {
  for (size_t i = 0; i < d->fields_len; i++) {
    const oci_field *f = &d->fields[i];
    int n = snprintf(path + len, cap - len, "%s%s%s", len ? "." : "", f->name,
                     f->type == OCI_T_ARRAY ? "[]" : "");
    size_t end = n > 0 && (size_t)n < cap - len ? len + (size_t)n : cap - 1;
    if (f->type == OCI_T_OBJECT || f->type == OCI_T_ARRAY ||
        f->type == OCI_T_INLINE)
      walk_into(f->sub, path, end, cap, fn, data);
    else
      fn(path, f, data);
    path[len] = '\0';
  }
}

void oci_desc_walk(const oci_struct_desc *d, const char *prefix,
                   oci_field_visit fn, void *data) {
  char path[512];
  int n = snprintf(path, sizeof path, "%s", prefix ? prefix : "");
  walk_into(d, path, n > 0 ? (size_t)n : 0, sizeof path, fn, data);
}

const char *oci_field_type_name(const oci_field *f) {
  switch (f->type) {
  case OCI_T_STRING:
  case OCI_T_ENUM:
  case OCI_T_CHAR:
    return "string";
  case OCI_T_BOOL:
    return "boolean";
  case OCI_T_UINT:
  case OCI_T_INT:
    return "integer";
  case OCI_T_STRV:
    return "array of strings";
  case OCI_T_U32V:
    return "array of integers";
  case OCI_T_MAP:
    return "object of strings";
  default:
    return "object";
  }
}
