/* The overlay against hostile specs and policies. Every rule, the exact
 * refusal messages, the override records, and an input left untouched. */
#define _GNU_SOURCE
#include "hooks.h"
#include "namespaces.h"
#include "overlay.h"
#include "policy.h"
#include "seccomp-baseline.h"
#include "spec.h"
#include "unit.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NS_ALL                                                                 \
  "\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},"                 \
  "{\"type\":\"mount\"},{\"type\":\"ipc\"},{\"type\":\"uts\"}]"

/* uid 0, every cap, writable root, no pids limit, exec /tmp of 10g, a
 * suid bind, docker's port sysctl, --privileged-style empty paths. */
static const char hostile[] =
    "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
    "\"process\":{\"cwd\":\"/\",\"args\":[\"sh\"],"
    " \"user\":{\"uid\":0,\"gid\":0,\"additionalGids\":[0,10]},"
    " \"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\",\"CAP_NET_RAW\"],"
    "  \"effective\":[\"CAP_SYS_ADMIN\"],\"permitted\":[\"CAP_SYS_ADMIN\"],"
    "  \"inheritable\":[\"CAP_SYS_ADMIN\"],\"ambient\":[\"CAP_SYS_ADMIN\"]},"
    " \"noNewPrivileges\":false,\"oomScoreAdj\":-1000,"
    " \"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":1000,\"soft\":1000}]},"
    "\"mounts\":["
    " {\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
    " {\"destination\":\"/dev\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
    "  \"options\":[\"nosuid\",\"mode=755\"]},"
    " {\"destination\":\"/dev/pts\",\"type\":\"devpts\",\"source\":\"devpts\","
    "  \"options\":[\"nosuid\",\"noexec\"]},"
    " {\"destination\":\"/sys\",\"type\":\"sysfs\",\"source\":\"sysfs\","
    "  \"options\":[\"rw\"]},"
    " {\"destination\":\"/tmp\",\"type\":\"tmpfs\",\"source\":\"tmpfs\","
    "  \"options\":[\"exec\",\"size=10g\"]},"
    " {\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv/data\","
    "  \"options\":[\"rbind\",\"rw\",\"suid\"]},"
    " {\"destination\":\"/ro\",\"type\":\"bind\",\"source\":\"/srv/ro\","
    "  \"options\":[\"rbind\",\"ro\"]}],"
    "\"annotations\":{\"org.hardened.overrides\":\"[]\",\"run.oci.x\":\"1\"},"
    "\"linux\":{" NS_ALL ",\"maskedPaths\":[],\"readonlyPaths\":[],"
    " \"sysctl\":{\"net.ipv4.ip_unprivileged_port_start\":\"0\"}}}";

static oci_spec *parse(const char *json) {
  oci_parse_error e = {0};
  oci_spec *s = oci_spec_parse(json, strlen(json), &e);
  if (s == NULL)
    fprintf(stderr, "parse: %s\n", e.msg);
  oci_parse_error_clear(&e);
  return s;
}

static hd_policy *policy(const char *json) {
  hd_policy *p = NULL;
  hd_error_t err = NULL;
  if (json == NULL)
    hd_policy_load(NULL, &p, &err);
  else if (hd_policy_parse(json, strlen(json), "test.json", &p, &err) < 0)
    fprintf(stderr, "policy: %s\n", err->msg);
  hd_error_free(&err);
  return p;
}

static hd_host_facts *facts(void) {
  hd_host_facts *f = hd_host_facts_new();
  hd_host_facts_add_host_ns(f, OCI_NS_NETWORK, 4, 4026531840);
  hd_host_facts_add_host_ns(f, OCI_NS_PID, 4, 4026531836);
  hd_host_facts_add_ns_path(f, "/proc/1/ns/net", 4, 4026531840);
  hd_host_facts_add_ns_path(f, "/proc/1/ns/pid", 4, 4026531836);
  hd_host_facts_add_ns_path(f, "/run/netns/pod", 4, 4026532999);
  hd_host_facts_set_ns_pinned(f, "/run/netns/pod");
  /* a host service's private mount and user namespaces, a pinned mount
   * namespace, and the init of a container of the state root */
  hd_host_facts_add_ns_path(f, "/proc/4242/ns/mnt", 4, 4026533001);
  hd_host_facts_add_ns_path(f, "/proc/4242/ns/user", 4, 4026533002);
  hd_host_facts_add_ns_path(f, "/proc/4242/ns/ipc", 4, 4026533003);
  hd_host_facts_add_ns_path(f, "/run/mntns/x", 4, 4026533004);
  hd_host_facts_set_ns_pinned(f, "/run/mntns/x");
  hd_host_facts_add_ns_path(f, "/proc/5000/ns/ipc", 4, 4026533100);
  hd_host_facts_add_ns_path(f, "/proc/5000/ns/pid", 4, 4026533101);
  hd_host_facts_add_ns_path(f, "/proc/5000/ns/mnt", 4, 4026533102);
  hd_host_facts_add_container_ns(f, OCI_NS_IPC, 4, 4026533100);
  hd_host_facts_add_container_ns(f, OCI_NS_PID, 4, 4026533101);
  hd_host_facts_add_resolved(f, "/srv/data", "/srv/data");
  hd_host_facts_add_resolved(f, "/srv/ro", "/srv/ro");
  hd_host_facts_add_resolved(f, "/srv/link-to-etc", "/etc");
  hd_host_facts_add_resolved(f, "/proc/42/exe", "/usr/bin/dockerd");
  hd_host_facts_add_resolved(f, "/opt/evil", "/opt/evil");
  hd_host_facts_add_resolved(f, "/opt/link-to-tool", "/opt/tool");
  hd_host_facts_add_resolved(f, "/opt/tool", "/opt/tool");
  hd_host_facts_add_unopened(f, "/proc/99/exe",
                             "/proc/99/exe: process 99 is not a host process");
  hd_host_facts_add_device(f, "/dev/nvidia0", 'c', 195, 0);
  hd_host_facts_set_memfd_noexec(f, true);
  return f;
}

typedef struct {
  oci_spec *out;
  hd_overrides ov;
  hd_error_t err;
  int rc;
} result;

/* Runs the overlay and checks the input came out byte-for-byte the same.
 * Takes f. */
static result run_on(const char *spec_json, const char *policy_json,
                     hd_host_facts *f) {
  result r = {0};
  oci_spec *in = parse(spec_json);
  hd_policy *p = policy(policy_json);
  CHECK(in != NULL && p != NULL);
  if (in == NULL || p == NULL)
    exit(1);
  char *before = oci_spec_emit(in, false);
  r.rc = hd_overlay_spec(in, p, f, &r.out, &r.ov, &r.err);
  char *after = oci_spec_emit(in, false);
  CHECK(before && after && strcmp(before, after) == 0);
  free(before);
  free(after);
  oci_spec_free(in);
  hd_policy_free(p);
  hd_host_facts_free(f);
  return r;
}

static result run(const char *spec_json, const char *policy_json) {
  return run_on(spec_json, policy_json, facts());
}

static void done(result *r) {
  oci_spec_free(r->out);
  hd_overrides_clear(&r->ov);
  hd_error_free(&r->err);
}

static const oci_override *find(const hd_overrides *ov, const char *rule,
                                const char *field) {
  for (size_t i = 0; i < ov->len; i++)
    if (strcmp(ov->items[i].rule, rule) == 0 &&
        strcmp(ov->items[i].field, field) == 0)
      return &ov->items[i];
  return NULL;
}

#define CHECK_OVERRIDE(ov, rule, field, req, enf)                              \
  do {                                                                         \
    const oci_override *o_ = find(ov, rule, field);                            \
    CHECK(o_ != NULL);                                                         \
    if (o_) {                                                                  \
      CHECK_STR(o_->requested, req);                                           \
      CHECK_STR(o_->enforced, enf);                                            \
    } else                                                                     \
      fprintf(stderr, "  missing override %s %s\n", rule, field);              \
  } while (0)

static const oci_mount *mount_at(const oci_spec *s, const char *dest) {
  const oci_mount *found = NULL;
  for (size_t i = 0; i < s->mounts_len; i++)
    if (strcmp(s->mounts[i].destination, dest) == 0)
      found = &s->mounts[i];
  return found;
}

static bool has_opt(const oci_mount *m, const char *o) {
  for (size_t i = 0; m && i < m->options_len; i++)
    if (strcmp(m->options[i], o) == 0)
      return true;
  return false;
}

static const char *sysctl(const oci_spec *s, const char *key) {
  for (size_t i = 0; i < s->linux_->sysctl_len; i++)
    if (strcmp(s->linux_->sysctl[i].key, key) == 0)
      return s->linux_->sysctl[i].value;
  return NULL;
}

static bool has_str(char **v, size_t n, const char *s) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(v[i], s) == 0)
      return true;
  return false;
}

