/* Policy loading: the file is parsed (and range-checked) by libocispec;
 * this fills in the built-in defaults for whatever the file leaves out.
 * Fail closed: a policy that cannot be read or understood is an error,
 * never "the defaults". */
#define _GNU_SOURCE
#include "policy.h"

#include "policy-json.h"
#include "rlimits.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define POLICY_FILE_MAX (1 << 20)

/* Docker puts `/proc/<dockerd pid>/exe libnetwork-setkey` in every spec as
 * a prestart hook; the path resolves to dockerd's binary, which Debian's
 * docker.io installs in /usr/sbin and docker-ce in /usr/bin. */
static const char *const default_hooks[] = {
    "/usr/bin/dockerd", "/usr/sbin/dockerd", "/usr/local/bin/dockerd"};

/* What the engines and the test suites create today: hardened's own
 * default /hardened/<id> (and the suites' /hardened-test...), docker's
 * cgroupfs and systemd drivers, podman's cgroupfs and systemd managers,
 * containerd's per-namespace parents (ctr's "default", CRI's "k8s.io")
 * and the kubelet's kubepods tree under either driver. */
static const char *const default_cgroup_parents[] = {
    "/hardened*",
    "/docker",
    "/system.slice/docker-*.scope",
    "/libpod_parent",
    "/machine.slice/libpod-*.scope",
    "/default",
    "/k8s.io",
    "/kubepods*"};

static char **strv_copy(const char *const *src, size_t n) {
  char **v = xcalloc(n, sizeof(char *));
  for (size_t i = 0; i < n; i++)
    v[i] = xstrdup(src[i]);
  return v;
}

static char **strv_take(char ***v, size_t *n, size_t *out_len) {
  char **r = *v;
  *out_len = *n;
  *v = NULL;
  *n = 0;
  return r;
}

static hd_policy *policy_defaults(void) {
  hd_policy *p = xcalloc(1, sizeof *p);
  p->uid = 65534;
  p->gid = 65534;
  p->pids_max = 1024;
  p->tmp_size = 64u << 20;
  p->tmp_size_text = xstrdup("64m");
  size_t n = sizeof default_hooks / sizeof default_hooks[0];
  p->hooks_allowed = xcalloc(n, sizeof(char *));
  for (size_t i = 0; i < n; i++)
    p->hooks_allowed[i] = xstrdup(default_hooks[i]);
  p->hooks_allowed_len = n;
  p->userns_host_min = HD_POLICY_USERNS_HOST_MIN;
  p->userns_host_max = HD_POLICY_USERNS_HOST_MAX;
  p->supplementary_gid_min = HD_POLICY_SUPPLEMENTARY_GID_MIN;
  p->cgroup_parents_len =
      sizeof default_cgroup_parents / sizeof default_cgroup_parents[0];
  p->cgroup_parents = strv_copy(default_cgroup_parents, p->cgroup_parents_len);
  p->source = xstrdup("built-in");
  return p;
}

static void strv_free(char **v, size_t n) {
  for (size_t i = 0; i < n; i++)
    free(v[i]);
  free(v);
}

static void apply_file(hd_policy *p, oci_policy_file *f) {
  if (f->has_uid)
    p->uid = f->uid;
  if (f->has_gid)
    p->gid = f->gid;
  if (f->has_pids_max)
    p->pids_max = f->pids_max;
  if (f->has_tmp_size) {
    p->tmp_size = f->tmp_size;
    free(p->tmp_size_text);
    p->tmp_size_text = hd_steal_pointer(&f->tmp_size_text);
  }
  if (f->has_memory_max)
    p->memory_max = f->memory_max;
  if (f->has_cpu_max)
    p->cpu_max_quota = f->cpu_max_quota;
  p->allow_host_network = f->allow_host_network;
  p->exec_allowed =
      strv_take(&f->exec_allowed, &f->exec_allowed_len, &p->exec_allowed_len);
  p->allowed_devices = strv_take(&f->allowed_devices, &f->allowed_devices_len,
                                 &p->allowed_devices_len);
  p->forbidden_bind_sources =
      strv_take(&f->forbidden_bind_sources, &f->forbidden_bind_sources_len,
                &p->forbidden_bind_sources_len);
  p->hook_args = strv_take(&f->hook_args, &f->hook_args_len, &p->hook_args_len);
  if (f->has_userns_host_min)
    p->userns_host_min = f->userns_host_min;
  if (f->has_userns_host_max)
    p->userns_host_max = f->userns_host_max;
  if (f->has_supplementary_gid_min)
    p->supplementary_gid_min = f->supplementary_gid_min;
  p->rlimit_caps = xcalloc(f->rlimits_len + 1, sizeof *p->rlimit_caps);
  for (size_t i = 0; i < f->rlimits_len; i++)
    p->rlimit_caps[i] =
        (hd_rlimit_cap){.name = hd_steal_pointer(&f->rlimits[i].name),
                        .max = f->rlimits[i].max};
  p->rlimit_caps_len = f->rlimits_len;
  p->allowed_gids = hd_steal_pointer(&f->allowed_gids);
  p->allowed_gids_len = f->allowed_gids_len;
  f->allowed_gids_len = 0;
  if (f->has_hooks_allowed) {
    strv_free(p->hooks_allowed, p->hooks_allowed_len);
    p->hooks_allowed = strv_take(&f->hooks_allowed, &f->hooks_allowed_len,
                                 &p->hooks_allowed_len);
  }
  if (f->has_cgroup_parents) {
    strv_free(p->cgroup_parents, p->cgroup_parents_len);
    p->cgroup_parents = strv_take(&f->cgroup_parents, &f->cgroup_parents_len,
                                  &p->cgroup_parents_len);
  }
}

