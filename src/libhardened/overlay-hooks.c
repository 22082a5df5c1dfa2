/* The overlay's hook rules (rule "hooks"). Host hooks run as root on the
 * host, so a hostile config.json must not choose what runs, how it is
 * called or what it loads:
 * - the executable is what hd_hook_open reached (no /proc magic links but
 *   docker's /proc/<pid>/exe of a host process, root-owned, not writable
 *   by group or others), its real path is on the policy's allow-list, and
 *   the hardened spec holds that real path, so nothing looks the
 *   requested path up again;
 * - the argv matches a shape the policy (or the built-in docker one)
 *   gives that executable, when it has any;
 * - the environment keeps only keys that cannot load code or redirect
 *   lookups; the others are dropped and recorded;
 * - createContainer hooks are refused: they would run as root in the
 *   container's namespaces before pivot_root, before anything is
 *   hardened. startContainer hooks run in the container after its
 *   process is hardened (container-init.c). */
#define _GNU_SOURCE
#include "overlay-internal.h"

#include "hooks.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

/* What a hook that needs a PATH gets: the host's system directories. A
 * requested PATH would choose which `sed` a root shell script runs. */
#define HOOK_PATH "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

typedef enum { ON_HOST, IN_CONTAINER, REFUSED } hook_place;

/* ---- argv shapes ---- */

#define HEX "[0-9a-f]"
#define HEX4 HEX HEX HEX HEX
#define HEX12 HEX4 HEX4 HEX4
#define HEX64 HEX12 HEX12 HEX12 HEX12 HEX12 HEX4

/* dockerd re-executes itself as libnetwork-setkey (its reexec dispatches
 * on argv[0]) with the container id and the network controller's short
 * id; docker 23 and later add -exec-root. */
static const char *const docker_shapes[] = {
    "libnetwork-setkey -exec-root=/* " HEX64 " " HEX12,
    "libnetwork-setkey " HEX64 " " HEX12,
};

static bool is_dockerd(const char *resolved) {
  const char *base = strrchr(resolved, '/');
  return base && strcmp(base + 1, "dockerd") == 0;
}

/* `globs`: space-separated, one per argv position. */
static bool argv_matches(const char *globs, char *const *args, size_t n) {
  cleanup_free char *copy = xstrdup(globs);
  char *save = NULL;
  size_t i = 0;
  for (char *g = strtok_r(copy, " ", &save); g;
       g = strtok_r(NULL, " ", &save), i++)
    if (i >= n || fnmatch(g, args[i], 0) != 0)
      return false;
  return i == n;
}

/* The shapes this executable has: 0 means its argv is not restricted. */
static size_t shapes_match(const hd_policy *p, const char *resolved,
                           const oci_hook *h, bool *matched) {
  size_t shapes = 0;
  *matched = false;
  if (is_dockerd(resolved))
    for (size_t i = 0; i < sizeof docker_shapes / sizeof *docker_shapes; i++) {
      shapes++;
      *matched |= argv_matches(docker_shapes[i], h->args, h->args_len);
    }
  size_t len = strlen(resolved);
  for (size_t i = 0; i < p->hook_args_len; i++) {
    const char *s = p->hook_args[i];
    if (strncmp(s, resolved, len) != 0 || s[len] != ' ')
      continue;
    shapes++;
    *matched |= argv_matches(s + len + 1, h->args, h->args_len);
  }
  return shapes;
}

static int check_args(hd_ov *c, const char *kind, size_t i, const oci_hook *h,
                      const char *resolved) {
  bool matched = false;
  if (shapes_match(c->policy, resolved, h, &matched) == 0 || matched)
    return 0;
  cleanup_free char *field = xasprintf("hooks.%s[%zu].args", kind, i);
  cleanup_free char *args = hd_strv_join(h->args, h->args_len);
  return hd_ov_refuse(c, "hooks", field,
                      "[%s] is not an argv shape the policy allows for %s",
                      args, resolved);
}

/* ---- environment ---- */

/* Locale and terminal names, and docker's trace context: none of them
 * is a path or makes the loader or libc read a file of the caller's
 * choosing (a value with a '/' is dropped for that reason). LD_*,
 * GCONV_PATH, LOCPATH, NLSPATH, MALLOC_*, GLIBC_TUNABLES, HOSTALIASES,
 * RES_OPTIONS, TMPDIR, HOME, IFS, ENV... are all dropped. */
static bool env_key_passes(const char *kv) {
  static const char *const keys[] = {"LANG", "LANGUAGE",    "TERM",
                                     "TZ",   "TRACEPARENT", "TRACESTATE"};
  const char *eq = strchr(kv, '=');
  if (eq == NULL || strchr(eq, '/'))
    return false;
  size_t klen = (size_t)(eq - kv);
  if (klen > 3 && strncmp(kv, "LC_", 3) == 0)
    return true;
  for (size_t i = 0; i < sizeof keys / sizeof *keys; i++)
    if (strlen(keys[i]) == klen && strncmp(kv, keys[i], klen) == 0)
      return true;
  return false;
}

