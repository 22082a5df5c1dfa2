/* The OCI "features" document (runtime-spec features.md and
 * features-linux.md), which `hardened features` prints.
 *
 * Only the emitter exists: hardened produces this document, it never
 * reads one. String lists are owned by the struct; add to them with
 * oci_features_add() so the counts stay right. */
#ifndef OCI_FEATURES_H
#define OCI_FEATURES_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
  char **items;
  size_t len;
} oci_strlist;

typedef struct oci_features {
  char *oci_version_min;
  char *oci_version_max;
  oci_strlist hooks;
  oci_strlist mount_options;
  struct {
    oci_strlist namespaces;
    oci_strlist capabilities;
    struct {
      bool v1, v2, systemd, systemd_user, rdma;
    } cgroup;
    struct {
      bool enabled;
      oci_strlist actions, operators, archs, known_flags, supported_flags;
    } seccomp;
    struct {
      bool enabled;
    } apparmor, selinux;
    struct {
      bool enabled, schemata;
    } intel_rdt;
    bool mount_idmap; /* mountExtensions.idmap.enabled */
  } linux_;
  /* "annotations": keys this runtime understands and their meaning. */
  char **annotation_keys;
  char **annotation_values;
  size_t annotations_len;
  /* 1.2: annotations that may make a config unsafe. */
  oci_strlist potentially_unsafe_annotations;
} oci_features;

/* A zeroed document with the version range set. */
oci_features *oci_features_new(const char *version_min,
                               const char *version_max);
void oci_features_add(oci_strlist *list, const char *item);
/* Adds or replaces (same key) one entry of "annotations". */
void oci_features_add_annotation(oci_features *f, const char *key,
                                 const char *value);
/* JSON text, malloc'd; NULL on allocation failure. */
char *oci_features_emit(const oci_features *f, bool pretty);
void oci_features_free(oci_features *f);

#endif