/* The overlay fixes these three whatever the policy says (rlimits). */
static int check_rlimit_caps(const hd_policy *p, const char *name,
                             hd_error_t *err) {
  static const char *const fixed[] = {"RLIMIT_CORE", "RLIMIT_NICE",
                                      "RLIMIT_RTPRIO"};
  for (size_t i = 0; i < p->rlimit_caps_len; i++) {
    const char *r = p->rlimit_caps[i].name;
    if (hd_rlimit_from_name(r) < 0)
      return hd_error_set(err, 0, "policy %s: rlimits.%s: not an rlimit", name,
                          r);
    for (size_t k = 0; k < sizeof fixed / sizeof fixed[0]; k++)
      if (strcmp(r, fixed[k]) == 0)
        return hd_error_set(err, 0,
                            "policy %s: rlimits.%s: fixed by hardened, no "
                            "policy can raise it",
                            name, r);
  }
  return 0;
}

int hd_policy_parse(const char *text, size_t len, const char *name,
                    hd_policy **out, hd_error_t *err) {
  *out = NULL;
  oci_parse_error perr = {0};
  oci_policy_file *f = oci_policy_parse(text, len, &perr);
  if (f == NULL) {
    hd_error_set(err, 0, "policy %s: %s", name,
                 perr.msg ? perr.msg : "invalid");
    free(perr.msg);
    return -1;
  }
  hd_policy *p = policy_defaults();
  apply_file(p, f);
  oci_policy_file_free(f);
  if (check_rlimit_caps(p, name, err) < 0) {
    hd_policy_free(p);
    return -1;
  }
  if (p->userns_host_min > p->userns_host_max) {
    hd_error_set(err, 0,
                 "policy %s: userns_host_min %u is above userns_host_max %u",
                 name, p->userns_host_min, p->userns_host_max);
    hd_policy_free(p);
    return -1;
  }
  free(p->source);
  p->source = xstrdup(name);
  *out = p;
  return 0;
}

static int read_policy_file(const char *path, char **text, size_t *len,
                            hd_error_t *err) {
  cleanup_close int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
  if (fd < 0)
    return hd_error_set(err, errno, "policy %s", path);
  struct stat st;
  if (fstat(fd, &st) < 0)
    return hd_error_set(err, errno, "policy %s", path);
  if (!S_ISREG(st.st_mode) || st.st_size > POLICY_FILE_MAX)
    return hd_error_set(err, 0, "policy %s: not a regular file under 1 MiB",
                        path);
  cleanup_free char *buf = xmalloc((size_t)st.st_size + 1);
  size_t got = 0;
  while (got < (size_t)st.st_size) {
    ssize_t n = read(fd, buf + got, (size_t)st.st_size - got);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return hd_error_set(err, errno, "policy %s: read", path);
    if (n == 0)
      break;
    got += (size_t)n;
  }
  buf[got] = '\0';
  *len = got;
  *text = hd_steal_pointer(&buf);
  return 0;
}

int hd_policy_load(const char *path, hd_policy **out, hd_error_t *err) {
  *out = NULL;
  if (path == NULL) {
    *out = policy_defaults();
    return 0;
  }
  cleanup_free char *text = NULL;
  size_t len = 0;
  if (read_policy_file(path, &text, &len, err) < 0)
    return -1;
  return hd_policy_parse(text, len, path, out, err);
}

/* Hook paths in a spec are compared after resolving them (the host
 * facts), so the allow-list is resolved the same way: "/bin/x" must match
 * on a merged-/usr host where it is "/usr/bin/x". An entry that does not
 * resolve stays as written and matches nothing that exists. */
static void resolve_hooks_allowed(hd_policy *p) {
  for (size_t i = 0; i < p->hooks_allowed_len; i++) {
    char *resolved = realpath(p->hooks_allowed[i], NULL);
    if (resolved) {
      free(p->hooks_allowed[i]);
      p->hooks_allowed[i] = resolved;
    }
  }
  /* The same for the path that starts each argv shape. */
  for (size_t i = 0; i < p->hook_args_len; i++) {
    char *space = strchr(p->hook_args[i], ' ');
    cleanup_free char *path =
        xasprintf("%.*s", (int)(space - p->hook_args[i]), p->hook_args[i]);
    cleanup_free char *resolved = realpath(path, NULL);
    if (resolved) {
      char *shape = xasprintf("%s%s", resolved, space);
      free(p->hook_args[i]);
      p->hook_args[i] = shape;
    }
  }
}

int hd_policy_load_site(const char *path, hd_policy **out, hd_error_t *err) {
  if (path == NULL && access(HD_POLICY_DEFAULT_PATH, F_OK) == 0)
    path = HD_POLICY_DEFAULT_PATH;
  else if (path == NULL && errno != ENOENT)
    return hd_error_set(err, errno, "policy %s", HD_POLICY_DEFAULT_PATH);
  if (hd_policy_load(path, out, err) < 0)
    return -1;
  resolve_hooks_allowed(*out);
  return 0;
}

void hd_policy_free(hd_policy *p) {
  if (p == NULL)
    return;
  free(p->tmp_size_text);
  strv_free(p->exec_allowed, p->exec_allowed_len);
  strv_free(p->allowed_devices, p->allowed_devices_len);
  strv_free(p->hooks_allowed, p->hooks_allowed_len);
  strv_free(p->hook_args, p->hook_args_len);
  strv_free(p->forbidden_bind_sources, p->forbidden_bind_sources_len);
  free(p->allowed_gids);
  for (size_t i = 0; i < p->rlimit_caps_len; i++)
    free(p->rlimit_caps[i].name);
  free(p->rlimit_caps);
  strv_free(p->cgroup_parents, p->cgroup_parents_len);
  free(p->source);
  free(p);
}
