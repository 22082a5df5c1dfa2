/* The container's root filesystem, built with the new mount API: every
 * mount is first made detached (fsmount or open_tree), gets its flags while
 * nobody can see it, and is then attached with move_mount onto an fd that
 * was resolved inside the rootfs. No mount target is ever a path string
 * that could be re-resolved through a symlink. */
#define _GNU_SOURCE
#include "mounts.h"
#include "log.h"
#include "safe-path.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

typedef struct {
  unsigned long set;          /* MS_RDONLY, MS_NOSUID, ... to turn on */
  unsigned long clear;        /* the same, asked to be off ("rw", "suid") */
  unsigned long rset, rclear; /* "rro", "rnosuid"...: every submount too */
  unsigned long propagation;  /* MS_SHARED... plus MS_REC; 0 = untouched */
  bool bind, recursive, remount;
  bool copy_up; /* tmpcopyup: the tmpfs starts with the image's files */
  char *data;   /* what the filesystem itself parses: "mode=755,size=1m" */
} mount_opts;

static void mount_opts_clear(mount_opts *o) {
  free(o->data);
}

static const struct {
  const char *name;
  unsigned long set, clear;
} flag_options[] = {
    {"ro", MS_RDONLY, 0},
    {"rw", 0, MS_RDONLY},
    {"nosuid", MS_NOSUID, 0},
    {"suid", 0, MS_NOSUID},
    {"nodev", MS_NODEV, 0},
    {"dev", 0, MS_NODEV},
    {"noexec", MS_NOEXEC, 0},
    {"exec", 0, MS_NOEXEC},
    {"noatime", MS_NOATIME, 0},
    {"atime", MS_RELATIME, 0},
    {"relatime", MS_RELATIME, 0},
    {"strictatime", MS_STRICTATIME, 0},
    {"nodiratime", MS_NODIRATIME, 0},
    {"diratime", 0, MS_NODIRATIME},
    {"nosymfollow", MS_NOSYMFOLLOW, 0},
    /* Only clear a flag the kernel does not default to; nothing to do. */
    {"norelatime", 0, 0},
    {"nostrictatime", 0, 0},
};

static const struct {
  const char *name;
  unsigned long flags;
} propagation_options[] = {
    {"shared", MS_SHARED},         {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},           {"rslave", MS_SLAVE | MS_REC},
    {"private", MS_PRIVATE},       {"rprivate", MS_PRIVATE | MS_REC},
    {"unbindable", MS_UNBINDABLE}, {"runbindable", MS_UNBINDABLE | MS_REC},
};

static int propagation_from_name(const char *name, unsigned long *flags) {
  for (size_t i = 0;
       i < sizeof(propagation_options) / sizeof(propagation_options[0]); i++)
    if (strcmp(name, propagation_options[i].name) == 0) {
      *flags = propagation_options[i].flags;
      return 0;
    }
  return -1;
}

static void append_data(mount_opts *o, const char *opt) {
  char *old = o->data;
  o->data = old ? xasprintf("%s,%s", old, opt) : xstrdup(opt);
  free(old);
}

static bool parse_flag_into(const char *opt, unsigned long *set,
                            unsigned long *clear) {
  for (size_t i = 0; i < sizeof(flag_options) / sizeof(flag_options[0]); i++)
    if (strcmp(opt, flag_options[i].name) == 0) {
      *set = (*set & ~flag_options[i].clear) | flag_options[i].set;
      *clear = (*clear & ~flag_options[i].set) | flag_options[i].clear;
      return true;
    }
  return false;
}

/* "ro" or, with runtime-spec 1.1's leading r, "rro" for the whole tree. */
static bool parse_flag_option(const char *opt, mount_opts *o) {
  return parse_flag_into(opt, &o->set, &o->clear) ||
         (opt[0] == 'r' && parse_flag_into(opt + 1, &o->rset, &o->rclear));
}

