#define _GNU_SOURCE
#include "utils.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int hd_read_file_at(int dirfd, const char *path, size_t max, char **out,
                    size_t *len, hd_error_t *err) {
  cleanup_close int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return hd_error_set(err, errno, "open %s", path);
  struct stat st;
  if (fstat(fd, &st) < 0)
    return hd_error_set(err, errno, "stat %s", path);
  if (!S_ISREG(st.st_mode) && st.st_size != 0)
    return hd_error_set(err, 0, "%s: not a regular file", path);
  if ((size_t)st.st_size > max)
    return hd_error_set(err, 0, "%s: larger than %zu bytes", path, max);
  size_t cap = st.st_size ? (size_t)st.st_size + 1 : 4096, used = 0;
  cleanup_free char *buf = xmalloc(cap);
  for (;;) {
    if (used + 1 >= cap) {
      if (cap > max)
        return hd_error_set(err, 0, "%s: larger than %zu bytes", path, max);
      cap *= 2;
      buf = xrealloc(buf, cap);
    }
    ssize_t n = read(fd, buf + used, cap - used - 1);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return hd_error_set(err, errno, "read %s", path);
    if (n == 0)
      break;
    used += (size_t)n;
  }
  buf[used] = '\0';
  if (len)
    *len = used;
  *out = hd_steal_pointer(&buf);
  return 0;
}

static int write_all(int fd, const char *data, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, data, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    data += n;
    len -= (size_t)n;
  }
  return 0;
}

int hd_write_file_atomic_at(int dirfd, const char *path, const char *data,
                            size_t len, mode_t mode, hd_error_t *err) {
  cleanup_free char *tmp = xasprintf(".%s.tmp", path);
  cleanup_close int fd =
      openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
  if (fd < 0)
    return hd_error_set(err, errno, "create %s", tmp);
  if (write_all(fd, data, len) < 0) {
    int saved = errno;
    unlinkat(dirfd, tmp, 0);
    return hd_error_set(err, saved, "write %s", tmp);
  }
  if (renameat(dirfd, tmp, dirfd, path) < 0) {
    int saved = errno;
    unlinkat(dirfd, tmp, 0);
    return hd_error_set(err, saved, "rename %s", path);
  }
  return 0;
}

int hd_write_file(const char *path, const char *data, hd_error_t *err) {
  cleanup_close int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    return hd_error_set(err, errno, "open %s", path);
  if (write_all(fd, data, strlen(data)) < 0)
    return hd_error_set(err, errno, "write %s", path);
  return 0;
}

/* /proc/PID/stat: "pid (comm) state ppid ...": comm may hold spaces and
 * parentheses, so parse from the last ')'. */
static int read_proc_stat(pid_t pid, char *state, uint64_t *start_time) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/stat", pid);
  cleanup_free char *buf = NULL;
  if (hd_read_file_at(AT_FDCWD, path, 1 << 16, &buf, NULL, NULL) < 0)
    return -1;
  char *p = strrchr(buf, ')');
  if (p == NULL || p[1] != ' ')
    return -1;
  p += 2;
  *state = *p;
  /* fields after ')' start at field 3 (state); starttime is field 22 */
  for (int field = 3; field < 22; field++) {
    p = strchr(p, ' ');
    if (p == NULL)
      return -1;
    p++;
  }
  *start_time = strtoull(p, NULL, 10);
  return 0;
}

uint64_t hd_process_start_time(pid_t pid) {
  char state;
  uint64_t start = 0;
  if (pid <= 0 || read_proc_stat(pid, &state, &start) < 0)
    return 0;
  return start;
}

bool hd_process_alive(pid_t pid, uint64_t start_time) {
  char state;
  uint64_t start = 0;
  if (pid <= 0 || read_proc_stat(pid, &state, &start) < 0)
    return false;
  if (state == 'Z' || state == 'X')
    return false;
  return start_time == 0 || start == start_time;
}

char *hd_now_rfc3339(void) {
  struct timespec ts;
  struct tm tm;
  char buf[64];
  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  size_t n = strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  snprintf(buf + n, sizeof buf - n, ".%09ldZ", ts.tv_nsec);
  return xstrdup(buf);
}

char *hd_absolute_path(const char *path) {
  if (path[0] == '/')
    return xstrdup(path);
  cleanup_free char *cwd = getcwd(NULL, 0);
  if (cwd == NULL)
    return NULL;
  if (strcmp(path, ".") == 0)
    return hd_steal_pointer(&cwd);
  return xasprintf("%s/%s", cwd, path);
}
