/* From "the rootfs is ready" to execve, inside the container (already
 * pivoted). The order is forced by the kernel: seccomp without
 * no_new_privs needs CAP_SYS_ADMIN, so it must come before the uid
 * switch; capabilities can only be set after the uid switch (which
 * clears them) with PR_SET_KEEPCAPS; cwd is entered as root first (as
 * runc does) and again as the user when root was refused. */
#define _GNU_SOURCE
#include "process.h"

#include "capabilities.h"
#include "log.h"
#include "lsm.h"
#include "rlimits.h"
#include "seccomp-baseline.h"
#include "seccomp.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#define DEFAULT_PATH                                                           \
  "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

static int apply_rlimits(const oci_process *p, hd_error_t *err) {
  for (size_t i = 0; i < p->rlimits_len; i++) {
    const oci_rlimit *r = &p->rlimits[i];
    int resource = hd_rlimit_from_name(r->type);
    if (resource < 0)
      return hd_error_set(err, 0,
                          "process.rlimits[%zu].type: unknown rlimit \"%s\"", i,
                          r->type ? r->type : "");
    struct rlimit lim = {.rlim_cur = r->soft, .rlim_max = r->hard};
    if (setrlimit(resource, &lim) < 0)
      return hd_error_set(
          err, errno, "process.rlimits[%zu]: set %s soft=%llu hard=%llu", i,
          r->type, (unsigned long long)r->soft, (unsigned long long)r->hard);
  }
  return 0;
}

/* --- executable lookup --- */

static const char *env_value(const oci_process *p, const char *key) {
  size_t klen = strlen(key);
  for (size_t i = 0; i < p->env_len; i++)
    if (strncmp(p->env[i], key, klen) == 0 && p->env[i][klen] == '=')
      return p->env[i] + klen + 1;
  return NULL;
}

/* 0 if `path` is a regular file with an exec bit; else -1 and errno. */
static int check_executable(const char *path) {
  struct stat st;
  if (stat(path, &st) < 0)
    return -1;
  if (S_ISDIR(st.st_mode)) {
    errno = EISDIR;
    return -1;
  }
  if (!S_ISREG(st.st_mode) || (st.st_mode & 0111) == 0) {
    errno = EACCES;
    return -1;
  }
  return 0;
}

/* A relative name is relative to process.cwd, which is not our cwd yet. */
static char *relative_to_cwd(const oci_process *p, const char *name) {
  if (name[0] == '/')
    return xstrdup(name);
  const char *cwd = p->cwd && p->cwd[0] ? p->cwd : "/";
  size_t n = strlen(cwd);
  return xasprintf("%s%s%s", cwd, cwd[n - 1] == '/' ? "" : "/", name);
}

static int search_path(const oci_process *p, const char *name, char **out) {
  const char *path = env_value(p, "PATH");
  cleanup_free char *dirs = xstrdup(path ? path : DEFAULT_PATH);
  char *save = NULL;
  /* strtok_r drops empty elements; an empty element would mean the
   * current directory, which Go (and so docker) refuses as well. */
  for (char *d = strtok_r(dirs, ":", &save); d;
       d = strtok_r(NULL, ":", &save)) {
    if (d[0] != '/')
      continue;
    char *candidate = xasprintf("%s/%s", d, name);
    if (check_executable(candidate) == 0) {
      *out = candidate;
      return 0;
    }
    free(candidate);
  }
  return -1;
}

int hd_process_lookup_executable(const oci_process *p, char **out,
                                 hd_error_t *err) {
  *out = NULL;
  if (p == NULL || p->args_len == 0 || p->args[0] == NULL || !p->args[0][0])
    return hd_error_set(err, 0, "process.args: must not be empty");
  const char *name = p->args[0];
  if (strchr(name, '/') == NULL) {
    if (search_path(p, name, out) < 0)
      return hd_error_set(
          err, 0, "exec: \"%s\": executable file not found in $PATH", name);
    return 0;
  }
  cleanup_free char *path = relative_to_cwd(p, name);
  if (check_executable(path) < 0) {
    if (errno == ENOENT || errno == ENOTDIR)
      return hd_error_set(err, errno,
                          "exec: \"%s\": executable file not found: stat %s",
                          name, path);
    return hd_error_set(err, errno, "exec: \"%s\"", name);
  }
  *out = hd_steal_pointer(&path);
  return 0;
}

