/* Typed OCI runtime-spec (1.0 - 1.2), the fields a Linux runtime acts on.
 *
 * Conventions, so every consumer can rely on them:
 *  - strings are heap-allocated, NUL-terminated, NULL when absent;
 *  - arrays are a pointer plus a `_len` count; an absent array is NULL/0;
 *  - an optional number has a `has_<name>` flag next to it;
 *  - every struct is freed only through oci_spec_free() / the matching
 *    oci_*_free(), which walk the whole tree.
 */
#ifndef OCI_SPEC_H
#define OCI_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Parse errors: one line naming the JSON path and what was expected, e.g.
 * "process.user.uid: expected a non-negative integer, got a string".
 * oci_spec_parse_file's messages already start with the file's base name
 * ("config.json: process.user.uid: ..."); the buffer parsers' do not. */
typedef struct oci_parse_error {
  char *msg;
} oci_parse_error;
void oci_parse_error_clear(oci_parse_error *e);

typedef struct {
  char *key;
  char *value;
} oci_kv; /* annotations, sysctl, unified */

/* Keys of the input the parser does not know, as JSON paths
 * ("linux.netDevices", "mounts[2].foo") with the kind of their value
 * ("an object"). At most OCI_UNKNOWN_FIELDS_MAX are kept; `total` counts
 * them all. Only the struct a parse returns carries them (a spec's, not
 * its process's); they are copied by dup and never emitted. */
#define OCI_UNKNOWN_FIELDS_MAX 32
typedef struct {
  oci_kv *items;
  size_t len;
  size_t total;
} oci_unknown_fields;

typedef struct {
  uint32_t container_id;
  uint32_t host_id;
  uint32_t size;
} oci_id_mapping;

typedef struct {
  char *destination; /* required */
  char *type;
  char *source;
  char **options;
  size_t options_len;
  oci_id_mapping *uid_mappings; /* 1.2 idmapped mounts */
  size_t uid_mappings_len;
  oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
} oci_mount;

typedef struct {
  char *path;
  bool readonly;
} oci_root;

typedef struct {
  uint32_t uid;
  uint32_t gid;
  bool has_umask;
  uint32_t umask;
  uint32_t *additional_gids;
  size_t additional_gids_len;
  char *username; /* accepted, unused on Linux */
} oci_user;

/* capability names are kept as given ("CAP_CHOWN"); the parser rejects
 * names libcap does not know. */
typedef struct {
  char **bounding;
  size_t bounding_len;
  char **effective;
  size_t effective_len;
  char **inheritable;
  size_t inheritable_len;
  char **permitted;
  size_t permitted_len;
  char **ambient;
  size_t ambient_len;
} oci_capabilities;

typedef struct {
  char *type; /* "RLIMIT_NOFILE" */
  uint64_t hard;
  uint64_t soft;
} oci_rlimit;

typedef struct {
  bool terminal;
  bool has_console_size;
  uint32_t console_height;
  uint32_t console_width;
  oci_user user;
  char **args; /* required, non-empty when the spec has a process */
  size_t args_len;
  char *command_line; /* Windows-only; accepted and ignored */
  char **env;
  size_t env_len;
  char *cwd;                      /* required, absolute */
  oci_capabilities *capabilities; /* NULL when absent */
  oci_rlimit *rlimits;
  size_t rlimits_len;
  bool no_new_privileges;
  bool has_oom_score_adj;
  int oom_score_adj;
  char *apparmor_profile;
  char *selinux_label;
  /* 1.2 */
  char *io_priority_class;
  bool has_io_priority;
  int io_priority;
  char *scheduler_policy;     /* accepted, not acted on yet */
  oci_unknown_fields unknown; /* oci_process_parse only */
} oci_process;

typedef struct {
  char *path; /* required */
  char **args;
  size_t args_len;
  char **env;
  size_t env_len;
  bool has_timeout;
  int timeout; /* seconds, > 0 */
} oci_hook;

typedef struct {
  oci_hook *prestart;
  size_t prestart_len;
  oci_hook *create_runtime;
  size_t create_runtime_len;
  oci_hook *create_container;
  size_t create_container_len;
  oci_hook *start_container;
  size_t start_container_len;
  oci_hook *poststart;
  size_t poststart_len;
  oci_hook *poststop;
  size_t poststop_len;
} oci_hooks;

/* Namespace types as the spec spells them. */
typedef enum {
  OCI_NS_PID,
  OCI_NS_NETWORK,
  OCI_NS_MOUNT,
  OCI_NS_IPC,
  OCI_NS_UTS,
  OCI_NS_USER,
  OCI_NS_CGROUP,
  OCI_NS_TIME,
  OCI_NS__COUNT
} oci_namespace_type;
const char *
oci_namespace_type_name(oci_namespace_type t);      /* "pid", "network", ... */
int oci_namespace_type_from_name(const char *name); /* -1 if unknown */

