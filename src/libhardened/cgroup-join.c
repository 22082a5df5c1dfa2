/* Placing a new process (the container's init, an exec'd process) in the
 * container's cgroup without paying for a migration.
 *
 * Moving a whole process by writing its pid to cgroup.procs takes the
 * kernel's cgroup_threadgroup_rwsem for writing, and the first writer
 * after a quiet spell waits for an RCU grace period: 8 to 20 ms on this
 * kind of host, once per container, for every runtime that does it (crun
 * and runc do). Two ways in skip that lock:
 *
 *  - clone3(CLONE_INTO_CGROUP) creates the child in its cgroup2
 *    directory; the fork path only takes the rwsem for reading;
 *  - a thread writing "0" to a v1 hierarchy's `tasks` file moves only
 *    itself, which the kernel does without the rwsem. A freshly forked
 *    child has a single thread, so moving the thread moves the process.
 *
 * The files are opened by the runtime before the fork. The kernel checks
 * the opener's credentials (file->f_cred) for a v1 move, so the child can
 * place itself from inside a new user namespace, where its own
 * credentials would not be enough. */
#define _GNU_SOURCE
#include "cgroup-internal.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif

/* The kernel's struct clone_args, up to the cgroup field
 * (CLONE_ARGS_SIZE_VER2). */
struct hd_clone_args {
  uint64_t flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size,
      tls, set_tid, set_tid_size, cgroup;
};

static const char *join_file(const hd_cg_dir *d, bool v2_placed) {
  if (!d->h->v2)
    return "tasks";
  /* clone3 will place the child; nothing to open. */
  return v2_placed ? NULL : "cgroup.procs";
}

static void close_join_fds(hd_cgroup *cg) {
  for (size_t i = 0; i < cg->n; i++) {
    if (cg->dirs[i].join_fd >= 0)
      close(cg->dirs[i].join_fd);
    cg->dirs[i].join_fd = -1;
  }
}

static int open_dir_fd(hd_cgroup *cg, hd_error_t *err) {
  if (cg->v2_dir < 0 || cg->v2_dirfd >= 0)
    return 0;
  cg->v2_dirfd =
      open(cg->dirs[cg->v2_dir].dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (cg->v2_dirfd < 0)
    return hd_error_set(err, errno, "opening cgroup %s (cgroup2)", cg->path);
  return 0;
}

/* Opens what hd_cgroup_join_self needs. Both the cgroup2 directory (for
 * CLONE_INTO_CGROUP) and its cgroup.procs (the fallback when clone3 is
 * missing) are opened: which one is used is only known at the clone. */
int hd_cgroup_prepare_join(hd_cgroup *cg, hd_error_t *err) {
  if (cg->n == 0)
    return hd_error_set(err, ENOENT,
                        "joining cgroup %s: no directory of it was made by "
                        "this container's create",
                        cg->path);
  if (open_dir_fd(cg, err) < 0)
    return -1;
  for (size_t i = 0; i < cg->n; i++) {
    hd_cg_dir *d = &cg->dirs[i];
    const char *name = join_file(d, false);
    if (d->join_fd >= 0)
      continue;
    cleanup_free char *p = xasprintf("%s/%s", d->dir, name);
    d->join_fd = open(p, O_WRONLY | O_CLOEXEC);
    if (d->join_fd >= 0 || d->h->named)
      continue; /* name=systemd is best effort, as everywhere */
    hd_error_set(err, errno, "opening %s", p);
    close_join_fds(cg);
    return -1;
  }
  return 0;
}

pid_t hd_cgroup_clone(hd_cgroup *cg, unsigned long ns_flags, bool *v2_placed) {
  struct hd_clone_args args = {.flags = ns_flags, .exit_signal = SIGCHLD};
  /* Set before the call: the child returns from the same clone3 and
   * must see whether it was born in its cgroup2 directory. */
  *v2_placed = cg->v2_dirfd >= 0;
  if (*v2_placed) {
    args.flags |= CLONE_INTO_CGROUP;
    args.cgroup = (uint64_t)cg->v2_dirfd;
  }
  pid_t pid = (pid_t)syscall(SYS_clone3, &args, sizeof args);
  if (pid >= 0 || (!*v2_placed && errno != ENOSYS))
    return pid;
  /* Only these mean "not this way": no clone3, one without
   * CLONE_INTO_CGROUP (before 5.7), or a caller whose credentials may not
   * write there (a joined user namespace). Then the child moves itself
   * through the fd the runtime opened. Anything else is the answer: EAGAIN
   * from the cgroup's pids.max above all, which a move would get around
   * (the kernel checks the limit on fork, not on migration). */
  if (errno != ENOSYS && errno != E2BIG && errno != EINVAL && errno != EPERM &&
      errno != EACCES)
    return -1;
  *v2_placed = false;
  return (pid_t)syscall(SYS_clone, ns_flags | SIGCHLD, 0, 0, 0, 0);
}

int hd_cgroup_join_self(hd_cgroup *cg, bool v2_placed, hd_error_t *err) {
  int rc = 0;
  for (size_t i = 0; i < cg->n && rc == 0; i++) {
    const hd_cg_dir *d = &cg->dirs[i];
    const char *name = join_file(d, v2_placed);
    if (name == NULL || d->join_fd < 0)
      continue;
    if (write(d->join_fd, "0", 1) == 1)
      continue;
    if (d->h->named) {
      hd_debug("cgroup: name=systemd: writing tasks: %s", strerror(errno));
      continue;
    }
    rc = hd_error_set(err, errno, "joining cgroup %s: writing %s/%s", cg->path,
                      d->dir, name);
  }
  /* The child must not carry the runtime's handles on the cgroup tree. */
  close_join_fds(cg);
  if (cg->v2_dirfd >= 0)
    close(cg->v2_dirfd);
  cg->v2_dirfd = -1;
  return rc;
}
