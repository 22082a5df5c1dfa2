/* The descriptor tables: each config.json struct of spec.h, once. Rows
 * are in the order the emitter writes them.
 *
 * Required fields follow the runtime-spec. Where the spec leaves it open:
 *  - process.user is required when process is present (uid/gid are);
 *  - hooks[].timeout must be > 0 (the spec says so; 0 would mean "never");
 *  - process.consoleSize needs both height and width;
 *  - process.ioPriority needs class, priority is optional;
 *  - uid/gid mapping entries need all three numbers;
 *  - device cgroup rules need allow; weight/throttle devices need
 *    major/minor (and throttle devices rate); hugepageLimits entries need
 *    pageSize and limit;
 *  - rlimit type names are not checked here: the process code knows which
 *    ones the kernel has.
 * Booleans of resources.memory carry a has_ flag: "false" and "absent"
 * mean different things to the cgroup writer. */
#define OCI_JSON_INTERNAL
#include "json-util.h"
#include "spec-desc.h"
#include "spec.h"

#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(oci_namespace_type) == sizeof(int) &&
                   sizeof(oci_seccomp_action) == sizeof(int) &&
                   sizeof(oci_seccomp_op) == sizeof(int),
               "enum fields are read and written as int");

#define N(a) (sizeof(a) / sizeof((a)[0]))
#define DESC(T, rows, chk)                                                     \
  {                                                                            \
    .name = #T, .size = sizeof(T), .fields = rows, .fields_len = N(rows),      \
    .check = chk                                                               \
  }

/* One row per JSON field. _REQ: required; _HAS: with its has_ flag. */
#define ROW(T, key, m, ty) .name = key, .type = ty, .offset = offsetof(T, m)
#define HAS(T, h) .has_flag = true, .has_offset = offsetof(T, h)
#define STR(T, key, m)                                                         \
  { ROW(T, key, m, OCI_T_STRING) }
#define STR_REQ(T, key, m)                                                     \
  { ROW(T, key, m, OCI_T_STRING), .required = true }
#define BOOL(T, key, m)                                                        \
  { ROW(T, key, m, OCI_T_BOOL) }
#define BOOL_HAS(T, key, m, h)                                                 \
  { ROW(T, key, m, OCI_T_BOOL), HAS(T, h) }
#define UINT_W(T, key, m, w, mx)                                               \
  ROW(T, key, m, OCI_T_UINT), .width = w, .max = mx
#define U32_REQ(T, key, m)                                                     \
  { UINT_W(T, key, m, 4, UINT32_MAX), .required = true }
#define U32_HAS(T, key, m, h)                                                  \
  { UINT_W(T, key, m, 4, UINT32_MAX), HAS(T, h) }
#define U16_HAS(T, key, m, h)                                                  \
  { UINT_W(T, key, m, 2, UINT16_MAX), HAS(T, h) }
#define U64(T, key, m)                                                         \
  { UINT_W(T, key, m, 8, UINT64_MAX) }
#define U64_REQ(T, key, m)                                                     \
  { UINT_W(T, key, m, 8, UINT64_MAX), .required = true }
#define U64_HAS(T, key, m, h)                                                  \
  { UINT_W(T, key, m, 8, UINT64_MAX), HAS(T, h) }
#define INT_W(T, key, m, w, lo, hi)                                            \
  ROW(T, key, m, OCI_T_INT), .width = w, .min = lo, .max = (uint64_t)(hi)
#define I64_REQ(T, key, m)                                                     \
  { INT_W(T, key, m, 8, INT64_MIN, INT64_MAX), .required = true }
#define I64_HAS(T, key, m, h)                                                  \
  { INT_W(T, key, m, 8, INT64_MIN, INT64_MAX), HAS(T, h) }
