/* The field-rule table: one row per JSON field libocispec parses, in the
 * order of its descriptor tables, saying what the overlay does with it.
 * The rules themselves live in overlay.c and overlay-mounts.c; a row
 * names the rule and says in words what it does. Rows for classes that
 * issue 10 names (user-namespace, cgroup-path, cgroup-unified, hooks,
 * recursive-mount-flags, root-path, supplementary-groups, own-session,
 * rlimits, lsm) give the rule that issue demands.
 *
 * Below the table, the rows this file applies itself: unknown keys and
 * the fields hardened does not implement. */
#define _GNU_SOURCE
#include "overlay-fields.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ENF HD_FIELD_ENFORCED
#define CHK HD_FIELD_CHECKED
#define REF HD_FIELD_REFUSED
#define PAS HD_FIELD_PASSED

#define HOOK_ROWS(list)                                                        \
  {"hooks." list "[].path", CHK, "hooks",                                      \
   "an executable on the policy's allow-list, pinned by fd; /proc magic "      \
   "links and container roots refused"},                                       \
      {"hooks." list "[].args", CHK, "hooks",                                  \
       "only the argv shapes the policy allows for that hook"},                \
      {"hooks." list "[].env", ENF, "hooks",                                   \
       "reduced to a small allowed set (no LD_*, GCONV_PATH, ...)"},           \
  {                                                                            \
    "hooks." list "[].timeout", ENF, "hooks",                                  \
        "capped at 60 s, and set to 60 s when absent: nothing waits for ever"  \
  }

#define MAPPING_ROWS(base, what)                                               \
  {base "[].containerID", CHK, "user-namespace", what},                        \
      {base "[].hostID", CHK, "user-namespace", what}, {                       \
    base "[].size", CHK, "user-namespace", what                                \
  }

#define USERNS_WHY                                                             \
  "no container id maps to host uid/gid 0 or below the policy's host range"

#define THROTTLE_ROWS(list)                                                    \
  {"linux.resources.blockIO." list "[].major", PAS, NULL, BLKIO_WHY},          \
      {"linux.resources.blockIO." list "[].minor", PAS, NULL, BLKIO_WHY}, {    \
    "linux.resources.blockIO." list "[].rate", PAS, NULL, BLKIO_WHY            \
  }

#define BLKIO_WHY                                                              \
  "an I/O weight or throttle of the container's own cgroup: it only "          \
  "constrains the container"
#define LIMIT_WHY "a limit of the container's own cgroup: it only constrains it"
#define DEVICE_RULE_WHY                                                        \
  "an allow rule only for the standard nodes, pts, and devices the policy "    \
  "allows (checked against the host's node); deny-all first"
#define DEVICE_NODE_WHY                                                        \
  "only standard nodes and devices the policy allows, checked against the "    \
  "host's node at that path"
#define SECCOMP_WHY                                                            \
  "the spec's filter only adds: the baseline is stacked on it (or on none)"
#define NOT_APPLIED_WHY                                                        \
  "hardened does not apply it: cleared from the hardened spec and recorded"

