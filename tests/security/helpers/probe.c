/* probe: tries one escape primitive from inside a container and prints
 * "<name>: ok" when the kernel let it through or "<name>: <ERRNO>" when
 * it was refused. The bats files decide what is expected; this program
 * only reports. Built with gcc -static so it needs nothing in the image.
 *
 *   probe ids                    real/effective/saved uid and gid
 *   probe userns|mount|bpf|io_uring|keyctl|open_by_handle_at|memfd_exec
 *   probe open_by_handle_at PATH relative to a file on a host filesystem
 *                                (docker's bind-mounted /etc/hosts)
 *   probe ptrace PID             PTRACE_ATTACH to a sibling
 *   probe bind PORT              bind a TCP socket to 0.0.0.0:PORT
 *   probe setuid0                setuid(0)
 *   probe fds                    list /proc/self/fd (without the dir fd)
 *   probe exe-write PID          open /proc/PID/exe for writing
 *   probe exe-link PID           readlink /proc/PID/exe
 *   probe forks N                fork up to N sleeping children, count them
 *   probe session                whether fd 0 is a tty, "sid=S", whether /dev/tty
 *                                (the controlling terminal) opens
 *   probe tiocsti FD             push one byte into the input of the tty
 *                                on FD (TIOCSTI)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

extern char **environ;

static int report(const char *name, long rc) {
  if (rc >= 0) {
    printf("%s: ok\n", name);
    return 0;
  }
  printf("%s: %s\n", name, strerrorname_np(errno) ? strerrorname_np(errno)
                                                  : strerror(errno));
  return 0;
}

static int probe_ids(void) {
  uid_t r, e, s;
  gid_t gr, ge, gs;
  getresuid(&r, &e, &s);
  getresgid(&gr, &ge, &gs);
  printf("uid=%u,%u,%u gid=%u,%u,%u\n", r, e, s, gr, ge, gs);
  return 0;
}

static int probe_bpf(void) {
  union bpf_attr attr;
  memset(&attr, 0, sizeof(attr));
  attr.map_type = BPF_MAP_TYPE_ARRAY;
  attr.key_size = 4;
  attr.value_size = 4;
  attr.max_entries = 1;
  return report("bpf", syscall(SYS_bpf, BPF_MAP_CREATE, &attr, sizeof(attr)));
}

static int probe_io_uring(void) {
  char params[120]; /* struct io_uring_params; zeroed is a valid request */
  memset(params, 0, sizeof(params));
  return report("io_uring", syscall(SYS_io_uring_setup, 4, params));
}

static int probe_keyctl(void) {
  return report("keyctl", syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING,
                                  "probe"));
}

/* The "shocker" exploit: open a file by a guessed handle of the host's
 * root inode (ext4: inode 2, generation 0) relative to an fd on that
 * filesystem (any file the engine bind-mounted from the host will do). */
static int probe_open_by_handle(const char *on) {
  struct {
    unsigned int handle_bytes;
    int handle_type;
    unsigned char f_handle[8];
  } h = {8, 1, {2, 0, 0, 0, 0, 0, 0, 0}};
  int fd = open(on, O_RDONLY);
  return report("open_by_handle_at",
                syscall(SYS_open_by_handle_at, fd, &h, O_RDONLY));
}

static int probe_ptrace(pid_t pid) {
  long rc = ptrace(PTRACE_ATTACH, pid, NULL, NULL);
  if (rc == 0) {
    waitpid(pid, NULL, __WALL);
    ptrace(PTRACE_DETACH, pid, NULL, NULL);
  }
  return report("ptrace", rc);
}

static int probe_bind(int port) {
  int s = socket(AF_INET, SOCK_STREAM, 0);
  if (s < 0)
    return report("bind", -1);
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_port = htons(port)};
  return report("bind", bind(s, (struct sockaddr *)&a, sizeof(a)));
}

/* Write ourselves into an anonymous memfd and execute it: the classic way
 * round a noexec filesystem. The copy, if it runs, prints the marker. */
static int probe_memfd_exec(void) {
  int fd = syscall(SYS_memfd_create, "probe", 0);
  if (fd < 0)
    return report("memfd_exec", -1);
  int self = open("/proc/self/exe", O_RDONLY);
  if (self < 0)
    return report("memfd_exec", -1);
  char buf[65536];
  ssize_t n;
  while ((n = read(self, buf, sizeof(buf))) > 0)
    if (write(fd, buf, n) != n)
      return report("memfd_exec", -1);
  char *args[] = {"probe", "memfd-marker", NULL};
  syscall(SYS_execveat, fd, "", args, environ, AT_EMPTY_PATH);
  return report("memfd_exec", -1);
}

