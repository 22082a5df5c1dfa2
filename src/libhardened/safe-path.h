/* Internal to the rootfs setup (mounts.c, mounts-cgroup.c, devices.c,
 * safe-path.c, sysctl.c): path resolution that cannot be led out of a
 * root by symlinks or "..", and the few mount primitives everything else
 * is built from. */
#ifndef HD_SAFE_PATH_H
#define HD_SAFE_PATH_H

#include "error.h"
#include "spec.h"
#include <stdbool.h>
#include <stdint.h>

/* openat2(2); returns an fd or -1 with errno set. */
int hd_openat2(int dirfd, const char *path, int flags, uint64_t resolve);

/* True when some component of path is exactly "..". */
bool hd_path_has_dotdot(const char *path);

typedef enum {
  HD_CREATE_NONE, /* the path must exist */
  HD_CREATE_DIR,  /* create missing directories, the last one too */
  HD_CREATE_FILE, /* create missing directories and an empty last file */
} hd_create_kind;

/* O_PATH fd of `path` resolved inside root_fd (RESOLVE_IN_ROOT), creating
 * what is missing one component at a time relative to verified fds.
 * With `nofollow_last` a final symlink is returned as itself. */
int hd_resolve_in_root(int root_fd, const char *path, hd_create_kind create,
                       bool nofollow_last, hd_error_t *err);

/* O_PATH|O_DIRECTORY fd of `path`, checked with fstatfs to be procfs. */
int hd_open_procfs_dir(const char *path, hd_error_t *err);
/* Write `value` to `rel` beneath dir_fd: no symlinks, no "..", no
 * crossing into another mount. */
int hd_write_beneath(int dir_fd, const char *rel, const char *value,
                     hd_error_t *err);

/* "/proc/self/fd/N" into buf (at least 32 bytes). */
const char *hd_fd_path(char *buf, int fd);

/* --- mount primitives (mounts.c) --- */

/* The one place where a mount's flags (ro, nosuid, nodev, noexec, atime,
 * nosymfollow: MS_* values) change after the mount exists. */
int hd_set_mount_flags(int mnt_fd, unsigned long set, unsigned long clear,
                       bool recursive, const char *what, hd_error_t *err);
/* A detached mount of a fresh filesystem; `data` is "k=v,flag,..." */
int hd_fresh_mount(const char *fstype, const char *source, const char *data,
                   const char *what, hd_error_t *err);
/* A detached copy of the mount tree at dir_fd/path (AT_EMPTY_PATH when
 * path is ""). */
int hd_clone_tree(int dir_fd, const char *path, bool recursive,
                  const char *what, hd_error_t *err);
/* Attach a detached mount onto the verified target fd. */
int hd_attach_mount(int mnt_fd, int target_fd, const char *what,
                    hd_error_t *err);

/* --- mounts-copyup.c --- */
/* tmpcopyup: copy the image's directory image_dir (an O_PATH fd resolved
 * in the rootfs) into the detached tmpfs tmpfs_fd, symlinks as symlinks,
 * owners and modes kept, without leaving the image's filesystem. */
int hd_tmpfs_copy_up(int image_dir, int tmpfs_fd, const char *what,
                     hd_error_t *err);

/* --- mounts-cgroup.c --- */
/* The cgroup filesystem(s) on target_fd; `flags` (MS_RDONLY, MS_NOSUID...)
 * apply to every mount made. */
int hd_mount_cgroup(const oci_spec *spec, int target_fd, unsigned long flags,
                    const char *what, hd_error_t *err);

/* --- devices.c --- */
/* Default and spec devices and the /dev symlinks. `dev_is_fresh`: the
 * spec mounted a new filesystem (not a bind) on /dev. */
int hd_devices_setup(const oci_spec *spec, int root_fd, bool dev_is_fresh,
                     hd_error_t *err);

#endif
