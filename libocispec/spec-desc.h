/* Every config.json struct described once, as a table: JSON name, JSON
 * type, where the value lives in the C struct. Parse, emit, dup and free
 * (spec-walk.c) walk these tables, and so does the overlay's field-rule
 * test, which proves that every field the parser knows has a rule.
 *
 * The tables describe the structs of spec.h; they add no JSON of their
 * own. Callers outside libocispec only read them (oci_desc_walk). */
#ifndef OCI_SPEC_DESC_H
#define OCI_SPEC_DESC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
  OCI_T_STRING, /* char * */
  OCI_T_BOOL,   /* bool */
  OCI_T_UINT,   /* unsigned integer of `width` bytes, 0..max */
  OCI_T_INT,    /* signed integer of `width` bytes, min..max */
  OCI_T_ENUM,   /* an int-sized enum, written as its name (names) */
  OCI_T_CHAR,   /* a one-letter string kept as a char (letters) */
  OCI_T_STRV,   /* char ** + size_t count at len_offset */
  OCI_T_U32V,   /* uint32_t * + size_t count: an array of numbers */
  OCI_T_MAP,    /* oci_kv * + count: an object of string values */
  OCI_T_OBJECT, /* a pointer to a struct of `sub`, NULL when absent */
  OCI_T_ARRAY,  /* an array of `sub` structs + count */
  OCI_T_INLINE, /* a JSON object whose fields live in this struct's memory
                 * at `offset` (process.user, process.consoleSize) */
} oci_field_type;

typedef struct oci_struct_desc oci_struct_desc;
struct oci_jp;

/* The names of an enumeration: from_name returns -1 for an unknown one. */
typedef struct {
  const char *what; /* "namespace type", for "unknown namespace type" */
  int (*from_name)(const char *name);
  const char *(*name)(int value);
} oci_enum_names;

typedef struct oci_field {
  const char *name; /* the JSON key */
  oci_field_type type;
  size_t offset;
  size_t len_offset; /* STRV, U32V, MAP, ARRAY */
  bool has_flag;     /* a `bool has_<name>` says whether it was given */
  size_t has_offset;
  bool required;               /* absent (or null) is a parse error */
  unsigned width;              /* UINT, INT: sizeof the C member */
  int64_t min;                 /* INT */
  uint64_t max;                /* UINT, INT */
  const oci_struct_desc *sub;  /* OBJECT, ARRAY, INLINE */
  const oci_enum_names *names; /* ENUM */
  const char *letters;         /* CHAR: the letters allowed */
  const char *what;            /* CHAR: "device type" in the message */
  /* A check after the value is stored (capability names, timeout > 0);
   * the path points at the field. */
  int (*check)(struct oci_jp *p, const struct oci_field *f, void *base);
} oci_field;

struct oci_struct_desc {
  const char *name; /* the C type, for messages and the field list */
  size_t size;
  const oci_field *fields;
  size_t fields_len;
  /* Checks across fields, after all of them are parsed (path at the
   * object). */
  int (*check)(struct oci_jp *p, void *base);
};

/* config.json, the process JSON of `exec --process`, and the
 * LinuxResources JSON of `update --resources`. */
extern const oci_struct_desc oci_spec_desc;
extern const oci_struct_desc oci_process_desc;
extern const oci_struct_desc oci_resources_desc;

/* Calls fn for every leaf field below d (not OBJECT, ARRAY, INLINE
 * themselves), with its JSON path: "process.user.uid", "mounts[].options",
 * "linux.sysctl". prefix may be "" or e.g. "process". */
typedef void (*oci_field_visit)(const char *path, const oci_field *f,
                                void *data);
void oci_desc_walk(const oci_struct_desc *d, const char *prefix,
                   oci_field_visit fn, void *data);

/* "a string", "an array of strings", ... for the field list. */
const char *oci_field_type_name(const oci_field *f);

#endif
