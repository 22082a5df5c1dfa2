/* OCI hooks: each one is a child with the container state on stdin. Its
 * output is captured (bounded) so a failure can say why, and one poll
 * loop drives stdin, the output pipes, the child's exit (pidfd) and the
 * timeout, so a hook that never reads stdin or never exits cannot hang
 * the runtime. */
#define _GNU_SOURCE
#include "hooks.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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
  pid_t pid;
  int pidfd;
  int stdin_fd;
  const char *input;
  size_t input_left;
  capture out, errout;
  bool exited;
  int status;
} hook_run;

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

/* In the child: only async-signal-safe calls from here to execve. The
 * runtime's signal mask and ignored signals would otherwise be inherited
 * by the hook. */
static void __attribute__((noreturn))
exec_hook(const oci_hook *h, char **argv, char **envp, int in, int out,
          int errout) {
  sigset_t all;
  sigemptyset(&all);
  sigprocmask(SIG_SETMASK, &all, NULL);
  signal(SIGPIPE, SIG_DFL);
  if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(errout, 2) < 0)
    _exit(127);
  syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
  execve(h->path, argv, envp);
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
    exec_hook(r->hook, argv, envp, in[0], out[1], errout[1]);
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

/* Returns 0 when the hook exited, -1 on timeout. */
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

static int run_one(const oci_hook *h, const char *phase, const char *state,
                   hd_error_t *err) {
  hook_run *r = xcalloc(1, sizeof *r);
  *r = (hook_run){.hook = h,
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

int hd_hooks_run(const oci_hook *hooks, size_t n, const char *phase,
                 const char *state_json, hd_error_t *err) {
  struct sigaction ignore = {.sa_handler = SIG_IGN}, old;
  sigaction(SIGPIPE, &ignore, &old);
  int ret = 0;
  for (size_t i = 0; i < n && ret == 0; i++) {
    hd_debug("running %s hook %s", phase, hooks[i].path);
    ret = run_one(&hooks[i], phase, state_json, err);
  }
  sigaction(SIGPIPE, &old, NULL);
  return ret;
}