static void test_hostile_spec(void) {
  result r = run(hostile, NULL);
  CHECK(r.rc == 0);
  if (r.rc != 0) {
    fprintf(stderr, "  %s\n", r.err->msg);
    return done(&r);
  }
  const oci_process *p = r.out->process;
  /* 1: non-root */
  CHECK(p->user.uid == 65534 && p->user.gid == 65534);
  CHECK(p->user.additional_gids_len == 0);
  CHECK_OVERRIDE(&r.ov, "non-root", "process.user.uid", "0", "65534");
  CHECK_OVERRIDE(&r.ov, "non-root", "process.user.gid", "0", "65534");
  CHECK_OVERRIDE(&r.ov, "non-root", "process.user.additionalGids", "0,10",
                 "10");
  CHECK_OVERRIDE(&r.ov, "supplementary-groups", "process.user.additionalGids",
                 "10", "(none)");
  CHECK_OVERRIDE(&r.ov, "own-session", "process.terminal",
                 "false (the caller's session)",
                 "false (a session of its own, no controlling terminal)");
  /* 2: no capabilities */
  CHECK(p->capabilities && p->capabilities->bounding_len == 0 &&
        p->capabilities->effective_len == 0 &&
        p->capabilities->permitted_len == 0 &&
        p->capabilities->inheritable_len == 0 &&
        p->capabilities->ambient_len == 0);
  CHECK_OVERRIDE(&r.ov, "no-capabilities", "process.capabilities.bounding",
                 "CAP_SYS_ADMIN,CAP_NET_RAW", "(none)");
  CHECK_OVERRIDE(&r.ov, "no-capabilities", "process.capabilities.ambient",
                 "CAP_SYS_ADMIN", "(none)");
  CHECK(p->no_new_privileges);
  CHECK_OVERRIDE(&r.ov, "no-capabilities", "process.noNewPrivileges", "false",
                 "true");
  CHECK_STR(sysctl(r.out, "net.ipv4.ip_unprivileged_port_start"), "1024");
  CHECK_OVERRIDE(&r.ov, "no-capabilities",
                 "linux.sysctl[\"net.ipv4.ip_unprivileged_port_start\"]", "0",
                 "1024");
  /* 3: read-only root */
  CHECK(r.out->root->readonly);
  CHECK_OVERRIDE(&r.ov, "read-only-root", "root.readonly", "false", "true");
  /* 4: noexec tmp, nosuid/nodev everywhere */
  const oci_mount *tmp = mount_at(r.out, "/tmp");
  CHECK(has_opt(tmp, "noexec") && has_opt(tmp, "nosuid") &&
        has_opt(tmp, "nodev") && has_opt(tmp, "size=64m"));
  CHECK(!has_opt(tmp, "exec") && !has_opt(tmp, "size=10g"));
  CHECK_OVERRIDE(&r.ov, "noexec-tmp", "mounts[/tmp].options", "exec,size=10g",
                 "noexec,nosuid,nodev,size=64m");
  const oci_mount *vt = mount_at(r.out, "/var/tmp");
  CHECK(vt && strcmp(vt->type, "tmpfs") == 0 && has_opt(vt, "noexec"));
  CHECK_OVERRIDE(&r.ov, "noexec-tmp", "mounts[/var/tmp]", "(none)",
                 "tmpfs nosuid,nodev,noexec,mode=1777,size=64m");
  CHECK(mount_at(r.out, "/dev/shm") != NULL);
  const oci_mount *data = mount_at(r.out, "/data");
  CHECK(has_opt(data, "nosuid") && has_opt(data, "nodev") &&
        !has_opt(data, "suid"));
  CHECK_OVERRIDE(&r.ov, "nosuid-nodev", "mounts[/data].options",
                 "rbind,rw,suid", "rbind,rw,nosuid,nodev");
  CHECK_OVERRIDE(&r.ov, "write-xor-execute", "mounts[/data].options",
                 "rbind,rw,nosuid,nodev", "rbind,rw,nosuid,nodev,noexec");
  CHECK(!has_opt(mount_at(r.out, "/ro"), "noexec")); /* read-only: fine */
  /* rbind: the same flags for every submount */
  CHECK(has_opt(data, "rnosuid") && has_opt(data, "rnodev") &&
        has_opt(data, "rnoexec") && !has_opt(data, "rro"));
  CHECK_OVERRIDE(&r.ov, "recursive-mount-flags", "mounts[/data].options",
                 "rbind,rw,nosuid,nodev,noexec",
                 "rbind,rw,nosuid,nodev,noexec,rnosuid,rnodev,rnoexec");
  CHECK(has_opt(mount_at(r.out, "/ro"), "rro") &&
        !has_opt(mount_at(r.out, "/ro"), "rnoexec"));
  const oci_mount *dev = mount_at(r.out, "/dev");
  CHECK(has_opt(dev, "nosuid") && !has_opt(dev, "nodev"));
  CHECK(!has_opt(mount_at(r.out, "/dev/pts"), "nodev"));
  CHECK(has_opt(mount_at(r.out, "/proc"), "nodev"));
  /* /sys read-only */
  const oci_mount *sys = mount_at(r.out, "/sys");
  CHECK(has_opt(sys, "ro") && !has_opt(sys, "rw"));
  /* 5: pids */
  CHECK(r.out->linux_->resources->pids->has_limit &&
        r.out->linux_->resources->pids->limit == 1024);
  CHECK_OVERRIDE(&r.ov, "pids-limit", "linux.resources.pids.limit", "(unset)",
                 "1024");
  /* defaults beyond the five */
  const oci_linux *l = r.out->linux_;
  CHECK(has_str(l->masked_paths, l->masked_paths_len, "/proc/kcore"));
  CHECK(has_str(l->masked_paths, l->masked_paths_len,
                "/sys/devices/virtual/powercap"));
  CHECK(l->masked_paths_len == 12 && l->readonly_paths_len == 5);
  CHECK(
      has_str(l->readonly_paths, l->readonly_paths_len, "/proc/sysrq-trigger"));
  CHECK_STR(sysctl(r.out, "vm.memfd_noexec"), "2");
  CHECK_OVERRIDE(&r.ov, "host-namespace", "linux.namespaces", "(no cgroup)",
                 "cgroup");
  CHECK_OVERRIDE(&r.ov, "seccomp-baseline", "linux.seccomp", "(none)",
                 "baseline");
  CHECK_OVERRIDE(&r.ov, "limits", "process.rlimits[RLIMIT_CORE]", "1000/1000",
                 "0");
  CHECK_OVERRIDE(&r.ov, "limits", "process.oomScoreAdj", "-1000", "0");
  CHECK(p->oom_score_adj == 0);
  CHECK_OVERRIDE(&r.ov, "annotations",
                 "annotations[\"org.hardened.overrides\"]", "[]", "(removed)");
  CHECK(r.out->annotations_len == 1);
  /* the device cgroup list is complete: deny all first */
  const oci_resources *res = l->resources;
  CHECK(res->devices_len > 1 && !res->devices[0].allow &&
        res->devices[0].type == 'a');
  done(&r);
}

/* Replace `from` with `to` once in the hostile spec. */
static char *variant(const char *from, const char *to) {
  const char *at = strstr(hostile, from);
  if (at == NULL) {
    fprintf(stderr, "variant: %s not found\n", from);
    exit(1);
  }
  return xasprintf("%.*s%s%s", (int)(at - hostile), hostile, to,
                   at + strlen(from));
}

static void expect_refusal(const char *from, const char *to,
                           const char *policy_json, const char *msg) {
  cleanup_free char *json = variant(from, to);
  result r = run(json, policy_json);
  CHECK(r.rc < 0 && r.out == NULL && r.ov.len == 0);
  CHECK_STR(r.err ? r.err->msg : NULL, msg);
  done(&r);
}

static void expect_ok(const char *from, const char *to,
                      const char *policy_json) {
  cleanup_free char *json = variant(from, to);
  result r = run(json, policy_json);
  CHECK(r.rc == 0);
  if (r.rc != 0)
    fprintf(stderr, "  unexpected: %s\n", r.err->msg);
  done(&r);
}

static void test_namespaces(void) {
  static const char *const names[] = {"pid", "network", "mount", "ipc", "uts"};
  for (size_t i = 0; i < 5; i++) {
    char ns[256] = "\"namespaces\":[";
    for (size_t j = 0; j < 5; j++)
      if (j != i)
        snprintf(ns + strlen(ns), sizeof ns - strlen(ns), "%s{\"type\":\"%s\"}",
                 ns[strlen(ns) - 1] == '[' ? "" : ",", names[j]);
    strcat(ns, "]");
    cleanup_free char *msg = xasprintf(
        "refused by policy (host-namespace): linux.namespaces lacks \"%s\"",
        names[i]);
    expect_refusal(NS_ALL, ns, NULL, msg);
  }
  expect_refusal("{\"type\":\"network\"}",
                 "{\"type\":\"network\",\"path\":\"/proc/1/ns/net\"}", NULL,
                 "refused by policy (host-namespace): "
                 "linux.namespaces[\"network\"].path /proc/1/ns/net is the "
                 "host's network namespace");
  expect_refusal("{\"type\":\"pid\"}",
                 "{\"type\":\"pid\",\"path\":\"/proc/1/ns/pid\"}",
                 "{\"allow_host_network\":true}",
                 "refused by policy (host-namespace): "
                 "linux.namespaces[\"pid\"].path /proc/1/ns/pid is the "
                 "host's pid namespace");
  /* another container's namespace, and the relaxation */
  expect_ok("{\"type\":\"network\"}",
            "{\"type\":\"network\",\"path\":\"/run/netns/pod\"}", NULL);
  /* what was judged travels with the spec, for setup to compare */
  cleanup_free char *pod =
      variant("{\"type\":\"network\"}",
              "{\"type\":\"network\",\"path\":\"/run/netns/pod\"}");
  result rp = run(pod, NULL);
  CHECK(rp.rc == 0);
  const char *noted = NULL;
  for (size_t i = 0; rp.out && i < rp.out->annotations_len; i++)
    if (strcmp(rp.out->annotations[i].key,
               "org.hardened.namespace.network") == 0)
      noted = rp.out->annotations[i].value;
  CHECK_STR(noted, "4:4026532999");
  done(&rp);
  /* a spec cannot bring its own */
  cleanup_free char *forged = variant("\"run.oci.x\":\"1\"",
                                      "\"run.oci.x\":\"1\","
                                      "\"org.hardened.namespace.mount\":\"4:1\"");
  rp = run(forged, NULL);
  CHECK(rp.rc == 0);
  for (size_t i = 0; rp.out && i < rp.out->annotations_len; i++)
    CHECK(strcmp(rp.out->annotations[i].key,
                 "org.hardened.namespace.mount") != 0);
  done(&rp);
  /* a host process's namespaces that are not the host's own */
  expect_refusal("{\"type\":\"mount\"}",
                 "{\"type\":\"mount\",\"path\":\"/proc/4242/ns/mnt\"}", NULL,
                 "refused by policy (host-namespace): "
                 "linux.namespaces[\"mount\"].path /proc/4242/ns/mnt is "
                 "neither a namespace of a container of this runtime's state "
                 "root nor the host's own");
  expect_refusal("{\"type\":\"ipc\"}",
                 "{\"type\":\"ipc\",\"path\":\"/proc/4242/ns/ipc\"}", NULL,
                 "refused by policy (host-namespace): "
                 "linux.namespaces[\"ipc\"].path /proc/4242/ns/ipc is "
                 "neither a namespace of a container of this runtime's state "
                 "root nor an engine's pinned namespace file");
  expect_refusal(
      "{\"type\":\"pid\"}",
      "{\"type\":\"pid\"},{\"type\":\"user\",\"path\":\"/proc/4242/ns/user\"}",
      NULL,
      "refused by policy (host-namespace): "
      "linux.namespaces[\"user\"].path /proc/4242/ns/user is neither a "
      "namespace of a container of this runtime's state root nor the host's "
      "own");
  expect_refusal("{\"type\":\"mount\"}",
                 "{\"type\":\"mount\",\"path\":\"/run/mntns/x\"}", NULL,
                 "refused by policy (host-namespace): "
                 "linux.namespaces[\"mount\"].path /run/mntns/x is "
                 "neither a namespace of a container of this runtime's state "
                 "root nor the host's own");
  /* a container of the state root: its ipc and pid, not its mount (the
   * facts list what its init has; this one's mount was left out) */
  expect_ok("{\"type\":\"ipc\"}",
            "{\"type\":\"ipc\",\"path\":\"/proc/5000/ns/ipc\"}", NULL);
  expect_ok("{\"type\":\"pid\"}",
            "{\"type\":\"pid\",\"path\":\"/proc/5000/ns/pid\"}", NULL);
  expect_refusal("{\"type\":\"mount\"}",
                 "{\"type\":\"mount\",\"path\":\"/proc/5000/ns/mnt\"}", NULL,
                 "refused by policy (host-namespace): "
                 "linux.namespaces[\"mount\"].path /proc/5000/ns/mnt is "
                 "neither a namespace of a container of this runtime's state "
                 "root nor the host's own");
  /* the pid namespace's inode as an ipc one is not the container's ipc */
  expect_refusal("{\"type\":\"ipc\"}",
                 "{\"type\":\"ipc\",\"path\":\"/proc/5000/ns/pid\"}", NULL,
                 "refused by policy (host-namespace): "
                 "linux.namespaces[\"ipc\"].path /proc/5000/ns/pid is "
                 "neither a namespace of a container of this runtime's state "
                 "root nor an engine's pinned namespace file");
  cleanup_free char *host_net =
      variant("\"sysctl\":{\"net.ipv4.ip_unprivileged_port_start\":\"0\"}",
              "\"sysctl\":{}");
  char *at = strstr(host_net, "{\"type\":\"network\"},");
  memmove(at, at + 19, strlen(at + 19) + 1);
  result r = run(host_net, "{\"allow_host_network\":true}");
  CHECK(r.rc == 0);
  done(&r);
  /* with the host network, net.* sysctls would change the host */
  expect_refusal("{\"type\":\"network\"},", "", "{\"allow_host_network\":true}",
                 "refused by policy (sysctl): "
                 "linux.sysctl[\"net.ipv4.ip_unprivileged_port_start\"] needs "
                 "the container's own network namespace");
}

