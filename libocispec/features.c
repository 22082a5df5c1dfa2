/* The OCI features document's emitter. */
#define OCI_JSON_INTERNAL
#include "features-json.h"
#include "json-util.h"

#include <stdlib.h>
#include <string.h>

oci_features *oci_features_new(const char *version_min,
                               const char *version_max) {
  oci_features *f = oci_xcalloc(1, sizeof *f);
  f->oci_version_min = oci_xstrdup(version_min);
  f->oci_version_max = oci_xstrdup(version_max);
  return f;
}

void oci_features_add(oci_strlist *list, const char *item) {
  char **items = realloc(list->items, (list->len + 1) * sizeof *items);
  if (items == NULL)
    abort();
  items[list->len++] = oci_xstrdup(item);
  list->items = items;
}

void oci_features_add_annotation(oci_features *f, const char *key,
                                 const char *value) {
  for (size_t i = 0; i < f->annotations_len; i++) {
    if (strcmp(f->annotation_keys[i], key) == 0) {
      free(f->annotation_values[i]);
      f->annotation_values[i] = oci_xstrdup(value);
      return;
    }
  }
  size_t n = f->annotations_len + 1;
  char **keys = realloc(f->annotation_keys, n * sizeof *keys);
  if (keys == NULL)
    abort();
  f->annotation_keys = keys;
  char **values = realloc(f->annotation_values, n * sizeof *values);
  if (values == NULL)
    abort();
  f->annotation_values = values;
  keys[n - 1] = oci_xstrdup(key);
  values[n - 1] = oci_xstrdup(value);
  f->annotations_len = n;
}

/* Lists are always printed, even empty: a caller that sees [] knows the
 * runtime supports none, where an absent key would mean "unknown". */
static void gen_list(yajl_gen g, const char *key, const oci_strlist *l) {
  oci_gen_str(g, key);
  yajl_gen_array_open(g);
  for (size_t i = 0; i < l->len; i++)
    oci_gen_str(g, l->items[i]);
  yajl_gen_array_close(g);
}

static void gen_enabled(yajl_gen g, const char *key, bool enabled) {
  oci_gen_str(g, key);
  yajl_gen_map_open(g);
  oci_gen_key_bool(g, "enabled", enabled);
  yajl_gen_map_close(g);
}

static void gen_seccomp(yajl_gen g, const oci_features *f) {
  oci_gen_str(g, "seccomp");
  yajl_gen_map_open(g);
  oci_gen_key_bool(g, "enabled", f->linux_.seccomp.enabled);
  gen_list(g, "actions", &f->linux_.seccomp.actions);
  gen_list(g, "operators", &f->linux_.seccomp.operators);
  gen_list(g, "archs", &f->linux_.seccomp.archs);
  gen_list(g, "knownFlags", &f->linux_.seccomp.known_flags);
  gen_list(g, "supportedFlags", &f->linux_.seccomp.supported_flags);
  yajl_gen_map_close(g);
}

static void gen_linux(yajl_gen g, const oci_features *f) {
  oci_gen_str(g, "linux");
  yajl_gen_map_open(g);
  gen_list(g, "namespaces", &f->linux_.namespaces);
  gen_list(g, "capabilities", &f->linux_.capabilities);
  oci_gen_str(g, "cgroup");
  yajl_gen_map_open(g);
  oci_gen_key_bool(g, "v1", f->linux_.cgroup.v1);
  oci_gen_key_bool(g, "v2", f->linux_.cgroup.v2);
  oci_gen_key_bool(g, "systemd", f->linux_.cgroup.systemd);
  oci_gen_key_bool(g, "systemdUser", f->linux_.cgroup.systemd_user);
  oci_gen_key_bool(g, "rdma", f->linux_.cgroup.rdma);
  yajl_gen_map_close(g);
  gen_seccomp(g, f);
  gen_enabled(g, "apparmor", f->linux_.apparmor.enabled);
  gen_enabled(g, "selinux", f->linux_.selinux.enabled);
  oci_gen_str(g, "intelRdt");
  yajl_gen_map_open(g);
  oci_gen_key_bool(g, "enabled", f->linux_.intel_rdt.enabled);
  oci_gen_key_bool(g, "schemata", f->linux_.intel_rdt.schemata);
  yajl_gen_map_close(g);
  oci_gen_str(g, "mountExtensions");
  yajl_gen_map_open(g);
  gen_enabled(g, "idmap", f->linux_.mount_idmap);
  yajl_gen_map_close(g);
  yajl_gen_map_close(g);
}

char *oci_features_emit(const oci_features *f, bool pretty) {
  yajl_gen g = oci_gen_new(pretty);
  yajl_gen_map_open(g);
  oci_gen_key_str(g, "ociVersionMin", f->oci_version_min);
  oci_gen_key_str(g, "ociVersionMax", f->oci_version_max);
  gen_list(g, "hooks", &f->hooks);
  gen_list(g, "mountOptions", &f->mount_options);
  gen_linux(g, f);
  oci_gen_str(g, "annotations");
  yajl_gen_map_open(g);
  for (size_t i = 0; i < f->annotations_len; i++) {
    oci_gen_str(g, f->annotation_keys[i]);
    oci_gen_str(g, f->annotation_values[i]);
  }
  yajl_gen_map_close(g);
  if (f->potentially_unsafe_annotations.len > 0)
    gen_list(g, "potentiallyUnsafeConfigAnnotations",
             &f->potentially_unsafe_annotations);
  yajl_gen_map_close(g);
  return oci_gen_finish(g);
}

static void list_free(oci_strlist *l) {
  oci_strv_free(l->items, l->len);
  *l = (oci_strlist){0};
}

void oci_features_free(oci_features *f) {
  if (f == NULL)
    return;
  free(f->oci_version_min);
  free(f->oci_version_max);
  list_free(&f->hooks);
  list_free(&f->mount_options);
  list_free(&f->linux_.namespaces);
  list_free(&f->linux_.capabilities);
  list_free(&f->linux_.seccomp.actions);
  list_free(&f->linux_.seccomp.operators);
  list_free(&f->linux_.seccomp.archs);
  list_free(&f->linux_.seccomp.known_flags);
  list_free(&f->linux_.seccomp.supported_flags);
  oci_strv_free(f->annotation_keys, f->annotations_len);
  oci_strv_free(f->annotation_values, f->annotations_len);
  list_free(&f->potentially_unsafe_annotations);
  free(f);
}
