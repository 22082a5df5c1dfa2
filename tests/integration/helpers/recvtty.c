/* recvtty SOCKET: listen on a unix socket for one --console-socket
 * connection, take the pty master fd passed with SCM_RIGHTS, and copy
 * everything read from it to stdout until the container side closes.
 * Exit 0 when a fd was received and drained, 1 otherwise. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

static int listen_on(const char *path) {
  struct sockaddr_un addr = {.sun_family = AF_UNIX};
  if (strlen(path) >= sizeof addr.sun_path) {
    fprintf(stderr, "recvtty: socket path too long: %s\n", path);
    return -1;
  }
  strcpy(addr.sun_path, path);
  int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof addr) < 0 ||
      listen(fd, 1) < 0) {
    fprintf(stderr, "recvtty: %s: %s\n", path, strerror(errno));
    return -1;
  }
  return fd;
}

/* The one fd carried by the first message on conn, or -1. */
static int receive_fd(int conn) {
  char name[256];
  struct iovec iov = {.iov_base = name, .iov_len = sizeof name};
  union {
    struct cmsghdr hdr;
    char buf[CMSG_SPACE(sizeof(int))];
  } control;
  struct msghdr msg = {.msg_iov = &iov,
                       .msg_iovlen = 1,
                       .msg_control = control.buf,
                       .msg_controllen = sizeof control.buf};
  if (recvmsg(conn, &msg, MSG_CMSG_CLOEXEC) < 0) {
    fprintf(stderr, "recvtty: recvmsg: %s\n", strerror(errno));
    return -1;
  }
  struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
  if (!c || c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) {
    fprintf(stderr, "recvtty: message carried no fd\n");
    return -1;
  }
  int fd;
  memcpy(&fd, CMSG_DATA(c), sizeof fd);
  return fd;
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: recvtty SOCKET\n");
    return 2;
  }
  int sock = listen_on(argv[1]);
  if (sock < 0)
    return 1;
  int conn = accept4(sock, NULL, NULL, SOCK_CLOEXEC);
  if (conn < 0) {
    fprintf(stderr, "recvtty: accept: %s\n", strerror(errno));
    return 1;
  }
  int master = receive_fd(conn);
  if (master < 0)
    return 1;
  close(conn);
  close(sock);
  char buf[4096];
  for (;;) {
    ssize_t n = read(master, buf, sizeof buf);
    /* EIO is how a pty master reports that the last slave fd closed. */
    if (n == 0 || (n < 0 && errno == EIO))
      break;
    if (n < 0) {
      if (errno == EINTR)
        continue;
      fprintf(stderr, "recvtty: read: %s\n", strerror(errno));
      return 1;
    }
    if (fwrite(buf, 1, (size_t)n, stdout) != (size_t)n)
      return 1;
    fflush(stdout);
  }
  return 0;
}