static void test_mount_refusals(void) {
  expect_refusal("\"source\":\"/srv/data\"", "\"source\":\"/\"", NULL,
                 "refused by policy (host-bind): mounts[/data].source / "
                 "exposes the host's /proc");
  expect_refusal("\"source\":\"/srv/data\"", "\"source\":\"/srv/link-to-etc\"",
                 NULL,
                 "refused by policy (host-bind): mounts[/data].source /etc "
                 "exposes the host's /etc");
  expect_refusal("\"source\":\"/srv/data\"",
                 "\"source\":\"/var/run/../run/docker.sock\"", NULL,
                 "refused by policy (host-bind): mounts[/data].source "
                 "/var/run/docker.sock is a container engine's socket");
  expect_refusal("\"source\":\"/srv/data\"",
                 "\"source\":\"/home/x/containerd.sock\"", NULL,
                 "refused by policy (host-bind): mounts[/data].source "
                 "/home/x/containerd.sock is a container engine's socket");
  expect_refusal("\"source\":\"/srv/data\"", "\"source\":\"/var/lib\"", NULL,
                 "refused by policy (host-bind): mounts[/data].source /var/lib "
                 "exposes the host's /var/lib/docker");
  expect_refusal("\"source\":\"/srv/data\"", "\"source\":\"/srv/secret/x\"",
                 "{\"forbidden_bind_sources\":[\"/srv/secret\"]}",
                 "refused by policy (host-bind): mounts[/data].source "
                 "/srv/secret/x exposes the host's /srv/secret");
  /* a recursive clear only reaches the top mount */
  {
    cleanup_free char *json =
        variant("\"options\":[\"rbind\",\"rw\",\"suid\"]",
                "\"options\":[\"rbind\",\"rrw\",\"rexec\"]");
    result r = run(json, NULL);
    const oci_mount *m = r.rc == 0 ? mount_at(r.out, "/data") : NULL;
    CHECK(m && has_opt(m, "rw") && !has_opt(m, "rrw") && !has_opt(m, "rexec") &&
          !has_opt(m, "exec") && has_opt(m, "rnoexec"));
    CHECK_OVERRIDE(&r.ov, "recursive-mount-flags", "mounts[/data].options",
                   "rbind,rrw,rexec", "rbind,rw,exec");
    done(&r);
  }
  /* root.path: the host-path rules of a bind source, and system dirs */
  expect_refusal("\"path\":\"rootfs\"", "\"path\":\"/run\"", NULL,
                 "refused by policy (root-path): root.path /run is, holds or "
                 "lies in the host's /run");
  expect_refusal(
      "\"path\":\"rootfs\"", "\"path\":\"/usr/lib/x\"", NULL,
      "refused by policy (root-path): root.path /usr/lib/x is, holds "
      "or lies in the host's /usr");
  expect_refusal("\"path\":\"rootfs\"", "\"path\":\"/etc/x\"", NULL,
                 "refused by policy (root-path): root.path /etc/x exposes the "
                 "host's /etc");
  expect_ok("\"path\":\"rootfs\"",
            "\"path\":\"/var/lib/docker/overlay2/x/merged\"", NULL);
  /* volumes live below /var/lib/docker: allowed */
  expect_ok("\"source\":\"/srv/data\"",
            "\"source\":\"/var/lib/docker/volumes/v/_data\"", NULL);
  expect_refusal("\"type\":\"bind\",\"source\":\"/srv/data\","
                 "  \"options\":[\"rbind\",\"rw\",\"suid\"]",
                 "\"type\":\"ext4\",\"source\":\"/dev/sda1\"", NULL,
                 "refused by policy (mount-type): mounts[/data] type ext4 is "
                 "not a pseudo filesystem or a bind");
  expect_refusal("\"destination\":\"/data\",\"type\":\"bind\",\"source\":"
                 "\"/srv/data\",  \"options\":[\"rbind\",\"rw\",\"suid\"]",
                 "\"destination\":\"/mnt/p\",\"type\":\"proc\"", NULL,
                 "refused by policy (masked-paths): mounts[/mnt/p] mounts "
                 "proc outside /proc, where nothing is masked");
  expect_refusal("\"destination\":\"/data\"", "\"destination\":\"/x/..\"", NULL,
                 "refused by policy (mount-destination): "
                 "mounts[/x/..].destination has a \"..\" component");
  expect_refusal("\"destination\":\"/data\"",
                 "\"destination\":\"/tmp/../../o\"", NULL,
                 "refused by policy (mount-destination): "
                 "mounts[/tmp/../../o].destination has a \"..\" component");
  expect_refusal("\"destination\":\"/data\"", "\"destination\":\"//\"", NULL,
                 "refused by policy (read-only-root): mounts[/] would replace "
                 "the read-only root");
}

/* root.path judged on the real path host-facts read from its fd. */
static void check_root_fact(const char *real, const char *refusal) {
  oci_spec *in = parse(hostile);
  hd_policy *p = policy(NULL);
  hd_host_facts *f = facts();
  hd_host_facts_set_root(f, real);
  result r = {0};
  r.rc = hd_overlay_spec(in, p, f, &r.out, &r.ov, &r.err);
  if (refusal)
    CHECK_STR(r.err ? r.err->msg : NULL, refusal);
  else
    CHECK(r.rc == 0 && strcmp(r.out->root->path, real) == 0);
  done(&r);
  hd_host_facts_free(f);
  hd_policy_free(p);
  oci_spec_free(in);
}

static void test_root_path_facts(void) {
  /* "rootfs" in the bundle, a symlink to the host's /usr */
  check_root_fact("/usr", "refused by policy (root-path): root.path /usr is, "
                          "holds or lies in the host's /usr");
  check_root_fact("/", "refused by policy (root-path): root.path / is, holds "
                       "or lies in the host's /usr");
  check_root_fact("/var/lib/docker/overlay2/x/merged", NULL);
}

static void test_devices_hooks_sysctls(void) {
  expect_refusal("\"maskedPaths\"",
                 "\"devices\":[{\"path\":\"/dev/sda\",\"type\":\"b\","
                 "\"major\":8,\"minor\":0}],\"maskedPaths\"",
                 NULL,
                 "refused by policy (devices): linux.devices[/dev/sda] "
                 "(b 8:0) is not an allowed device");
  /* an allowed name on another device */
  expect_refusal("\"maskedPaths\"",
                 "\"devices\":[{\"path\":\"/dev/null\",\"type\":\"c\","
                 "\"major\":8,\"minor\":0}],\"maskedPaths\"",
                 NULL,
                 "refused by policy (devices): linux.devices[/dev/null] "
                 "(c 8:0) is not an allowed device");
  expect_refusal("\"maskedPaths\"",
                 "\"resources\":{\"devices\":[{\"allow\":true,"
                 "\"access\":\"rwm\"}]},\"maskedPaths\"",
                 NULL,
                 "refused by policy (devices): linux.resources.devices[0] "
                 "allows a *:* rwm, which is not an allowed device");
  static const char gpu[] =
      "\"devices\":[{\"path\":\"/dev/nvidia0\",\"type\":\"c\",\"major\":195,"
      "\"minor\":0}],\"resources\":{\"devices\":[{\"allow\":false,"
      "\"access\":\"rwm\"},{\"allow\":true,\"type\":\"c\",\"major\":195,"
      "\"minor\":0,\"access\":\"rw\"}]},\"maskedPaths\"";
  expect_refusal("\"maskedPaths\"", gpu, NULL,
                 "refused by policy (devices): linux.devices[/dev/nvidia0] "
                 "(c 195:0) is not an allowed device");
  expect_ok("\"maskedPaths\"", gpu, "{\"allowed_devices\":[\"/dev/nvidia*\"]}");
  expect_refusal("\"sysctl\":{", "\"sysctl\":{\"kernel.core_pattern\":\"|x\",",
                 NULL,
                 "refused by policy (sysctl): "
                 "linux.sysctl[\"kernel.core_pattern\"] is not namespaced: it "
                 "would change the host");
  expect_refusal("\"sysctl\":{",
                 "\"sysctl\":{\"net/../kernel/core_pattern\":\"|x\",", NULL,
                 "refused by policy (sysctl): "
                 "linux.sysctl[\"net/../kernel/core_pattern\"] is not a "
                 "sysctl name");
  expect_ok("\"sysctl\":{",
            "\"sysctl\":{\"kernel.shmmax\":\"1000\","
            "\"net.ipv4.ping_group_range\":\"0 0\",",
            NULL);
  expect_refusal("\"maskedPaths\"",
                 "\"personality\":{\"domain\":\"LINUX\",\"flags\":"
                 "[\"ADDR_NO_RANDOMIZE\"]},\"maskedPaths\"",
                 NULL,
                 "refused by policy (personality): linux.personality.flags "
                 "ADDR_NO_RANDOMIZE would weaken the process's protections");
}

/* ---- hooks ---- */

#define ID64 "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
#define SETKEY_ARGS                                                            \
  "[\"libnetwork-setkey\",\"-exec-root=/var/run/docker\",\"" ID64              \
  "\",\"0123456789ab\"]"

/* A spec whose only change from the hostile one is `hooks_json`. */
static result run_hooks(const char *hooks_json, const char *policy_json) {
  cleanup_free char *to = xasprintf("\"hooks\":%s,\"linux\"", hooks_json);
  cleanup_free char *json = variant("\"linux\"", to);
  return run(json, policy_json);
}

static void expect_hook_refusal(const char *hooks_json, const char *policy_json,
                                const char *msg) {
  result r = run_hooks(hooks_json, policy_json);
  CHECK(r.rc < 0 && r.out == NULL);
  CHECK_STR(r.err ? r.err->msg : NULL, msg);
  done(&r);
}