/* --- identity --- */

static int set_user(const oci_user *u, hd_error_t *err) {
  size_t n = u->additional_gids_len;
  gid_t *gids = n ? xcalloc(n, sizeof *gids) : NULL;
  for (size_t i = 0; i < n; i++)
    gids[i] = u->additional_gids[i];
  int r = setgroups(n, gids);
  int saved = errno;
  free(gids);
  /* In a user namespace with setgroups denied, an empty list is the
   * only thing we could have asked for anyway. */
  if (r < 0 && !(n == 0 && saved == EPERM))
    return hd_error_set(err, saved, "process.user.additionalGids: setgroups");
  if (setresgid(u->gid, u->gid, u->gid) < 0)
    return hd_error_set(err, errno, "process.user.gid: setresgid(%u)", u->gid);
  if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
    return hd_error_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
  if (setresuid(u->uid, u->uid, u->uid) < 0)
    return hd_error_set(err, errno, "process.user.uid: setresuid(%u)", u->uid);
  umask(u->has_umask ? (mode_t)u->umask : 022);
  return 0;
}

static int set_capabilities(const oci_process *p, hd_error_t *err) {
  if (hd_capabilities_apply(p->capabilities, err) < 0)
    return -1;
  if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
    return hd_error_set(err, errno, "prctl(PR_SET_KEEPCAPS, 0)");
  if (p->no_new_privileges && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
    return hd_error_set(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
  return 0;
}

/* An fd inherited from the host (e.g. /proc/self/fd/N as cwd) would put
 * the process outside its root. The kernel then reports a path not
 * reachable from "/" ("(unreachable)", which glibc turns into ENOENT, or
 * EACCES from its fallback walk), or, for the root of a detached mount,
 * a plain "/". So the cwd counts as inside only when the path getcwd()
 * gives leads back to the very same directory. */
static int enter_cwd(const char *cwd, hd_error_t *err) {
  if (cwd == NULL || cwd[0] != '/')
    return hd_error_set(err, 0, "process.cwd: must be an absolute path");
  if (chdir(cwd) < 0)
    return hd_error_set(err, errno,
                        "chdir to cwd (\"%s\") set in config.json failed", cwd);
  /* Each failure below means the same thing, so errno is not passed on:
   * a cwd not reachable from our root (a detached mount's, like the
   * state dir the init holds) makes getcwd fail with ENOENT or EACCES
   * or print "(unreachable)", and reporting that errno was misleading. */
  char buf[PATH_MAX];
  struct stat here, there;
  if (getcwd(buf, sizeof buf) == NULL || buf[0] != '/' ||
      stat(".", &here) < 0 || stat(buf, &there) < 0 ||
      here.st_dev != there.st_dev || here.st_ino != there.st_ino)
    return hd_error_set(
        err, 0, "process.cwd \"%s\" is outside the container root", cwd);
  return 0;
}

/* --- fds, argv, env --- */

static int cloexec_from_proc(int first, hd_error_t *err) {
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL)
    return hd_error_set(err, errno, "open /proc/self/fd");
  int self = dirfd(d);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    char *end;
    long fd = strtol(e->d_name, &end, 10);
    if (*end || end == e->d_name || fd < first || fd == self)
      continue;
    int flags = fcntl((int)fd, F_GETFD);
    if (flags >= 0)
      fcntl((int)fd, F_SETFD, flags | FD_CLOEXEC);
  }
  closedir(d);
  return 0;
}

/* Marked, not closed: the remaining steps (wait for start, seccomp) may
 * still need their fds, and execve closes them at the last moment. */
static int mark_fds_cloexec(int preserve_fds, hd_error_t *err) {
  unsigned first = 3 + (preserve_fds > 0 ? (unsigned)preserve_fds : 0);
  if (syscall(SYS_close_range, first, ~0U, CLOSE_RANGE_CLOEXEC) == 0)
    return 0;
  return cloexec_from_proc((int)first, err);
}

static char **null_terminated(char **items, size_t n, const char *extra) {
  char **v = xcalloc(n + 2, sizeof *v);
  for (size_t i = 0; i < n; i++)
    v[i] = items[i];
  if (extra)
    v[n] = (char *)extra;
  return v;
}

