/* The overlay's mount rules: which filesystems a spec may mount, which
 * host paths it may bind, and the flags every mount ends up with
 * (invariant 4 and write-xor-execute). */
#define _GNU_SOURCE
#include "overlay-internal.h"
#include "policy-json.h"

#include <stdlib.h>
#include <string.h>

static const char *const tmp_dirs[] = {"/tmp", "/var/tmp", "/dev/shm"};
#define N_TMP_DIRS (sizeof tmp_dirs / sizeof tmp_dirs[0])

/* Pseudo filesystems and binds only. A disk type (ext4 on /dev/sda1), an
 * overlay with host lowerdirs, nfs... would all reach host data without
 * going through the bind checks below. */
static const char *const allowed_types[] = {
    "bind", "tmpfs", "proc", "sysfs", "devpts", "mqueue", "cgroup", "cgroup2",
};

/* Host paths a bind may not expose. `subtree`: nothing below it either
 * (so no /etc/localtime: use TZ; no /dev/<disk>: use linux.devices, which
 * the device rule checks). The engines' state dirs hold volumes and the
 * per-container resolv.conf/hosts files that every container binds, so
 * only they themselves (and what contains them) are refused. A source
 * that contains any entry (/, /var, /run) is refused as well. */
static const struct {
  const char *path;
  bool subtree;
} forbidden_sources[] = {
    {"/proc", true},
    {"/sys", true},
    {"/dev", true},
    {"/boot", true},
    {"/etc", true},
    {"/root", true},
    {"/run/hardened", true}, /* the default --root */
    {"/var/lib/docker", false},
    {"/var/lib/containerd", false},
    {"/run/containerd", false},
    {"/run/docker.sock", false},
};

/* An engine socket is root on the host, wherever it was put. */
static const char *const engine_sockets[] = {
    "docker.sock", "containerd.sock", "containerd.sock.ttrpc",
    "crio.sock",   "podman.sock",     "dockershim.sock",
};

static bool is_bind(const oci_mount *m) {
  if (m->type && strcmp(m->type, "bind") == 0)
    return true;
  return hd_strv_has(m->options, m->options_len, "bind") ||
         hd_strv_has(m->options, m->options_len, "rbind");
}

static bool is_readonly(const oci_mount *m) {
  bool ro = false;
  for (size_t i = 0; i < m->options_len; i++) {
    const char *o = m->options[i] ? m->options[i] : "";
    if (strcmp(o, "ro") == 0 || strcmp(o, "rro") == 0)
      ro = true;
    else if (strcmp(o, "rw") == 0)
      ro = false;
  }
  return ro;
}

static bool is_rbind(const oci_mount *m) {
  return hd_strv_has(m->options, m->options_len, "rbind");
}

static bool type_is(const oci_mount *m, const char *t) {
  return m->type && strcmp(m->type, t) == 0;
}

/* Removes `drop` (a trailing '=' drops by prefix), adds `add` where
 * missing, and records one override when the options changed. */
static void set_options(hd_ov *c, oci_mount *m, const char *rule,
                        const char *const *drop, size_t ndrop,
                        const char *const *add, size_t nadd) {
  cleanup_free char *before = hd_strv_join(m->options, m->options_len);
  for (size_t i = 0; i < ndrop; i++)
    hd_strv_remove(m->options, &m->options_len, drop[i]);
  for (size_t i = 0; i < nadd; i++)
    if (!hd_strv_has(m->options, m->options_len, add[i]))
      hd_strv_add(&m->options, &m->options_len, add[i]);
  cleanup_free char *after = hd_strv_join(m->options, m->options_len);
  if (strcmp(before, after) == 0)
    return;
  cleanup_free char *field = xasprintf("mounts[%s].options", m->destination);
  hd_ov_record(c, rule, field, before, after);
}

static int mount_type(hd_ov *c, const oci_mount *m, const char *field) {
  const char *t = m->type && *m->type ? m->type : "none";
  if (is_bind(m))
    return 0;
  bool known = false;
  for (size_t i = 0; i < sizeof allowed_types / sizeof allowed_types[0]; i++)
    known |= strcmp(t, allowed_types[i]) == 0;
  if (!known)
    return hd_ov_refuse(c, "mount-type", field,
                        "type %s is not a pseudo filesystem or a bind", t);
  /* A second proc or sysfs would show what maskedPaths hides. */
  if ((strcmp(t, "proc") == 0 && strcmp(m->destination, "/proc") != 0) ||
      (strcmp(t, "sysfs") == 0 && strcmp(m->destination, "/sys") != 0))
    return hd_ov_refuse(c, "masked-paths", field,
                        "mounts %s outside /%s, where nothing is masked", t,
                        t[0] == 'p' ? "proc" : "sys");
  return 0;
}