static void test_hook_paths(void) {
  /* docker's setkey hook: /proc/<pid>/exe of a host process (the fact
   * says what its fd resolved to), rewritten to that real path */
  result r = run_hooks("{\"createRuntime\":[{\"path\":\"/proc/42/exe\","
                       "\"args\":" SETKEY_ARGS "}]}",
                       NULL);
  CHECK(r.rc == 0);
  if (r.rc == 0) {
    CHECK_STR(r.out->hooks->create_runtime[0].path, "/usr/bin/dockerd");
    CHECK_OVERRIDE(&r.ov, "hooks", "hooks.createRuntime[0].path",
                   "/proc/42/exe", "/usr/bin/dockerd");
  }
  done(&r);
  /* a symlink: what runs is what the fd reached, by its real path */
  r = run_hooks("{\"poststop\":[{\"path\":\"/opt/link-to-tool\"}]}",
                "{\"hooks_allowed\":[\"/opt/tool\"]}");
  CHECK(r.rc == 0 && r.out &&
        strcmp(r.out->hooks->poststop[0].path, "/opt/tool") == 0);
  done(&r);
  expect_hook_refusal("{\"prestart\":[{\"path\":\"/proc/42/root/usr/bin/"
                      "dockerd\"}]}",
                      NULL,
                      "refused by policy (hooks): hooks.prestart[0].path "
                      "/proc/42/root/usr/bin/dockerd goes through /proc "
                      "(magic links and other processes' roots are refused; "
                      "only /proc/<pid>/exe of a host process, for a host "
                      "hook)");
  expect_hook_refusal("{\"prestart\":[{\"path\":\"/proc/self/exe\"}]}", NULL,
                      "refused by policy (hooks): hooks.prestart[0].path "
                      "/proc/self/exe goes through /proc (magic links and "
                      "other processes' roots are refused; only "
                      "/proc/<pid>/exe of a host process, for a host hook)");
  /* another container's process: its fd did not open, so no fact */
  expect_hook_refusal("{\"prestart\":[{\"path\":\"/proc/77/exe\"}]}", NULL,
                      "refused by policy (hooks): hooks.prestart[0].path "
                      "/proc/77/exe does not open as an executable owned by "
                      "root and not writable by group or others, without "
                      "/proc magic links");
  expect_hook_refusal("{\"prestart\":[{\"path\":\"/proc/99/exe\"}]}", NULL,
                      "refused by policy (hooks): hooks.prestart[0].path "
                      "does not open as a hook: /proc/99/exe: process 99 is "
                      "not a host process");
  /* the one /proc shape a hook may have */
  long pid = 0;
  CHECK(hd_hook_is_proc_exe("/proc/42/exe", &pid) && pid == 42);
  CHECK(!hd_hook_is_proc_exe("/proc/042/exe", NULL));
  CHECK(!hd_hook_is_proc_exe("/proc/42/exe/", NULL));
  CHECK(!hd_hook_is_proc_exe("/proc/42/exe/../exe", NULL));
  CHECK(!hd_hook_is_proc_exe("/proc/self/exe", NULL));
  CHECK(!hd_hook_is_proc_exe("/proc/-1/exe", NULL));
  CHECK(!hd_hook_is_proc_exe("/proc//42/exe", NULL));
  CHECK(!hd_hook_is_proc_exe("/proc/42/root", NULL));
  expect_hook_refusal("{\"poststop\":[{\"path\":\"/opt/evil\"}]}", NULL,
                      "refused by policy (hooks): hooks.poststop[0].path "
                      "/opt/evil (/opt/evil) is not in the policy's hook "
                      "allow-list");
  expect_hook_refusal("{\"prestart\":[{\"path\":\"/proc/42/exe\",\"args\":"
                      "[\"libnetwork-setkey\"]}]}",
                      "{\"hooks_allowed\":[\"/opt/evil\"]}",
                      "refused by policy (hooks): hooks.prestart[0].path "
                      "/proc/42/exe (/usr/bin/dockerd) is not in the "
                      "policy's hook allow-list");
  expect_hook_refusal("{\"createContainer\":[{\"path\":\"/opt/evil\"}]}",
                      "{\"hooks_allowed\":[\"/opt/evil\"]}",
                      "refused by policy (hooks): hooks.createContainer[0]."
                      "path /opt/evil: createContainer hooks would run as "
                      "root in the container's namespaces before pivot_root "
                      "and before its process is hardened; hardened does not "
                      "run them");
  /* startContainer resolves in the container: no /proc, name kept */
  expect_hook_refusal("{\"startContainer\":[{\"path\":\"/proc/42/exe\"}]}",
                      NULL,
                      "refused by policy (hooks): hooks.startContainer[0]."
                      "path /proc/42/exe goes through /proc (magic links and "
                      "other processes' roots are refused; only "
                      "/proc/<pid>/exe of a host process, for a host hook)");
  r = run_hooks("{\"startContainer\":[{\"path\":\"/opt/link-to-tool\"}]}",
                "{\"hooks_allowed\":[\"/opt/tool\"]}");
  CHECK(r.rc == 0 && r.out &&
        strcmp(r.out->hooks->start_container[0].path, "/opt/link-to-tool") ==
            0);
  done(&r);
}

static void test_hook_args(void) {
  /* the built-in docker shapes, old and new */
  result r =
      run_hooks("{\"prestart\":[{\"path\":\"/proc/42/exe\",\"args\":"
                "[\"libnetwork-setkey\",\"" ID64 "\",\"0123456789ab\"]}]}",
                NULL);
  CHECK(r.rc == 0);
  done(&r);
  expect_hook_refusal("{\"prestart\":[{\"path\":\"/proc/42/exe\",\"args\":"
                      "[\"dockerd\",\"--config-file=/tmp/x\"]}]}",
                      NULL,
                      "refused by policy (hooks): hooks.prestart[0].args "
                      "[dockerd,--config-file=/tmp/x] is not an argv shape "
                      "the policy allows for /usr/bin/dockerd");
  expect_hook_refusal(
      "{\"prestart\":[{\"path\":\"/proc/42/exe\",\"args\":"
      "[\"libnetwork-setkey\",\"-exec-root=/run/docker\",\"" ID64
      "\",\"0123456789ab\",\"extra\"]}]}",
      NULL,
      "refused by policy (hooks): hooks.prestart[0].args "
      "[libnetwork-setkey,-exec-root=/run/docker," ID64
      ",0123456789ab,extra] is not an argv shape the policy "
      "allows for /usr/bin/dockerd");
  /* a policy shape; an executable without one takes any argv */
  static const char pol[] = "{\"hooks_allowed\":[\"/opt/evil\",\"/opt/tool\"],"
                            "\"hook_args\":[\"/opt/evil evil --ok *\"]}";
  r = run_hooks("{\"poststop\":[{\"path\":\"/opt/evil\",\"args\":[\"evil\","
                "\"--ok\",\"x y\"]},{\"path\":\"/opt/tool\",\"args\":"
                "[\"anything\"]}]}",
                pol);
  CHECK(r.rc == 0);
  done(&r);
  expect_hook_refusal("{\"poststop\":[{\"path\":\"/opt/evil\",\"args\":"
                      "[\"evil\",\"--bad\",\"x\"]}]}",
                      pol,
                      "refused by policy (hooks): hooks.poststop[0].args "
                      "[evil,--bad,x] is not an argv shape the policy allows "
                      "for /opt/evil");
  expect_hook_refusal("{\"poststop\":[{\"path\":\"/opt/evil\",\"args\":"
                      "[\"evil\",\"--ok\"]}]}",
                      pol,
                      "refused by policy (hooks): hooks.poststop[0].args "
                      "[evil,--ok] is not an argv shape the policy allows "
                      "for /opt/evil");
}

static void test_hook_env(void) {
  result r = run_hooks(
      "{\"prestart\":[{\"path\":\"/opt/tool\",\"env\":[\"LD_PRELOAD=/tmp/x."
      "so\",\"LANG=C.UTF-8\",\"PATH=/tmp/evil:/bin\",\"GCONV_PATH=/tmp\","
      "\"LC_ALL=/tmp/locale\",\"GLIBC_TUNABLES=glibc.malloc.check=3\","
      "\"TERM=xterm\",\"NOEQUALS\"]}]}",
      "{\"hooks_allowed\":[\"/opt/tool\"]}");
  CHECK(r.rc == 0);
  if (r.rc == 0) {
    const oci_hook *h = &r.out->hooks->prestart[0];
    CHECK(h->env_len == 3);
    CHECK(h->env_len == 3 && strcmp(h->env[0], "LANG=C.UTF-8") == 0 &&
          strcmp(h->env[1], "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
                            "/usr/bin:/sbin:/bin") == 0 &&
          strcmp(h->env[2], "TERM=xterm") == 0);
    size_t dropped = 0;
    for (size_t i = 0; i < r.ov.len; i++)
      dropped += strcmp(r.ov.items[i].field, "hooks.prestart[0].env") == 0 &&
                 strcmp(r.ov.items[i].enforced, "(dropped)") == 0;
    CHECK(dropped == 5);
    CHECK_OVERRIDE(&r.ov, "hooks", "hooks.prestart[0].env",
                   "LD_PRELOAD=/tmp/x.so", "(dropped)");
  }
  done(&r);
}

/* Nothing waits without bound: an absent or too long hook timeout is set
 * to the cap; a shorter one stands. */
static void test_hook_timeout(void) {
  result r = run_hooks(
      "{\"prestart\":[{\"path\":\"/opt/tool\"},{\"path\":\"/opt/tool\","
      "\"timeout\":600},{\"path\":\"/opt/tool\",\"timeout\":5}]}",
      "{\"hooks_allowed\":[\"/opt/tool\"]}");
  CHECK(r.rc == 0);
  if (r.rc == 0) {
    const oci_hook *h = r.out->hooks->prestart;
    CHECK(h[0].has_timeout && h[0].timeout == HD_HOOK_TIMEOUT_MAX);
    CHECK(h[1].has_timeout && h[1].timeout == HD_HOOK_TIMEOUT_MAX);
    CHECK(h[2].has_timeout && h[2].timeout == 5);
    CHECK_OVERRIDE(&r.ov, "hooks", "hooks.prestart[0].timeout", "(unset)",
                   "60");
    CHECK_OVERRIDE(&r.ov, "hooks", "hooks.prestart[1].timeout", "600", "60");
  }
  done(&r);
}

static int64_t pids_after(const char *pids_json, const char *policy_json) {
  cleanup_free char *res =
      xasprintf("\"resources\":{%s},\"maskedPaths\"", pids_json);
  cleanup_free char *json = variant("\"maskedPaths\"", res);
  result r = run(json, policy_json);
  int64_t v = r.rc == 0 && r.out->linux_->resources->pids &&
                      r.out->linux_->resources->pids->has_limit
                  ? r.out->linux_->resources->pids->limit
                  : -12345;
  done(&r);
  return v;
}

static void test_pids(void) {
  CHECK(pids_after("\"pids\":{\"limit\":-1}", NULL) == 1024);
  CHECK(pids_after("\"pids\":{\"limit\":0}", NULL) == 1024);
  CHECK(pids_after("", NULL) == 1024);
  CHECK(pids_after("\"pids\":{\"limit\":99999999}", NULL) == 1024);
  CHECK(pids_after("\"pids\":{\"limit\":100}", NULL) == 100);
  CHECK(pids_after("\"pids\":{\"limit\":500}", "{\"pids_max\":200}") == 200);
}

/* ---- cgroups ---- */

static hd_host_facts *cgroup_facts(const char *path, const char *v2) {
  hd_host_facts *f = facts();
  hd_host_facts_set_cgroup_path(f, path);
  hd_host_facts_set_cgroup_v2_controllers(f, v2);
  return f;
}

/* The overlay's answer for a create whose cgroup resolved to path:
 * NULL when accepted, else the refusal. */
static char *cgroup_path_verdict(const char *path, const char *policy_json) {
  cleanup_free char *json = variant("\"maskedPaths\"", "\"maskedPaths\"");
  result r = run_on(json, policy_json, cgroup_facts(path, NULL));
  char *msg = r.rc == 0 ? NULL : xstrdup(r.err->msg);
  done(&r);
  return msg;
}

