/* OCI hooks: each one is a child with the container state on stdin. Its
 * output is captured (bounded) so a failure can say why, and one poll
 * loop drives stdin, the output pipes, the child's exit (pidfd) and the
 * timeout, so a hook that never reads stdin or never exits cannot hang
 * the runtime. */
#define _GNU_SOURCE
#include "hooks.h"

#include "log.h"
#include "safe-path.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef CLOSE_RANGE_CLOEXEC
#define CLOSE_RANGE_CLOEXEC (1U << 2)
#endif

#define CAPTURE_MAX 4096

typedef struct {
  int fd;
  size_t len;
  char buf[CAPTURE_MAX + 1];
} capture;

typedef struct {
  const oci_hook *hook;
  int exe_fd;
  hd_hook_child_setup setup;
  void *setup_data;
  pid_t pid;
  int pidfd;
  int stdin_fd;
  const char *input;
  size_t input_left;
  capture out, errout;
  bool exited;
  int status;
} hook_run;

/* ---- the executable: opened once, checked through the fd ---- */

/* "/proc/<digits>/exe": docker's libnetwork-setkey hook names the running
 * dockerd this way. Every other /proc path is refused by the overlay. */
bool hd_hook_is_proc_exe(const char *path, long *pid) {
  const char *p = path;
  if (strncmp(p, "/proc/", 6) != 0)
    return false;
  p += 6;
  if (!isdigit((unsigned char)*p) || *p == '0')
    return false;
  char *end = NULL;
  errno = 0;
  long v = strtol(p, &end, 10);
  if (errno || strcmp(end, "/exe") != 0)
    return false;
  if (pid)
    *pid = v;
  return true;
}

static bool same_ns(int pid_dir, const char *name) {
  cleanup_free char *self = xasprintf("/proc/self/ns/%s", name);
  cleanup_free char *theirs = xasprintf("ns/%s", name);
  struct stat a, b;
  return stat(self, &a) == 0 && fstatat(pid_dir, theirs, &b, 0) == 0 &&
         a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* The one magic link a hook may name: /proc/<pid>/exe of a host process,
 * one in hardened's own pid and mount namespaces. A container's process
 * is in a mount namespace of its own (hardened refuses the host's, and
 * every engine creates one), so its image binary is never reached this
 * way. The /proc/<pid> directory fd stays tied to that process: if it
 * exits and the pid is reused, the exe open below fails instead of
 * reaching the newcomer. */
static int open_host_proc_exe(long pid, hd_error_t *err) {
  cleanup_free char *dir = xasprintf("/proc/%ld", pid);
  cleanup_close int pid_dir = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (pid_dir < 0)
    return hd_error_set(err, errno, "%s", dir);
  if (!same_ns(pid_dir, "pid") || !same_ns(pid_dir, "mnt"))
    return hd_error_set(err, 0,
                        "%s/exe: process %ld is not a host process (not in "
                        "hardened's pid and mount namespaces)",
                        dir, pid);
  int fd = openat(pid_dir, "exe", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return hd_error_set(err, errno, "%s/exe", dir);
  return fd;
}

/* Root owns it and nobody else may change it: otherwise whoever can
 * write it chooses what runs as root on the host. */
static int check_exe_fd(int fd, const char *path, hd_error_t *err) {
  struct stat st;
  if (fstat(fd, &st) < 0)
    return hd_error_set(err, errno, "%s: fstat", path);
  if (!S_ISREG(st.st_mode))
    return hd_error_set(err, 0, "%s: not a regular file", path);
  if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)))
    return hd_error_set(err, 0,
                        "%s: not owned by root, or writable by group or "
                        "others (uid %u, mode %04o)",
                        path, (unsigned)st.st_uid, st.st_mode & 07777);
  if (!(st.st_mode & S_IXUSR))
    return hd_error_set(err, 0, "%s: not executable", path);
  return 0;
}

static char *fd_real_path(int fd) {
  cleanup_free char *link = xasprintf("/proc/self/fd/%d", fd);
  char buf[PATH_MAX];
  ssize_t n = readlink(link, buf, sizeof buf - 1);
  if (n <= 0)
    return NULL;
  buf[n] = '\0';
  return xstrdup(buf);
}