static void reduce_env(hd_ov *c, const char *kind, size_t i, oci_hook *h) {
  cleanup_free char *field = xasprintf("hooks.%s[%zu].env", kind, i);
  size_t kept = 0;
  for (size_t j = 0; j < h->env_len; j++) {
    char *kv = h->env[j];
    if (strncmp(kv, "PATH=", 5) == 0) {
      if (strcmp(kv + 5, HOOK_PATH) != 0) {
        hd_ov_record(c, "hooks", field, kv, "PATH=" HOOK_PATH);
        free(kv);
        kv = xstrdup("PATH=" HOOK_PATH);
      }
    } else if (!env_key_passes(kv)) {
      hd_ov_record(c, "hooks", field, kv, "(dropped)");
      free(kv);
      continue;
    }
    h->env[kept++] = kv;
  }
  h->env_len = kept;
}

/* ---- the executable ---- */

static int check_path(hd_ov *c, const char *kind, size_t i, oci_hook *h,
                      hook_place place) {
  cleanup_free char *field = xasprintf("hooks.%s[%zu].path", kind, i);
  const char *path = h->path ? h->path : "";
  if (place == REFUSED)
    return hd_ov_refuse(c, "hooks", field,
                        "%s: createContainer hooks would run as root in the "
                        "container's namespaces before pivot_root and before "
                        "its process is hardened; hardened does not run them",
                        path);
  bool proc = strncmp(path, "/proc/", 6) == 0 || strcmp(path, "/proc") == 0;
  if (proc && (place == IN_CONTAINER || !hd_hook_is_proc_exe(path, NULL)))
    return hd_ov_refuse(c, "hooks", field,
                        "%s goes through /proc (magic links and other "
                        "processes' roots are refused; only /proc/<pid>/exe "
                        "of a host process, for a host hook)",
                        path);
  const char *resolved = hd_facts_resolved(c->host, path);
  const char *why = hd_facts_unopened(c->host, path);
  if (resolved == NULL && why)
    return hd_ov_refuse(c, "hooks", field, "does not open as a hook: %s", why);
  if (resolved == NULL)
    return hd_ov_refuse(c, "hooks", field,
                        "%s does not open as an executable owned by root and "
                        "not writable by group or others, without /proc "
                        "magic links",
                        path);
  if (!hd_strv_has(c->policy->hooks_allowed, c->policy->hooks_allowed_len,
                   resolved))
    return hd_ov_refuse(c, "hooks", field,
                        "%s (%s) is not in the policy's hook allow-list", path,
                        resolved);
  if (check_args(c, kind, i, h, resolved) < 0)
    return -1;
  /* A startContainer path resolves in the container's root, after
   * pivot_root; it keeps its name. */
  if (place == ON_HOST && strcmp(resolved, path) != 0) {
    hd_ov_record(c, "hooks", field, path, resolved);
    free(h->path);
    h->path = xstrdup(resolved);
  }
  return 0;
}

/* Nothing waits without bound: a hook without a timeout (docker's
 * libnetwork-setkey has none, and runc would wait for ever) or with a
 * longer one gets HD_HOOK_TIMEOUT_MAX. A minute is far more than any hook
 * engines ship needs; a hung one then fails create instead of wedging it. */
static void bound_timeout(hd_ov *c, const char *kind, size_t i, oci_hook *h) {
  if (h->has_timeout && h->timeout > 0 && h->timeout <= HD_HOOK_TIMEOUT_MAX)
    return;
  cleanup_free char *field = xasprintf("hooks.%s[%zu].timeout", kind, i);
  cleanup_free char *asked =
      h->has_timeout ? xasprintf("%d", h->timeout) : xstrdup("(unset)");
  cleanup_free char *enforced = xasprintf("%d", HD_HOOK_TIMEOUT_MAX);
  hd_ov_record(c, "hooks", field, asked, enforced);
  h->has_timeout = true;
  h->timeout = HD_HOOK_TIMEOUT_MAX;
}

static int hook_list(hd_ov *c, const char *kind, oci_hook *h, size_t n,
                     hook_place place) {
  for (size_t i = 0; i < n; i++) {
    if (check_path(c, kind, i, &h[i], place) < 0)
      return -1;
    reduce_env(c, kind, i, &h[i]);
    bound_timeout(c, kind, i, &h[i]);
  }
  return 0;
}

int hd_ov_hooks(hd_ov *c, oci_hooks *h) {
  if (h == NULL)
    return 0;
  if (hook_list(c, "prestart", h->prestart, h->prestart_len, ON_HOST) < 0 ||
      hook_list(c, "createRuntime", h->create_runtime, h->create_runtime_len,
                ON_HOST) < 0 ||
      hook_list(c, "createContainer", h->create_container,
                h->create_container_len, REFUSED) < 0 ||
      hook_list(c, "startContainer", h->start_container, h->start_container_len,
                IN_CONTAINER) < 0 ||
      hook_list(c, "poststart", h->poststart, h->poststart_len, ON_HOST) < 0 ||
      hook_list(c, "poststop", h->poststop, h->poststop_len, ON_HOST) < 0)
    return -1;
  return 0;
}
