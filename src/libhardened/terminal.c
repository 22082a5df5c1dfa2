/* process.terminal: the pty is allocated inside the container (its own
 * /dev/pts), and the master goes to whoever listens on --console-socket.
 * The message carries one fd (SCM_RIGHTS) and, as payload, a name for
 * it: containerd's receiver reads both and uses the name only to label
 * the file, so we send the pty's path. */
#define _GNU_SOURCE
#include "terminal.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

static int connect_unix(const char *path) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  if (connect(fd, (struct sockaddr *)&addr, sizeof addr) < 0) {
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

/* sun_path holds 107 bytes; a longer path is reached through an O_PATH
 * fd on its directory, which /proc/self/fd turns into a short name. */
static int connect_long(const char *path, hd_error_t *err) {
  cleanup_free char *dir_copy = xstrdup(path);
  cleanup_free char *base_copy = xstrdup(path);
  const char *dir = dirname(dir_copy);
  const char *base = basename(base_copy);
  cleanup_close int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (dfd < 0)
    return hd_error_set(err, errno, "--console-socket %s: open directory",
                        path);
  char short_path[sizeof((struct sockaddr_un *)0)->sun_path];
  int n =
      snprintf(short_path, sizeof short_path, "/proc/self/fd/%d/%s", dfd, base);
  if (n < 0 || (size_t)n >= sizeof short_path)
    return hd_error_set(err, ENAMETOOLONG, "--console-socket %s", path);
  int fd = connect_unix(short_path);
  if (fd < 0)
    return hd_error_set(err, errno, "--console-socket %s: connect", path);
  return fd;
}

int hd_console_socket_connect(const char *path, hd_error_t *err) {
  if (path == NULL || path[0] == '\0')
    return hd_error_set(err, EINVAL, "--console-socket: empty path");
  if (strlen(path) >= sizeof((struct sockaddr_un *)0)->sun_path)
    return connect_long(path, err);
  int fd = connect_unix(path);
  if (fd < 0)
    return hd_error_set(err, errno, "--console-socket %s: connect", path);
  return fd;
}

static int send_master(int sock, int master, const char *name,
                       hd_error_t *err) {
  union {
    char buf[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  memset(&control, 0, sizeof control);
  struct iovec iov = {.iov_base = (void *)name, .iov_len = strlen(name)};
  struct msghdr msg = {.msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = control.buf,
                       .msg_controllen = sizeof control.buf};
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(sizeof(int));
  memcpy(CMSG_DATA(c), &master, sizeof master);
  ssize_t r;
  do
    r = sendmsg(sock, &msg, MSG_NOSIGNAL);
  while (r < 0 && errno == EINTR);
  if (r < 0)
    return hd_error_set(err, errno,
                        "terminal: send pty master to console socket");
  return 0;
}

/* Opens the slave through the master (TIOCGPTPEER) so no path under
 * /dev/pts is looked up, then falls back to the name for old kernels. */
static int open_peer(int master, char *name, size_t len, hd_error_t *err) {
  int unlock = 0, ptn = 0;
  if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
    return hd_error_set(err, errno, "terminal: unlock pty");
  if (ioctl(master, TIOCGPTN, &ptn) < 0)
    return hd_error_set(err, errno, "terminal: pty number");
  snprintf(name, len, "/dev/pts/%d", ptn);
  int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0 && (errno == EINVAL || errno == ENOTTY))
    slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0)
    return hd_error_set(err, errno, "terminal: open %s", name);
  return slave;
}

static int become_controlled_by(int slave, hd_error_t *err) {
  if (setsid() < 0 && getsid(0) != getpid())
    return hd_error_set(err, errno, "terminal: setsid");
  if (ioctl(slave, TIOCSCTTY, 0) < 0)
    return hd_error_set(err, errno,
                        "terminal: make the pty the controlling tty");
  for (int fd = 0; fd < 3; fd++) {
    if (fd != slave && dup2(slave, fd) < 0)
      return hd_error_set(err, errno, "terminal: dup pty onto fd %d", fd);
    /* dup2 onto itself keeps close-on-exec; stdio must survive execve. */
    if (fcntl(fd, F_SETFD, 0) < 0)
      return hd_error_set(err, errno, "terminal: fd %d", fd);
  }
  return 0;
}

void hd_terminal_clear_onlcr(int fd) {
  struct termios t;
  if (tcgetattr(fd, &t) == 0) {
    t.c_oflag &= ~(tcflag_t)ONLCR;
    tcsetattr(fd, TCSANOW, &t);
  }
}

int hd_terminal_setup(int socket_fd, const oci_process *process,
                      hd_error_t *err) {
  cleanup_close int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0)
    return hd_error_set(err, errno, "terminal: open /dev/ptmx");
  char name[64];
  cleanup_close int slave = open_peer(master, name, sizeof name, err);
  if (slave < 0)
    return -1;
  if (process && process->has_console_size) {
    struct winsize ws = {.ws_row = (unsigned short)process->console_height,
                         .ws_col = (unsigned short)process->console_width};
    if (ioctl(master, TIOCSWINSZ, &ws) < 0)
      return hd_error_set(err, errno, "terminal: set window size");
  }
  /* The pty belongs to root of the devpts mount; the process user must
   * own it for tools that reopen or chmod their tty. */
  if (process && fchown(slave, process->user.uid, process->user.gid) < 0)
    hd_warn("terminal: chown %s to %u:%u: %s", name, process->user.uid,
            process->user.gid, strerror(errno));
  if (send_master(socket_fd, master, name, err) < 0)
    return -1;
  if (become_controlled_by(slave, err) < 0)
    return -1;
  if (slave <= 2)
    hd_steal_fd(&slave); /* it is now one of our stdio fds */
  if (socket_fd > 2)
    close(socket_fd);
  return 0;
}