/* The container must not inherit the runtime's blocked or ignored
 * signals (an ignored SIGPIPE or SIGTERM would survive execve). Done
 * before the late seccomp filter, which may not allow rt_sigaction. */
static void reset_signals(void) {
  sigset_t none;
  sigemptyset(&none);
  sigprocmask(SIG_SETMASK, &none, NULL);
  for (int sig = 1; sig < NSIG; sig++) {
    struct sigaction old;
    if (sig == SIGKILL || sig == SIGSTOP || sigaction(sig, NULL, &old) < 0)
      continue;
    if (old.sa_handler == SIG_IGN)
      signal(sig, SIG_DFL);
  }
}

/* --- the sequence --- */

/* own-session: a process left in the caller's session keeps the caller's
 * controlling terminal, and TIOCSTI on it types commands into the admin's
 * shell. A terminal set up already made its own session (and is its
 * controlling tty); everyone else leaves the caller's here, init and
 * exec alike. */
static int own_session(hd_error_t *err) {
  if (getsid(0) == getpid())
    return 0;
  if (setsid() < 0)
    return hd_error_set(err, errno, "setsid");
  return 0;
}

static int load_seccomp(const hd_exec_params *params, hd_error_t *err) {
  if (hd_seccomp_prog_load(params->seccomp, err) < 0)
    return -1;
  if (params->baseline_seccomp && hd_seccomp_baseline_load(err) < 0)
    return hd_error_wrap(err, "baseline seccomp");
  return 0;
}

/* The cwd is entered while we are still root, as runc does: a directory
 * only root can search becomes the cwd, and the process, once it is the
 * container's user, still cannot look anything up in it. When root is
 * refused (a user namespace, a root-squashed mount), *later is set and
 * the user tries after the switch. */
static int enter_cwd_as_root(const char *cwd, bool *later, hd_error_t *err) {
  *later = false;
  if (cwd && cwd[0] == '/' && chdir(cwd) < 0 &&
      (errno == EACCES || errno == EPERM)) {
    *later = true;
    return 0;
  }
  return enter_cwd(cwd, err);
}

/* Everything that can fail for a bad spec, short of execve: done before
 * `prepared` tells the runtime, so that create reports it. */
static int before_start(const hd_exec_params *params, char **exe,
                        hd_error_t *err) {
  const oci_process *p = params->process;
  bool cwd_later = false;
  if (params->ready && params->ready(params->data, err) < 0)
    return -1;
  /* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN, which
   * the uid switch below takes away: load it now. */
  if (!p->no_new_privileges && load_seccomp(params, err) < 0)
    return -1;
  if (enter_cwd_as_root(p->cwd, &cwd_later, err) < 0 ||
      set_user(&p->user, err) < 0 || set_capabilities(p, err) < 0 ||
      (cwd_later && enter_cwd(p->cwd, err) < 0))
    return -1;
  /* As the container's user: what it cannot reach is not found. */
  if (hd_process_lookup_executable(p, exe, err) < 0)
    return -1;
  if (params->prepared && params->prepared(params->data, err) < 0)
    return -1;
  return 0;
}

int hd_process_exec(const hd_exec_params *params, hd_error_t *err) {
  const oci_process *p = params->process;
  if (p == NULL)
    return hd_error_set(err, 0, "config.json: no process");
  /* LSM labels while still root, and before no_new_privs narrows which
   * transitions execve may make. */
  if (own_session(err) < 0 || apply_rlimits(p, err) < 0 ||
      hd_lsm_apply(p, err) < 0)
    return -1;
  cleanup_free char *exe = NULL;
  if (before_start(params, &exe, err) < 0)
    return -1;
  if (params->wait_start && params->wait_start(params->data, err) < 0)
    return -1;
  reset_signals();
  /* With no_new_privs the filter can wait until the very end, so it
   * does not have to allow what the runtime itself still does. */
  if (p->no_new_privileges && load_seccomp(params, err) < 0)
    return -1;
  if (mark_fds_cloexec(params->preserve_fds, err) < 0)
    return -1;
  cleanup_free char **argv = null_terminated(p->args, p->args_len, NULL);
  cleanup_free char **envp = null_terminated(
      p->env, p->env_len, env_value(p, "HOME") ? NULL : "HOME=/");
  execve(exe, argv, envp);
  return hd_error_set(err, errno, "exec %s", exe);
}