static void test_cgroup_path(void) {
  /* What docker, podman, containerd, the kubelet and the suites make. */
  static const char *const admitted[] = {
      "/hardened/abc",
      "/hardened-test-hd1t2",
      "/hardened-test-x/sub/leaf",
      "/docker/0123abcd",
      "/system.slice/docker-0123abcd.scope",
      "/libpod_parent/libpod-0123abcd",
      "/machine.slice/libpod-0123abcd.scope",
      "/default/ctr1",
      "/k8s.io/0123abcd",
      "/kubepods/burstable/pod1/0123abcd",
      "/kubepods.slice/kubepods-burstable.slice/cri-containerd-ab.scope"};
  for (size_t i = 0; i < sizeof admitted / sizeof *admitted; i++) {
    cleanup_free char *msg = cgroup_path_verdict(admitted[i], NULL);
    CHECK(msg == NULL);
    if (msg)
      fprintf(stderr, "  %s: %s\n", admitted[i], msg);
  }
  static const char *const refused[] = {"/system.slice/sshd.service", "/docker",
                                        "/dockerx/y", "/user.slice/x",
                                        "/init.scope"};
  for (size_t i = 0; i < sizeof refused / sizeof *refused; i++) {
    cleanup_free char *msg = cgroup_path_verdict(refused[i], NULL);
    cleanup_free char *want = xasprintf(
        "refused by policy (cgroup-path): linux.cgroupsPath \"%s\" is not "
        "below a parent the policy allows (cgroup_parents: /hardened*,"
        "/docker,/system.slice/docker-*.scope,/libpod_parent,"
        "/machine.slice/libpod-*.scope,/default,/k8s.io,/kubepods*)",
        refused[i]);
    CHECK_STR(msg, want);
  }
  cleanup_free char *dots = cgroup_path_verdict("/docker/../init.scope", NULL);
  CHECK_STR(dots, "refused by policy (cgroup-path): linux.cgroupsPath "
                  "\"/docker/../init.scope\": empty, \".\" and \"..\" "
                  "components are not allowed");
  cleanup_free char *empty = cgroup_path_verdict("/docker//x", NULL);
  CHECK(empty && strstr(empty, "(cgroup-path)"));
  /* A site's own list replaces the built-in one. */
  static const char site[] = "{\"cgroup_parents\":[\"/site\"]}";
  cleanup_free char *own = cgroup_path_verdict("/site/c1", site);
  CHECK(own == NULL);
  cleanup_free char *docker = cgroup_path_verdict("/docker/c1", site);
  CHECK_STR(docker, "refused by policy (cgroup-path): linux.cgroupsPath "
                    "\"/docker/c1\" is not below a parent the policy "
                    "allows (cgroup_parents: /site)");
}

/* The verdict on one unified key, with the controllers the cgroup has. */
static char *unified_verdict(const char *key, const char *value, const char *v2,
                             const char *policy_json) {
  cleanup_free char *res =
      xasprintf("\"resources\":{\"unified\":{\"%s\":\"%s\"}},\"maskedPaths\"",
                key, value);
  cleanup_free char *json = variant("\"maskedPaths\"", res);
  result r = run_on(json, policy_json, cgroup_facts("/hardened/u", v2));
  char *msg = r.rc == 0 ? NULL : xstrdup(r.err->msg);
  if (r.rc == 0) {
    const oci_resources *out = r.out->linux_->resources;
    CHECK(out->unified_len == 1 && strcmp(out->unified[0].key, key) == 0 &&
          strcmp(out->unified[0].value, value) == 0);
  }
  done(&r);
  return msg;
}

#define V2_ALL "cpuset cpu io memory hugetlb pids"

static void expect_unified_refused(const char *key, const char *value,
                                   const char *v2, const char *policy_json,
                                   const char *why) {
  cleanup_free char *msg = unified_verdict(key, value, v2, policy_json);
  cleanup_free char *want = xasprintf(
      "refused by policy (cgroup-unified): linux.resources.unified[\"%s\"] %s",
      key, why);
  CHECK_STR(msg, want);
}

static void expect_unified_ok(const char *key, const char *value,
                              const char *v2, const char *policy_json) {
  cleanup_free char *msg = unified_verdict(key, value, v2, policy_json);
  CHECK(msg == NULL);
  if (msg)
    fprintf(stderr, "  %s=%s: %s\n", key, value, msg);
}

static void test_unified(void) {
  static const char *const interface[] = {
      "cgroup.procs",     "cgroup.threads",        "cgroup.subtree_control",
      "cgroup.kill",      "cgroup.freeze",         "cgroup.type",
      "cgroup.max.depth", "cgroup.max.descendants"};
  for (size_t i = 0; i < sizeof interface / sizeof *interface; i++)
    expect_unified_refused(interface[i], "1", V2_ALL, NULL,
                           "is a cgroup interface file, not a resource");
  static const char *const not_names[] = {"../../cgroup.procs", "a/b", "memory",
                                          ".max", "memory."};
  for (size_t i = 0; i < sizeof not_names / sizeof *not_names; i++)
    expect_unified_refused(not_names[i], "1", V2_ALL, NULL,
                           "is not a <controller>.<file> name of the "
                           "container's cgroup");
  expect_unified_refused("cpuset.cpus.partition", "root", V2_ALL, NULL,
                         "would take CPUs from cgroups outside the "
                         "container's");
  expect_unified_ok("memory.high", "1000000", V2_ALL, NULL);
  expect_unified_ok("memory.min", "1000000", V2_ALL, NULL);
  /* Only controllers the container's cgroup can have (hybrid: the v1
   * hierarchies own memory). */
  expect_unified_refused("memory.high", "1000000", "hugetlb", NULL,
                         "names the memory controller, which the "
                         "container's cgroup v2 does not have (available: "
                         "hugetlb)");
  expect_unified_refused("memory.high", "1000000", "", NULL,
                         "names the memory controller, which the "
                         "container's cgroup v2 does not have (this host "
                         "mounts no cgroup v2)");
  /* The policy's limits hold through unified too. why NULL: kept. */
  static const char mem[] = "{\"memory_max\":\"1g\"}";
  static const char cpu[] = "{\"cpu_max\":0.5}";
  static const struct {
    const char *key, *value, *policy, *why;
  } limits[] = {
      {"pids.max", "50", NULL, NULL},
      {"pids.max", "max", NULL, "\"max\" is above the policy's pids_max 1024"},
      {"pids.max", "5000", NULL,
       "\"5000\" is above the policy's pids_max 1024"},
      {"memory.max", "max", NULL, NULL},
      {"memory.max", "1000000", mem, NULL},
      {"memory.max", "max", mem,
       "\"max\" is above the policy's memory_max 1073741824"},
      {"memory.swap.max", "2147483648", mem,
       "\"2147483648\" is above the policy's memory_max 1073741824"},
      {"cpu.max", "max 100000", NULL, NULL},
      {"cpu.max", "25000 50000", cpu, NULL},
      {"cpu.max", "60000 100000", cpu,
       "\"60000 100000\" is above the policy's cpu_max (50000 per 100000)"},
      {"cpu.max", "max 100000", cpu,
       "\"max 100000\": with the policy's cpu_max, give \"QUOTA PERIOD\" "
       "in microseconds"},
      {"cpu.max", "50000", cpu,
       "\"50000\": with the policy's cpu_max, give \"QUOTA PERIOD\" in "
       "microseconds"},
  };
  for (size_t i = 0; i < sizeof limits / sizeof *limits; i++) {
    if (limits[i].why)
      expect_unified_refused(limits[i].key, limits[i].value, V2_ALL,
                             limits[i].policy, limits[i].why);
    else
      expect_unified_ok(limits[i].key, limits[i].value, V2_ALL,
                        limits[i].policy);
  }
}

/* v1-only fields where the controller is on cgroup v2: dropped with a
 * record, not skipped quietly by the writer. */
static void test_v2_ignored(void) {
  static const char res[] =
      "\"resources\":{\"memory\":{\"limit\":67108864,\"kernel\":1000000,"
      "\"swappiness\":10,\"disableOOMKiller\":true},"
      "\"blockIO\":{\"weight\":100,\"leafWeight\":50}},\"maskedPaths\"";
  cleanup_free char *json = variant("\"maskedPaths\"", res);
  result r = run_on(json, NULL, cgroup_facts("/hardened/u", V2_ALL));
  CHECK(r.rc == 0);
  if (r.rc == 0) {
    const oci_resources *out = r.out->linux_->resources;
    CHECK(out->memory->has_limit && out->memory->limit == 67108864);
    CHECK(!out->memory->has_kernel && !out->memory->has_swappiness &&
          !out->memory->has_disable_oom_killer);
    CHECK(out->block_io->has_weight && !out->block_io->has_leaf_weight);
  }
  static const char dropped[] = "(dropped: cgroup v2 has no such setting)";
  CHECK_OVERRIDE(&r.ov, "unsupported", "linux.resources.memory.kernel",
                 "1000000", dropped);
  CHECK_OVERRIDE(&r.ov, "unsupported", "linux.resources.memory.swappiness",
                 "10", dropped);
  CHECK_OVERRIDE(&r.ov, "unsupported",
                 "linux.resources.memory.disableOOMKiller", "true", dropped);
  CHECK_OVERRIDE(&r.ov, "unsupported", "linux.resources.blockIO.leafWeight",
                 "50", dropped);
  done(&r);
  /* Hybrid: memory and blkio are v1 hierarchies, where they exist. */
  r = run_on(json, NULL, cgroup_facts("/hardened/u", "hugetlb"));
  CHECK(r.rc == 0 && r.out->linux_->resources->memory->has_kernel);
  CHECK(find(&r.ov, "unsupported", "linux.resources.memory.kernel") == NULL);
  done(&r);
}

/* update's resources go through the same rule. */
static void test_update_unified(void) {
  hd_policy *p = policy(NULL);
  static const char json[] = "{\"unified\":{\"cgroup.procs\":\"1\"}}";
  oci_parse_error e = {0};
  oci_resources *in = oci_resources_parse(json, strlen(json), &e);
  CHECK(in != NULL);
  oci_parse_error_clear(&e);
  hd_host_facts *f = cgroup_facts(NULL, V2_ALL);
  oci_resources *out = NULL;
  hd_overrides ov = {0};
  hd_error_t err = NULL;
  CHECK(hd_overlay_resources_on(in, p, f, &out, &ov, &err) < 0 && !out);
  CHECK_STR(err ? err->msg : NULL,
            "refused by policy (cgroup-unified): "
            "linux.resources.unified[\"cgroup.procs\"] is a cgroup interface "
            "file, not a resource");
  hd_error_free(&err);
  /* Without facts too: the interface files are never resources. */
  CHECK(hd_overlay_resources(in, p, &out, &ov, &err) < 0 && !out);
  hd_error_free(&err);
  hd_host_facts_free(f);
  oci_resources_free(in);
  hd_policy_free(p);
}

static void test_update(void) {
  hd_policy *p = policy(NULL);
  const char *cases[] = {"{\"pids\":{\"limit\":5000}}",
                         "{\"pids\":{\"limit\":-1}}",
                         "{\"memory\":{\"limit\":1000000}}"};
  int64_t want[] = {1024, 1024, -1};
  for (size_t i = 0; i < 3; i++) {
    oci_parse_error e = {0};
    oci_resources *in = oci_resources_parse(cases[i], strlen(cases[i]), &e);
    CHECK(in != NULL);
    oci_parse_error_clear(&e);
    oci_resources *out = NULL;
    hd_overrides ov = {0};
    hd_error_t err = NULL;
    CHECK(hd_overlay_resources(in, p, &out, &ov, &err) == 0);
    if (want[i] < 0)
      CHECK(out->pids == NULL); /* the cgroup keeps its value */
    else
      CHECK(out->pids && out->pids->limit == want[i] && ov.len == 1 &&
            in->pids->limit != want[i]);
    oci_resources_free(in);
    oci_resources_free(out);
    hd_overrides_clear(&ov);
  }
  hd_policy_free(p);
}