static const hd_field_rule rules[] = {
    {"ociVersion", PAS, NULL, "names the spec version; selects no behaviour"},
    /* process (also the whole of exec --process) */
    {"process.terminal", ENF, "own-session",
     "the init gets its own session (setsid) with or without a terminal"},
    {"process.consoleSize.height", PAS, NULL,
     "the size of the container's own pty"},
    {"process.consoleSize.width", PAS, NULL,
     "the size of the container's own pty"},
    {"process.user.uid", ENF, "non-root", "0 becomes the policy's uid"},
    {"process.user.gid", ENF, "non-root", "0 becomes the policy's gid"},
    {"process.user.umask", PAS, NULL,
     "masks the modes of files the process creates; it cannot grant access"},
    {"process.user.additionalGids", ENF, "supplementary-groups",
     "gid 0 and gids below the policy's floor are dropped, except the "
     "container's own gid and gids the policy names"},
    {"process.user.username", PAS, NULL, "unused on Linux"},
    {"process.args", PAS, NULL,
     "runs inside the container as the hardened user"},
    {"process.commandLine", PAS, NULL, "Windows only; ignored on Linux"},
    {"process.env", PAS, NULL, "the container process's own environment"},
    {"process.cwd", PAS, NULL,
     "entered inside the container's root after the identity switch; a cwd "
     "outside it is refused"},
    {"process.capabilities.bounding", ENF, "no-capabilities", "emptied"},
    {"process.capabilities.effective", ENF, "no-capabilities", "emptied"},
    {"process.capabilities.inheritable", ENF, "no-capabilities", "emptied"},
    {"process.capabilities.permitted", ENF, "no-capabilities", "emptied"},
    {"process.capabilities.ambient", ENF, "no-capabilities", "emptied"},
    {"process.rlimits[].type", ENF, "rlimits",
     "RLIMIT_CORE 0, RLIMIT_RTPRIO 0, RLIMIT_NICE capped, the rest bounded "
     "by the policy"},
    {"process.rlimits[].hard", ENF, "rlimits", "bounded as for its type"},
    {"process.rlimits[].soft", ENF, "rlimits", "bounded as for its type"},
    {"process.noNewPrivileges", ENF, "no-capabilities", "always true"},
    {"process.oomScoreAdj", ENF, "limits", "a negative value becomes 0"},
    {"process.apparmorProfile", ENF, "lsm",
     "applied where the host has AppArmor; elsewhere the drop is recorded"},
    {"process.selinuxLabel", ENF, "lsm",
     "applied where the host has SELinux; elsewhere the drop is recorded"},
    {"process.ioPriority.class", ENF, "unsupported", NOT_APPLIED_WHY},
    {"process.ioPriority.priority", ENF, "unsupported", NOT_APPLIED_WHY},
    {"process.scheduler.policy", ENF, "unsupported", NOT_APPLIED_WHY},
    /* root, hostname, mounts */
    {"root.path", CHK, "root-path",
     "the same host-path rules as a bind source; / and host system "
     "directories refused"},
    {"root.readonly", ENF, "read-only-root", "always true"},
    {"hostname", PAS, NULL,
     "set in the container's own uts namespace (refused without one)"},
    {"domainname", PAS, NULL,
     "set in the container's own uts namespace (refused without one)"},
    {"mounts[].destination", CHK, "mount-destination",
     "a \"..\" component, or / itself (read-only-root), refused; cleaned"},
    {"mounts[].type", CHK, "mount-type",
     "pseudo filesystems and binds only; masked and forbidden targets "
     "refused"},
    {"mounts[].source", CHK, "host-bind",
     "a bind source may not expose the host's /proc, /sys, /dev, /etc, "
     "state roots or engine sockets; pinned by fd (bind-source)"},
    {"mounts[].options", ENF, "nosuid-nodev",
     "nosuid,nodev everywhere (but dev on /dev); noexec on writable mounts "
     "(write-xor-execute), on /tmp dirs (noexec-tmp); ro on /sys; applied "
     "to every submount (recursive-mount-flags)"},
    {"mounts[].uidMappings[].containerID", REF, "unsupported",
     "idmapped mounts are refused"},
    {"mounts[].uidMappings[].hostID", REF, "unsupported",
     "idmapped mounts are refused"},
    {"mounts[].uidMappings[].size", REF, "unsupported",
     "idmapped mounts are refused"},
    {"mounts[].gidMappings[].containerID", REF, "unsupported",
     "idmapped mounts are refused"},
    {"mounts[].gidMappings[].hostID", REF, "unsupported",
     "idmapped mounts are refused"},
    {"mounts[].gidMappings[].size", REF, "unsupported",
     "idmapped mounts are refused"},
    /* hooks run on the host */
    HOOK_ROWS("prestart"),
    HOOK_ROWS("createRuntime"),
    HOOK_ROWS("createContainer"),
    HOOK_ROWS("startContainer"),
    HOOK_ROWS("poststart"),
    HOOK_ROWS("poststop"),
    {"annotations", ENF, "annotations",
     "org.hardened.* keys are removed; hardened reads no other"},
    /* linux */
    MAPPING_ROWS("linux.uidMappings", USERNS_WHY),
    MAPPING_ROWS("linux.gidMappings", USERNS_WHY),
    {"linux.sysctl", CHK, "sysctl",
     "namespaced keys only (net.* with an own network namespace); "
     "vm.memfd_noexec forced to 2 (write-xor-execute)"},
    /* linux.resources (also the whole of update --resources) */
    {"linux.resources.devices[].allow", CHK, "devices", DEVICE_RULE_WHY},
    {"linux.resources.devices[].type", CHK, "devices", DEVICE_RULE_WHY},
    {"linux.resources.devices[].major", CHK, "devices", DEVICE_RULE_WHY},
    {"linux.resources.devices[].minor", CHK, "devices", DEVICE_RULE_WHY},
    {"linux.resources.devices[].access", CHK, "devices", DEVICE_RULE_WHY},
    {"linux.resources.memory.limit", ENF, "resources",
     "capped at the policy's memory maximum when it has one"},
    {"linux.resources.memory.reservation", PAS, NULL, LIMIT_WHY},
    {"linux.resources.memory.swap", PAS, NULL, LIMIT_WHY},
    {"linux.resources.memory.kernel", PAS, NULL, LIMIT_WHY},
    {"linux.resources.memory.kernelTCP", PAS, NULL, LIMIT_WHY},
    {"linux.resources.memory.swappiness", PAS, NULL,
     "the container's own reclaim preference"},
    {"linux.resources.memory.disableOOMKiller", PAS, NULL,
     "only the container's own processes wait at its own limit"},
    {"linux.resources.memory.useHierarchy", PAS, NULL,
     "accounting of the container's own subtree"},
    {"linux.resources.memory.checkBeforeUpdate", PAS, NULL,
     "makes an update fail sooner, never grants more"},
    {"linux.resources.cpu.shares", PAS, NULL,
     "a relative weight among the container's siblings"},
    {"linux.resources.cpu.quota", ENF, "resources",
     "capped at the policy's CPU maximum when it has one"},
    {"linux.resources.cpu.burst", PAS, NULL,
     "at most unused quota again, within the quota's cgroup"},
    {"linux.resources.cpu.period", ENF, "resources",
     "checked with the quota against the policy's CPU maximum"},
    {"linux.resources.cpu.realtimeRuntime", PAS, NULL,
     "the process cannot use realtime scheduling (no CAP_SYS_NICE, "
     "RLIMIT_RTPRIO 0)"},
    {"linux.resources.cpu.realtimePeriod", PAS, NULL,
     "the process cannot use realtime scheduling (no CAP_SYS_NICE, "
     "RLIMIT_RTPRIO 0)"},
    {"linux.resources.cpu.idle", PAS, NULL,
     "lowers the container's own priority"},
    {"linux.resources.cpu.cpus", PAS, NULL,
     "a subset of the parent cgroup's CPUs; the kernel refuses others"},
    {"linux.resources.cpu.mems", PAS, NULL,
     "a subset of the parent cgroup's memory nodes; the kernel refuses "
     "others"},
    {"linux.resources.pids.limit", ENF, "pids-limit",
     "at most the policy's pids maximum; filled in when absent"},
    {"linux.resources.blockIO.weight", PAS, NULL, BLKIO_WHY},
    {"linux.resources.blockIO.leafWeight", PAS, NULL, BLKIO_WHY},
    {"linux.resources.blockIO.weightDevice[].major", PAS, NULL, BLKIO_WHY},
    {"linux.resources.blockIO.weightDevice[].minor", PAS, NULL, BLKIO_WHY},
    {"linux.resources.blockIO.weightDevice[].weight", PAS, NULL, BLKIO_WHY},
    {"linux.resources.blockIO.weightDevice[].leafWeight", PAS, NULL, BLKIO_WHY},
    THROTTLE_ROWS("throttleReadBpsDevice"),
    THROTTLE_ROWS("throttleWriteBpsDevice"),
    THROTTLE_ROWS("throttleReadIOPSDevice"),
    THROTTLE_ROWS("throttleWriteIOPSDevice"),
    {"linux.resources.hugepageLimits[].pageSize", PAS, NULL, LIMIT_WHY},
    {"linux.resources.hugepageLimits[].limit", PAS, NULL, LIMIT_WHY},
    {"linux.resources.unified", CHK, "cgroup-unified",
     "resource files of enabled controllers only; interface files "
     "(cgroup.procs, cgroup.kill, ...) refused; cannot lift the policy's "
     "limits"},
    {"linux.resources.network.classID", REF, "unsupported",
     "net_cls is not implemented"},
    {"linux.resources.network.priorities[].name", REF, "unsupported",
     "net_prio is not implemented"},
    {"linux.resources.network.priorities[].priority", REF, "unsupported",
     "net_prio is not implemented"},
    {"linux.cgroupsPath", CHK, "cgroup-path",
     "a new leaf hardened creates, under parents the policy allows; an "
     "existing cgroup refused"},
    {"linux.namespaces[].type", ENF, "host-namespace",
     "pid, mount, ipc, uts and cgroup (and network unless the policy allows "
     "the host's) are always the container's own; cgroup added"},
    {"linux.namespaces[].path", CHK, "host-namespace",
     "joining the host's namespace of a type that must be own is refused; "
     "a host process's mount, pid, user or cgroup namespace too"},
    {"linux.devices[].path", CHK, "devices", DEVICE_NODE_WHY},
    {"linux.devices[].type", CHK, "devices", DEVICE_NODE_WHY},
    {"linux.devices[].major", CHK, "devices", DEVICE_NODE_WHY},
    {"linux.devices[].minor", CHK, "devices", DEVICE_NODE_WHY},
    {"linux.devices[].fileMode", PAS, NULL,
     "the mode of an allowed node in the container's own /dev"},
    {"linux.devices[].uid", PAS, NULL,
     "the owner of an allowed node in the container's own /dev"},
    {"linux.devices[].gid", PAS, NULL,
     "the group of an allowed node in the container's own /dev"},
    {"linux.seccomp.defaultAction", PAS, "seccomp-baseline", SECCOMP_WHY},
    {"linux.seccomp.defaultErrnoRet", PAS, "seccomp-baseline", SECCOMP_WHY},
    {"linux.seccomp.architectures", PAS, "seccomp-baseline", SECCOMP_WHY},
    {"linux.seccomp.flags", PAS, "seccomp-baseline", SECCOMP_WHY},
    {"linux.seccomp.listenerPath", PAS, "seccomp-baseline",
     "used only by SCMP_ACT_NOTIFY, which setup refuses"},
    {"linux.seccomp.listenerMetadata", PAS, "seccomp-baseline",
     "used only by SCMP_ACT_NOTIFY, which setup refuses"},
    {"linux.seccomp.syscalls[].names", PAS, "seccomp-baseline", SECCOMP_WHY},
    {"linux.seccomp.syscalls[].action", PAS, "seccomp-baseline", SECCOMP_WHY},
    {"linux.seccomp.syscalls[].errnoRet", PAS, "seccomp-baseline", SECCOMP_WHY},
    {"linux.seccomp.syscalls[].args[].index", PAS, "seccomp-baseline",
     SECCOMP_WHY},
    {"linux.seccomp.syscalls[].args[].value", PAS, "seccomp-baseline",
     SECCOMP_WHY},
    {"linux.seccomp.syscalls[].args[].valueTwo", PAS, "seccomp-baseline",
     SECCOMP_WHY},
    {"linux.seccomp.syscalls[].args[].op", PAS, "seccomp-baseline",
     SECCOMP_WHY},
    {"linux.rootfsPropagation", ENF, "mount-propagation",
     "shared and rshared become rslave"},
    {"linux.maskedPaths", ENF, "masked-paths", "docker's list is added"},
    {"linux.readonlyPaths", ENF, "readonly-paths", "docker's list is added"},
    {"linux.mountLabel", ENF, "lsm", NOT_APPLIED_WHY},
    {"linux.personality.domain", ENF, "unsupported",
     "another domain than LINUX is not applied: it becomes LINUX, recorded"},
    {"linux.personality.flags", REF, "personality",
     "flags such as ADDR_NO_RANDOMIZE turn protections off"},
};