int hd_hook_open(const char *path, bool exact, int *fd_out, char **real_out,
                 hd_error_t *err) {
  *fd_out = -1;
  *real_out = NULL;
  long pid = 0;
  if (path == NULL || path[0] != '/')
    return hd_error_set(err, 0, "%s: not an absolute path", path ? path : "");
  /* exact: the path is already a real path the overlay wrote, so any
   * symlink on it now is a swap. */
  uint64_t resolve = RESOLVE_NO_MAGICLINKS | (exact ? RESOLVE_NO_SYMLINKS : 0);
  cleanup_close int fd =
      !exact && hd_hook_is_proc_exe(path, &pid)
          ? open_host_proc_exe(pid, err)
          : hd_openat2(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, resolve);
  if (fd < 0)
    return pid ? -1 : hd_error_set(err, errno, "%s", path);
  if (check_exe_fd(fd, path, err) < 0)
    return -1;
  char *real = fd_real_path(fd);
  if (real == NULL)
    return hd_error_set(err, errno, "%s: reading its real path", path);
  if (exact && strcmp(real, path) != 0) {
    hd_error_set(err, 0, "%s: now resolves to %s", path, real);
    free(real);
    return -1;
  }
  *real_out = real;
  *fd_out = hd_steal_fd(&fd);
  return 0;
}

/* What hd_host_facts_gather opened for the overlay, kept for the hooks
 * create runs in the same process (prestart, createRuntime): the file
 * that was checked is the file that runs. */
typedef struct {
  char *real;
  int fd;
} pinned_exe;
static pinned_exe *pinned;
static size_t pinned_len;

void hd_hook_pin(const char *real, int fd) {
  for (size_t i = 0; i < pinned_len; i++)
    if (strcmp(pinned[i].real, real) == 0) {
      close(fd);
      return;
    }
  pinned = xrealloc(pinned, (pinned_len + 1) * sizeof *pinned);
  pinned[pinned_len++] = (pinned_exe){.real = xstrdup(real), .fd = fd};
}

/* A dup of the pinned fd (each run closes its own), else a fresh open of
 * the real path the hardened spec holds, with no symlinks at all. */
static int exe_for_host_hook(const char *path, hd_error_t *err) {
  for (size_t i = 0; i < pinned_len; i++)
    if (strcmp(pinned[i].real, path) == 0) {
      int fd = fcntl(pinned[i].fd, F_DUPFD_CLOEXEC, 3);
      if (fd < 0)
        return hd_error_set(err, errno, "%s: dup", path);
      return fd;
    }
  int fd = -1;
  cleanup_free char *real = NULL;
  if (hd_hook_open(path, true, &fd, &real, err) < 0)
    return -1;
  return fd;
}

/* In the container's namespaces, as its user, after pivot_root: what the
 * hook may do is what the container's process may do, so only no magic
 * links and a regular executable are asked for. */
static int exe_for_container_hook(const char *path, hd_error_t *err) {
  int fd =
      hd_openat2(AT_FDCWD, path, O_RDONLY | O_CLOEXEC, RESOLVE_NO_MAGICLINKS);
  if (fd < 0)
    return hd_error_set(err, errno, "%s", path);
  struct stat st;
  if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    close(fd);
    return hd_error_set(err, 0, "%s: not a regular file", path);
  }
  return fd;
}

static void close_fd(int *fd) {
  if (*fd >= 0)
    close(*fd);
  *fd = -1;
}

static char **hook_argv(const oci_hook *h) {
  size_t n = h->args_len ? h->args_len : 1;
  char **v = xcalloc(n + 1, sizeof *v);
  if (h->args_len == 0)
    v[0] = h->path;
  for (size_t i = 0; i < h->args_len; i++)
    v[i] = h->args[i];
  return v;
}

static char **hook_envp(const oci_hook *h) {
  char **v = xcalloc(h->env_len + 1, sizeof *v);
  for (size_t i = 0; i < h->env_len; i++)
    v[i] = h->env[i];
  return v;
}

/* In the child: only async-signal-safe calls from here to execveat (and
 * the container's seccomp load, in a single-threaded init). The
 * runtime's signal mask and ignored signals would otherwise be inherited
 * by the hook. The executable's fd stays open across the exec: a script
 * is run by its interpreter through /dev/fd/<n>. */
static void __attribute__((noreturn))
exec_hook(const hook_run *r, char **argv, char **envp, int in, int out,
          int errout) {
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
  signal(SIGPIPE, SIG_DFL);
  if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(errout, 2) < 0)
    _exit(127);
  syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
  if (r->setup && r->setup(r->setup_data) < 0) {
    static const char no[] = "could not harden the hook's process";
    (void)!write(2, no, sizeof no - 1);
    _exit(127);
  }
  if (fcntl(r->exe_fd, F_SETFD, 0) == 0)
    syscall(SYS_execveat, r->exe_fd, "", argv, envp, AT_EMPTY_PATH);
  static const char msg[] = "exec failed: ";
  const char *why = strerror(errno);
  (void)!write(2, msg, sizeof msg - 1);
  (void)!write(2, why, strlen(why));
  _exit(127);
}

