/* Name tables for the spec's enumerations. */
#define OCI_JSON_INTERNAL
#include "json-util.h"
#include "spec.h"

#include <string.h>

static const char *const namespace_names[OCI_NS__COUNT] = {
    [OCI_NS_PID] = "pid",       [OCI_NS_NETWORK] = "network",
    [OCI_NS_MOUNT] = "mount",   [OCI_NS_IPC] = "ipc",
    [OCI_NS_UTS] = "uts",       [OCI_NS_USER] = "user",
    [OCI_NS_CGROUP] = "cgroup", [OCI_NS_TIME] = "time",
};

static const char *const seccomp_action_names[] = {
    [OCI_SECCOMP_ACT_KILL] = "SCMP_ACT_KILL",
    [OCI_SECCOMP_ACT_KILL_PROCESS] = "SCMP_ACT_KILL_PROCESS",
    [OCI_SECCOMP_ACT_KILL_THREAD] = "SCMP_ACT_KILL_THREAD",
    [OCI_SECCOMP_ACT_TRAP] = "SCMP_ACT_TRAP",
    [OCI_SECCOMP_ACT_ERRNO] = "SCMP_ACT_ERRNO",
    [OCI_SECCOMP_ACT_TRACE] = "SCMP_ACT_TRACE",
    [OCI_SECCOMP_ACT_ALLOW] = "SCMP_ACT_ALLOW",
    [OCI_SECCOMP_ACT_LOG] = "SCMP_ACT_LOG",
    [OCI_SECCOMP_ACT_NOTIFY] = "SCMP_ACT_NOTIFY",
};
#define N_ACTIONS (sizeof seccomp_action_names / sizeof seccomp_action_names[0])

static const char *const seccomp_op_names[] = {
    [OCI_SECCOMP_OP_NE] = "SCMP_CMP_NE",
    [OCI_SECCOMP_OP_LT] = "SCMP_CMP_LT",
    [OCI_SECCOMP_OP_LE] = "SCMP_CMP_LE",
    [OCI_SECCOMP_OP_EQ] = "SCMP_CMP_EQ",
    [OCI_SECCOMP_OP_GE] = "SCMP_CMP_GE",
    [OCI_SECCOMP_OP_GT] = "SCMP_CMP_GT",
    [OCI_SECCOMP_OP_MASKED_EQ] = "SCMP_CMP_MASKED_EQ",
};
#define N_OPS (sizeof seccomp_op_names / sizeof seccomp_op_names[0])

/* Kernel capability numbers 0..40, from <linux/capability.h>. Kept here
 * so libocispec can validate names without linking libcap. */
static const char *const capability_names[] = {
    "CAP_CHOWN",
    "CAP_DAC_OVERRIDE",
    "CAP_DAC_READ_SEARCH",
    "CAP_FOWNER",
    "CAP_FSETID",
    "CAP_KILL",
    "CAP_SETGID",
    "CAP_SETUID",
    "CAP_SETPCAP",
    "CAP_LINUX_IMMUTABLE",
    "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST",
    "CAP_NET_ADMIN",
    "CAP_NET_RAW",
    "CAP_IPC_LOCK",
    "CAP_IPC_OWNER",
    "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO",
    "CAP_SYS_CHROOT",
    "CAP_SYS_PTRACE",
    "CAP_SYS_PACCT",
    "CAP_SYS_ADMIN",
    "CAP_SYS_BOOT",
    "CAP_SYS_NICE",
    "CAP_SYS_RESOURCE",
    "CAP_SYS_TIME",
    "CAP_SYS_TTY_CONFIG",
    "CAP_MKNOD",
    "CAP_LEASE",
    "CAP_AUDIT_WRITE",
    "CAP_AUDIT_CONTROL",
    "CAP_SETFCAP",
    "CAP_MAC_OVERRIDE",
    "CAP_MAC_ADMIN",
    "CAP_SYSLOG",
    "CAP_WAKE_ALARM",
    "CAP_BLOCK_SUSPEND",
    "CAP_AUDIT_READ",
    "CAP_PERFMON",
    "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE",
};
#define N_CAPS (sizeof capability_names / sizeof capability_names[0])

static int lookup(const char *const *table, size_t n, const char *name) {
  if (name == NULL)
    return -1;
  for (size_t i = 0; i < n; i++)
    if (table[i] != NULL && strcmp(table[i], name) == 0)
      return (int)i;
  return -1;
}

const char *oci_namespace_type_name(oci_namespace_type t) {
  return (unsigned)t < OCI_NS__COUNT ? namespace_names[t] : NULL;
}

int oci_namespace_type_from_name(const char *name) {
  return lookup(namespace_names, OCI_NS__COUNT, name);
}

const char *oci_seccomp_action_name(oci_seccomp_action a) {
  return (unsigned)a < N_ACTIONS ? seccomp_action_names[a] : NULL;
}

int oci_seccomp_action_from_name(const char *name) {
  return lookup(seccomp_action_names, N_ACTIONS, name);
}

const char *oci_seccomp_op_name(oci_seccomp_op op) {
  return (unsigned)op < N_OPS ? seccomp_op_names[op] : NULL;
}

int oci_seccomp_op_from_name(const char *name) {
  return lookup(seccomp_op_names, N_OPS, name);
}

const char *const *oci_capability_names(size_t *n) {
  *n = N_CAPS;
  return capability_names;
}

bool oci_capability_known(const char *name) {
  return lookup(capability_names, N_CAPS, name) >= 0;
}

const char *const *oci_seccomp_action_names(size_t *n) {
  *n = N_ACTIONS;
  return seccomp_action_names;
}

const char *const *oci_seccomp_op_names(size_t *n) {
  *n = N_OPS;
  return seccomp_op_names;
}