#define STRV_F(T, key, m, ...)                                                 \
  {                                                                            \
    ROW(T, key, m, OCI_T_STRV), .len_offset = offsetof(T, m##_len),            \
                                __VA_ARGS__                                    \
  }
#define MAP(T, key, m)                                                         \
  { ROW(T, key, m, OCI_T_MAP), .len_offset = offsetof(T, m##_len) }
#define OBJ(T, key, m, d)                                                      \
  { ROW(T, key, m, OCI_T_OBJECT), .sub = &d }
#define ARR(T, key, m, d)                                                      \
  { ROW(T, key, m, OCI_T_ARRAY), .len_offset = offsetof(T, m##_len), .sub = &d }
#define ENUM_REQ(T, key, m, n)                                                 \
  { ROW(T, key, m, OCI_T_ENUM), .names = &n, .required = true }
#define CHAR_F(T, key, m, req, l, w)                                           \
  { ROW(T, key, m, OCI_T_CHAR), .required = req, .letters = l, .what = w }
/* An object whose fields live in T itself, at T's own offsets. */
#define INLINE_IN_PLACE(key, d, ...)                                           \
  { .name = key, .type = OCI_T_INLINE, .offset = 0, .sub = &d, __VA_ARGS__ }

/* ---- checks the row types cannot say ---- */

static int check_capabilities(oci_jp *p, const oci_field *f, void *base) {
  char **set = *(char ***)((char *)base + f->offset);
  size_t len = *(size_t *)((char *)base + f->len_offset);
  for (size_t i = 0; i < len; i++) {
    if (oci_capability_known(set[i]))
      continue;
    size_t old = oci_jp_push_key(p, f->name);
    oci_jp_push_index(p, i);
    char *quoted = oci_quote_for_message(set[i]);
    oci_jp_fail(p, "unknown capability %s", quoted);
    free(quoted);
    oci_jp_pop(p, old);
    return -1;
  }
  return 0;
}

static int check_timeout(oci_jp *p, const oci_field *f, void *base) {
  const oci_hook *h = base;
  if (!h->has_timeout || h->timeout > 0)
    return 0;
  size_t old = oci_jp_push_key(p, f->name);
  oci_jp_fail(p, "must be greater than zero, got %d", h->timeout);
  oci_jp_pop(p, old);
  return -1;
}

static int check_access(oci_jp *p, const oci_field *f, void *base) {
  const oci_device_cgroup *d = base;
  if (d->access == NULL || strspn(d->access, "rwm") == strlen(d->access))
    return 0;
  return oci_fail_at(p, f->name, "expected letters from \"rwm\", got",
                     d->access);
}

static int check_args_and_cwd(oci_jp *p, void *base) {
  const oci_process *proc = base;
  if (proc->args_len == 0) {
    size_t old = oci_jp_push_key(p, "args");
    oci_jp_fail(p, "must not be empty");
    oci_jp_pop(p, old);
    return -1;
  }
  if (proc->cwd[0] != '/')
    return oci_fail_at(p, "cwd", "must be an absolute path, got", proc->cwd);
  return 0;
}

/* The spec: "If a namespace type is specified more than once, the runtime
 * MUST generate an error." */
static int check_namespace_duplicates(oci_jp *p, void *base) {
  const oci_linux *l = base;
  bool seen[OCI_NS__COUNT] = {false};
  for (size_t i = 0; i < l->namespaces_len; i++) {
    oci_namespace_type t = l->namespaces[i].type;
    if (!seen[t]) {
      seen[t] = true;
      continue;
    }
    size_t old = oci_jp_push_key(p, "namespaces");
    oci_jp_push_index(p, i);
    oci_jp_fail(p, "namespace type \"%s\" given more than once",
                oci_namespace_type_name(t));
    oci_jp_pop(p, old);
    return -1;
  }
  return 0;
}

/* ---- enumerations ---- */

static const char *ns_name(int v) {
  return oci_namespace_type_name((oci_namespace_type)v);
}
static const char *action_name(int v) {
  return oci_seccomp_action_name((oci_seccomp_action)v);
}
static const char *op_name(int v) {
  return oci_seccomp_op_name((oci_seccomp_op)v);
}
static const oci_enum_names ns_names = {"namespace type",
                                        oci_namespace_type_from_name, ns_name};
static const oci_enum_names action_names = {
    "seccomp action", oci_seccomp_action_from_name, action_name};
static const oci_enum_names op_names = {"seccomp operator",
                                        oci_seccomp_op_from_name, op_name};

/* ---- shared ---- */

static const oci_field id_mapping_rows[] = {
    U32_REQ(oci_id_mapping, "containerID", container_id),
    U32_REQ(oci_id_mapping, "hostID", host_id),
    U32_REQ(oci_id_mapping, "size", size),
};
static const oci_struct_desc id_mapping_desc =
    DESC(oci_id_mapping, id_mapping_rows, NULL);

/* ---- process ---- */

static const oci_field console_size_rows[] = {
    U32_REQ(oci_process, "height", console_height),
    U32_REQ(oci_process, "width", console_width),
};
static const oci_struct_desc console_size_desc =
    DESC(oci_process, console_size_rows, NULL);

static const oci_field user_rows[] = {
    U32_REQ(oci_user, "uid", uid),
    U32_REQ(oci_user, "gid", gid),
    U32_HAS(oci_user, "umask", umask, has_umask),
    {ROW(oci_user, "additionalGids", additional_gids, OCI_T_U32V),
     .len_offset = offsetof(oci_user, additional_gids_len)},
    STR(oci_user, "username", username),
};
static const oci_struct_desc user_desc = DESC(oci_user, user_rows, NULL);

static const oci_field capabilities_rows[] = {
    STRV_F(oci_capabilities, "bounding", bounding, .check = check_capabilities),
    STRV_F(oci_capabilities, "effective", effective,
           .check = check_capabilities),
    STRV_F(oci_capabilities, "inheritable", inheritable,
           .check = check_capabilities),
    STRV_F(oci_capabilities, "permitted", permitted,
           .check = check_capabilities),
    STRV_F(oci_capabilities, "ambient", ambient, .check = check_capabilities),
};
static const oci_struct_desc capabilities_desc =
    DESC(oci_capabilities, capabilities_rows, NULL);

static const oci_field rlimit_rows[] = {
    STR_REQ(oci_rlimit, "type", type),
    U64_REQ(oci_rlimit, "hard", hard),
    U64_REQ(oci_rlimit, "soft", soft),
};
static const oci_struct_desc rlimit_desc = DESC(oci_rlimit, rlimit_rows, NULL);

static const oci_field io_priority_rows[] = {
    STR_REQ(oci_process, "class", io_priority_class),
    {INT_W(oci_process, "priority", io_priority, 4, INT32_MIN, INT32_MAX),
     HAS(oci_process, has_io_priority)},
};
static const oci_struct_desc io_priority_desc =
    DESC(oci_process, io_priority_rows, NULL);

static const oci_field scheduler_rows[] = {
    STR_REQ(oci_process, "policy", scheduler_policy),
};
static const oci_struct_desc scheduler_desc =
    DESC(oci_process, scheduler_rows, NULL);

static const oci_field process_rows[] = {
    BOOL(oci_process, "terminal", terminal),
    INLINE_IN_PLACE("consoleSize", console_size_desc,
                    HAS(oci_process, has_console_size)),
    {ROW(oci_process, "user", user, OCI_T_INLINE), .sub = &user_desc,
     .required = true},
    STRV_F(oci_process, "args", args, .required = true),
    STR(oci_process, "commandLine", command_line),
    STRV_F(oci_process, "env", env),
    STR_REQ(oci_process, "cwd", cwd),
    OBJ(oci_process, "capabilities", capabilities, capabilities_desc),
    ARR(oci_process, "rlimits", rlimits, rlimit_desc),
    BOOL(oci_process, "noNewPrivileges", no_new_privileges),
    {INT_W(oci_process, "oomScoreAdj", oom_score_adj, 4, -1000, 1000),
     HAS(oci_process, has_oom_score_adj)},
    STR(oci_process, "apparmorProfile", apparmor_profile),
    STR(oci_process, "selinuxLabel", selinux_label),
    INLINE_IN_PLACE("ioPriority", io_priority_desc),
    INLINE_IN_PLACE("scheduler", scheduler_desc),
};
const oci_struct_desc oci_process_desc =
    DESC(oci_process, process_rows, check_args_and_cwd);

/* ---- root, mounts, hooks ---- */

static const oci_field root_rows[] = {
    STR_REQ(oci_root, "path", path),
    BOOL(oci_root, "readonly", readonly),
};
static const oci_struct_desc root_desc = DESC(oci_root, root_rows, NULL);

static const oci_field mount_rows[] = {
    STR_REQ(oci_mount, "destination", destination),
    STR(oci_mount, "type", type),
    STR(oci_mount, "source", source),
    STRV_F(oci_mount, "options", options),
    ARR(oci_mount, "uidMappings", uid_mappings, id_mapping_desc),
    ARR(oci_mount, "gidMappings", gid_mappings, id_mapping_desc),
};
static const oci_struct_desc mount_desc = DESC(oci_mount, mount_rows, NULL);

static const oci_field hook_rows[] = {
    STR_REQ(oci_hook, "path", path),
    STRV_F(oci_hook, "args", args),
    STRV_F(oci_hook, "env", env),
    {INT_W(oci_hook, "timeout", timeout, 4, INT32_MIN, INT32_MAX),
     HAS(oci_hook, has_timeout), .check = check_timeout},
};
static const oci_struct_desc hook_desc = DESC(oci_hook, hook_rows, NULL);

static const oci_field hooks_rows[] = {
    ARR(oci_hooks, "prestart", prestart, hook_desc),
    ARR(oci_hooks, "createRuntime", create_runtime, hook_desc),
    ARR(oci_hooks, "createContainer", create_container, hook_desc),
    ARR(oci_hooks, "startContainer", start_container, hook_desc),
    ARR(oci_hooks, "poststart", poststart, hook_desc),
    ARR(oci_hooks, "poststop", poststop, hook_desc),
};
static const oci_struct_desc hooks_desc = DESC(oci_hooks, hooks_rows, NULL);

/* ---- linux.resources ---- */

static const oci_field device_cgroup_rows[] = {
    {ROW(oci_device_cgroup, "allow", allow, OCI_T_BOOL), .required = true},
    CHAR_F(oci_device_cgroup, "type", type, false, "acb", "device cgroup type"),
    I64_HAS(oci_device_cgroup, "major", major, has_major),
    I64_HAS(oci_device_cgroup, "minor", minor, has_minor),
    {ROW(oci_device_cgroup, "access", access, OCI_T_STRING),
     .check = check_access},
};
static const oci_struct_desc device_cgroup_desc =
    DESC(oci_device_cgroup, device_cgroup_rows, NULL);

static const oci_field memory_rows[] = {
    I64_HAS(oci_memory, "limit", limit, has_limit),
    I64_HAS(oci_memory, "reservation", reservation, has_reservation),
    I64_HAS(oci_memory, "swap", swap, has_swap),
    I64_HAS(oci_memory, "kernel", kernel, has_kernel),
    I64_HAS(oci_memory, "kernelTCP", kernel_tcp, has_kernel_tcp),
    U64_HAS(oci_memory, "swappiness", swappiness, has_swappiness),
    BOOL_HAS(oci_memory, "disableOOMKiller", disable_oom_killer,
             has_disable_oom_killer),
    BOOL_HAS(oci_memory, "useHierarchy", use_hierarchy, has_use_hierarchy),
    BOOL_HAS(oci_memory, "checkBeforeUpdate", check_before_update,
             has_check_before_update),
};
static const oci_struct_desc memory_desc = DESC(oci_memory, memory_rows, NULL);

static const oci_field cpu_rows[] = {
    U64_HAS(oci_cpu, "shares", shares, has_shares),
    I64_HAS(oci_cpu, "quota", quota, has_quota),
    U64_HAS(oci_cpu, "burst", burst, has_burst),
    U64_HAS(oci_cpu, "period", period, has_period),
    I64_HAS(oci_cpu, "realtimeRuntime", realtime_runtime, has_realtime_runtime),
    U64_HAS(oci_cpu, "realtimePeriod", realtime_period, has_realtime_period),
    I64_HAS(oci_cpu, "idle", idle, has_idle),
    STR(oci_cpu, "cpus", cpus),
    STR(oci_cpu, "mems", mems),
};
static const oci_struct_desc cpu_desc = DESC(oci_cpu, cpu_rows, NULL);

static const oci_field pids_rows[] = {
    I64_HAS(oci_pids, "limit", limit, has_limit),
};
static const oci_struct_desc pids_desc = DESC(oci_pids, pids_rows, NULL);

static const oci_field weight_device_rows[] = {
    I64_REQ(oci_weight_device, "major", major),
    I64_REQ(oci_weight_device, "minor", minor),
    U16_HAS(oci_weight_device, "weight", weight, has_weight),
    U16_HAS(oci_weight_device, "leafWeight", leaf_weight, has_leaf_weight),
};
static const oci_struct_desc weight_device_desc =
    DESC(oci_weight_device, weight_device_rows, NULL);

static const oci_field throttle_rows[] = {
    I64_REQ(oci_throttle_device, "major", major),
    I64_REQ(oci_throttle_device, "minor", minor),
    U64_REQ(oci_throttle_device, "rate", rate),
};
static const oci_struct_desc throttle_desc =
    DESC(oci_throttle_device, throttle_rows, NULL);

static const oci_field blkio_rows[] = {
    U16_HAS(oci_blkio, "weight", weight, has_weight),
    U16_HAS(oci_blkio, "leafWeight", leaf_weight, has_leaf_weight),
    ARR(oci_blkio, "weightDevice", weight_device, weight_device_desc),
    ARR(oci_blkio, "throttleReadBpsDevice", throttle_read_bps_device,
        throttle_desc),
    ARR(oci_blkio, "throttleWriteBpsDevice", throttle_write_bps_device,
        throttle_desc),
    ARR(oci_blkio, "throttleReadIOPSDevice", throttle_read_iops_device,
        throttle_desc),
    ARR(oci_blkio, "throttleWriteIOPSDevice", throttle_write_iops_device,
        throttle_desc),
};
static const oci_struct_desc blkio_desc = DESC(oci_blkio, blkio_rows, NULL);

static const oci_field hugepage_rows[] = {
    STR_REQ(oci_hugepage_limit, "pageSize", page_size),
    U64_REQ(oci_hugepage_limit, "limit", limit),
};
static const oci_struct_desc hugepage_desc =
    DESC(oci_hugepage_limit, hugepage_rows, NULL);

static const oci_field net_priority_rows[] = {
    STR_REQ(oci_net_priority, "name", name),
    U32_REQ(oci_net_priority, "priority", priority),
};
static const oci_struct_desc net_priority_desc =
    DESC(oci_net_priority, net_priority_rows, NULL);

static const oci_field network_rows[] = {
    U32_HAS(oci_network, "classID", class_id, has_class_id),
    ARR(oci_network, "priorities", priorities, net_priority_desc),
};
static const oci_struct_desc network_desc =
    DESC(oci_network, network_rows, NULL);

static const oci_field resources_rows[] = {
    ARR(oci_resources, "devices", devices, device_cgroup_desc),
    OBJ(oci_resources, "memory", memory, memory_desc),
    OBJ(oci_resources, "cpu", cpu, cpu_desc),
    OBJ(oci_resources, "pids", pids, pids_desc),
    OBJ(oci_resources, "blockIO", block_io, blkio_desc),
    ARR(oci_resources, "hugepageLimits", hugepage_limits, hugepage_desc),
    MAP(oci_resources, "unified", unified),
    OBJ(oci_resources, "network", network, network_desc),
};
const oci_struct_desc oci_resources_desc =
    DESC(oci_resources, resources_rows, NULL);

/* ---- linux: namespaces, devices, seccomp ---- */

static const oci_field namespace_rows[] = {
    ENUM_REQ(oci_namespace, "type", type, ns_names),
    STR(oci_namespace, "path", path),
};
static const oci_struct_desc namespace_desc =
    DESC(oci_namespace, namespace_rows, NULL);

static const oci_field device_rows[] = {
    STR_REQ(oci_device, "path", path),
    CHAR_F(oci_device, "type", type, true, "cbup", "device type"),
    I64_HAS(oci_device, "major", major, has_major),
    I64_HAS(oci_device, "minor", minor, has_minor),
    U32_HAS(oci_device, "fileMode", file_mode, has_file_mode),
    U32_HAS(oci_device, "uid", uid, has_uid),
    U32_HAS(oci_device, "gid", gid, has_gid),
};
static const oci_struct_desc device_desc = DESC(oci_device, device_rows, NULL);

static const oci_field seccomp_arg_rows[] = {
    U32_REQ(oci_seccomp_arg, "index", index),
    U64_REQ(oci_seccomp_arg, "value", value),
    U64(oci_seccomp_arg, "valueTwo", value_two),
    ENUM_REQ(oci_seccomp_arg, "op", op, op_names),
};
static const oci_struct_desc seccomp_arg_desc =
    DESC(oci_seccomp_arg, seccomp_arg_rows, NULL);

static const oci_field syscall_rows[] = {
    STRV_F(oci_seccomp_syscall, "names", names, .required = true),
    ENUM_REQ(oci_seccomp_syscall, "action", action, action_names),
    U32_HAS(oci_seccomp_syscall, "errnoRet", errno_ret, has_errno_ret),
    ARR(oci_seccomp_syscall, "args", args, seccomp_arg_desc),
};
static const oci_struct_desc syscall_desc =
    DESC(oci_seccomp_syscall, syscall_rows, NULL);

static const oci_field seccomp_rows[] = {
    ENUM_REQ(oci_seccomp, "defaultAction", default_action, action_names),
    U32_HAS(oci_seccomp, "defaultErrnoRet", default_errno_ret,
            has_default_errno_ret),
    STRV_F(oci_seccomp, "architectures", architectures),
    STRV_F(oci_seccomp, "flags", flags),
    STR(oci_seccomp, "listenerPath", listener_path),
    STR(oci_seccomp, "listenerMetadata", listener_metadata),
    ARR(oci_seccomp, "syscalls", syscalls, syscall_desc),
};
static const oci_struct_desc seccomp_desc =
    DESC(oci_seccomp, seccomp_rows, NULL);

static const oci_field personality_rows[] = {
    STR_REQ(oci_personality, "domain", domain),
    STRV_F(oci_personality, "flags", flags),
};
static const oci_struct_desc personality_desc =
    DESC(oci_personality, personality_rows, NULL);

static const oci_field linux_rows[] = {
    ARR(oci_linux, "uidMappings", uid_mappings, id_mapping_desc),
    ARR(oci_linux, "gidMappings", gid_mappings, id_mapping_desc),
    MAP(oci_linux, "sysctl", sysctl),
    OBJ(oci_linux, "resources", resources, oci_resources_desc),
    STR(oci_linux, "cgroupsPath", cgroups_path),
    ARR(oci_linux, "namespaces", namespaces, namespace_desc),
    ARR(oci_linux, "devices", devices, device_desc),
    OBJ(oci_linux, "seccomp", seccomp, seccomp_desc),
    STR(oci_linux, "rootfsPropagation", rootfs_propagation),
    STRV_F(oci_linux, "maskedPaths", masked_paths),
    STRV_F(oci_linux, "readonlyPaths", readonly_paths),
    STR(oci_linux, "mountLabel", mount_label),
    OBJ(oci_linux, "personality", personality, personality_desc),
};
static const oci_struct_desc linux_desc =
    DESC(oci_linux, linux_rows, check_namespace_duplicates);

/* ---- the document ---- */

static const oci_field spec_rows[] = {
    STR_REQ(oci_spec, "ociVersion", oci_version),
    OBJ(oci_spec, "process", process, oci_process_desc),
    OBJ(oci_spec, "root", root, root_desc),
    STR(oci_spec, "hostname", hostname),
    STR(oci_spec, "domainname", domainname),
    ARR(oci_spec, "mounts", mounts, mount_desc),
    OBJ(oci_spec, "hooks", hooks, hooks_desc),
    MAP(oci_spec, "annotations", annotations),
    OBJ(oci_spec, "linux", linux_, linux_desc),
};
const oci_struct_desc oci_spec_desc = DESC(oci_spec, spec_rows, NULL);