static int spawn(hook_run *r, hd_error_t *err) {
  int in[2], out[2], errout[2];
  if (pipe2(in, O_CLOEXEC) < 0)
    return hd_error_set(err, errno, "pipe");
  if (pipe2(out, O_CLOEXEC) < 0) {
    close(in[0]), close(in[1]);
    return hd_error_set(err, errno, "pipe");
  }
  if (pipe2(errout, O_CLOEXEC) < 0) {
    close(in[0]), close(in[1]), close(out[0]), close(out[1]);
    return hd_error_set(err, errno, "pipe");
  }
  cleanup_free char **argv = hook_argv(r->hook);
  cleanup_free char **envp = hook_envp(r->hook);
  r->pid = fork();
  if (r->pid == 0)
    exec_hook(r, argv, envp, in[0], out[1], errout[1]);
  int saved = errno;
  close(in[0]), close(out[1]), close(errout[1]);
  r->stdin_fd = in[1];
  r->out.fd = out[0];
  r->errout.fd = errout[0];
  if (r->pid < 0)
    return hd_error_set(err, saved, "fork");
  r->pidfd = (int)syscall(SYS_pidfd_open, r->pid, 0);
  fcntl(r->stdin_fd, F_SETFL, O_NONBLOCK);
  fcntl(r->out.fd, F_SETFL, O_NONBLOCK);
  fcntl(r->errout.fd, F_SETFL, O_NONBLOCK);
  return 0;
}

/* Keeps the first CAPTURE_MAX bytes, drains the rest so the hook never
 * blocks on a full pipe. */
static void drain(capture *c) {
  char scratch[4096];
  for (;;) {
    char *dst = c->len < CAPTURE_MAX ? c->buf + c->len : scratch;
    size_t room = c->len < CAPTURE_MAX ? CAPTURE_MAX - c->len : sizeof scratch;
    ssize_t n = read(c->fd, dst, room);
    if (n > 0) {
      if (dst != scratch)
        c->len += (size_t)n;
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n == 0)
      close_fd(&c->fd);
    return;
  }
}

/* SIGPIPE is ignored by the caller for the whole run, so a hook that
 * exits without reading gives EPIPE here instead of killing us. */
static void feed_stdin(hook_run *r) {
  while (r->input_left > 0) {
    ssize_t n = write(r->stdin_fd, r->input, r->input_left);
    if (n > 0) {
      r->input += n;
      r->input_left -= (size_t)n;
      continue;
    }
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0 && errno == EAGAIN)
      return;
    break; /* EPIPE: the hook does not want its input */
  }
  close_fd(&r->stdin_fd);
}

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void check_exit(hook_run *r) {
  int status;
  pid_t p = waitpid(r->pid, &status, WNOHANG);
  if (p == r->pid) {
    r->exited = true;
    r->status = status;
  } else if (p < 0 && errno == ECHILD) {
    /* Someone else reaped it; report what we cannot know as failure. */
    r->exited = true;
    r->status = 127 << 8;
  }
}

/* Returns 0 when the hook exited, -1 on timeout. The deadline is
 * CLOCK_MONOTONIC, checked on every pass and bounding every poll; the
 * pidfd (5.3) only wakes the loop as soon as the hook exits, and without
 * one waitpid is polled. Nothing here needs a kernel newer than that. */
static int supervise(hook_run *r, long long deadline) {
  while (!r->exited) {
    struct pollfd fds[4];
    nfds_t n = 0;
    if (r->pidfd >= 0)
      fds[n++] = (struct pollfd){.fd = r->pidfd, .events = POLLIN};
    if (r->stdin_fd >= 0)
      fds[n++] = (struct pollfd){.fd = r->stdin_fd, .events = POLLOUT};
    if (r->out.fd >= 0)
      fds[n++] = (struct pollfd){.fd = r->out.fd, .events = POLLIN};
    if (r->errout.fd >= 0)
      fds[n++] = (struct pollfd){.fd = r->errout.fd, .events = POLLIN};
    /* Without a pidfd the exit is only noticed by polling waitpid. */
    long long wait = r->pidfd >= 0 ? -1 : 50;
    if (deadline >= 0) {
      long long left = deadline - now_ms();
      if (left <= 0)
        return -1;
      if (wait < 0 || left < wait)
        wait = left;
    }
    if (poll(fds, n, (int)wait) < 0 && errno != EINTR)
      return -1;
    if (r->stdin_fd >= 0)
      feed_stdin(r);
    if (r->out.fd >= 0)
      drain(&r->out);
    if (r->errout.fd >= 0)
      drain(&r->errout);
    check_exit(r);
  }
  /* Whatever the hook wrote before exiting is still in the pipes. */
  if (r->out.fd >= 0)
    drain(&r->out);
  if (r->errout.fd >= 0)
    drain(&r->errout);
  return 0;
}