static void test_exec_process(void) {
  static const char proc[] =
      "{\"cwd\":\"/\",\"args\":[\"id\"],\"user\":{\"uid\":0,\"gid\":0},"
      "\"capabilities\":{\"bounding\":[\"CAP_SYS_ADMIN\"],"
      "\"effective\":[\"CAP_SYS_ADMIN\"]}}";
  oci_parse_error e = {0};
  oci_process *in = oci_process_parse(proc, strlen(proc), &e);
  CHECK(in != NULL);
  oci_parse_error_clear(&e);
  hd_policy *p = policy("{\"uid\":1000,\"gid\":1001}");
  oci_process *out = NULL;
  hd_overrides ov = {0};
  hd_error_t err = NULL;
  CHECK(hd_overlay_process(in, p, &out, &ov, &err) == 0);
  CHECK(out->user.uid == 1000 && out->user.gid == 1001);
  CHECK(out->capabilities->bounding_len == 0 &&
        out->capabilities->effective_len == 0 && out->no_new_privileges);
  CHECK(in->user.uid == 0 && in->capabilities->bounding_len == 1);
  CHECK_OVERRIDE(&ov, "non-root", "process.user.uid", "0", "1000");
  CHECK_OVERRIDE(&ov, "no-capabilities", "process.capabilities.effective",
                 "CAP_SYS_ADMIN", "(none)");
  oci_process_free(in);
  oci_process_free(out);
  hd_overrides_clear(&ov);
  hd_policy_free(p);
}

static void test_policy_relaxations(void) {
  cleanup_free char *json =
      variant("\"destination\":\"/data\"", "\"destination\":\"/opt/tools\"");
  result r = run(json, "// tools need exec\n{\"exec_allowed\":[\"/opt\"]}");
  CHECK(r.rc == 0 && !has_opt(mount_at(r.out, "/opt/tools"), "noexec"));
  CHECK(has_opt(mount_at(r.out, "/opt/tools"), "nosuid"));
  CHECK(has_opt(mount_at(r.out, "/tmp"), "noexec")); /* not relaxable */
  done(&r);
  /* a non-root user is kept; tmp size from the policy */
  cleanup_free char *user =
      variant("\"uid\":0,\"gid\":0", "\"uid\":42,\"gid\":7");
  r = run(user, "{\"tmp_size\":\"1g\"}");
  CHECK(r.rc == 0 && r.out->process->user.uid == 42 &&
        r.out->process->user.gid == 7);
  CHECK(find(&r.ov, "non-root", "process.user.uid") == NULL);
  CHECK(has_opt(mount_at(r.out, "/tmp"), "size=1g"));
  done(&r);
}

static void expect_bad_policy(const char *json, const char *msg) {
  hd_policy *p = NULL;
  hd_error_t err = NULL;
  CHECK(hd_policy_parse(json, strlen(json), "p.json", &p, &err) < 0 &&
        p == NULL);
  CHECK_STR(err ? err->msg : NULL, msg);
  hd_error_free(&err);
}

static void test_policy_errors(void) {
  expect_bad_policy("{\"hook_args\": [\"evil --x\"]}",
                    "policy p.json: line 1: hook_args[0]: expected "
                    "\"<absolute path> <argv[0] glob> ...\" with single "
                    "spaces, got \"evil --x\"");
  expect_bad_policy("{\"cgroup_parents\":[\"docker\"]}",
                    "policy p.json: line 1: cgroup_parents[0]: expected a "
                    "clean absolute path, got \"docker\"");
  expect_bad_policy("{\n \"pids_max\": \"1024\"\n}",
                    "policy p.json: line 2: pids_max: expected an integer "
                    "from 1 to 4194304, got a string");
  expect_bad_policy("{\"uid\": 0}", "policy p.json: line 1: uid: 0 is root, "
                                    "and no policy can make a container root");
  expect_bad_policy("{\"pids_max\": 0}",
                    "policy p.json: line 1: pids_max: expected an integer "
                    "from 1 to 4194304, got 0");
  expect_bad_policy("{\"pids_max\": 4194305}",
                    "policy p.json: line 1: pids_max: expected an integer "
                    "from 1 to 4194304, got 4194305");
  expect_bad_policy("{\n\n\"allow_host_netwrok\": true}",
                    "policy p.json: line 3: unknown key "
                    "\"allow_host_netwrok\"");
  expect_bad_policy("{\"exec_allowed\": [\"/var\"]}",
                    "policy p.json: line 1: exec_allowed[0]: \"/var\" would "
                    "let /var/tmp run programs, and noexec /var/tmp is an "
                    "invariant no policy can relax");
  expect_bad_policy("{\"tmp_size\": \"lots\"}",
                    "policy p.json: line 1: tmp_size: expected a size such as "
                    "\"64m\", got \"lots\"");
  expect_bad_policy("{\"uid\": 1,}",
                    "policy p.json: line 1: invalid JSON: parse error: "
                    "invalid object key (must be a string)");
  expect_bad_policy("[]", "policy p.json: line 1: expected an object, got "
                          "an array");
  hd_policy *p = NULL;
  hd_error_t err = NULL;
  CHECK(hd_policy_load("/nonexistent/policy.conf", &p, &err) < 0);
  CHECK_STR(err ? err->msg : NULL,
            "policy /nonexistent/policy.conf: No such file or directory");
  hd_error_free(&err);
}

/* ---- the baseline filter, in a child ---- */

static int child_checks(void) {
  hd_error_t err = NULL;
  if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
      hd_seccomp_baseline_load(&err) < 0)
    return 100;
  int bad = 0;
  errno = 0;
  bad |= !(unshare(CLONE_NEWUSER) < 0 && errno == EPERM) << 0;
  bad |= !(syscall(SYS_mount, "none", "/mnt", "tmpfs", 0, NULL) < 0 &&
           errno == EPERM)
         << 1;
  bad |= !(syscall(SYS_clone3, NULL, 0) < 0 && errno == ENOSYS) << 2;
  bad |= !(syscall(SYS_clone, CLONE_NEWNET | SIGCHLD, 0, 0, 0, 0) < 0 &&
           errno == EPERM)
         << 3;
  bad |= !(syscall(SYS_personality, 0xffffffffUL) >= 0) << 4;
  bad |= !(syscall(SYS_personality, 0x0040000UL) < 0 && errno == EPERM) << 5;
  pid_t pid = fork(); /* plain clone still works */
  if (pid == 0)
    _exit(0);
  bad |= !(pid > 0 && waitpid(pid, NULL, 0) == pid) << 6;
  bad |= !(syscall(SYS_ptrace, 0, 0, 0, 0) < 0 && errno == EPERM) << 7;
  return bad;
}

/* valgrind does not know seccomp(2), so libseccomp cannot probe the
 * kernel's actions there; the filter is tested in a plain run. */
static bool under_valgrind(void) {
  const char *preload = getenv("LD_PRELOAD");
  return preload && strstr(preload, "vgpreload");
}

static void test_seccomp_baseline(void) {
  if (under_valgrind()) {
    printf("baseline seccomp: skipped under valgrind\n");
    return;
  }
  pid_t pid = fork();
  if (pid == 0)
    _exit(child_checks());
  int st = 0;
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st));
  CHECK(WEXITSTATUS(st) == 0);
  if (WIFEXITED(st) && WEXITSTATUS(st))
    fprintf(stderr, "  seccomp child: failed checks 0x%x\n", WEXITSTATUS(st));
  /* x32 syscalls (nr | 0x40000000) kill the process */
  pid = fork();
  if (pid == 0) {
    hd_error_t err = NULL;
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (hd_seccomp_baseline_load(&err) < 0)
      _exit(100);
    syscall(0x40000000 | SYS_getpid);
    _exit(0);
  }
  CHECK(waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) &&
        WTERMSIG(st) == SIGSYS);
  /* the cost of a compile, reported (never asserted) */
  struct timespec a, b;
  clock_gettime(CLOCK_MONOTONIC, &a);
  for (int i = 0; i < 1000; i++) {
    hd_error_t err = NULL;
    hd_seccomp_baseline_forget();
    CHECK(hd_seccomp_baseline_compile(&err) == 0);
    hd_error_free(&err);
  }
  clock_gettime(CLOCK_MONOTONIC, &b);
  double us = ((b.tv_sec - a.tv_sec) * 1e9 + (b.tv_nsec - a.tv_nsec)) / 1e6;
  printf("baseline seccomp compile: %.1f us each (1000 runs)\n", us);
}

static bool has_mount(const oci_spec *s, const char *dest) {
  for (size_t i = 0; i < s->mounts_len; i++)
    if (strcmp(s->mounts[i].destination, dest) == 0)
      return true;
  return false;
}

/* A tmp dir the read-only image lacks is not mounted (nothing could write
 * there), and vm.memfd_noexec is not asked of a user namespace (only the
 * host's root can write it): both recorded as overrides. */
static void test_image_and_userns_facts(void) {
  oci_spec *in = parse(hostile);
  hd_policy *p = policy(NULL);
  hd_host_facts *f = facts();
  hd_host_facts_add_image_lacks(f, "/var/tmp");
  result r = {0};
  r.rc = hd_overlay_spec(in, p, f, &r.out, &r.ov, &r.err);
  CHECK(r.rc == 0);
  if (r.rc == 0) {
    CHECK(!has_mount(r.out, "/var/tmp"));
    CHECK(has_mount(r.out, "/tmp") && has_mount(r.out, "/dev/shm"));
    CHECK_OVERRIDE(&r.ov, "noexec-tmp", "mounts[/var/tmp]",
                   "(absent from the image)",
                   "(not mounted: the read-only image has no such directory)");
    CHECK_STR(sysctl(r.out, "vm.memfd_noexec"), "2");
  }
  done(&r);
  oci_spec_free(in);

  cleanup_free char *userns =
      variant("{\"type\":\"pid\"}", "{\"type\":\"pid\"},{\"type\":\"user\"}");
  in = parse(userns);
  r = (result){0};
  r.rc = hd_overlay_spec(in, p, f, &r.out, &r.ov, &r.err);
  CHECK(r.rc == 0);
  if (r.rc == 0) {
    CHECK(sysctl(r.out, "vm.memfd_noexec") == NULL);
    CHECK_OVERRIDE(&r.ov, "write-xor-execute",
                   "linux.sysctl[\"vm.memfd_noexec\"]", "(unset)",
                   "(not settable in a user namespace)");
  }
  done(&r);
  oci_spec_free(in);
  hd_policy_free(p);
  hd_host_facts_free(f);
}

/* ---- process identity: user namespace maps, supplementary groups ---- */

/* The hostile spec with a new user namespace and these maps (JSON arrays)
 * and `user` as process.user. */
static char *userns_spec(const char *uid_map, const char *gid_map,
                         const char *user) {
  cleanup_free char *with_ns =
      variant("{\"type\":\"pid\"}", "{\"type\":\"pid\"},{\"type\":\"user\"}");
  const char *at = strstr(with_ns, "\"maskedPaths\"");
  cleanup_free char *maps = xasprintf("%.*s\"uidMappings\":%s,"
                                      "\"gidMappings\":%s,%s",
                                      (int)(at - with_ns), with_ns, uid_map,
                                      gid_map, at);
  const char *u = strstr(maps, "\"user\":{");
  const char *end = strchr(u, '}');
  return xasprintf("%.*s\"user\":%s%s", (int)(u - maps), maps, user, end + 1);
}

static result run_with(const char *json, const char *policy_json,
                       hd_host_facts *f) {
  result r = {0};
  oci_spec *in = parse(json);
  hd_policy *p = policy(policy_json);
  CHECK(in != NULL && p != NULL);
  if (in == NULL || p == NULL)
    exit(1);
  r.rc = hd_overlay_spec(in, p, f, &r.out, &r.ov, &r.err);
  oci_spec_free(in);
  hd_policy_free(p);
  hd_host_facts_free(f);
  return r;
}

