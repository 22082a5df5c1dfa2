/* The OCI state document (`hardened state`) and the record hardened keeps
 * in its state dir, which is the same document plus private fields. */
#ifndef OCI_STATE_H
#define OCI_STATE_H

#include "spec.h"

/* One decision of the hardening overlay: which rule changed or refused
 * which spec field, what was asked and what is enforced. */
typedef struct {
  char *rule;      /* "non-root" */
  char *field;     /* "process.user.uid" */
  char *requested; /* "0" */
  char *enforced;  /* "65534" */
} oci_override;

typedef struct oci_state {
  char *oci_version;
  char *id;
  char *status; /* creating, created, running, paused, stopped */
  int pid;
  char *bundle;
  oci_kv *annotations;
  size_t annotations_len;
  /* runc's extras, which containerd reads */
  char *rootfs;
  char *created; /* RFC 3339 with nanoseconds, UTC */
  char *owner;
  /* private: persisted in the state dir, never printed by `state` */
  uint64_t pid_start_time; /* field 22 of /proc/PID/stat, guards pid reuse */
  char *cgroup_path;       /* the resolved cgroupsPath */
  bool systemd_cgroup;
  oci_override *overrides;
  size_t overrides_len;
} oci_state;

/* with_private=false gives exactly what `hardened state` prints. */
char *oci_state_emit(const oci_state *s, bool with_private, bool pretty);
oci_state *oci_state_parse(const char *json, size_t len, oci_parse_error *err);
void oci_state_free(oci_state *s);

/* An array of states, for `list --format json`. */
char *oci_state_list_emit(oci_state *const *states, size_t n, bool pretty);

void oci_override_clear(oci_override *o);
/* A JSON array of {rule, field, requested, enforced}: `hardened check
 * --format json` and the org.hardened.overrides annotation. */
char *oci_overrides_emit(const oci_override *o, size_t n, bool pretty);

#endif