static bool socket_name(const char *path) {
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  for (size_t i = 0; i < sizeof engine_sockets / sizeof engine_sockets[0]; i++)
    if (strcmp(base, engine_sockets[i]) == 0)
      return true;
  return false;
}

static int check_source(hd_ov *c, const char *rule, const char *field,
                        const char *src, const char *bad, bool subtree) {
  if (hd_path_within(bad, src) || (subtree && hd_path_within(src, bad)))
    return hd_ov_refuse(c, rule, field, "%s exposes the host's %s", src, bad);
  return 0;
}

/* One list for bind sources (rule host-bind) and root.path (root-path). */
static int forbidden_source(hd_ov *c, const char *rule, const char *field,
                            const char *src) {
  for (size_t i = 0; i < sizeof forbidden_sources / sizeof forbidden_sources[0];
       i++)
    if (check_source(c, rule, field, src, forbidden_sources[i].path,
                     forbidden_sources[i].subtree) < 0)
      return -1;
  if (c->host && c->host->state_root &&
      check_source(c, rule, field, src, c->host->state_root, true) < 0)
    return -1;
  for (size_t i = 0; i < c->policy->forbidden_bind_sources_len; i++)
    if (check_source(c, rule, field, src, c->policy->forbidden_bind_sources[i],
                     true) < 0)
      return -1;
  if (socket_name(src))
    return hd_ov_refuse(c, rule, field, "%s is a container engine's socket",
                        src);
  return 0;
}

/* A rootfs is the container's whole view, read-only or not: a host system
 * directory there (or anything holding one) would hand the container the
 * host's programs, libraries or runtime state, beyond what a bind may
 * expose. Programs and libraries (subtree) are refused all the way down;
 * below the others, images live (/var/lib/docker, /run/containerd). */
static const struct {
  const char *path;
  bool subtree;
} host_system_dirs[] = {
    {"/usr", true},   {"/bin", true},   {"/sbin", true},   {"/lib", true},
    {"/lib32", true}, {"/lib64", true}, {"/libx32", true}, {"/var", false},
    {"/run", false},  {"/tmp", false},  {"/home", false},  {"/mnt", false},
    {"/opt", false},  {"/srv", false},  {"/media", false},
};

static int system_dir(hd_ov *c, const char *real) {
  for (size_t i = 0; i < sizeof host_system_dirs / sizeof host_system_dirs[0];
       i++) {
    const char *dir = host_system_dirs[i].path;
    if (hd_path_within(dir, real) ||
        (host_system_dirs[i].subtree && hd_path_within(real, dir)))
      return hd_ov_refuse(c, "root-path", "root.path",
                          "%s is, holds or lies in the host's %s", real, dir);
  }
  return 0;
}

static int root_path(hd_ov *c, oci_spec *s) {
  const char *field = "root.path";
  if (s->root == NULL || s->root->path == NULL)
    return 0;
  const hd_fact_source *fact = c->host ? &c->host->root : NULL;
  /* Not opened (it will fail in setup, with the reason), or no facts at
   * all (tests): only an absolute path can be judged. */
  if (fact && fact->path && fact->open_errno != 0)
    return 0;
  bool judged = fact && fact->path;
  if (!judged && s->root->path[0] != '/')
    return 0;
  cleanup_free char *real =
      judged ? xstrdup(fact->path) : hd_path_clean(s->root->path);
  if (system_dir(c, real) < 0 ||
      forbidden_source(c, "root-path", field, real) < 0)
    return -1;
  if (strcmp(real, s->root->path) != 0) {
    free(s->root->path);
    s->root->path = xstrdup(real);
  }
  return 0;
}

/* Checked on where the source really points (host facts), and the copy
 * mounts that resolved path, so a symlink swapped in afterwards cannot
 * redirect it. */
static int host_bind(hd_ov *c, oci_mount *m, const char *field_base) {
  cleanup_free char *field = xasprintf("%s.source", field_base);
  if (m->source == NULL || *m->source == '\0')
    return hd_ov_refuse(c, "host-bind", field, "is missing");
  const char *resolved = hd_facts_resolved(c->host, m->source);
  if (resolved == NULL && m->source[0] != '/')
    return hd_ov_refuse(c, "host-bind", field, "%s could not be resolved",
                        m->source);
  cleanup_free char *src =
      resolved ? xstrdup(resolved) : hd_path_clean(m->source);
  if (forbidden_source(c, "host-bind", field, src) < 0)
    return -1;
  if (resolved && strcmp(resolved, m->source) != 0) {
    free(m->source);
    m->source = xstrdup(resolved);
  }
  return 0;
}