static void expect_userns(const char *uid_map, const char *gid_map,
                          const char *user, const char *policy_json,
                          const char *msg) {
  cleanup_free char *json = userns_spec(uid_map, gid_map, user);
  result r = run_with(json, policy_json, facts());
  if (msg == NULL) {
    CHECK(r.rc == 0);
    if (r.rc != 0)
      fprintf(stderr, "  unexpected: %s\n", r.err->msg);
  } else {
    CHECK(r.rc < 0 && r.out == NULL);
    CHECK_STR(r.err ? r.err->msg : NULL, msg);
  }
  done(&r);
}

#define MAP(c, h, n) "[{\"containerID\":" #c ",\"hostID\":" #h ",\"size\":" #n "}]"
#define USER_1000 "{\"uid\":1000,\"gid\":1000}"

static void test_user_namespace(void) {
  const char *ok = MAP(0, 100000, 65536);
  expect_userns(ok, ok, USER_1000, NULL, NULL);
  /* the attack: nobody is host root */
  expect_userns(MAP(65534, 0, 1), ok, "{\"uid\":65534,\"gid\":1000}", NULL,
                "refused by policy (user-namespace): linux.uidMappings[0] "
                "maps container uid 65534 to host uid 0 (root)");
  expect_userns(ok, MAP(0, 0, 65536), USER_1000, NULL,
                "refused by policy (user-namespace): linux.gidMappings[0] "
                "maps container gid 0 to host gid 0 (root)");
  /* a login user's ids */
  expect_userns(MAP(0, 1000, 1), ok, "{\"uid\":0,\"gid\":1000}", NULL,
                "refused by policy (user-namespace): linux.uidMappings[0] "
                "maps to host uids 1000-1000, outside the policy's "
                "userns_host_min..userns_host_max (100000-4294967294)");
  /* the range climbs down onto them? no: it must start in range */
  expect_userns(MAP(0, 99999, 65536), ok, USER_1000, NULL,
                "refused by policy (user-namespace): linux.uidMappings[0] "
                "maps to host uids 99999-165534, outside the policy's "
                "userns_host_min..userns_host_max (100000-4294967294)");
  expect_userns(MAP(0, 4294967000, 1000), ok, USER_1000, NULL,
                "refused by policy (user-namespace): linux.uidMappings[0] "
                "(0 4294967000 1000) is empty or runs past id 4294967294");
  expect_userns(MAP(0, 100000, 0), ok, USER_1000, NULL,
                "refused by policy (user-namespace): linux.uidMappings[0] "
                "(0 100000 0) is empty or runs past id 4294967294");
  expect_userns("[{\"containerID\":0,\"hostID\":100000,\"size\":10},"
                "{\"containerID\":10,\"hostID\":100005,\"size\":10}]",
                ok, "{\"uid\":1,\"gid\":1000}", NULL,
                "refused by policy (user-namespace): linux.uidMappings[1] "
                "overlaps linux.uidMappings[0]");
  expect_userns("[{\"containerID\":0,\"hostID\":100000,\"size\":10},"
                "{\"containerID\":5,\"hostID\":200000,\"size\":10}]",
                ok, "{\"uid\":1,\"gid\":1000}", NULL,
                "refused by policy (user-namespace): linux.uidMappings[1] "
                "overlaps linux.uidMappings[0]");
  /* the process's ids must be mapped */
  expect_userns(MAP(0, 100000, 1000), ok, USER_1000, NULL,
                "refused by policy (user-namespace): process.user.uid 1000 "
                "is not mapped by linux.uidMappings");
  expect_userns(ok, MAP(0, 100000, 1000), USER_1000, NULL,
                "refused by policy (user-namespace): process.user.gid 1000 "
                "is not mapped by linux.gidMappings");
  /* the policy moves the floor */
  expect_userns(MAP(0, 1000, 1), MAP(0, 1000, 1), "{\"uid\":0,\"gid\":0}",
                "{\"userns_host_min\":1000,\"uid\":1,\"gid\":1}",
                "refused by policy (user-namespace): process.user.uid 1 is "
                "not mapped by linux.uidMappings");
  expect_userns(MAP(0, 1000, 2), MAP(0, 1000, 2), "{\"uid\":1,\"gid\":1}",
                "{\"userns_host_min\":1000,\"userns_host_max\":1001}", NULL);
  expect_userns(MAP(0, 1000, 3), ok, "{\"uid\":1,\"gid\":1}",
                "{\"userns_host_min\":1000,\"userns_host_max\":1001}",
                "refused by policy (user-namespace): linux.uidMappings[0] "
                "maps to host uids 1000-1002, outside the policy's "
                "userns_host_min..userns_host_max (1000-1001)");

  /* rootless: the runtime's own id is all the kernel lets it map */
  cleanup_free char *rootless = userns_spec(
      MAP(65534, 1000, 1), MAP(65534, 1001, 1), "{\"uid\":65534,\"gid\":65534}");
  hd_host_facts *f = facts();
  hd_host_facts_set_runtime_ids(f, 1000, 1001);
  result r = run_with(rootless, NULL, f);
  CHECK(r.rc == 0);
  done(&r);
  r = run_with(rootless, NULL, facts()); /* the same map from a root runtime */
  CHECK(r.rc < 0);
  done(&r);

  /* idmapped mounts: the same rule */
  cleanup_free char *idmapped = variant(
      "\"options\":[\"rbind\",\"ro\"]",
      "\"options\":[\"rbind\",\"ro\"],\"uidMappings\":" MAP(0, 0, 65536)
      ",\"gidMappings\":" MAP(0, 100000, 65536));
  r = run_with(idmapped, NULL, facts());
  CHECK(r.rc < 0);
  CHECK_STR(r.err ? r.err->msg : NULL,
            "refused by policy (user-namespace): mounts[/ro].uidMappings[0] "
            "maps container uid 0 to host uid 0 (root)");
  done(&r);

  expect_bad_policy("{\"userns_host_min\": 0}",
                    "policy p.json: line 1: userns_host_min: expected an "
                    "integer from 1 to 4294967294, got 0");
  expect_bad_policy("{\"userns_host_min\": 5, \"userns_host_max\": 4}",
                    "policy p.json: userns_host_min 5 is above "
                    "userns_host_max 4");
}

/* exec --process: the process JSON through the overlay, default policy. */
static oci_process *exec_process(const char *json, hd_overrides *ov) {
  oci_parse_error e = {0};
  oci_process *in = oci_process_parse(json, strlen(json), &e);
  oci_parse_error_clear(&e);
  hd_policy *p = policy(NULL);
  oci_process *out = NULL;
  hd_error_t err = NULL;
  CHECK(in && hd_overlay_process(in, p, &out, ov, &err) == 0);
  if (err)
    fprintf(stderr, "  exec_process: %s\n", err->msg);
  hd_error_free(&err);
  oci_process_free(in);
  hd_policy_free(p);
  return out;
}

static const uint32_t *gids_of(const result *r, size_t *n) {
  *n = r->out->process->user.additional_gids_len;
  return r->out->process->user.additional_gids;
}

static void test_supplementary_groups(void) {
  /* docker run --group-add 4 --group-add 1000, as gid 1001 */
  cleanup_free char *json =
      variant("\"uid\":0,\"gid\":0,\"additionalGids\":[0,10]",
              "\"uid\":1000,\"gid\":1001,\"additionalGids\":[4,1001,1000]");
  result r = run(json, NULL);
  CHECK(r.rc == 0);
  size_t n = 0;
  const uint32_t *g = r.rc == 0 ? gids_of(&r, &n) : NULL;
  CHECK(n == 2 && g[0] == 1001 && g[1] == 1000);
  CHECK_OVERRIDE(&r.ov, "supplementary-groups", "process.user.additionalGids",
                 "4,1001,1000", "1001,1000");
  done(&r);
  /* the policy names a group (video) and lowers the floor */
  r = run(json, "{\"allowed_gids\":[4]}");
  CHECK(r.rc == 0 && gids_of(&r, &n) && n == 3);
  CHECK(find(&r.ov, "supplementary-groups", "process.user.additionalGids") ==
        NULL);
  done(&r);
  r = run(json, "{\"supplementary_gid_min\":1001}");
  g = r.rc == 0 ? gids_of(&r, &n) : NULL;
  CHECK(n == 1 && g && g[0] == 1001);
  done(&r);
  /* in its own user namespace, gid 4 is host gid 100004: harmless */
  cleanup_free char *userns =
      userns_spec(MAP(0, 100000, 65536), MAP(0, 100000, 65536),
                  "{\"uid\":1000,\"gid\":1000,\"additionalGids\":[4]}");
  r = run(userns, NULL);
  CHECK(r.rc == 0 && gids_of(&r, &n) && n == 1);
  done(&r);
  /* unless the map sends it below the floor */
  cleanup_free char *low = userns_spec(
      MAP(0, 100000, 65536),
      "[{\"containerID\":0,\"hostID\":100000,\"size\":1000},"
      "{\"containerID\":1000,\"hostID\":101000,\"size\":1}]",
      "{\"uid\":1000,\"gid\":1000,\"additionalGids\":[4,2000]}");
  r = run(low, "{\"supplementary_gid_min\":100005}");
  CHECK(r.rc == 0 && gids_of(&r, &n) && n == 0);
  CHECK_OVERRIDE(&r.ov, "supplementary-groups", "process.user.additionalGids",
                 "4,2000", "(none)");
  done(&r);
  /* exec --process and --additional-gids go through the same rule */
  hd_overrides ov = {0};
  oci_process *out = exec_process("{\"cwd\":\"/\",\"args\":[\"id\"],"
                                  "\"user\":{\"uid\":1000,\"gid\":1000,"
                                  "\"additionalGids\":[4,27,1000,5000]}}",
                                  &ov);
  CHECK(out && out->user.additional_gids_len == 2 &&
        out->user.additional_gids[0] == 1000 &&
        out->user.additional_gids[1] == 5000);
  CHECK_OVERRIDE(&ov, "supplementary-groups", "process.user.additionalGids",
                 "4,27,1000,5000", "1000,5000");
  oci_process_free(out);
  hd_overrides_clear(&ov);
  expect_bad_policy("{\"allowed_gids\": [0]}",
                    "policy p.json: line 1: allowed_gids[0]: expected a gid "
                    "from 1 to 4294967294, got 0");
  expect_bad_policy("{\"allowed_gids\": [\"adm\"]}",
                    "policy p.json: line 1: allowed_gids[0]: expected an "
                    "integer, got a string");
}

static const oci_rlimit *rlimit_of(const oci_process *p, const char *type) {
  for (size_t i = 0; i < p->rlimits_len; i++)
    if (strcmp(p->rlimits[i].type, type) == 0)
      return &p->rlimits[i];
  return NULL;
}

#define CHECK_RLIMIT(p, type, s, h)                                            \
  do {                                                                         \
    const oci_rlimit *rl_ = rlimit_of(p, type);                                \
    CHECK(rl_ != NULL && rl_->soft == (s) && rl_->hard == (h));                \
  } while (0)

static char *with_rlimits(const char *list) {
  return variant(
      "\"rlimits\":[{\"type\":\"RLIMIT_CORE\",\"hard\":1000,\"soft\":1000}]",
      list);
}

static void expect_rlimit_refusal(const char *list, const char *msg) {
  cleanup_free char *json = with_rlimits(list);
  result r = run(json, NULL);
  CHECK(r.rc < 0 && r.out == NULL && r.ov.len == 0);
  CHECK_STR(r.err ? r.err->msg : NULL, msg);
  done(&r);
}