static int probe_fds(void) {
  DIR *d = opendir("/proc/self/fd");
  if (d == NULL)
    return report("fds", -1);
  struct dirent *e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] == '.' || atoi(e->d_name) == dirfd(d))
      continue;
    char path[300], target[256] = "";
    snprintf(path, sizeof(path), "/proc/self/fd/%s", e->d_name);
    ssize_t n = readlink(path, target, sizeof(target) - 1);
    if (n > 0)
      target[n] = 0;
    printf("fd %s -> %s\n", e->d_name, target);
  }
  closedir(d);
  return 0;
}

static int probe_exe(const char *pid, int write) {
  char path[64], target[256] = "";
  snprintf(path, sizeof(path), "/proc/%s/exe", pid);
  if (!write) {
    ssize_t n = readlink(path, target, sizeof(target) - 1);
    if (n > 0)
      target[n] = 0;
    printf("exe: %s\n", n > 0 ? target : strerrorname_np(errno));
    return 0;
  }
  return report("exe-write", open(path, O_WRONLY));
}

/* A bounded fork bomb: a runtime without a pids limit still finishes. */
static int probe_forks(int max) {
  static pid_t kids[100000];
  int n = 0;
  if (max > 100000)
    max = 100000;
  while (n < max) {
    pid_t pid = fork();
    if (pid < 0)
      break;
    if (pid == 0) {
      pause();
      _exit(0);
    }
    kids[n++] = pid;
  }
  int first_errno = n < max ? errno : 0;
  for (int i = 0; i < n; i++)
    kill(kids[i], SIGKILL);
  for (int i = 0; i < n; i++)
    waitpid(kids[i], NULL, 0);
  printf("forks=%d stopped=%s\n", n,
         first_errno ? strerrorname_np(first_errno) : "no");
  return 0;
}

static int probe_session(void) {
  printf("stdin is a tty: %s\n", isatty(0) ? "yes" : "no");
  printf("sid=%d\n", (int)getsid(0));
  int fd = open("/dev/tty", O_RDWR | O_NOCTTY);
  report("ctty", fd);
  if (fd >= 0)
    close(fd);
  return 0;
}

/* A newline would run the pushed text; a lone '#' only shows up. */
static int probe_tiocsti(int fd) {
  char c = '#';
  return report("tiocsti", ioctl(fd, TIOCSTI, &c));
}

int main(int argc, char **argv) {
  const char *what = argc > 1 ? argv[1] : "";
  const char *arg = argc > 2 ? argv[2] : "0";
  setvbuf(stdout, NULL, _IONBF, 0);
  if (!strcmp(what, "memfd-marker")) {
    printf("memfd_exec: ok (the memfd copy ran)\n");
    return 0;
  }
  if (!strcmp(what, "ids"))
    return probe_ids();
  if (!strcmp(what, "setuid0"))
    return report("setuid0", setuid(0));
  if (!strcmp(what, "userns"))
    return report("userns", unshare(CLONE_NEWUSER));
  if (!strcmp(what, "mount"))
    return report("mount", mount("none", "/tmp", "tmpfs", 0, NULL));
  if (!strcmp(what, "bpf"))
    return probe_bpf();
  if (!strcmp(what, "io_uring"))
    return probe_io_uring();
  if (!strcmp(what, "keyctl"))
    return probe_keyctl();
  if (!strcmp(what, "open_by_handle_at"))
    return probe_open_by_handle(argc > 2 ? argv[2] : "/");
  if (!strcmp(what, "ptrace"))
    return probe_ptrace(atoi(arg));
  if (!strcmp(what, "bind"))
    return probe_bind(atoi(arg));
  if (!strcmp(what, "memfd_exec"))
    return probe_memfd_exec();
  if (!strcmp(what, "forks"))
    return probe_forks(atoi(arg));
  if (!strcmp(what, "fds"))
    return probe_fds();
  if (!strcmp(what, "exe-write"))
    return probe_exe(arg, 1);
  if (!strcmp(what, "exe-link"))
    return probe_exe(arg, 0);
  if (!strcmp(what, "session"))
    return probe_session();
  if (!strcmp(what, "tiocsti"))
    return probe_tiocsti(atoi(arg));
  fprintf(stderr, "probe: unknown check '%s'\n", what);
  return 2;
}
