/* Small JSON helpers shared by libocispec and the runtime's log writer. */
#ifndef OCI_JSON_UTIL_H
#define OCI_JSON_UTIL_H

/* s as a quoted, escaped JSON string. malloc'd; never NULL. */
char *oci_json_quote(const char *s);

/* Everything below is libocispec's own plumbing. It needs yajl, which only
 * libocispec may include, so it is visible only to files that ask for it. */
#ifdef OCI_JSON_INTERNAL

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "spec.h"

/* libocispec does not link libhardened, so it has its own aborting
 * allocators: a half-built spec after an out-of-memory is worse than
 * stopping. */
void *oci_xmalloc(size_t n);
void *oci_xcalloc(size_t n, size_t sz);
char *oci_xstrdup(const char *s); /* NULL stays NULL */
char *oci_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void *oci_xmemdup(const void *p, size_t n); /* NULL only when p is */
char **oci_strv_dup(char *const *v, size_t n);
void oci_strv_free(char **v, size_t n);
oci_kv *oci_kv_dup(const oci_kv *kv, size_t n);
void oci_kv_free(oci_kv *kv, size_t n);

/* ---- parsing: a cursor that knows the JSON path it is at ---- */

typedef struct oci_jp {
  char path[512]; /* "linux.seccomp.syscalls[3].args[0]" */
  size_t len;
  char *err;                  /* first error, "path: what" */
  oci_unknown_fields unknown; /* keys no table names, by path */
} oci_jp;

/* Record the key at the current path as unknown (its value's kind). */
void oci_jp_unknown(oci_jp *p, yajl_val v);
void oci_unknown_fields_clear(oci_unknown_fields *u);
void oci_unknown_fields_copy(oci_unknown_fields *dst,
                             const oci_unknown_fields *src);

/* Both return the old path length, for oci_jp_pop. */
size_t oci_jp_push_key(oci_jp *p, const char *key);
size_t oci_jp_push_index(oci_jp *p, size_t i);
void oci_jp_pop(oci_jp *p, size_t old_len);
/* Record "<path>: <what>" unless an error is already recorded; returns -1. */
int oci_jp_fail(oci_jp *p, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
const char *oci_json_kind(yajl_val v); /* "a string", "an array", ... */
/* s quoted and escaped for an error message, cut after 64 bytes. */
char *oci_quote_for_message(const char *s);

/* Parse text into a tree, or fill p->err with "invalid JSON: ...". */
yajl_val oci_jp_parse_tree(oci_jp *p, const char *json, size_t len);
/* Hand the error to the caller's oci_parse_error. */
void oci_jp_finish(oci_jp *p, oci_parse_error *err, const char *prefix);

/* obj[key], or NULL when absent or JSON null (null means absent). */
yajl_val oci_obj_get(yajl_val obj, const char *key);
/* Require v to be an object; the path must already point at v. */
int oci_expect_object(oci_jp *p, yajl_val v);

/* Field getters: 0 when absent (and not required) or parsed, -1 on error.
 * `has` may be NULL. They push/pop `key` onto the path themselves. */
int oci_get_string(oci_jp *p, yajl_val obj, const char *key, char **out,
                   bool required);
int oci_get_bool(oci_jp *p, yajl_val obj, const char *key, bool *out);
int oci_get_u64(oci_jp *p, yajl_val obj, const char *key, uint64_t max,
                uint64_t *out, bool *has, bool required);
int oci_get_i64(oci_jp *p, yajl_val obj, const char *key, int64_t min,
                int64_t max, int64_t *out, bool *has, bool required);
int oci_get_u32(oci_jp *p, yajl_val obj, const char *key, uint32_t *out,
                bool *has, bool required);
int oci_get_strv(oci_jp *p, yajl_val obj, const char *key, char ***out,
                 size_t *len, bool required);
int oci_get_kv(oci_jp *p, yajl_val obj, const char *key, oci_kv **out,
               size_t *len);
/* The value itself, path already pushed. */
int oci_val_u64(oci_jp *p, yajl_val v, uint64_t max, uint64_t *out);
int oci_val_i64(oci_jp *p, yajl_val v, int64_t min, int64_t max, int64_t *out);
int oci_val_string(oci_jp *p, yajl_val v, char **out);

/* obj[key] as an array of objects: allocates *out (zeroed elements, *len
 * set before any element is parsed, so a failure can be freed as usual)
 * and calls fn on each element with the path at "key[i]". */
typedef int (*oci_elem_fn)(oci_jp *p, yajl_val v, void *elem);
int oci_get_array(oci_jp *p, yajl_val obj, const char *key, size_t elem_size,
                  void **out, size_t *len, oci_elem_fn fn, bool required);
/* obj[key] as an object: allocates a zeroed *out of `size` bytes and calls
 * fn with the path at "key". Absent = *out stays NULL. */
int oci_get_object(oci_jp *p, yajl_val obj, const char *key, size_t size,
                   void **out, oci_elem_fn fn, bool required);

/* ---- emitting ---- */

yajl_gen oci_gen_new(bool pretty);
/* The generated text as a malloc'd string; frees g. NULL on failure. */
char *oci_gen_finish(yajl_gen g);
void oci_gen_str(yajl_gen g, const char *s);
void oci_gen_key_str(yajl_gen g, const char *key, const char *s); /* if s */
void oci_gen_key_bool(yajl_gen g, const char *key, bool b);
void oci_gen_key_u64(yajl_gen g, const char *key, uint64_t v);
void oci_gen_key_i64(yajl_gen g, const char *key, int64_t v);
void oci_gen_u64(yajl_gen g, uint64_t v);
void oci_gen_key_strv(yajl_gen g, const char *key, char *const *v, size_t n,
                      bool even_if_empty);
void oci_gen_key_kv(yajl_gen g, const char *key, const oci_kv *kv, size_t n);

/* The Linux capability names, "CAP_CHOWN" first, in kernel number order. */
bool oci_capability_known(const char *name);

/* ---- the descriptor walk (spec-walk.c) ---- */
#include "spec-desc.h"
/* obj is a JSON object; fills the zeroed struct at base. */
int oci_walk_parse(oci_jp *p, const oci_struct_desc *d, yajl_val obj,
                   void *base);
void oci_walk_emit(yajl_gen g, const oci_struct_desc *d, const void *base);
/* dst already holds a byte copy of src; makes it deep. */
void oci_walk_dup(const oci_struct_desc *d, void *dst, const void *src);
void oci_walk_clear(const oci_struct_desc *d, void *base);
/* "<path>.<key>: <what> <quoted value>"; returns -1. */
int oci_fail_at(oci_jp *p, const char *key, const char *what,
                const char *value);

#endif /* OCI_JSON_INTERNAL */

#endif