static void test_rlimits(void) {
  /* docker run --ulimit rtprio=99 --ulimit nice=40 --ulimit memlock=-1 ... */
  cleanup_free char *json = with_rlimits(
      "\"rlimits\":[{\"type\":\"RLIMIT_RTPRIO\",\"hard\":99,\"soft\":99},"
      "{\"type\":\"RLIMIT_NICE\",\"hard\":40,\"soft\":40},"
      "{\"type\":\"RLIMIT_MEMLOCK\",\"hard\":18446744073709551615,"
      "\"soft\":18446744073709551615},"
      "{\"type\":\"RLIMIT_NOFILE\",\"hard\":4194304,\"soft\":1024},"
      "{\"type\":\"RLIMIT_AS\",\"hard\":18446744073709551615,"
      "\"soft\":18446744073709551615}]");
  result r = run(json, NULL);
  CHECK(r.rc == 0);
  if (r.rc == 0) {
    const oci_process *p = r.out->process;
    CHECK_RLIMIT(p, "RLIMIT_RTPRIO", 0, 0);
    CHECK_RLIMIT(p, "RLIMIT_NICE", 20, 20);
    CHECK_RLIMIT(p, "RLIMIT_MEMLOCK", 64 << 20, 64 << 20);
    CHECK_RLIMIT(p, "RLIMIT_NOFILE", 1024, 1048576);
    CHECK_RLIMIT(p, "RLIMIT_AS", UINT64_MAX, UINT64_MAX);
    CHECK_RLIMIT(p, "RLIMIT_CORE", 0, 0);
    CHECK_OVERRIDE(&r.ov, "rlimits", "process.rlimits[RLIMIT_RTPRIO]", "99/99",
                   "0/0");
    CHECK_OVERRIDE(&r.ov, "rlimits", "process.rlimits[RLIMIT_MEMLOCK]",
                   "unlimited/unlimited", "67108864/67108864");
    CHECK_OVERRIDE(&r.ov, "rlimits", "process.rlimits[RLIMIT_NOFILE]",
                   "1024/4194304", "1024/1048576");
    CHECK(find(&r.ov, "rlimits", "process.rlimits[RLIMIT_AS]") == NULL);
  }
  done(&r);
  /* left out: RTPRIO and NICE are set anyway */
  r = run(hostile, NULL);
  CHECK(r.rc == 0);
  if (r.rc == 0) {
    CHECK_RLIMIT(r.out->process, "RLIMIT_RTPRIO", 0, 0);
    CHECK_RLIMIT(r.out->process, "RLIMIT_NICE", 0, 0);
    CHECK_OVERRIDE(&r.ov, "rlimits", "process.rlimits[RLIMIT_RTPRIO]",
                   "(unset)", "0/0");
    CHECK(rlimit_of(r.out->process, "RLIMIT_MEMLOCK") == NULL);
  }
  done(&r);
  /* left out, and the runtime's own is above the cap: capped; within: not
   * added */
  hd_host_facts *f = facts();
  hd_host_facts_add_rlimit(f, "RLIMIT_MEMLOCK", UINT64_MAX, UINT64_MAX);
  hd_host_facts_add_rlimit(f, "RLIMIT_NOFILE", 1024, 524288);
  hd_host_facts_add_rlimit(f, "RLIMIT_RTPRIO", 0, 0);
  hd_host_facts_add_rlimit(f, "RLIMIT_NICE", 0, 0);
  r = run_with(hostile, NULL, f);
  CHECK(r.rc == 0);
  if (r.rc == 0) {
    CHECK_RLIMIT(r.out->process, "RLIMIT_MEMLOCK", 64 << 20, 64 << 20);
    CHECK_OVERRIDE(&r.ov, "rlimits", "process.rlimits[RLIMIT_MEMLOCK]",
                   "(unset: the runtime's unlimited/unlimited)",
                   "67108864/67108864");
    CHECK(rlimit_of(r.out->process, "RLIMIT_NOFILE") == NULL);
    CHECK(rlimit_of(r.out->process, "RLIMIT_RTPRIO") == NULL);
  }
  done(&r);
  /* the policy raises a cap, or adds one */
  r = run(json, "{\"rlimits\": {\"RLIMIT_MEMLOCK\": \"unlimited\","
                " \"RLIMIT_AS\": 1073741824}}");
  CHECK(r.rc == 0);
  if (r.rc == 0) {
    CHECK_RLIMIT(r.out->process, "RLIMIT_MEMLOCK", UINT64_MAX, UINT64_MAX);
    CHECK_RLIMIT(r.out->process, "RLIMIT_AS", 1073741824, 1073741824);
    CHECK_RLIMIT(r.out->process, "RLIMIT_RTPRIO", 0, 0);
  }
  done(&r);
  expect_rlimit_refusal(
      "\"rlimits\":[{\"type\":\"RLIMIT_FOO\",\"hard\":1,\"soft\":1}]",
      "refused by policy (rlimits): process.rlimits[0].type \"RLIMIT_FOO\" is "
      "not an rlimit");
  expect_rlimit_refusal(
      "\"rlimits\":[{\"type\":\"RLIMIT_NOFILE\",\"hard\":1,\"soft\":2}]",
      "refused by policy (rlimits): process.rlimits[0].type RLIMIT_NOFILE: "
      "soft is above hard (2/1)");
  /* exec --process */
  hd_overrides ov = {0};
  oci_process *out = exec_process(
      "{\"cwd\":\"/\",\"args\":[\"id\"],\"user\":{\"uid\":1,\"gid\":1},"
      "\"rlimits\":[{\"type\":\"RLIMIT_RTPRIO\",\"hard\":99,\"soft\":99}]}",
      &ov);
  if (out)
    CHECK_RLIMIT(out, "RLIMIT_RTPRIO", 0, 0);
  oci_process_free(out);
  hd_overrides_clear(&ov);
  expect_bad_policy("{\"rlimits\": {\"RLIMIT_RTPRIO\": 99}}",
                    "policy p.json: rlimits.RLIMIT_RTPRIO: fixed by hardened, "
                    "no policy can raise it");
  expect_bad_policy("{\"rlimits\": {\"RLIMIT_NOPE\": 1}}",
                    "policy p.json: rlimits.RLIMIT_NOPE: not an rlimit");
  expect_bad_policy("{\"rlimits\": {\"RLIMIT_AS\": -1}}",
                    "policy p.json: line 1: rlimits.RLIMIT_AS: expected an "
                    "integer from 0 or \"unlimited\", got -1");
  expect_bad_policy("{\"rlimits\": {\"RLIMIT_AS\": 1, \"RLIMIT_AS\": 2}}",
                    "policy p.json: line 1: rlimits.RLIMIT_AS: given twice");
}

static void test_lsm(void) {
  cleanup_free char *json = variant(
      "\"noNewPrivileges\":false,",
      "\"noNewPrivileges\":false,\"apparmorProfile\":\"docker-default\","
      "\"selinuxLabel\":\"system_u:system_r:container_t:s0:c1,c2\",");
  cleanup_free char *labelled =
      xasprintf("%.*s\"mountLabel\":\"system_u:object_r:container_file_t:s0\","
                "%s",
                (int)(strstr(json, "\"maskedPaths\"") - json), json,
                strstr(json, "\"maskedPaths\""));
  /* neither LSM: both dropped, recorded */
  result r = run(labelled, NULL);
  CHECK(r.rc == 0);
  if (r.rc == 0) {
    CHECK(r.out->process->apparmor_profile == NULL &&
          r.out->process->selinux_label == NULL &&
          r.out->linux_->mount_label == NULL);
    CHECK_OVERRIDE(&r.ov, "lsm", "process.apparmorProfile", "docker-default",
                   "(not applied: the host does not run AppArmor)");
    CHECK_OVERRIDE(&r.ov, "lsm", "process.selinuxLabel",
                   "system_u:system_r:container_t:s0:c1,c2",
                   "(not applied: the host does not run SELinux)");
    CHECK_OVERRIDE(&r.ov, "lsm", "linux.mountLabel",
                   "system_u:object_r:container_file_t:s0",
                   "(not applied: the host does not run SELinux)");
  }
  done(&r);
  /* an AppArmor host: the profile stays for setup to apply */
  hd_host_facts *f = facts();
  hd_host_facts_set_lsm(f, true, false);
  r = run_with(labelled, NULL, f);
  CHECK(r.rc == 0);
  if (r.rc == 0) {
    CHECK_STR(r.out->process->apparmor_profile, "docker-default");
    CHECK(find(&r.ov, "lsm", "process.apparmorProfile") == NULL);
    CHECK(r.out->process->selinux_label == NULL);
  }
  done(&r);
  /* SELinux: the label stays; mount labels are not applied yet, said so */
  f = facts();
  hd_host_facts_set_lsm(f, false, true);
  r = run_with(labelled, NULL, f);
  CHECK(r.rc == 0);
  if (r.rc == 0) {
    CHECK_STR(r.out->process->selinux_label,
              "system_u:system_r:container_t:s0:c1,c2");
    CHECK_OVERRIDE(&r.ov, "lsm", "linux.mountLabel",
                   "system_u:object_r:container_file_t:s0",
                   "(not applied: hardened does not label mounts yet)");
  }
  done(&r);
  /* exec --process: no host facts, the label is kept for setup */
  hd_overrides ov = {0};
  oci_process *out = exec_process(
      "{\"cwd\":\"/\",\"args\":[\"id\"],\"user\":{\"uid\":1,\"gid\":1},"
      "\"apparmorProfile\":\"docker-default\"}",
      &ov);
  CHECK(out && out->apparmor_profile &&
        strcmp(out->apparmor_profile, "docker-default") == 0);
  oci_process_free(out);
  hd_overrides_clear(&ov);
}

/* Setup joins only the namespace the overlay judged: a path that names
 * another one by now (a pid reused) is refused before any setns. */
static void test_join_checked_namespace(void) {
  static const char json[] =
      "{\"ociVersion\":\"1.2.0\",\"root\":{\"path\":\"rootfs\"},"
      "\"annotations\":{\"org.hardened.namespace.network\":\"1:2\"},"
      "\"linux\":{\"namespaces\":[{\"type\":\"network\","
      "\"path\":\"/proc/self/ns/net\"}]}}";
  oci_spec *s = parse(json);
  hd_error_t err = NULL;
  CHECK(s && hd_namespaces_join(s, &err) < 0);
  CHECK(err && strstr(err->msg, "linux.namespaces[network].path "
                                "/proc/self/ns/net is not the namespace the "
                                "overlay checked (1:2, now ") != NULL);
  hd_error_free(&err);
  /* none noted: not joined either */
  free(s->annotations[0].key);
  s->annotations[0].key = xstrdup("x");
  CHECK(hd_namespaces_join(s, &err) < 0);
  CHECK(err && strstr(err->msg, "(none, now ") != NULL);
  hd_error_free(&err);
  oci_spec_free(s);
}

int main(void) {
  test_hostile_spec();
  test_join_checked_namespace();
  test_lsm();
  test_rlimits();
  test_user_namespace();
  test_supplementary_groups();
  test_image_and_userns_facts();
  test_namespaces();
  test_mount_refusals();
  test_root_path_facts();
  test_devices_hooks_sysctls();
  test_hook_paths();
  test_hook_args();
  test_hook_env();
  test_hook_timeout();
  test_pids();
  test_cgroup_path();
  test_unified();
  test_update_unified();
  test_v2_ignored();
  test_update();
  test_exec_process();
  test_policy_relaxations();
  test_policy_errors();
  test_seccomp_baseline();
  return UNIT_DONE();
}