const hd_field_rule *hd_field_rules(size_t *n) {
  *n = sizeof rules / sizeof rules[0];
  return rules;
}

const hd_field_rule *hd_field_rule_find(const char *path) {
  for (size_t i = 0; i < sizeof rules / sizeof rules[0]; i++)
    if (strcmp(rules[i].path, path) == 0)
      return &rules[i];
  return NULL;
}

const char *hd_field_kind_name(hd_field_kind k) {
  switch (k) {
  case HD_FIELD_ENFORCED:
    return "enforced";
  case HD_FIELD_CHECKED:
    return "checked";
  case HD_FIELD_REFUSED:
    return "refused";
  default:
    return "passed";
  }
}

/* ---- the rows applied here ---- */

static char *join_path(const char *prefix, const char *path) {
  return prefix && *prefix ? xasprintf("%s.%s", prefix, path) : xstrdup(path);
}

/* runc ignores fields it does not know; so does hardened, but each one is
 * recorded, so nothing in a spec is dropped without a trace. The parser
 * keeps at most OCI_UNKNOWN_FIELDS_MAX; the rest are one record. */
void hd_ov_unknown_fields(hd_ov *c, const char *prefix,
                          const oci_unknown_fields *u) {
  for (size_t i = 0; i < u->len; i++) {
    cleanup_free char *field = join_path(prefix, u->items[i].key);
    hd_ov_record(c, "unknown-field", field, u->items[i].value, "(ignored)");
  }
  if (u->total > u->len) {
    cleanup_free char *more =
        xasprintf("(%zu more unknown keys)", u->total - u->len);
    hd_ov_record(c, "unknown-field", more, "(not listed)", "(ignored)");
  }
}