static const char *first_line(capture *c) {
  c->buf[c->len] = '\0';
  char *nl = strchr(c->buf, '\n');
  if (nl)
    *nl = '\0';
  return c->buf;
}

static int report(hook_run *r, const char *phase, hd_error_t *err) {
  const char *path = r->hook->path;
  if (WIFSIGNALED(r->status))
    return hd_error_set(err, 0, "%s hook %s: killed by signal %d", phase, path,
                        WTERMSIG(r->status));
  int code = WEXITSTATUS(r->status);
  if (code == 0)
    return 0;
  const char *why = first_line(&r->errout);
  if (!why[0])
    why = first_line(&r->out);
  if (why[0])
    return hd_error_set(err, 0, "%s hook %s: exited with status %d: %s", phase,
                        path, code, why);
  return hd_error_set(err, 0, "%s hook %s: exited with status %d", phase, path,
                      code);
}

typedef struct {
  bool in_container;
  hd_hook_child_setup setup;
  void *data;
} run_how;

static int run_one(const oci_hook *h, const char *phase, const char *state,
                   const run_how *how, hd_error_t *err) {
  const char *path = h->path ? h->path : "";
  cleanup_close int exe = how->in_container ? exe_for_container_hook(path, err)
                                            : exe_for_host_hook(path, err);
  if (exe < 0)
    return hd_error_wrap(err, "%s hook %s", phase, path);
  hook_run *r = xcalloc(1, sizeof *r);
  *r = (hook_run){.hook = h,
                  .exe_fd = exe,
                  .setup = how->setup,
                  .setup_data = how->data,
                  .pidfd = -1,
                  .stdin_fd = -1,
                  .input = state ? state : "",
                  .input_left = state ? strlen(state) : 0};
  r->out.fd = r->errout.fd = -1;
  int ret = spawn(r, err);
  if (ret == 0) {
    long long deadline = h->has_timeout ? now_ms() + h->timeout * 1000LL : -1;
    if (supervise(r, deadline) < 0) {
      kill(r->pid, SIGKILL);
      waitpid(r->pid, NULL, 0);
      ret = hd_error_set(err, 0, "%s hook %s: timed out after %d s", phase,
                         h->path, h->timeout);
    } else {
      ret = report(r, phase, err);
    }
  } else {
    hd_error_wrap(err, "%s hook %s", phase, h->path);
  }
  close_fd(&r->pidfd), close_fd(&r->stdin_fd);
  close_fd(&r->out.fd), close_fd(&r->errout.fd);
  free(r);
  return ret;
}

static int run_all(const oci_hook *hooks, size_t n, const char *phase,
                   const char *state_json, const run_how *how,
                   hd_error_t *err) {
  struct sigaction ignore = {.sa_handler = SIG_IGN}, old;
  sigaction(SIGPIPE, &ignore, &old);
  int ret = 0;
  for (size_t i = 0; i < n && ret == 0; i++) {
    hd_debug("running %s hook %s", phase, hooks[i].path);
    ret = run_one(&hooks[i], phase, state_json, how, err);
  }
  sigaction(SIGPIPE, &old, NULL);
  return ret;
}

int hd_hooks_run(const oci_hook *hooks, size_t n, const char *phase,
                 const char *state_json, hd_error_t *err) {
  const run_how how = {.in_container = false};
  return run_all(hooks, n, phase, state_json, &how, err);
}

int hd_hooks_run_in_container(const oci_hook *hooks, size_t n,
                              const char *phase, const char *state_json,
                              hd_hook_child_setup setup, void *data,
                              hd_error_t *err) {
  const run_how how = {.in_container = true, .setup = setup, .data = data};
  return run_all(hooks, n, phase, state_json, &how, err);
}