static void parse_mount_options(const oci_mount *m, mount_opts *o) {
  memset(o, 0, sizeof(*o));
  o->bind = m->type != NULL && strcmp(m->type, "bind") == 0;
  for (size_t i = 0; i < m->options_len; i++) {
    const char *opt = m->options[i];
    if (*opt == '\0' || parse_flag_option(opt, o) ||
        propagation_from_name(opt, &o->propagation) == 0)
      continue;
    if (strcmp(opt, "bind") == 0 || strcmp(opt, "rbind") == 0) {
      o->bind = true;
      o->recursive = o->recursive || opt[0] == 'r';
    } else if (strcmp(opt, "remount") == 0) {
      o->remount = true;
    } else if (strcmp(opt, "tmpcopyup") == 0) {
      o->copy_up = true;
    } else {
      /* sync, dirsync, mand... are superblock flags: fsconfig takes them
       * as plain flags, like any filesystem-specific option. */
      append_data(o, opt);
    }
  }
}

/* MS_* flags to mount_setattr attributes; the atime mode is one field. */
static void to_mount_attr(unsigned long set, unsigned long clear,
                          struct mount_attr *attr) {
  static const struct {
    unsigned long ms;
    uint64_t attr;
  } map[] = {
      {MS_RDONLY, MOUNT_ATTR_RDONLY},
      {MS_NOSUID, MOUNT_ATTR_NOSUID},
      {MS_NODEV, MOUNT_ATTR_NODEV},
      {MS_NOEXEC, MOUNT_ATTR_NOEXEC},
      {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
      {MS_NOSYMFOLLOW, MOUNT_ATTR_NOSYMFOLLOW},
  };
  memset(attr, 0, sizeof(*attr));
  for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
    if (set & map[i].ms)
      attr->attr_set |= map[i].attr;
    if (clear & map[i].ms)
      attr->attr_clr |= map[i].attr;
  }
  if (set & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME)) {
    attr->attr_clr |= MOUNT_ATTR__ATIME;
    attr->attr_set |= (set & MS_NOATIME)       ? MOUNT_ATTR_NOATIME
                      : (set & MS_STRICTATIME) ? MOUNT_ATTR_STRICTATIME
                                               : MOUNT_ATTR_RELATIME;
  }
}

/* In a user namespace the kernel locks the ro/nosuid/nodev/noexec flags a
 * mount inherited from a more privileged one, and refuses (EPERM) to clear
 * them. Then we keep every flag the mount already has, read with
 * fstatvfs: asking for "rw" over a locked read-only source stays
 * read-only, which is what the kernel allows. */
int hd_set_mount_flags(int mnt_fd, unsigned long set, unsigned long clear,
                       bool recursive, const char *what, hd_error_t *err) {
  struct mount_attr attr;
  unsigned int at = AT_EMPTY_PATH | (recursive ? AT_RECURSIVE : 0);
  to_mount_attr(set, clear, &attr);
  if (attr.attr_set == 0 && attr.attr_clr == 0)
    return 0;
  if (mount_setattr(mnt_fd, "", at, &attr, sizeof(attr)) == 0)
    return 0;
  struct statvfs sv;
  if (errno != EPERM || fstatvfs(mnt_fd, &sv) < 0)
    return hd_error_set(err, errno, "%s: setting mount flags", what);
  unsigned long locked =
      sv.f_flag & (ST_RDONLY | ST_NOSUID | ST_NODEV | ST_NOEXEC);
  hd_debug("%s: keeping locked mount flags 0x%lx", what, locked);
  to_mount_attr(set | locked, clear & ~locked, &attr);
  if (mount_setattr(mnt_fd, "", at, &attr, sizeof(attr)) < 0)
    return hd_error_set(err, errno, "%s: setting mount flags", what);
  return 0;
}

static int apply_propagation(int mnt_fd, unsigned long propagation,
                             const char *what, hd_error_t *err) {
  struct mount_attr attr = {.propagation = propagation & ~MS_REC};
  unsigned int at = AT_EMPTY_PATH | ((propagation & MS_REC) ? AT_RECURSIVE : 0);
  if (propagation == 0)
    return 0;
  if (mount_setattr(mnt_fd, "", at, &attr, sizeof(attr)) < 0)
    return hd_error_set(err, errno, "%s: setting propagation", what);
  return 0;
}

/* The kernel explains fsconfig failures in a message queued on the fd. */
static int fs_context_error(int fs_fd, const char *step, const char *what,
                            hd_error_t *err) {
  int saved = errno;
  char msg[256];
  ssize_t n = read(fs_fd, msg, sizeof(msg) - 1);
  if (n > 2) {
    msg[n] = '\0';
    return hd_error_set(err, saved, "%s: %s (%s)", what, step, msg + 2);
  }
  return hd_error_set(err, saved, "%s: %s", what, step);
}