static bool is_tmp_dir(const char *dest) {
  for (size_t i = 0; i < N_TMP_DIRS; i++)
    if (strcmp(dest, tmp_dirs[i]) == 0)
      return true;
  return false;
}

/* tmpfs's size= with a larger, unreadable (50%) or missing value, or an
 * nr_blocks= (another way to size it), becomes the policy's size. */
static bool tmpfs_size_ok(hd_ov *c, const oci_mount *m) {
  const char *size = NULL;
  for (size_t i = 0; i < m->options_len; i++) {
    if (m->options[i] && strncmp(m->options[i], "size=", 5) == 0)
      size = m->options[i] + 5;
    if (m->options[i] && strncmp(m->options[i], "nr_blocks=", 10) == 0)
      return false;
  }
  uint64_t bytes;
  return size && oci_policy_parse_size(size, &bytes) == 0 &&
         bytes <= c->policy->tmp_size;
}

static void noexec_tmp(hd_ov *c, oci_mount *m) {
  static const char *const drop[] = {"exec", "suid", "dev",
                                     "size=", "nr_blocks="};
  cleanup_free char *size = xasprintf("size=%s", c->policy->tmp_size_text);
  const char *add[] = {"noexec", "nosuid", "nodev", size};
  bool resize = type_is(m, "tmpfs") && !tmpfs_size_ok(c, m);
  set_options(c, m, "noexec-tmp", drop, resize ? 5 : 3, add, resize ? 4 : 3);
}

static bool exec_allowed(hd_ov *c, const char *dest) {
  for (size_t i = 0; i < c->policy->exec_allowed_len; i++)
    if (hd_path_within(dest, c->policy->exec_allowed[i]))
      return true;
  return false;
}

static void mount_flags(hd_ov *c, oci_mount *m) {
  const char *dest = m->destination;
  if (is_tmp_dir(dest))
    noexec_tmp(c, m);
  /* /dev and /dev/pts hold the device nodes the container may use */
  bool needs_dev = strcmp(dest, "/dev") == 0 || strcmp(dest, "/dev/pts") == 0;
  static const char *const drop[] = {"suid", "dev"};
  static const char *const add[] = {"nosuid", "nodev"};
  set_options(c, m, "nosuid-nodev", drop, needs_dev ? 1 : 2, add,
              needs_dev ? 1 : 2);
  if (type_is(m, "sysfs") || type_is(m, "cgroup") || type_is(m, "cgroup2") ||
      hd_path_within(dest, "/sys")) {
    static const char *const rw[] = {"rw"}, *const ro[] = {"ro"};
    set_options(c, m, "readonly-paths", rw, 1, ro, 1);
  }
  if (!is_readonly(m) && !exec_allowed(c, dest)) {
    static const char *const exec[] = {"exec"}, *const noexec[] = {"noexec"};
    set_options(c, m, "write-xor-execute", exec, 1, noexec, 1);
  }
}

/* An rbind brings the source's submounts along, and the flags on the top
 * mount do not reach them: a tmpfs under a volume would arrive rw, exec,
 * suid and dev. The flags the rules above enforced are asked again in
 * their recursive form (runtime-spec 1.1), which setup applies with
 * mount_setattr(AT_RECURSIVE). A recursive clear ("rrw", "rexec"...)
 * would lift what the host itself set on those submounts: it keeps its
 * plain form, which only reaches the top mount. */
static void recursive_clears(hd_ov *c, oci_mount *m) {
  static const char *const clears[] = {"rrw", "rsuid", "rdev", "rexec"};
  static const char *const plain[] = {"rw", "suid", "dev", "exec"};
  const char *add[4];
  size_t nadd = 0;
  for (size_t i = 0; i < 4; i++)
    if (hd_strv_has(m->options, m->options_len, clears[i]))
      add[nadd++] = plain[i];
  set_options(c, m, "recursive-mount-flags", clears, 4, add, nadd);
}

