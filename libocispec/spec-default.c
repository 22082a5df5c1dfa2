/* The config.json `hardened spec` writes. It already satisfies the
 * hardening overlay, so `hardened check` on a fresh bundle reports no
 * overrides: nobody user, no capabilities, read-only root, noexec /tmp,
 * a pids limit and a deny-all device list. */
#define OCI_JSON_INTERNAL
#include "json-util.h"
#include "spec.h"

#include <string.h>
#include <unistd.h>

#define NOBODY 65534u
#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

static char **strv_from(const char *const *v, size_t n) {
  return oci_strv_dup((char *const *)v, n);
}

#define STRV(field, list)                                                      \
  do {                                                                         \
    field = strv_from(list, ARRAY_LEN(list));                                  \
    field##_len = ARRAY_LEN(list);                                             \
  } while (0)

static oci_process *default_process(void) {
  static const char *const args[] = {"sh"};
  static const char *const env[] = {
      "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
      "TERM=xterm"};
  oci_process *p = oci_xcalloc(1, sizeof *p);
  p->terminal = true;
  p->user.uid = NOBODY;
  p->user.gid = NOBODY;
  STRV(p->args, args);
  STRV(p->env, env);
  p->cwd = oci_xstrdup("/");
  /* Present with five empty sets: "no capabilities" said explicitly. */
  p->capabilities = oci_xcalloc(1, sizeof *p->capabilities);
  p->capabilities->bounding = oci_xcalloc(0, sizeof(char *));
  p->capabilities->effective = oci_xcalloc(0, sizeof(char *));
  p->capabilities->inheritable = oci_xcalloc(0, sizeof(char *));
  p->capabilities->permitted = oci_xcalloc(0, sizeof(char *));
  p->capabilities->ambient = oci_xcalloc(0, sizeof(char *));
  p->rlimits = oci_xcalloc(1, sizeof *p->rlimits);
  p->rlimits_len = 1;
  p->rlimits[0] = (oci_rlimit){oci_xstrdup("RLIMIT_NOFILE"), 1024, 1024};
  p->no_new_privileges = true;
  return p;
}

typedef struct {
  const char *destination, *type, *source;
  const char *options[8]; /* NULL-terminated */
} mount_template;

static const mount_template default_mounts[] = {
    {"/proc", "proc", "proc", {NULL}},
    {"/dev",
     "tmpfs",
     "tmpfs",
     {"nosuid", "strictatime", "mode=755", "size=65536k", NULL}},
    {"/dev/pts",
     "devpts",
     "devpts",
     {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5",
      NULL}},
    {"/dev/shm",
     "tmpfs",
     "shm",
     {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL}},
    {"/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev", NULL}},
    {"/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro", NULL}},
    {"/sys/fs/cgroup",
     "cgroup",
     "cgroup",
     {"nosuid", "noexec", "nodev", "relatime", "ro", NULL}},
    {"/tmp",
     "tmpfs",
     "tmpfs",
     {"nosuid", "nodev", "noexec", "mode=1777", "size=64m", NULL}},
};

/* Rootless: /sys cannot be mounted fresh in a user namespace without a
 * network namespace of its own, so it is bind-mounted; devpts gets no
 * gid=5, which is not mapped. */
static const mount_template rootless_sys = {
    "/sys", "none", "/sys", {"rbind", "nosuid", "noexec", "nodev", "ro", NULL}};

static void fill_mount(oci_mount *m, const mount_template *t, bool rootless) {
  if (rootless && strcmp(t->destination, "/sys") == 0)
    t = &rootless_sys;
  m->destination = oci_xstrdup(t->destination);
  m->type = oci_xstrdup(t->type);
  m->source = oci_xstrdup(t->source);
  size_t n = 0;
  while (t->options[n] != NULL)
    n++;
  if (rootless && strcmp(t->destination, "/dev/pts") == 0)
    n--; /* "gid=5" is last */
  if (n > 0) {
    m->options = strv_from(t->options, n);
    m->options_len = n;
  }
}

static oci_resources *default_resources(void) {
  oci_resources *r = oci_xcalloc(1, sizeof *r);
  r->pids = oci_xcalloc(1, sizeof *r->pids);
  r->pids->has_limit = true;
  r->pids->limit = 1024;
  r->devices = oci_xcalloc(1, sizeof *r->devices);
  r->devices_len = 1;
  r->devices[0].allow = false;
  r->devices[0].access = oci_xstrdup("rwm");
  return r;
}

static void add_rootless_user_ns(oci_linux *l) {
  l->uid_mappings = oci_xcalloc(1, sizeof *l->uid_mappings);
  l->uid_mappings[0] = (oci_id_mapping){NOBODY, (uint32_t)geteuid(), 1};
  l->uid_mappings_len = 1;
  l->gid_mappings = oci_xcalloc(1, sizeof *l->gid_mappings);
  l->gid_mappings[0] = (oci_id_mapping){NOBODY, (uint32_t)getegid(), 1};
  l->gid_mappings_len = 1;
}

static oci_linux *default_linux(bool rootless) {
  static const char *const masked[] = {
      "/proc/acpi",        "/proc/asound",  "/proc/interrupts",
      "/proc/kcore",       "/proc/keys",    "/proc/latency_stats",
      "/proc/sched_debug", "/proc/scsi",    "/proc/timer_list",
      "/proc/timer_stats", "/sys/firmware", "/sys/devices/virtual/powercap"};
  static const char *const readonly[] = {"/proc/bus", "/proc/fs", "/proc/irq",
                                         "/proc/sys", "/proc/sysrq-trigger"};
  static const oci_namespace_type ns[] = {OCI_NS_PID,   OCI_NS_NETWORK,
                                          OCI_NS_IPC,   OCI_NS_UTS,
                                          OCI_NS_MOUNT, OCI_NS_CGROUP};
  oci_linux *l = oci_xcalloc(1, sizeof *l);
  l->namespaces = oci_xcalloc(ARRAY_LEN(ns) + 1, sizeof *l->namespaces);
  for (size_t i = 0; i < ARRAY_LEN(ns); i++)
    l->namespaces[l->namespaces_len++].type = ns[i];
  if (rootless) {
    /* The unprivileged user cannot write cgroups or set up a network, so
     * no resources and the host network, as runc does. */
    l->namespaces[1].type = OCI_NS_USER;
    add_rootless_user_ns(l);
  } else {
    l->resources = default_resources();
  }
  STRV(l->masked_paths, masked);
  STRV(l->readonly_paths, readonly);
  return l;
}

oci_spec *oci_spec_default(bool rootless) {
  oci_spec *s = oci_xcalloc(1, sizeof *s);
  s->oci_version = oci_xstrdup("1.2.0");
  s->process = default_process();
  s->root = oci_xcalloc(1, sizeof *s->root);
  s->root->path = oci_xstrdup("rootfs");
  s->root->readonly = true;
  s->hostname = oci_xstrdup("hardened");
  s->mounts = oci_xcalloc(ARRAY_LEN(default_mounts), sizeof *s->mounts);
  s->mounts_len = ARRAY_LEN(default_mounts);
  for (size_t i = 0; i < s->mounts_len; i++)
    fill_mount(&s->mounts[i], &default_mounts[i], rootless);
  s->linux_ = default_linux(rootless);
  return s;
}