static int configure_fs(int fs_fd, const char *data, const char *what,
                        hd_error_t *err) {
  cleanup_free char *copy = xstrdup(data ? data : "");
  char *save = NULL;
  for (char *opt = strtok_r(copy, ",", &save); opt;
       opt = strtok_r(NULL, ",", &save)) {
    char *eq = strchr(opt, '=');
    if (eq)
      *eq = '\0';
    int r = eq ? fsconfig(fs_fd, FSCONFIG_SET_STRING, opt, eq + 1, 0)
               : fsconfig(fs_fd, FSCONFIG_SET_FLAG, opt, NULL, 0);
    if (r < 0)
      return fs_context_error(fs_fd, "mount option", what, err);
  }
  return 0;
}

int hd_fresh_mount(const char *fstype, const char *source, const char *data,
                   const char *what, hd_error_t *err) {
  cleanup_close int fs_fd = fsopen(fstype, FSOPEN_CLOEXEC);
  if (fs_fd < 0)
    return hd_error_set(err, errno, "%s: fsopen(%s)", what, fstype);
  if (source && *source &&
      fsconfig(fs_fd, FSCONFIG_SET_STRING, "source", source, 0) < 0)
    return fs_context_error(fs_fd, "source", what, err);
  if (configure_fs(fs_fd, data, what, err) < 0)
    return -1;
  if (fsconfig(fs_fd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
    return fs_context_error(fs_fd, "creating the filesystem", what, err);
  int mnt_fd = fsmount(fs_fd, FSMOUNT_CLOEXEC, 0);
  if (mnt_fd < 0)
    return fs_context_error(fs_fd, "fsmount", what, err);
  return mnt_fd;
}

int hd_clone_tree(int dir_fd, const char *path, bool recursive,
                  const char *what, hd_error_t *err) {
  unsigned int flags = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
                       (recursive ? AT_RECURSIVE : 0) |
                       (*path == '\0' ? AT_EMPTY_PATH : 0);
  int fd = open_tree(dir_fd, path, flags);
  if (fd < 0)
    return hd_error_set(err, errno, "%s: cloning mount of %s", what,
                        *path ? path : "fd");
  return fd;
}

int hd_attach_mount(int mnt_fd, int target_fd, const char *what,
                    hd_error_t *err) {
  if (move_mount(mnt_fd, "", target_fd, "",
                 MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
    return hd_error_set(err, errno, "%s: attaching the mount", what);
  return 0;
}

static bool is_type(const char *type, const char *name) {
  return type != NULL && strcmp(type, name) == 0;
}

static int open_target(int root_fd, const char *dest, hd_create_kind kind,
                       bool dir_only, const char *what, hd_error_t *err) {
  cleanup_close int fd = hd_resolve_in_root(root_fd, dest, kind, dir_only, err);
  if (fd < 0)
    return hd_error_wrap(err, "%s", what);
  struct stat st;
  if (dir_only && (fstat(fd, &st) < 0 || !S_ISDIR(st.st_mode)))
    return hd_error_set(err, ENOTDIR,
                        "%s: the target must be a real directory, not a "
                        "symlink or a file",
                        what);
  return hd_steal_fd(&fd);
}

/* A detached mount for spec mount m; *kind says what its target must be. */
static int make_source(const oci_mount *m, const mount_opts *o, int *bind_tree,
                       hd_create_kind *kind, const char *what,
                       hd_error_t *err) {
  struct stat st;
  *kind = HD_CREATE_DIR;
  /* No fallback: a sysfs refused in a user namespace without its own
   * network namespace is an error, not a bind of the host's /sys. */
  if (!o->bind)
    return hd_fresh_mount(m->type, m->source, o->data, what, err);
  if (*bind_tree < 0)
    return hd_error_set(err, EBADF, "%s: no prepared tree for the bind", what);
  if (fstat(*bind_tree, &st) == 0 && !S_ISDIR(st.st_mode))
    *kind = HD_CREATE_FILE;
  return hd_steal_fd(bind_tree);
}

/* The recursive flags first, so that the plain ones, which only reach
 * the top mount, have the last word there ("rro" with "rw"). */
static int apply_flags(int mnt_fd, const mount_opts *o, const char *what,
                       hd_error_t *err) {
  if (hd_set_mount_flags(mnt_fd, o->rset, o->rclear, true, what, err) < 0)
    return -1;
  return hd_set_mount_flags(mnt_fd, o->set, o->clear, false, what, err);
}

static int clone_bind_source(const oci_mount *m, const mount_opts *o,
                             const hd_host_facts *facts, const char *what,
                             hd_error_t *err) {
  int open_errno;
  if (m->source == NULL)
    return hd_error_set(err, EINVAL, "%s: bind mount without a source", what);
  if (o->data)
    hd_debug("%s: a bind mount ignores options \"%s\"", what, o->data);
  int fd = hd_host_facts_source_fd(facts, m->source, &open_errno);
  if (fd < 0)
    return hd_error_set(err, open_errno, "%s: opening the bind source %s", what,
                        m->source);
  cleanup_close int tree = hd_clone_tree(fd, "", o->recursive, what, err);
  if (tree < 0 || apply_flags(tree, o, what, err) < 0)
    return -1;
  return hd_steal_fd(&tree);
}

static int judged_rootfs(const oci_spec *spec, const hd_host_facts *facts,
                         hd_sources *out, hd_error_t *err) {
  struct stat st;
  int open_errno;
  const char *path = spec->root ? spec->root->path : NULL;
  int fd = path ? hd_host_facts_root_fd(facts, &open_errno) : -1;
  if (path == NULL)
    return hd_error_set(err, 0, "root.path: required field missing");
  if (fd < 0)
    return hd_error_set(err, open_errno, "root.path: %s", path);
  if (fstat(fd, &st) < 0)
    return hd_error_set(err, errno, "root.path: %s", path);
  out->rootfs = xstrdup(path);
  out->rootfs_dev = st.st_dev;
  out->rootfs_ino = st.st_ino;
  return 0;
}

int hd_sources_prepare(const oci_spec *spec, const hd_host_facts *facts,
                       hd_sources *out, hd_error_t *err) {
  out->len = spec->mounts_len;
  out->bind_trees = xcalloc(out->len ? out->len : 1, sizeof(int));
  for (size_t i = 0; i < out->len; i++)
    out->bind_trees[i] = -1;
  if (judged_rootfs(spec, facts, out, err) < 0)
    return -1;
  for (size_t i = 0; i < spec->mounts_len; i++) {
    const oci_mount *m = &spec->mounts[i];
    __attribute__((cleanup(mount_opts_clear))) mount_opts o;
    parse_mount_options(m, &o);
    if (!o.bind || o.remount)
      continue;
    cleanup_free char *what = xasprintf("mounts[%zu] (%s)", i, m->destination);
    if ((out->bind_trees[i] = clone_bind_source(m, &o, facts, what, err)) < 0)
      return -1;
  }
  return 0;
}

void hd_sources_clear(hd_sources *sources) {
  for (size_t i = 0; i < sources->len; i++)
    hd_closep(&sources->bind_trees[i]);
  free(sources->bind_trees);
  free(sources->rootfs);
  *sources = (hd_sources){0};
}

/* "remount": change the flags of what is already mounted there. */
static int remount_existing(int root_fd, const oci_mount *m,
                            const mount_opts *o, const char *what,
                            hd_error_t *err) {
  cleanup_close int target =
      open_target(root_fd, m->destination, HD_CREATE_NONE, false, what, err);
  if (target < 0 || apply_flags(target, o, what, err) < 0)
    return -1;
  return apply_propagation(target, o->propagation, what, err);
}

static bool is_dev(const char *dest) {
  return strcmp(dest, "/dev") == 0 || strcmp(dest, "/dev/") == 0;
}

/* A fresh /dev asked read-only is filled first (/dev/pts, /dev/shm, the
 * nodes and symlinks), and made read-only at the end, as runc does. */
static bool dev_ro_deferred(const oci_mount *m, const mount_opts *o) {
  return is_dev(m->destination) && !o->bind && !o->remount &&
         ((o->set | o->rset) & MS_RDONLY);
}

static int mount_one(const oci_spec *spec, int root_fd, hd_sources *sources,
                     size_t i, hd_error_t *err) {
  const oci_mount *m = &spec->mounts[i];
  cleanup_free char *what = xasprintf("mounts[%zu] (%s)", i, m->destination);
  if (hd_path_has_dotdot(m->destination))
    return hd_error_set(err, EINVAL,
                        "mounts[%zu].destination \"%s\": \"..\" components "
                        "are not allowed",
                        i, m->destination);
  if (m->uid_mappings_len || m->gid_mappings_len)
    return hd_error_set(err, ENOTSUP, "%s: idmapped mounts", what);
  __attribute__((cleanup(mount_opts_clear))) mount_opts o;
  parse_mount_options(m, &o);
  if (o.remount)
    return remount_existing(root_fd, m, &o, what, err);
  if (!o.bind && m->type == NULL)
    return hd_error_set(err, EINVAL, "%s: no type and not a bind", what);
  if (!o.bind && (is_type(m->type, "cgroup") || is_type(m->type, "cgroup2"))) {
    cleanup_close int target =
        open_target(root_fd, m->destination, HD_CREATE_DIR, false, what, err);
    return target < 0 ? -1 : hd_mount_cgroup(spec, target, o.set, what, err);
  }
  hd_create_kind kind;
  cleanup_close int src =
      make_source(m, &o, &sources->bind_trees[i], &kind, what, err);
  bool dir_only =
      !o.bind && (is_type(m->type, "proc") || is_type(m->type, "sysfs"));
  cleanup_close int target =
      src < 0 ? -1
              : open_target(root_fd, m->destination, kind, dir_only, what, err);
  if (target >= 0 && o.copy_up && !is_type(m->type, "tmpfs"))
    return hd_error_set(err, EINVAL, "%s: tmpcopyup applies to tmpfs only",
                        what);
  if (target >= 0 && o.copy_up && hd_tmpfs_copy_up(target, src, what, err) < 0)
    return -1;
  if (dev_ro_deferred(m, &o)) {
    o.set &= ~MS_RDONLY;
    o.rset &= ~MS_RDONLY;
  }
  /* A bind's flags were set when its tree was cloned. */
  if (target < 0 || (!o.bind && apply_flags(src, &o, what, err) < 0) ||
      hd_attach_mount(src, target, what, err) < 0)
    return -1;
  return apply_propagation(src, o.propagation, what, err);
}

static int finish_readonly_dev(const oci_spec *spec, int root_fd,
                               hd_error_t *err) {
  bool ro = false;
  for (size_t i = 0; i < spec->mounts_len; i++) {
    mount_opts o;
    parse_mount_options(&spec->mounts[i], &o);
    if (is_dev(spec->mounts[i].destination))
      ro = dev_ro_deferred(&spec->mounts[i], &o);
    mount_opts_clear(&o);
  }
  if (!ro)
    return 0;
  cleanup_close int dev =
      open_target(root_fd, "/dev", HD_CREATE_NONE, true, "/dev", err);
  if (dev < 0 ||
      hd_set_mount_flags(dev, MS_RDONLY, 0, false, "read-only /dev", err) < 0)
    return -1;
  return 0;
}

/* The nodes and symlinks only go into a /dev the spec mounted fresh: a
 * bound /dev is someone else's directory (often the host's), and without a
 * /dev mount we would be writing device nodes into the image on disk. */
static bool dev_is_fresh_mount(const oci_spec *spec) {
  bool fresh = false;
  for (size_t i = 0; i < spec->mounts_len; i++) {
    if (!is_dev(spec->mounts[i].destination))
      continue;
    mount_opts o;
    parse_mount_options(&spec->mounts[i], &o);
    fresh = !o.bind && !o.remount;
    mount_opts_clear(&o);
  }
  return fresh;
}

static int rootfs_propagation(const oci_spec *spec, unsigned long *prop,
                              hd_error_t *err) {
  const char *name = spec->linux_ ? spec->linux_->rootfs_propagation : NULL;
  *prop = MS_PRIVATE | MS_REC;
  if (name && propagation_from_name(name, prop) < 0)
    return hd_error_set(err, EINVAL, "linux.rootfsPropagation \"%s\": unknown",
                        name);
  return 0;
}

/* Under a shared /, the self-bind of the rootfs would propagate to the host
 * and pivot_root would refuse a shared parent: the mount holding the rootfs
 * directory goes private (in our namespace only). */
static int make_rootfs_parent_private(const char *rootfs, hd_error_t *err) {
  cleanup_free char *dir = xstrdup(rootfs);
  struct statx stx;
  for (;;) {
    if (statx(AT_FDCWD, dir, AT_NO_AUTOMOUNT, 0, &stx) < 0)
      return hd_error_set(err, errno, "statx %s", dir);
    if ((stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) || strcmp(dir, "/") == 0)
      break;
    char *slash = strrchr(dir, '/');
    slash[slash == dir ? 1 : 0] = '\0';
  }
  if (mount(NULL, dir, NULL, MS_PRIVATE, NULL) < 0)
    return hd_error_set(err, errno, "making the mount at %s private", dir);
  return 0;
}

/* The rootfs directory, opened in our own mount namespace (the runtime's
 * fd belongs to the host's, which open_tree and pivot_root refuse) and
 * accepted only if it is the directory the overlay judged. */
static int open_judged_rootfs(const hd_sources *sources, hd_error_t *err) {
  struct stat st;
  cleanup_close int fd =
      hd_openat2(AT_FDCWD, sources->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC,
                 RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  if (fd < 0 || fstat(fd, &st) < 0)
    return hd_error_set(err, errno, "opening the rootfs %s", sources->rootfs);
  if (st.st_dev != sources->rootfs_dev || st.st_ino != sources->rootfs_ino)
    return hd_error_set(err, EXDEV,
                        "the rootfs %s is no longer the directory that was "
                        "checked",
                        sources->rootfs);
  return hd_steal_fd(&fd);
}

/* Before the self-bind, / gets the asked propagation (default rprivate), so
 * a slave still receives host mounts and nothing leaks back. The asked
 * propagation is applied again to the rootfs mount after the bind: a bind
 * of a private parent is private, and an unbindable / could not be bound.
 * Returns the bind's root, the fd every later step works from. */
static int bind_rootfs(const hd_sources *sources, unsigned long prop,
                       hd_error_t *err) {
  const char *what = "binding the rootfs to itself";
  unsigned long before =
      (prop & MS_UNBINDABLE) ? MS_PRIVATE | (prop & MS_REC) : prop;
  if (mount(NULL, "/", NULL, before, NULL) < 0)
    return hd_error_set(err, errno, "setting the propagation of /");
  if ((prop & MS_SHARED) &&
      make_rootfs_parent_private(sources->rootfs, err) < 0)
    return -1;
  cleanup_close int dir = open_judged_rootfs(sources, err);
  cleanup_close int tree =
      dir < 0 ? -1 : hd_clone_tree(dir, "", true, what, err);
  if (tree < 0 || hd_attach_mount(tree, dir, what, err) < 0)
    return -1;
  if ((prop & (MS_SHARED | MS_SLAVE | MS_UNBINDABLE)) &&
      apply_propagation(tree, prop, "linux.rootfsPropagation", err) < 0)
    return -1;
  return hd_steal_fd(&tree);
}

int hd_rootfs_prepare(const oci_spec *spec, hd_sources *sources,
                      hd_error_t *err) {
  unsigned long prop;
  if (rootfs_propagation(spec, &prop, err) < 0)
    return hd_error_wrap(err, "preparing the rootfs");
  cleanup_close int root_fd = bind_rootfs(sources, prop, err);
  if (root_fd < 0)
    return hd_error_wrap(err, "preparing the rootfs");
  if (sources->len != spec->mounts_len)
    return hd_error_set(err, EINVAL, "the bind trees do not match the mounts");
  for (size_t i = 0; i < spec->mounts_len; i++)
    if (mount_one(spec, root_fd, sources, i, err) < 0)
      return -1;
  if (hd_devices_setup(spec, root_fd, dev_is_fresh_mount(spec), err) < 0 ||
      finish_readonly_dev(spec, root_fd, err) < 0)
    return -1;
  if (fchdir(root_fd) < 0)
    return hd_error_set(err, errno, "entering the rootfs");
  return 0;
}

/* pivot_root(".", ".") stacks the old root on top of the new one at "/";
 * detaching it then leaves only the container's tree. It is made a slave
 * first so that the detach cannot propagate back into the host. pivot_root
 * refuses a shared new root or a shared current root, so a shared rootfs
 * is private for the pivot and shared again after it. */
static int pivot_into_cwd(bool shared, hd_error_t *err) {
  if (shared && (mount(NULL, "/", NULL, MS_PRIVATE, NULL) < 0 ||
                 mount(NULL, ".", NULL, MS_PRIVATE, NULL) < 0))
    return hd_error_set(err, errno, "unsharing the roots for pivot_root");
  if (syscall(SYS_pivot_root, ".", ".") < 0)
    return hd_error_set(err, errno, "pivot_root");
  if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
    return hd_error_set(err, errno, "making the old root a slave");
  if (umount2(".", MNT_DETACH) < 0)
    return hd_error_set(err, errno, "detaching the old root");
  if (shared && mount(NULL, "/", NULL, MS_SHARED, NULL) < 0)
    return hd_error_set(err, errno, "making the new root shared again");
  return 0;
}

static int move_into_cwd(hd_error_t *err) {
  if (mount(".", "/", NULL, MS_MOVE, NULL) < 0)
    return hd_error_set(err, errno, "moving the rootfs onto /");
  if (chroot(".") < 0)
    return hd_error_set(err, errno, "chroot into the rootfs");
  return 0;
}

/* O_PATH fd of a masked/read-only path inside the new root, refusing
 * symlinks anywhere on the way. PATH_MISSING (err untouched) when the path
 * does not exist: such paths are skipped. */
enum { PATH_MISSING = -2 };
static int open_listed_path(int root_fd, const char *list, size_t i,
                            const char *path, hd_error_t *err) {
  const uint64_t resolve =
      RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
  if (hd_path_has_dotdot(path))
    return hd_error_set(err, EINVAL,
                        "linux.%s[%zu] \"%s\": \"..\" "
                        "components are not allowed",
                        list, i, path);
  int fd = hd_openat2(root_fd, path, O_PATH | O_CLOEXEC, resolve);
  if (fd < 0 && errno == ENOENT)
    return PATH_MISSING;
  if (fd < 0)
    return hd_error_set(err, errno, "linux.%s[%zu] \"%s\"", list, i, path);
  return fd;
}

/* Files are masked with clones of the container's own /dev/null, checked
 * to be the null device so that a planted file cannot stand in for it. */
static int open_dev_null(int root_fd) {
  struct stat st;
  cleanup_close int fd =
      hd_openat2(root_fd, "/dev/null", O_PATH | O_CLOEXEC,
                 RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  if (fd < 0 || fstat(fd, &st) < 0 || !S_ISCHR(st.st_mode) ||
      st.st_rdev != makedev(1, 3))
    return -1;
  return hd_steal_fd(&fd);
}

typedef struct {
  int fd;           /* -1 until the first masked file */
  const char *name; /* cloned relative to fd; "" for fd itself */
  bool is_file;     /* an empty file, not a node: clones are made read-only */
} mask_source;

static void mask_source_clear(mask_source *src) {
  hd_closep(&src->fd);
}

/* Without a real /dev/null in the container (no /dev mount), the mask is a
 * node of our own in a detached tmpfs nobody else can reach; where mknod is
 * refused, an empty file that its clones make read-only. The kernel clones
 * out of a detached mount by name only, hence the directory fd. */
static int open_private_null(mask_source *src, hd_error_t *err) {
  const char *what = "a private /dev/null for linux.maskedPaths";
  cleanup_close int dir =
      hd_fresh_mount("tmpfs", "tmpfs", "mode=755", what, err);
  if (dir < 0)
    return -1;
  src->is_file = mknodat(dir, "null", S_IFCHR | 0666, makedev(1, 3)) < 0 ||
                 fchmodat(dir, "null", 0666, 0) < 0;
  if (src->is_file) {
    cleanup_close int file =
        openat(dir, "null", O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0444);
    if (file < 0)
      return hd_error_set(err, errno, "creating %s", what);
  }
  src->name = "null";
  src->fd = hd_steal_fd(&dir);
  return 0;
}

static int clone_mask_source(int root_fd, mask_source *src, const char *what,
                             hd_error_t *err) {
  if (src->fd < 0 && (src->fd = open_dev_null(root_fd)) < 0) {
    hd_debug("%s: no null device at /dev/null, using a private one", what);
    if (open_private_null(src, err) < 0)
      return hd_error_wrap(err, "%s", what);
  }
  cleanup_close int mnt = hd_clone_tree(src->fd, src->name, false, what, err);
  if (mnt < 0 || (src->is_file &&
                  hd_set_mount_flags(mnt, MS_RDONLY, 0, false, what, err) < 0))
    return -1;
  return hd_steal_fd(&mnt);
}

static int mask_one(int root_fd, mask_source *src, int target, const char *what,
                    hd_error_t *err) {
  struct stat st;
  cleanup_close int mnt = -1;
  if (fstat(target, &st) < 0)
    return hd_error_set(err, errno, "%s: fstat", what);
  if (S_ISDIR(st.st_mode)) {
    mnt = hd_fresh_mount("tmpfs", "tmpfs", NULL, what, err);
    if (mnt >= 0 &&
        hd_set_mount_flags(mnt, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, 0,
                           false, what, err) < 0)
      return -1;
  } else {
    mnt = clone_mask_source(root_fd, src, what, err);
  }
  return mnt < 0 ? -1 : hd_attach_mount(mnt, target, what, err);
}

static int make_readonly(int target, const char *what, hd_error_t *err) {
  cleanup_close int mnt = hd_clone_tree(target, "", true, what, err);
  if (mnt < 0 || hd_set_mount_flags(mnt, MS_RDONLY, 0, true, what, err) < 0)
    return -1;
  return hd_attach_mount(mnt, target, what, err);
}

static int apply_path_lists(const oci_linux *lnx, int root_fd,
                            hd_error_t *err) {
  __attribute__((cleanup(mask_source_clear))) mask_source src = {-1, "", false};
  for (size_t i = 0; lnx && i < lnx->masked_paths_len; i++) {
    const char *path = lnx->masked_paths[i];
    cleanup_free char *what = xasprintf("linux.maskedPaths[%zu] (%s)", i, path);
    cleanup_close int fd =
        open_listed_path(root_fd, "maskedPaths", i, path, err);
    if (fd == -1)
      return -1;
    if (fd >= 0 && mask_one(root_fd, &src, fd, what, err) < 0)
      return -1;
  }
  for (size_t i = 0; lnx && i < lnx->readonly_paths_len; i++) {
    const char *path = lnx->readonly_paths[i];
    cleanup_free char *what =
        xasprintf("linux.readonlyPaths[%zu] (%s)", i, path);
    cleanup_close int fd =
        open_listed_path(root_fd, "readonlyPaths", i, path, err);
    if (fd == -1)
      return -1;
    if (fd >= 0 && make_readonly(fd, what, err) < 0)
      return -1;
  }
  return 0;
}

int hd_rootfs_pivot_and_finish(const oci_spec *spec, const char *rootfs,
                               bool no_pivot, hd_error_t *err) {
  unsigned long prop;
  if (rootfs_propagation(spec, &prop, err) < 0)
    return -1;
  if ((no_pivot ? move_into_cwd(err)
                : pivot_into_cwd((prop & MS_SHARED) != 0, err)) < 0)
    return hd_error_wrap(err, "entering the rootfs %s", rootfs);
  if (chdir("/") < 0)
    return hd_error_set(err, errno, "chdir to / in the container");
  cleanup_close int root_fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root_fd < 0)
    return hd_error_set(err, errno, "opening / in the container");
  /* Before the path lists: they usually make /proc/sys read-only. */
  if (hd_sysctl_apply(spec->linux_, err) < 0 ||
      apply_path_lists(spec->linux_, root_fd, err) < 0)
    return -1;
  /* The image's own root is never a source of setuid programs or device
   * nodes: device nodes come from the /dev the spec mounts. (runc leaves
   * both on; a hostile image is in our threat model.) */
  unsigned long root_flags = MS_NOSUID | MS_NODEV;
  if (spec->root && spec->root->readonly)
    root_flags |= MS_RDONLY;
  if (hd_set_mount_flags(root_fd, root_flags, 0, false, "root", err) < 0)
    return -1;
  return 0;
}
