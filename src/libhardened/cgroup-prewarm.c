/* Why this works: every write to any cgroup.procs takes the global
 * cgroup_threadgroup_rwsem for writing, and the first writer after a quiet
 * period waits for an RCU grace period (rcu_sync) before it gets it; later
 * writers within about one grace period do not wait. The thread moves the
 * runtime into the cgroup it is already in (a no-op move, "0" is the
 * writer itself), so the wait starts at process start instead of after
 * parsing, state and cgroup setup: measured 5 ms of the 17 ms `run` on the
 * bench machine (bench/README.md). Hosts mounted with favordynmods never
 * wait; there this costs one thread and one write.
 *
 * The thread only writes to an fd opened before it starts: no malloc, no
 * stdio, nothing that could hold a libc lock when the runtime later forks
 * (and finish() is called before any fork anyway). */
#define _GNU_SOURCE
#include "cgroup-prewarm.h"

#include <fcntl.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

static bool pure_cgroup_v2(void) {
  struct statfs fs;
  return statfs("/sys/fs/cgroup", &fs) == 0 && fs.f_type == CGROUP2_SUPER_MAGIC;
}

/* "ID:CONTROLLERS:PATH" from /proc/self/cgroup -> our own cgroup.procs. */
static int open_line(char *line, bool v2) {
  char *ctrls = strchr(line, ':');
  char *path = ctrls ? strchr(ctrls + 1, ':') : NULL;
  if (path == NULL)
    return -1;
  *path++ = '\0';
  ctrls++;
  path[strcspn(path, "\n")] = '\0';
  if (strncmp(ctrls, "name=", 5) == 0)
    ctrls += 5;
  const char *dir = ctrls[0] ? ctrls : (v2 ? "" : "unified");
  char procs[4096];
  int n = snprintf(procs, sizeof procs, "/sys/fs/cgroup/%s%s/cgroup.procs", dir,
                   path);
  if (n <= 0 || (size_t)n >= sizeof procs)
    return -1;
  return open(procs, O_WRONLY | O_CLOEXEC);
}

static int open_own_procs(bool v2) {
  FILE *f = fopen("/proc/self/cgroup", "re");
  if (f == NULL)
    return -1;
  char line[4096];
  int fd = -1;
  while (fd < 0 && fgets(line, sizeof line, f))
    fd = open_line(line, v2);
  fclose(f);
  return fd;
}

static void *move_self(void *arg) {
  hd_cgroup_prewarm *pw = arg;
  if (write(pw->procs_fd, "0", 1) < 0) {
    /* Refused (rootless, a v2 cgroup with controllers): the grace
     * period may still have started, and nothing else is lost. */
  }
  return NULL;
}

void hd_cgroup_prewarm_start(hd_cgroup_prewarm *pw, bool even_on_v2) {
  *pw = (hd_cgroup_prewarm){.procs_fd = -1};
  bool v2 = pure_cgroup_v2();
  if (v2 && !even_on_v2)
    return;
  pw->procs_fd = open_own_procs(v2);
  if (pw->procs_fd < 0)
    return;
  pw->running = pthread_create(&pw->thread, NULL, move_self, pw) == 0;
  if (!pw->running) {
    close(pw->procs_fd);
    pw->procs_fd = -1;
  }
}

void hd_cgroup_prewarm_finish(hd_cgroup_prewarm *pw) {
  if (pw->running)
    pthread_join(pw->thread, NULL);
  pw->running = false;
  if (pw->procs_fd >= 0)
    close(pw->procs_fd);
  pw->procs_fd = -1;
}