static void recursive_sets(hd_ov *c, oci_mount *m) {
  static const char *const flags[][2] = {{"nosuid", "rnosuid"},
                                         {"nodev", "rnodev"},
                                         {"noexec", "rnoexec"},
                                         {"ro", "rro"}};
  const char *add[4];
  size_t nadd = 0;
  if (!is_bind(m) || !is_rbind(m))
    return;
  for (size_t i = 0; i < 4; i++)
    if (i == 3 ? is_readonly(m)
               : hd_strv_has(m->options, m->options_len, flags[i][0]))
      add[nadd++] = flags[i][1];
  set_options(c, m, "recursive-mount-flags", NULL, 0, add, nadd);
}

static bool has_dotdot_component(const char *p) {
  for (const char *c = p; (c = strstr(c, "..")) != NULL; c += 2)
    if ((c == p || c[-1] == '/') && (c[2] == '/' || c[2] == '\0'))
      return true;
  return false;
}

static int harden_mount(hd_ov *c, oci_mount *m) {
  if (m->destination == NULL)
    return hd_ov_refuse(c, "mount-type", "mounts",
                        "has a mount without a "
                        "destination");
  /* A ".." is refused, not cleaned away: whatever wrote it meant to
   * leave the directory it named, and the spec is hostile. */
  if (has_dotdot_component(m->destination)) {
    cleanup_free char *f = xasprintf("mounts[%s].destination", m->destination);
    return hd_ov_refuse(c, "mount-destination", f, "has a \"..\" component");
  }
  char *dest = hd_path_clean(m->destination);
  free(m->destination);
  m->destination = dest;
  cleanup_free char *field = xasprintf("mounts[%s]", dest);
  if (strcmp(dest, "/") == 0)
    return hd_ov_refuse(c, "read-only-root", field,
                        "would replace the read-only root");
  if (mount_type(c, m, field) < 0)
    return -1;
  if (is_bind(m) && host_bind(c, m, field) < 0)
    return -1;
  /* Before the rules below, which then see the plain flags. */
  recursive_clears(c, m);
  mount_flags(c, m);
  recursive_sets(c, m);
  return 0;
}

static void add_tmp_mount(hd_ov *c, oci_spec *s, const char *dest) {
  /* Before anything mounted below it, which it would otherwise hide. */
  size_t at = s->mounts_len;
  for (size_t i = 0; i < s->mounts_len; i++)
    if (strcmp(s->mounts[i].destination, dest) != 0 &&
        hd_path_within(s->mounts[i].destination, dest)) {
      at = i;
      break;
    }
  s->mounts = xrealloc(s->mounts, (s->mounts_len + 1) * sizeof *s->mounts);
  memmove(&s->mounts[at + 1], &s->mounts[at],
          (s->mounts_len - at) * sizeof *s->mounts);
  s->mounts_len++;
  oci_mount *m = &s->mounts[at];
  *m = (oci_mount){.destination = xstrdup(dest),
                   .type = xstrdup("tmpfs"),
                   .source = xstrdup("tmpfs")};
  cleanup_free char *size = xasprintf("size=%s", c->policy->tmp_size_text);
  const char *opts[] = {"nosuid", "nodev", "noexec", "mode=1777", size};
  for (size_t i = 0; i < 5; i++)
    hd_strv_add(&m->options, &m->options_len, opts[i]);
  cleanup_free char *field = xasprintf("mounts[%s]", dest);
  cleanup_free char *joined = hd_strv_join(m->options, m->options_len);
  cleanup_free char *to = xasprintf("tmpfs %s", joined);
  hd_ov_record(c, "noexec-tmp", field, "(none)", to);
}

int hd_ov_mounts(hd_ov *c, oci_spec *s) {
  if (root_path(c, s) < 0)
    return -1;
  for (size_t i = 0; i < s->mounts_len; i++)
    if (harden_mount(c, &s->mounts[i]) < 0)
      return -1;
  for (size_t t = 0; t < N_TMP_DIRS; t++) {
    bool present = false;
    for (size_t i = 0; i < s->mounts_len; i++)
      present |= strcmp(s->mounts[i].destination, tmp_dirs[t]) == 0;
    /* A tmp dir the read-only image lacks cannot be created by anyone
     * in the container, so there is nothing to make noexec; mounting one
     * would mean writing into the image (and fails in a user namespace). */
    if (!present && c->host &&
        hd_strv_has(c->host->image_lacks, c->host->image_lacks_len,
                    tmp_dirs[t])) {
      cleanup_free char *field = xasprintf("mounts[%s]", tmp_dirs[t]);
      hd_ov_record(c, "noexec-tmp", field, "(absent from the image)",
                   "(not mounted: the read-only image has no such directory)");
    } else if (!present)
      add_tmp_mount(c, s, tmp_dirs[t]);
  }
  return 0;
}
