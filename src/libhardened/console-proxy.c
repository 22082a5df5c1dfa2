/* A foreground `run` of a process with process.terminal and no
 * --console-socket: the runtime itself is the console's other end, like
 * runc's. It receives the pty master over a socketpair, puts its own tty
 * in raw mode, and copies bytes both ways until the init exits, while
 * forwarding signals and passing window size changes on. */
#define _GNU_SOURCE
#include "console-proxy.h"

#include "container-internal.h"
#include "terminal.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

int hd_console_receive_master(int sock, hd_error_t *err) {
  char name[256];
  char control[CMSG_SPACE(sizeof(int))];
  struct iovec iov = {.iov_base = name, .iov_len = sizeof name};
  struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1,
                       .msg_control = control, .msg_controllen = sizeof control};
  ssize_t n;
  do
    n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
  while (n < 0 && errno == EINTR);
  struct cmsghdr *c = n > 0 ? CMSG_FIRSTHDR(&msg) : NULL;
  if (c == NULL || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
    return hd_error_set(err, n < 0 ? errno : 0, "receiving the terminal from the container");
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  hd_terminal_clear_onlcr(fd);
  return fd;
}

static void copy_window_size(int from, int to) {
  struct winsize ws;
  if (ioctl(from, TIOCGWINSZ, &ws) == 0)
    ioctl(to, TIOCSWINSZ, &ws);
}

/* Returns false when `from` is finished (EOF or error). */
static bool pump(int from, int to) {
  char buf[8192];
  ssize_t n = read(from, buf, sizeof buf);
  if (n < 0 && (errno == EINTR || errno == EAGAIN))
    return true;
  if (n <= 0)
    return false;
  for (ssize_t off = 0; off < n;) {
    ssize_t w = write(to, buf + off, (size_t)(n - off));
    if (w < 0 && errno == EINTR)
      continue;
    if (w < 0)
      return false;
    off += w;
  }
  return true;
}

/* Signals: SIGCHLD reaps (returns the init's code once it is gone),
 * SIGWINCH resizes the pty, anything else goes to the init. */
static int handle_signal(int sigfd, pid_t pid, int master, int *code) {
  struct signalfd_siginfo si;
  if (read(sigfd, &si, sizeof si) != sizeof si)
    return 0;
  if (si.ssi_signo == SIGWINCH) {
    copy_window_size(0, master);
  } else if (si.ssi_signo != SIGCHLD) {
    kill(pid, (int)si.ssi_signo);
  }
  int status;
  pid_t got;
  while ((got = waitpid(-1, &status, WNOHANG)) > 0)
    if (got == pid)
      *code = hd_wait_status_code(status);
  return *code >= 0;
}

int hd_console_proxy_wait(pid_t pid, const sigset_t *set, int master) {
  struct termios saved;
  bool raw = isatty(0) && tcgetattr(0, &saved) == 0;
  if (raw) {
    struct termios t = saved;
    cfmakeraw(&t);
    tcsetattr(0, TCSANOW, &t);
    copy_window_size(0, master);
  }
  int sigfd = signalfd(-1, set, SFD_CLOEXEC);
  int code = -1;
  bool stdin_open = true, master_open = true;
  while (sigfd >= 0 && code < 0) {
    struct pollfd fds[3] = {{.fd = sigfd, .events = POLLIN},
                            {.fd = master_open ? master : -1, .events = POLLIN},
                            {.fd = stdin_open ? 0 : -1, .events = POLLIN}};
    if (poll(fds, 3, -1) < 0 && errno != EINTR)
      break;
    if (fds[1].revents & (POLLIN | POLLHUP | POLLERR))
      master_open = pump(master, 1);
    if (fds[2].revents & (POLLIN | POLLHUP | POLLERR))
      stdin_open = pump(0, master);
    if (fds[0].revents & POLLIN)
      handle_signal(sigfd, pid, master, &code);
  }
  /* what the process wrote just before it exited */
  while (master_open && code >= 0) {
    struct pollfd p = {.fd = master, .events = POLLIN};
    if (poll(&p, 1, 0) <= 0 || !pump(master, 1))
      break;
  }
  if (raw)
    tcsetattr(0, TCSANOW, &saved);
  if (sigfd >= 0)
    close(sigfd);
  return code < 0 ? hd_wait_forwarding(pid, set) : code;
}