typedef struct {
  oci_namespace_type type;
  char *path; /* join instead of create */
} oci_namespace;

typedef struct {
  char *path; /* required */
  char type;  /* 'c', 'b', 'u' or 'p' */
  bool has_major, has_minor;
  int64_t major, minor;
  bool has_file_mode;
  uint32_t file_mode;
  bool has_uid, has_gid;
  uint32_t uid, gid;
} oci_device;

typedef struct {
  bool allow;
  char type; /* 'a', 'c' or 'b'; 0 = absent = "a" */
  bool has_major, has_minor;
  int64_t major, minor; /* absent = wildcard */
  char *access;         /* "rwm" subset; NULL = "rwm" */
} oci_device_cgroup;

typedef struct {
  bool has_limit, has_reservation, has_swap, has_kernel, has_kernel_tcp,
      has_swappiness, has_disable_oom_killer, has_use_hierarchy,
      has_check_before_update;
  int64_t limit, reservation, swap, kernel, kernel_tcp;
  uint64_t swappiness;
  bool disable_oom_killer, use_hierarchy, check_before_update;
} oci_memory;

typedef struct {
  bool has_shares, has_quota, has_burst, has_period, has_realtime_runtime,
      has_realtime_period, has_idle;
  uint64_t shares;
  int64_t quota;
  uint64_t burst;
  uint64_t period;
  int64_t realtime_runtime;
  uint64_t realtime_period;
  int64_t idle;
  char *cpus;
  char *mems;
} oci_cpu;

typedef struct {
  bool has_limit;
  int64_t limit; /* <= 0 means "no limit" in the spec */
} oci_pids;

typedef struct {
  int64_t major, minor;
  bool has_weight, has_leaf_weight;
  uint16_t weight, leaf_weight;
} oci_weight_device;

typedef struct {
  int64_t major, minor;
  uint64_t rate;
} oci_throttle_device;

typedef struct {
  bool has_weight, has_leaf_weight;
  uint16_t weight, leaf_weight;
  oci_weight_device *weight_device;
  size_t weight_device_len;
  oci_throttle_device *throttle_read_bps_device;
  size_t throttle_read_bps_device_len;
  oci_throttle_device *throttle_write_bps_device;
  size_t throttle_write_bps_device_len;
  oci_throttle_device *throttle_read_iops_device;
  size_t throttle_read_iops_device_len;
  oci_throttle_device *throttle_write_iops_device;
  size_t throttle_write_iops_device_len;
} oci_blkio;

typedef struct {
  char *page_size; /* "2MB" */
  uint64_t limit;
} oci_hugepage_limit;

typedef struct {
  char *name; /* interface */
  uint32_t priority;
} oci_net_priority;

/* linux.resources.network (cgroup v1 net_cls / net_prio). */
typedef struct {
  bool has_class_id;
  uint32_t class_id;
  oci_net_priority *priorities;
  size_t priorities_len;
} oci_network;

typedef struct {
  oci_device_cgroup *devices;
  size_t devices_len;
  oci_memory *memory; /* NULL when absent, likewise below */
  oci_cpu *cpu;
  oci_pids *pids;
  oci_blkio *block_io;
  oci_hugepage_limit *hugepage_limits;
  size_t hugepage_limits_len;
  oci_kv *unified;
  size_t unified_len;
  oci_network *network;       /* NULL when absent */
  oci_unknown_fields unknown; /* oci_resources_parse only */
} oci_resources;

typedef enum {
  OCI_SECCOMP_ACT_KILL,         /* SCMP_ACT_KILL (thread) */
  OCI_SECCOMP_ACT_KILL_PROCESS, /* SCMP_ACT_KILL_PROCESS */
  OCI_SECCOMP_ACT_KILL_THREAD,  /* SCMP_ACT_KILL_THREAD */
  OCI_SECCOMP_ACT_TRAP,
  OCI_SECCOMP_ACT_ERRNO,
  OCI_SECCOMP_ACT_TRACE,
  OCI_SECCOMP_ACT_ALLOW,
  OCI_SECCOMP_ACT_LOG,
  OCI_SECCOMP_ACT_NOTIFY,
} oci_seccomp_action;
const char *
oci_seccomp_action_name(oci_seccomp_action a);      /* "SCMP_ACT_ERRNO" */
int oci_seccomp_action_from_name(const char *name); /* -1 if unknown */

