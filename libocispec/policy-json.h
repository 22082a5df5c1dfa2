/* The hardening policy file: JSON with comments (yajl's allow_comments),
 * so an admin can explain each choice next to it. Only libocispec touches
 * JSON; libhardened's policy.c turns this into an hd_policy.
 *
 * The parser checks every value against what the overlay can accept, so
 * an error can name the line it is on: a policy that is wrong fails
 * closed, before any container is considered. */
#ifndef OCI_POLICY_JSON_H
#define OCI_POLICY_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "spec.h"

/* The largest pids_max a policy may set: the kernel's PID_MAX_LIMIT. */
#define OCI_POLICY_PIDS_MAX_LIMIT 4194304

#define OCI_POLICY_UNLIMITED UINT64_MAX /* "unlimited" */

typedef struct {
  char *name; /* "RLIMIT_NOFILE" */
  uint64_t max;
} oci_policy_rlimit;

typedef struct {
  bool has_uid, has_gid, has_pids_max, has_tmp_size, has_memory_max,
      has_cpu_max, has_allow_host_network;
  uint32_t uid; /* never 0: the parser refuses root */
  uint32_t gid;
  int64_t pids_max;       /* 1 .. OCI_POLICY_PIDS_MAX_LIMIT */
  uint64_t tmp_size;      /* bytes, > 0 */
  char *tmp_size_text;    /* as written ("64m"), for the size= option */
  uint64_t memory_max;    /* bytes, > 0 */
  uint64_t cpu_max_quota; /* microseconds per 100000us period, > 0 */
  bool allow_host_network;
  /* Absolute, clean paths; none of them is /tmp, /var/tmp, /dev/shm or an
   * ancestor of those (invariant 4 cannot be relaxed). */
  char **exec_allowed;
  size_t exec_allowed_len;
  char **allowed_devices; /* fnmatch patterns below /dev/ */
  size_t allowed_devices_len;
  bool has_hooks_allowed; /* replaces the built-in hook allow-list */
  char **hooks_allowed;   /* absolute executable paths */
  size_t hooks_allowed_len;
  /* "<absolute path> <glob> <glob>...": one allowed argv of that hook,
   * one fnmatch glob per position (space-separated; no glob has a space) */
  char **hook_args;
  size_t hook_args_len;
  char **forbidden_bind_sources; /* added to the built-in list */
  size_t forbidden_bind_sources_len;
  /* user-namespace: host ids a uid/gid map may reach, 1 .. 4294967294,
   * min <= max (checked after the parse, by policy.c) */
  bool has_userns_host_min, has_userns_host_max;
  uint32_t userns_host_min, userns_host_max;
  /* supplementary-groups: host gids below the floor are dropped, except
   * the ones listed (each 1 .. 4294967294) */
  bool has_supplementary_gid_min;
  uint32_t supplementary_gid_min; /* 0 .. 4294967294 */
  uint32_t *allowed_gids;
  size_t allowed_gids_len;
  /* rlimits: {"RLIMIT_NOFILE": 1048576, "RLIMIT_AS": "unlimited"}, hard
   * caps by name; names are only checked to start with RLIMIT_ here
   * (policy.c knows which exist) */
  oci_policy_rlimit *rlimits;
  size_t rlimits_len;
  bool has_cgroup_parents; /* replaces the built-in list */
  char **cgroup_parents;   /* cgroup paths, or patterns with '*' */
  size_t cgroup_parents_len;
} oci_policy_file;

/* err->msg is "line N: <key>: <what>"; the caller prefixes the file. */
oci_policy_file *oci_policy_parse(const char *json, size_t len,
                                  oci_parse_error *err);
void oci_policy_file_free(oci_policy_file *p);

/* A size as tmpfs's size= and the policy write it: digits with an optional
 * k/m/g/t suffix (either case), powers of 1024. -1 when s is not one, or
 * is 0, or overflows. */
int oci_policy_parse_size(const char *s, uint64_t *out);

#endif
