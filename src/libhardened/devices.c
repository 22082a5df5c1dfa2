/* Device nodes and the /dev symlinks. mknod is never permitted in a user
 * namespace: a spec with one gets the host's nodes bound onto empty
 * files, each checked to be the device that was asked for. That is
 * decided from the spec, up front; a mknod refused anywhere else is an
 * error, never a reason to bind host nodes instead. */
#define _GNU_SOURCE
#include "log.h"
#include "safe-path.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

typedef struct {
  const char *path;
  mode_t format; /* S_IFCHR, S_IFBLK, S_IFIFO */
  dev_t rdev;
  mode_t perm;
  uid_t uid;
  gid_t gid;
} device_node;

static bool is_node(const struct stat *st, const device_node *d) {
  return (st->st_mode & S_IFMT) == d->format &&
         (d->format == S_IFIFO || st->st_rdev == d->rdev);
}

static int bind_host_node(int parent_fd, const char *name, const device_node *d,
                          const char *what, hd_error_t *err) {
  struct stat st;
  /* An empty file left in the image by an earlier run is reused. */
  cleanup_close int file = openat(
      parent_fd, name, O_CREAT | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (file < 0)
    return hd_error_set(err, errno, "%s: creating a file to bind on", what);
  if (fstat(file, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size != 0)
    return hd_error_set(err, EEXIST,
                        "%s: exists and is not the device asked for", what);
  cleanup_close int host = hd_clone_tree(AT_FDCWD, d->path, false, what, err);
  if (host < 0)
    return hd_error_wrap(err, "binding the host's node (user namespace)");
  if (fstat(host, &st) < 0 || !is_node(&st, d))
    return hd_error_set(err, ENODEV,
                        "%s: the host's %s is not the device "
                        "asked for",
                        what, d->path);
  hd_debug("%s: user namespace, bound the host's node", what);
  return hd_attach_mount(host, file, what, err);
}

/* mknod's mode went through the umask, and the owner is ours: set both on
 * an fd that was checked to be the node just made. */
static int set_node_owner_and_mode(int parent_fd, const char *name,
                                   const device_node *d, const char *what,
                                   hd_error_t *err) {
  struct stat st;
  char proc_path[32];
  cleanup_close int fd =
      openat(parent_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0 || fstat(fd, &st) < 0)
    return hd_error_set(err, errno, "%s: opening the new node", what);
  if (!is_node(&st, d))
    return hd_error_set(err, EEXIST,
                        "%s: exists and is not the device asked "
                        "for",
                        what);
  if (chmod(hd_fd_path(proc_path, fd), d->perm) < 0 ||
      fchownat(fd, "", d->uid, d->gid, AT_EMPTY_PATH) < 0)
    return hd_error_set(err, errno, "%s: setting mode and owner", what);
  return 0;
}

static int create_device(int root_fd, const device_node *d, bool bind_nodes,
                         const char *what, hd_error_t *err) {
  const char *slash = strrchr(d->path, '/');
  const char *name = slash ? slash + 1 : d->path;
  cleanup_free char *dir =
      slash && slash != d->path
          ? xasprintf("%.*s", (int)(slash - d->path), d->path)
          : xstrdup("/");
  if (*name == '\0' || hd_path_has_dotdot(d->path))
    return hd_error_set(err, EINVAL, "%s: not a valid device path", what);
  cleanup_close int parent =
      hd_resolve_in_root(root_fd, dir, HD_CREATE_DIR, false, err);
  if (parent < 0)
    return hd_error_wrap(err, "%s", what);
  /* A FIFO is no device: mknod makes one in a user namespace too. */
  bool bind = bind_nodes && d->format != S_IFIFO;
  if (bind && faccessat(parent, name, F_OK, AT_SYMLINK_NOFOLLOW) < 0)
    return bind_host_node(parent, name, d, what, err);
  if (!bind && mknodat(parent, name, d->format | 0600, d->rdev) == 0)
    return set_node_owner_and_mode(parent, name, d, what, err);
  if (!bind && errno != EEXIST)
    return hd_error_set(err, errno, "%s: mknod", what);
  /* Already there (a bound /dev, or the image's): accept it only if it is
   * the same device, and leave its owner and mode alone. An empty file
   * is where an earlier run in a user namespace bound the node. */
  struct stat st;
  if (bind && fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
      S_ISREG(st.st_mode) && st.st_size == 0)
    return bind_host_node(parent, name, d, what, err);
  if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !is_node(&st, d))
    return hd_error_set(err, EEXIST,
                        "%s: exists and is not the device asked "
                        "for",
                        what);
  return 0;
}

static bool spec_lists_path(const oci_linux *lnx, const char *path) {
  for (size_t i = 0; lnx && i < lnx->devices_len; i++)
    if (strcmp(lnx->devices[i].path, path) == 0)
      return true;
  return false;
}

static int create_default_devices(const oci_linux *lnx, int root_fd,
                                  bool bind_nodes, hd_error_t *err) {
  static const struct {
    const char *path;
    unsigned int major, minor;
  } defaults[] = {{"/dev/null", 1, 3},    {"/dev/zero", 1, 5},
                  {"/dev/full", 1, 7},    {"/dev/random", 1, 8},
                  {"/dev/urandom", 1, 9}, {"/dev/tty", 5, 0}};
  for (size_t i = 0; i < sizeof(defaults) / sizeof(defaults[0]); i++) {
    device_node d = {defaults[i].path,
                     S_IFCHR,
                     makedev(defaults[i].major, defaults[i].minor),
                     0666,
                     0,
                     0};
    cleanup_free char *what = xasprintf("default device %s", d.path);
    if (!spec_lists_path(lnx, d.path) &&
        create_device(root_fd, &d, bind_nodes, what, err) < 0)
      return -1;
  }
  return 0;
}

static int create_spec_devices(const oci_linux *lnx, int root_fd,
                               bool bind_nodes, hd_error_t *err) {
  for (size_t i = 0; lnx && i < lnx->devices_len; i++) {
    const oci_device *s = &lnx->devices[i];
    device_node d = {s->path,
                     s->type == 'b'   ? S_IFBLK
                     : s->type == 'p' ? S_IFIFO
                                      : S_IFCHR,
                     makedev(s->major, s->minor),
                     s->has_file_mode ? s->file_mode & 07777 : 0666,
                     s->has_uid ? s->uid : 0,
                     s->has_gid ? s->gid : 0};
    cleanup_free char *what = xasprintf("linux.devices[%zu] (%s)", i, s->path);
    if (strchr("cbup", s->type) == NULL || s->type == '\0')
      return hd_error_set(err, EINVAL, "%s: unknown type '%c'", what, s->type);
    if (create_device(root_fd, &d, bind_nodes, what, err) < 0)
      return -1;
  }
  return 0;
}

static int create_dev_symlinks(int root_fd, hd_error_t *err) {
  static const char *const links[][2] = {
      {"ptmx", "pts/ptmx"},          {"fd", "/proc/self/fd"},
      {"stdin", "/proc/self/fd/0"},  {"stdout", "/proc/self/fd/1"},
      {"stderr", "/proc/self/fd/2"}, {"core", "/proc/kcore"},
  };
  cleanup_close int dev =
      hd_resolve_in_root(root_fd, "/dev", HD_CREATE_NONE, true, err);
  if (dev < 0)
    return hd_error_wrap(err, "creating the /dev symlinks");
  for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++) {
    const char *name = links[i][0], *target = links[i][1];
    if (strcmp(name, "core") == 0 && access("/proc/kcore", F_OK) < 0)
      continue;
    /* An existing entry (a spec device such as /dev/ptmx) wins. */
    if (symlinkat(target, dev, name) < 0 && errno != EEXIST)
      return hd_error_set(err, errno, "symlink /dev/%s -> %s", name, target);
  }
  return 0;
}

/* A new user namespace, or one joined by path. */
static bool in_user_namespace(const oci_linux *lnx) {
  for (size_t i = 0; lnx && i < lnx->namespaces_len; i++)
    if (lnx->namespaces[i].type == OCI_NS_USER)
      return true;
  return false;
}

int hd_devices_setup(const oci_spec *spec, int root_fd, bool dev_is_fresh,
                     hd_error_t *err) {
  bool bind_nodes = in_user_namespace(spec->linux_);
  if (!dev_is_fresh)
    hd_debug("/dev is not a fresh mount: no default devices or symlinks");
  if (dev_is_fresh &&
      create_default_devices(spec->linux_, root_fd, bind_nodes, err) < 0)
    return -1;
  if (create_spec_devices(spec->linux_, root_fd, bind_nodes, err) < 0)
    return -1;
  return dev_is_fresh ? create_dev_symlinks(root_fd, err) : 0;
}