typedef enum {
  OCI_SECCOMP_OP_NE, /* SCMP_CMP_NE */
  OCI_SECCOMP_OP_LT,
  OCI_SECCOMP_OP_LE,
  OCI_SECCOMP_OP_EQ,
  OCI_SECCOMP_OP_GE,
  OCI_SECCOMP_OP_GT,
  OCI_SECCOMP_OP_MASKED_EQ,
} oci_seccomp_op;
const char *oci_seccomp_op_name(oci_seccomp_op op);
int oci_seccomp_op_from_name(const char *name);

typedef struct {
  uint32_t index;
  uint64_t value;
  uint64_t value_two;
  oci_seccomp_op op;
} oci_seccomp_arg;

typedef struct {
  char **names;
  size_t names_len;
  oci_seccomp_action action;
  bool has_errno_ret;
  uint32_t errno_ret;
  oci_seccomp_arg *args;
  size_t args_len;
} oci_seccomp_syscall;

typedef struct {
  oci_seccomp_action default_action;
  bool has_default_errno_ret;
  uint32_t default_errno_ret;
  char **architectures; /* "SCMP_ARCH_X86_64" */
  size_t architectures_len;
  char **flags; /* "SECCOMP_FILTER_FLAG_LOG" ... */
  size_t flags_len;
  char *listener_path;
  char *listener_metadata;
  oci_seccomp_syscall *syscalls;
  size_t syscalls_len;
} oci_seccomp;

typedef struct {
  char *domain; /* "LINUX", "LINUX32" */
  char **flags;
  size_t flags_len;
} oci_personality;

typedef struct {
  oci_id_mapping *uid_mappings;
  size_t uid_mappings_len;
  oci_id_mapping *gid_mappings;
  size_t gid_mappings_len;
  oci_kv *sysctl;
  size_t sysctl_len;
  oci_resources *resources; /* NULL when absent */
  char *cgroups_path;
  oci_namespace *namespaces;
  size_t namespaces_len;
  oci_device *devices;
  size_t devices_len;
  oci_seccomp *seccomp;     /* NULL when absent */
  char *rootfs_propagation; /* "private", "rprivate", "slave", ... */
  char **masked_paths;
  size_t masked_paths_len;
  char **readonly_paths;
  size_t readonly_paths_len;
  char *mount_label;
  oci_personality *personality;
} oci_linux;

typedef struct oci_spec {
  char *oci_version; /* required */
  oci_root *root;    /* required on Linux */
  oci_mount *mounts;
  size_t mounts_len;
  oci_process *process; /* optional in the spec; create requires it */
  char *hostname;
  char *domainname;
  oci_hooks *hooks;
  oci_kv *annotations;
  size_t annotations_len;
  oci_linux *linux_; /* "linux"; NULL when absent (the name `linux` is a GNU C
                        macro) */
  oci_unknown_fields unknown;
} oci_spec;

/* Parse a whole config.json. Returns NULL and fills err on failure. */
oci_spec *oci_spec_parse(const char *json, size_t len, oci_parse_error *err);
oci_spec *oci_spec_parse_file(const char *path, oci_parse_error *err);
/* A process JSON (`exec --process FILE`). */
oci_process *oci_process_parse(const char *json, size_t len,
                               oci_parse_error *err);
/* A LinuxResources JSON (`update --resources FILE`). */
oci_resources *oci_resources_parse(const char *json, size_t len,
                                   oci_parse_error *err);

/* Emit JSON (pretty when `pretty`). Returns a malloc'd string or NULL on
 * allocation failure. */
char *oci_spec_emit(const oci_spec *spec, bool pretty);
char *oci_process_emit(const oci_process *p, bool pretty);
char *oci_resources_emit(const oci_resources *r, bool pretty);

/* Deep copies, so the overlay can produce a hardened spec without
 * touching its input. NULL on allocation failure. */
oci_spec *oci_spec_dup(const oci_spec *spec);
oci_process *oci_process_dup(const oci_process *p);
oci_resources *oci_resources_dup(const oci_resources *r);

void oci_spec_free(oci_spec *spec);
void oci_process_free(oci_process *p);
void oci_resources_free(oci_resources *r);
void oci_process_clear(oci_process *p); /* frees members, not p itself */
void oci_resources_clear(oci_resources *r);

/* Name tables, for `features` and for callers that list what is known. */
const char *const *oci_capability_names(size_t *n); /* CAP_CHOWN .. */
const char *const *oci_seccomp_action_names(size_t *n);
const char *const *oci_seccomp_op_names(size_t *n);

/* The config.json `hardened spec` writes (already hardened). rootless
 * adds a user namespace mapping nobody to the caller. */
oci_spec *oci_spec_default(bool rootless);

/* Largest config.json oci_spec_parse_file reads. */
#define OCI_SPEC_MAX_FILE_SIZE (32u * 1024 * 1024)

#endif