static void not_applied(hd_ov *c, const char *prefix, const char *path,
                        char **value) {
  if (*value == NULL)
    return;
  cleanup_free char *field = join_path(prefix, path);
  hd_ov_record(c, "unsupported", field, *value, "(not applied)");
  free(*value);
  *value = NULL;
}

void hd_ov_fields_process(hd_ov *c, oci_process *p, const char *prefix) {
  if (p->io_priority_class != NULL)
    p->has_io_priority = false;
  not_applied(c, prefix, "ioPriority.class", &p->io_priority_class);
  not_applied(c, prefix, "scheduler.policy", &p->scheduler_policy);
}

int hd_ov_fields_resources(hd_ov *c, const oci_resources *r,
                           const char *prefix) {
  const oci_network *n = r->network;
  if (n == NULL)
    return 0;
  cleanup_free char *field = join_path(prefix, "network.classID");
  if (n->has_class_id)
    return hd_ov_refuse(c, "unsupported", field,
                        "is not implemented (net_cls)");
  free(field);
  field = join_path(prefix, "network.priorities");
  if (n->priorities_len > 0)
    return hd_ov_refuse(c, "unsupported", field,
                        "is not implemented (net_prio)");
  return 0;
}

static int idmapped_mounts(hd_ov *c, const oci_spec *s) {
  for (size_t i = 0; i < s->mounts_len; i++) {
    const oci_mount *m = &s->mounts[i];
    if (m->uid_mappings_len == 0 && m->gid_mappings_len == 0)
      continue;
    cleanup_free char *field =
        xasprintf("mounts[%s].%s", m->destination ? m->destination : "",
                  m->uid_mappings_len ? "uidMappings" : "gidMappings");
    return hd_ov_refuse(c, "unsupported", field,
                        "asks for an idmapped mount, which hardened does not "
                        "implement");
  }
  return 0;
}

int hd_ov_fields_spec(hd_ov *c, oci_spec *s) {
  if (idmapped_mounts(c, s) < 0)
    return -1;
  if (s->linux_ && s->linux_->resources &&
      hd_ov_fields_resources(c, s->linux_->resources, "linux.resources") < 0)
    return -1;
  if (s->process)
    hd_ov_fields_process(c, s->process, "process");
  if (s->linux_) {
    oci_personality *pe = s->linux_->personality;
    if (pe && pe->domain && strcmp(pe->domain, "LINUX") != 0) {
      /* required when personality is present: the default, not nothing */
      hd_ov_record(c, "unsupported", "linux.personality.domain", pe->domain,
                   "LINUX (not applied)");
      free(pe->domain);
      pe->domain = xstrdup("LINUX");
    }
  }
  hd_ov_unknown_fields(c, "", &s->unknown);
  return 0;
}
