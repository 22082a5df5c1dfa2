/* The hardening policy: the values the overlay enforces, and which of
 * the relaxable defaults a site has relaxed. The five invariants are not
 * in here: no policy can switch them off. */
#ifndef HD_POLICY_H
#define HD_POLICY_H

#include "error.h"

typedef struct hd_policy hd_policy;

/* path NULL: the built-in defaults. A bad policy file is an error that
 * names the file and the field. */
int hd_policy_load(const char *path, hd_policy **out, hd_error_t *err);
void hd_policy_free(hd_policy *policy);

/* What the overlay reads. Every field has a safe value after a load. */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HD_POLICY_DEFAULT_PATH "/etc/hardened/policy.conf"

/* Above the ids of system users and login users (useradd's SUB_UID_MIN
 * is 100000 too), so a container's ids never own a host user's files. */
#define HD_POLICY_USERNS_HOST_MIN 100000u
#define HD_POLICY_USERNS_HOST_MAX 4294967294u
/* Debian and Fedora give system groups the gids below 1000. */
#define HD_POLICY_SUPPLEMENTARY_GID_MIN 1000u

typedef struct {
  char *name; /* "RLIMIT_NOFILE" */
  uint64_t max;
} hd_rlimit_cap;

struct hd_policy {
  uint32_t uid, gid;       /* never 0 */
  int64_t pids_max;        /* 1 .. 4194304 */
  uint64_t tmp_size;       /* bytes, for /tmp, /var/tmp, /dev/shm each */
  char *tmp_size_text;     /* the size= value written into the mounts */
  uint64_t memory_max;     /* bytes; 0 = no cap */
  uint64_t cpu_max_quota;  /* us per 100ms period; 0 = no cap */
  bool allow_host_network; /* relaxes "own net namespace" */
  char **exec_allowed;     /* rw mounts here may keep exec */
  size_t exec_allowed_len;
  char **allowed_devices; /* fnmatch patterns beyond the defaults */
  size_t allowed_devices_len;
  char **hooks_allowed; /* resolved executables that may run as hooks */
  size_t hooks_allowed_len;
  char **hook_args; /* "<resolved path> <glob>...": allowed argv shapes */
  size_t hook_args_len;
  char **forbidden_bind_sources; /* added to the overlay's own list */
  size_t forbidden_bind_sources_len;
  /* user-namespace: every host id a uid/gid map reaches lies in
   * [userns_host_min, userns_host_max]; never 0 */
  uint32_t userns_host_min, userns_host_max;
  /* supplementary-groups: host gids below this are dropped, except the
   * process's own gid and allowed_gids */
  uint32_t supplementary_gid_min;
  uint32_t *allowed_gids;
  size_t allowed_gids_len;
  /* rlimits: hard caps by name, over the overlay's built-in ones;
   * UINT64_MAX is "unlimited". Never RLIMIT_CORE, _NICE or _RTPRIO. */
  hd_rlimit_cap *rlimit_caps;
  size_t rlimit_caps_len;
  /* Where container cgroups may be created: a path admits every cgroup
   * below it; an entry with '*' is an fnmatch pattern for the whole path
   * ('*' matches '/' too). */
  char **cgroup_parents;
  size_t cgroup_parents_len;
  char *source; /* the file it came from, or "built-in" */
};

/* Parse policy text; `name` prefixes errors ("<name>: line 3: uid: ..."). */
int hd_policy_parse(const char *text, size_t len, const char *name,
                    hd_policy **out, hd_error_t *err);
/* What the CLI should call: path from --policy, else HD_POLICY_DEFAULT_PATH
 * when that file exists, else the built-in defaults. */
int hd_policy_load_site(const char *path, hd_policy **out, hd_error_t *err);

#endif
