/* cgroup module against the real kernel: needs root. It adapts to the
 * layout it finds (v1, hybrid, pure v2) by looking at /sys/fs/cgroup on
 * its own, so the checks do not just repeat the module's logic. To try
 * other layouts on one host, run it in a private mount namespace, e.g.
 *   unshare -m --propagation private sh -c \
 *     'umount -R /sys/fs/cgroup && mount -t cgroup2 none /sys/fs/cgroup &&
 *      ./test-cgroup'                                   (pure v2)
 *   unshare -m --propagation private sh -c \
 *     'umount /sys/fs/cgroup/unified && ./test-cgroup'   (pure v1) */
#define _GNU_SOURCE
#include "cgroup-internal.h"
#include "cgroup.h"
#include "unit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define TEST_PATH "/hardened-unit/cg1"

/* A container's state dir, where create records the dirs it made. */
static int new_state_dir(void) {
  char tmpl[] = "/tmp/test-cgroup.XXXXXX";
  if (mkdtemp(tmpl) == NULL)
    abort();
  int fd = open(tmpl, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    abort();
  return fd;
}

static void remove_state_dir(int fd) {
  char link[64], path[4096];
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(link, path, sizeof path - 1);
  unlinkat(fd, HD_CGROUP_OWNED_FILE, 0);
  close(fd);
  if (n > 0) {
    path[n] = '\0';
    rmdir(path);
  }
}
#define MiB (1024 * 1024)

/* ---- independent view of the host ---- */

static char *read_file(const char *path) {
  FILE *f = fopen(path, "re");
  if (f == NULL)
    return NULL;
  char *buf = xcalloc(1, 65536);
  size_t n = fread(buf, 1, 65535, f);
  fclose(f);
  while (n > 0 && buf[n - 1] == '\n')
    buf[--n] = '\0';
  return buf;
}

static bool exists(const char *path) {
  return access(path, F_OK) == 0;
}

static const char *v2_root(void) {
  struct statfs s;
  if (statfs("/sys/fs/cgroup", &s) == 0 && s.f_type == 0x63677270)
    return "/sys/fs/cgroup";
  if (exists("/sys/fs/cgroup/unified/cgroup.procs"))
    return "/sys/fs/cgroup/unified";
  return NULL;
}

static bool pure_v2(void) {
  const char *r = v2_root();
  return r && strcmp(r, "/sys/fs/cgroup") == 0;
}

/* The v1 mount holding ctrl ("cpu" in "cpu,cpuacct"), or NULL. */
static char *v1_mount(const char *ctrl) {
  if (pure_v2())
    return NULL;
  DIR *d = opendir("/sys/fs/cgroup");
  char *found = NULL;
  struct dirent *de;
  while (d && !found && (de = readdir(d)) != NULL) {
    char *names = xasprintf(",%s,", de->d_name);
    char *needle = xasprintf(",%s,", ctrl);
    char *mnt = xasprintf("/sys/fs/cgroup/%s", de->d_name);
    struct statfs s;
    if (strstr(names, needle) && statfs(mnt, &s) == 0 &&
        s.f_type == 0x27e0eb /* CGROUP_SUPER_MAGIC */)
      found = hd_steal_pointer(&mnt);
    free(names);
    free(needle);
    free(mnt);
  }
  if (d)
    closedir(d);
  return found;
}

static bool v2_has(const char *ctrl) {
  if (v2_root() == NULL)
    return false;
  char *p = xasprintf("%s/cgroup.controllers", v2_root());
  char *list = read_file(p);
  free(p);
  bool has = false;
  char *save = NULL;
  for (char *t = list ? strtok_r(list, " ", &save) : NULL; t;
       t = strtok_r(NULL, " ", &save))
    has |= strcmp(t, ctrl) == 0;
  free(list);
  return has;
}

static bool available(const char *v1, const char *v2) {
  char *m = v1_mount(v1);
  bool ok = m || v2_has(v2);
  free(m);
  return ok;
}

/* Reads the container's file for the controller wherever it lives. */
static char *ctl_read(const char *v1, const char *v1_file,
                      const char *v2_file) {
  char *m = v1_mount(v1);
  char *p = m ? xasprintf("%s%s/%s", m, TEST_PATH, v1_file)
              : xasprintf("%s%s/%s", v2_root(), TEST_PATH, v2_file);
  char *v = read_file(p);
  free(m);
  free(p);
  return v;
}

/* Every hierarchy's dir for path: none may exist after a destroy. */
static int dirs_left(const char *path, bool quiet) {
  int left = 0;
  DIR *d = opendir("/sys/fs/cgroup");
  struct dirent *de;
  while (d && (de = readdir(d)) != NULL) {
    char *p = xasprintf("/sys/fs/cgroup/%s%s", de->d_name, path);
    if (de->d_name[0] != '.' && exists(p)) {
      if (!quiet)
        fprintf(stderr, "left behind: %s\n", p);
      left++;
    }
    free(p);
  }
  if (d)
    closedir(d);
  char *p = xasprintf("/sys/fs/cgroup%s", path);
  left += exists(p);
  free(p);
  return left;
}

/* ---- building resources ---- */

static oci_device_cgroup rule(bool allow, char type, int64_t major,
                              int64_t minor, const char *access) {
  return (oci_device_cgroup){allow,
                             type,
                             major >= 0,
                             minor >= 0,
                             major,
                             minor,
                             access ? xstrdup(access) : NULL};
}

static void free_resources(oci_resources *r) {
  for (size_t i = 0; i < r->devices_len; i++)
    free(r->devices[i].access);
  free(r->devices);
  free(r->memory);
  if (r->cpu)
    free(r->cpu->cpus);
  free(r->cpu);
  free(r->pids);
  free(r->block_io);
  for (size_t i = 0; i < r->hugepage_limits_len; i++)
    free(r->hugepage_limits[i].page_size);
  free(r->hugepage_limits);
  free(r);
}

static oci_resources *test_resources(void) {
  oci_resources *r = xcalloc(1, sizeof *r);
  if (available("pids", "pids")) {
    r->pids = xcalloc(1, sizeof *r->pids);
    *r->pids = (oci_pids){true, 42};
  }
  if (available("memory", "memory")) {
    r->memory = xcalloc(1, sizeof *r->memory);
    r->memory->has_limit = true;
    r->memory->limit = 64 * MiB;
  }
  if (available("cpu", "cpu")) {
    r->cpu = xcalloc(1, sizeof *r->cpu);
    r->cpu->has_shares = true;
    r->cpu->shares = 512;
  }
  if (available("hugetlb", "hugetlb")) {
    r->hugepage_limits = xcalloc(1, sizeof *r->hugepage_limits);
    r->hugepage_limits[0] = (oci_hugepage_limit){xstrdup("2MB"), 4 * MiB};
    r->hugepage_limits_len = 1;
  }
  if (available("blkio", "io")) {
    r->block_io = xcalloc(1, sizeof *r->block_io);
    r->block_io->has_weight = true;
    r->block_io->weight = 300;
  }
  /* null (1:3) fully, zero (1:5) read-only, and a later deny taking
   * write back from null: the last matching rule wins. */
  r->devices = xcalloc(4, sizeof *r->devices);
  r->devices[0] = rule(false, 'a', -1, -1, "rwm");
  r->devices[1] = rule(true, 'c', 1, 3, NULL);
  r->devices[2] = rule(true, 'c', 1, 5, "r");
  r->devices[3] = rule(false, 'c', 1, 3, "w");
  r->devices_len = 4;
  return r;
}

/* ---- the file writers, against plain files in a scratch dir ---- */

static char scratch[] = "/tmp/test-cgroup-XXXXXX";

/* Empty files named in the NULL-terminated list, so each writer's output
 * can be read back (cgroup files are never created by the writers). */
static void fresh_files(const char *first, ...) {
  DIR *d = opendir(scratch);
  struct dirent *de;
  while (d && (de = readdir(d)) != NULL)
    if (de->d_name[0] != '.')
      unlinkat(dirfd(d), de->d_name, 0);
  if (d)
    closedir(d);
  va_list ap;
  va_start(ap, first);
  for (const char *n = first; n; n = va_arg(ap, const char *)) {
    char *p = xasprintf("%s/%s", scratch, n);
    close(open(p, O_CREAT | O_WRONLY, 0644));
    free(p);
  }
  va_end(ap);
}

static char *scratch_read(const char *name) {
  char *p = xasprintf("%s/%s", scratch, name);
  char *v = read_file(p);
  free(p);
  return v;
}

#define CHECK_FILE(name, want)                                                 \
  do {                                                                         \
    char *v_ = scratch_read(name);                                             \
    CHECK_STR(v_, want);                                                       \
    free(v_);                                                                  \
  } while (0)

static void test_conversions(void) {
  CHECK(hd_cg_shares_to_weight(2) == 1);
  CHECK(hd_cg_shares_to_weight(1024) == 39);
  CHECK(hd_cg_shares_to_weight(262144) == 10000);
  CHECK(hd_cg_valid_page_size("2MB") && hd_cg_valid_page_size("1GB"));
  CHECK(!hd_cg_valid_page_size("2M") && !hd_cg_valid_page_size("MB") &&
        !hd_cg_valid_page_size("2MB/../x") && !hd_cg_valid_page_size(""));
}

static void test_v2_writers(void) {
  cleanup_error hd_error_t err = NULL;
  fresh_files("memory.max", "memory.swap.max", "memory.low", NULL);
  oci_memory m = {.has_limit = true,
                  .limit = 64 * MiB,
                  .has_swap = true,
                  .swap = 128 * MiB,
                  .has_reservation = true,
                  .reservation = 32 * MiB};
  CHECK(hd_cg_v2_memory(scratch, &m, &err) == 0);
  CHECK_FILE("memory.max", "67108864");
  CHECK_FILE("memory.swap.max", "67108864"); /* swap minus limit */
  CHECK_FILE("memory.low", "33554432");
  fresh_files("memory.max", "memory.swap.max", NULL);
  m = (oci_memory){
      .has_limit = true, .limit = -1, .has_swap = true, .swap = -1};
  CHECK(hd_cg_v2_memory(scratch, &m, &err) == 0);
  CHECK_FILE("memory.max", "max");
  CHECK_FILE("memory.swap.max", "max");
  m = (oci_memory){
      .has_limit = true, .limit = 64 * MiB, .has_swap = true, .swap = MiB};
  CHECK(hd_cg_v2_memory(scratch, &m, &err) < 0);
  CHECK(err && strstr(err->msg, "memory.swap"));

  fresh_files("cpu.weight", "cpu.max", NULL);
  oci_cpu c = {.has_shares = true,
               .shares = 1024,
               .has_quota = true,
               .quota = 50000,
               .has_period = true,
               .period = 100000};
  CHECK(hd_cg_v2_cpu(scratch, &c, &err) == 0);
  CHECK_FILE("cpu.weight", "39");
  CHECK_FILE("cpu.max", "50000 100000");
  fresh_files("cpu.max", NULL);
  c = (oci_cpu){.has_quota = true, .quota = -1};
  CHECK(hd_cg_v2_cpu(scratch, &c, &err) == 0);
  CHECK_FILE("cpu.max", "max");
  c = (oci_cpu){.has_realtime_runtime = true, .realtime_runtime = 1000};
  CHECK(hd_cg_v2_cpu(scratch, &c, &err) < 0);

  fresh_files("io.weight", "io.max", NULL);
  oci_throttle_device t = {8, 0, MiB};
  oci_blkio b = {.has_weight = true,
                 .weight = 500,
                 .throttle_read_bps_device = &t,
                 .throttle_read_bps_device_len = 1};
  CHECK(hd_cg_v2_io(scratch, &b, &err) == 0);
  CHECK_FILE("io.weight", "default 4950"); /* 1 + (500-10)*9999/990 */
  CHECK_FILE("io.max", "8:0 rbps=1048576");

  fresh_files("pids.max", NULL);
  oci_pids p = {true, 0};
  CHECK(hd_cg_v2_pids(scratch, &p, &err) == 0);
  CHECK_FILE("pids.max", "max");

  fresh_files("memory.high", "hugetlb.2MB.max", NULL);
  oci_kv kv[] = {{"memory.high", "1G"}, {"a/b", "1"}, {"..x", "1"}};
  CHECK(hd_cg_v2_unified(scratch, kv, 1, &err) == 0);
  CHECK_FILE("memory.high", "1G");
  CHECK(hd_cg_v2_unified(scratch, kv + 1, 1, &err) < 0);
  CHECK(hd_cg_v2_unified(scratch, kv + 2, 1, &err) < 0);
  oci_hugepage_limit h = {"2MB", 4 * MiB};
  CHECK(hd_cg_v2_hugetlb(scratch, &h, &err) == 0);
  CHECK_FILE("hugetlb.2MB.max", "4194304");
  h.page_size = "2M";
  CHECK(hd_cg_v2_hugetlb(scratch, &h, &err) < 0);

  /* A failed write names the spec field and says why (issue 11). */
  static const char no_file[] =
      "writing memory.min: No such file or directory (the container's "
      "cgroup has no such file: its controller is not enabled there, or "
      "this kernel does not have it)";
  fresh_files(NULL);
  oci_kv min = {"memory.min", "1G"};
  CHECK(hd_cg_v2_unified(scratch, &min, 1, &err) < 0);
  cleanup_free char *want_min =
      xasprintf("linux.resources.unified[\"memory.min\"]: %s", no_file);
  CHECK_STR(err ? err->msg : NULL, want_min);
  m = (oci_memory){.has_reservation = true, .reservation = MiB};
  CHECK(hd_cg_v2_memory(scratch, &m, &err) < 0);
  CHECK(err && strncmp(err->msg,
                       "linux.resources.memory.reservation: writing "
                       "memory.low: No such file or directory (",
                       78) == 0);
}

static void test_v1_writers(void) {
  cleanup_error hd_error_t err = NULL;
  fresh_files("memory.limit_in_bytes", "memory.memsw.limit_in_bytes",
              "memory.swappiness", NULL);
  oci_memory m = {.has_limit = true,
                  .limit = 64 * MiB,
                  .has_swap = true,
                  .swap = 128 * MiB,
                  .has_swappiness = true,
                  .swappiness = 10};
  CHECK(hd_cg_v1_memory(scratch, &m, &err) == 0);
  CHECK_FILE("memory.limit_in_bytes", "67108864");
  CHECK_FILE("memory.memsw.limit_in_bytes", "134217728");
  CHECK_FILE("memory.swappiness", "10");
  m.swappiness = 101;
  CHECK(hd_cg_v1_memory(scratch, &m, &err) < 0);
  /* No swap accounting: a real swap limit cannot be honoured. */
  fresh_files("memory.limit_in_bytes", NULL);
  m = (oci_memory){.has_limit = true,
                   .limit = 64 * MiB,
                   .has_swap = true,
                   .swap = 128 * MiB};
  CHECK(hd_cg_v1_memory(scratch, &m, &err) < 0);
  CHECK(err && strstr(err->msg, "swap"));
  m.swap = -1;
  CHECK(hd_cg_v1_memory(scratch, &m, &err) == 0);

  fresh_files("pids.max", NULL);
  oci_pids p = {true, -1};
  CHECK(hd_cg_v1_pids(scratch, &p, &err) == 0);
  CHECK_FILE("pids.max", "max");
  fresh_files("cpu.shares", "cpu.cfs_quota_us", "cpu.cfs_period_us", NULL);
  oci_cpu c = {.has_shares = true,
               .shares = 512,
               .has_quota = true,
               .quota = 20000,
               .has_period = true,
               .period = 100000};
  CHECK(hd_cg_v1_cpu(scratch, &c, &err) == 0);
  CHECK_FILE("cpu.shares", "512");
  CHECK_FILE("cpu.cfs_quota_us", "20000");
  CHECK_FILE("cpu.cfs_period_us", "100000");
  fresh_files("devices.deny", "devices.allow", NULL);
  oci_device_cgroup bad = {true, 'x', false, false, 0, 0, NULL};
  CHECK(hd_cg_v1_devices(scratch, &bad, 1, &err) < 0);
}

static void test_writers(void) {
  if (mkdtemp(scratch) == NULL)
    abort();
  test_conversions();
  test_v2_writers();
  test_v1_writers();
  fresh_files(NULL);
  rmdir(scratch);
}

/* ---- tests ---- */

static void test_resolve(void) {
  char *p = hd_cgroup_resolve_path("", "abc", false);
  CHECK_STR(p, "/hardened/abc");
  free(p);
  p = hd_cgroup_resolve_path("/a/b", "abc", false);
  CHECK_STR(p, "/a/b");
  free(p);
  CHECK(hd_cgroup_resolve_path("/a/../b", "abc", false) == NULL);
  CHECK(hd_cgroup_resolve_path("a/..", "abc", false) == NULL);
  CHECK(hd_cgroup_resolve_path("/", "abc", false) == NULL);
  p = hd_cgroup_resolve_path("system.slice:docker:abc", "abc", true);
  CHECK_STR(p, "/system.slice/docker-abc.scope");
  free(p);
  p = hd_cgroup_resolve_path("kubepods-burstable.slice:cri:x", "x", true);
  CHECK_STR(p, "/kubepods.slice/kubepods-burstable.slice/cri-x.scope");
  free(p);
  CHECK(hd_cgroup_resolve_path("nocolons", "abc", true) == NULL);
  /* Empty components and control characters: refused, not cleaned up. */
  CHECK(hd_cgroup_resolve_path("/a//b", "abc", false) == NULL);
  CHECK(hd_cgroup_resolve_path("/a/b/", "abc", false) == NULL);
  CHECK(hd_cgroup_resolve_path("/a/b\nc", "abc", false) == NULL);
  cleanup_error hd_error_t err = NULL;
  char *out = NULL;
  CHECK(hd_cgroup_resolve("/a/./b", "abc", false, &out, &err) < 0);
  CHECK(err && strstr(err->msg, "refused by policy (cgroup-path): "
                                "linux.cgroupsPath \"/a/./b\""));
  p = hd_cgroup_resolve_path("rel/x", "abc", false);
  CHECK(p && p[0] == '/' && strlen(p) >= 6 &&
        strcmp(p + strlen(p) - 6, "/rel/x") == 0);
  free(p);
}

static void probe_devices(int report_fd);

/* The child reports, one char per device check, whether open worked,
 * each time the parent asks. */
static void child_device_checks(int ready_fd, int report_fd) {
  char go;
  while (read(ready_fd, &go, 1) == 1)
    probe_devices(report_fd);
  _exit(0);
}

static void probe_devices(int report_fd) {
  struct {
    const char *dev;
    int flags;
  } probes[] = {{"/dev/null", O_RDONLY},
                {"/dev/null", O_WRONLY},
                {"/dev/zero", O_RDONLY},
                {"/dev/zero", O_WRONLY},
                {"/dev/full", O_RDONLY}};
  char out[5];
  for (int i = 0; i < 5; i++) {
    int fd = open(probes[i].dev, probes[i].flags);
    out[i] = fd >= 0 ? 'y' : errno == EPERM ? 'n' : '?';
    if (fd >= 0)
      close(fd);
  }
  (void)!write(report_fd, out, sizeof out);
}

static bool clone3_available(void) {
  return syscall(SYS_clone3, NULL, 0) < 0 && errno != ENOSYS;
}

static bool pid_listed(const char *procs_path, pid_t pid) {
  char *c = read_file(procs_path);
  char *needle = xasprintf("\n%d\n", (int)pid);
  char *with_nl = xasprintf("\n%s\n", c ? c : "");
  bool in = strstr(with_nl, needle) != NULL;
  free(with_nl);
  free(needle);
  free(c);
  return in;
}

/* Listed in TEST_PATH of every mounted hierarchy (name=systemd, best
 * effort for the runtime, is left out). */
static bool proc_in_cgroup(pid_t pid) {
  if (pure_v2()) {
    char *p = xasprintf("/sys/fs/cgroup%s/cgroup.procs", TEST_PATH);
    bool in = pid_listed(p, pid);
    free(p);
    return in;
  }
  DIR *d = opendir("/sys/fs/cgroup");
  struct dirent *de;
  int seen = 0;
  bool in = d != NULL;
  while (d && (de = readdir(d)) != NULL) {
    if (de->d_type != DT_DIR || de->d_name[0] == '.' ||
        strcmp(de->d_name, "systemd") == 0)
      continue;
    char *p =
        xasprintf("/sys/fs/cgroup/%s%s/cgroup.procs", de->d_name, TEST_PATH);
    if (exists(p)) {
      seen++;
      in = in && pid_listed(p, pid);
    }
    free(p);
  }
  if (d)
    closedir(d);
  return in && seen > 0;
}

/* The fallback of a child that was not born in its cgroup2 dir: it moves
 * itself through cgroup.procs there, and through tasks in v1. */
static void check_join_without_clone3(hd_cgroup *cg) {
  cleanup_error hd_error_t err = NULL;
  int done[2];
  if (pipe(done) < 0)
    abort();
  pid_t child = fork();
  if (child == 0) {
    char c = hd_cgroup_join_self(cg, false, &err) == 0 ? 'y' : 'n';
    (void)!write(done[1], &c, 1);
    pause();
    _exit(0);
  }
  char c = 0;
  CHECK(read(done[0], &c, 1) == 1 && c == 'y');
  CHECK(proc_in_cgroup(child));
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  close(done[0]);
  close(done[1]);
}

static void check_values(void) {
  char *v;
  if (available("pids", "pids")) {
    v = ctl_read("pids", "pids.max", "pids.max");
    CHECK_STR(v, "42");
    free(v);
  }
  if (available("memory", "memory")) {
    v = ctl_read("memory", "memory.limit_in_bytes", "memory.max");
    CHECK_STR(v, "67108864");
    free(v);
  }
  if (available("cpu", "cpu")) {
    char *m = v1_mount("cpu");
    v = ctl_read("cpu", "cpu.shares", "cpu.weight");
    CHECK_STR(v, m ? "512" : "20"); /* 1 + (510 * 9999) / 262142 */
    free(v);
    free(m);
  }
  if (available("hugetlb", "hugetlb")) {
    v = ctl_read("hugetlb", "hugetlb.2MB.limit_in_bytes", "hugetlb.2MB.max");
    CHECK_STR(v, "4194304");
    free(v);
  }
  char *blk = v1_mount("blkio");
  if (available("blkio", "io")) {
    /* CFQ's blkio.weight is gone on recent kernels; BFQ's remains. */
    v = blk ? ctl_read("blkio", "blkio.weight", "") : NULL;
    if (v == NULL)
      v = ctl_read("blkio", "blkio.bfq.weight", "io.weight");
    CHECK(v && strstr(v, blk ? "300" : "default 2930")); /* 1+290*9999/990 */
    free(v);
  }
  free(blk);
  char *dev = v1_mount("devices");
  if (dev) {
    v = ctl_read("devices", "devices.list", "");
    CHECK(v && strstr(v, "c 1:5 r") && strstr(v, "c 1:3 rm") &&
          !strstr(v, "a *:* rwm"));
    free(v);
  }
  free(dev);
}

static void check_freeze(hd_cgroup *cg) {
  cleanup_error hd_error_t err = NULL;
  char *m = v1_mount("freezer");
  CHECK(hd_cgroup_freeze(cg, true, &err) == 0);
  char *v = m ? ctl_read("freezer", "freezer.state", "")
              : ctl_read("", "", "cgroup.events");
  CHECK(v && strstr(v, m ? "FROZEN" : "frozen 1"));
  free(v);
  CHECK(hd_cgroup_freeze(cg, false, &err) == 0);
  v = m ? ctl_read("freezer", "freezer.state", "")
        : ctl_read("", "", "cgroup.events");
  CHECK(v && strstr(v, m ? "THAWED" : "frozen 0"));
  free(v);
  free(m);
}

/* An update replaces the device policy; it does not stack on it. */
static void check_device_update(hd_cgroup *cg, int ready_fd, int report_fd) {
  cleanup_error hd_error_t err = NULL;
  oci_device_cgroup rules[2] = {rule(true, 'a', -1, -1, "rwm"),
                                rule(false, 'c', 1, 5, "rwm")};
  oci_resources r = {.devices = rules, .devices_len = 2};
  CHECK(hd_cgroup_apply_resources(cg, &r, &err) == 0);
  if (err)
    fprintf(stderr, "update: %s\n", err->msg);
  free(rules[0].access);
  free(rules[1].access);
  (void)!write(ready_fd, "g", 1);
  char out[6] = {0};
  CHECK(read(report_fd, out, 5) == 5);
  CHECK_STR(out, "yynny");
}

static void test_lifecycle(void) {
  cleanup_error hd_error_t err = NULL;
  int state = new_state_dir(), other = new_state_dir();
  oci_resources *r = test_resources();
  hd_cgroup *cg = NULL;
  CHECK(hd_cgroup_create(TEST_PATH, r, state, &cg, &err) == 0);
  if (err)
    fprintf(stderr, "create: %s\n", err->msg);
  free_resources(r);
  if (cg == NULL)
    return;
  CHECK_STR(hd_cgroup_path(cg), TEST_PATH);
  check_values();
  CHECK(hd_cgroup_prepare_join(cg, &err) == 0);

  int ready[2], report[2];
  if (pipe(ready) < 0 || pipe(report) < 0)
    abort();
  bool placed = false;
  pid_t child = hd_cgroup_clone(cg, 0, &placed);
  if (child == 0) {
    if (hd_cgroup_join_self(cg, placed, &err) < 0)
      _exit(3);
    child_device_checks(ready[0], report[1]);
  }
  /* Born in the cgroup2 dir wherever there is one (hybrid or pure v2)
   * and the kernel has clone3 (valgrind 3.19 answers ENOSYS for it). */
  CHECK(child > 0 && placed == (v2_root() != NULL && clone3_available()));
  (void)!write(ready[1], "g", 1);
  char out[6] = {0};
  CHECK(read(report[0], out, 5) == 5);
  /* The report comes after the join. */
  CHECK(proc_in_cgroup(child));
  /* null r, null w denied by the later rule, zero r, zero w, full r */
  CHECK_STR(out, "ynynn");
  check_join_without_clone3(cg);
  check_device_update(cg, ready[1], report[0]);

  pid_t *pids = NULL;
  size_t n = 0;
  CHECK(hd_cgroup_pids(cg, &pids, &n, &err) == 0);
  CHECK(n == 1 && pids && pids[0] == child);
  free(pids);

  /* An existing cgroup is never reused, and the failed create must not
   * remove the dirs it did not make, nor kill what is in them. */
  hd_cgroup *again = NULL;
  CHECK(hd_cgroup_create(TEST_PATH, NULL, other, &again, &err) < 0);
  CHECK(err && strstr(err->msg, "refused by policy (cgroup-path): "
                                "linux.cgroupsPath \"" TEST_PATH "\""));
  hd_error_free(&err);
  CHECK(dirs_left(TEST_PATH, true) > 0);

  check_freeze(cg);

  /* Opened through a state dir that did not make it: not the caller's
   * cgroup, so destroy kills nothing and removes nothing. */
  hd_cgroup *foreign = NULL;
  CHECK(hd_cgroup_open(other, TEST_PATH, &foreign, &err) == 0);
  CHECK(foreign && hd_cgroup_pids(foreign, &pids, &n, &err) < 0);
  hd_error_free(&err);
  CHECK(foreign && hd_cgroup_destroy(foreign, &err) == 0);
  hd_cgroup_free(foreign);
  CHECK(kill(child, 0) == 0);
  CHECK(dirs_left(TEST_PATH, true) > 0);

  /* Another process would re-derive the cgroup from its path and the
   * container's record. */
  hd_cgroup *opened = NULL;
  CHECK(hd_cgroup_open(state, TEST_PATH, &opened, &err) == 0);
  CHECK(opened && hd_cgroup_destroy(opened, &err) == 0);
  if (err)
    fprintf(stderr, "destroy: %s\n", err->msg);
  int status = 0;
  CHECK(waitpid(child, &status, 0) == child && WIFSIGNALED(status) &&
        WTERMSIG(status) == SIGKILL);
  CHECK(dirs_left(TEST_PATH, false) == 0);
  /* Idempotent: delete --force may run twice. */
  CHECK(hd_cgroup_destroy(cg, &err) == 0);
  hd_cgroup_free(opened);
  hd_cgroup_free(cg);
  for (int i = 0; i < 2; i++) {
    close(ready[i]);
    close(report[i]);
  }
  remove_state_dir(state);
  remove_state_dir(other);
}

/* Even an empty existing cgroup is refused: it is someone else's. */
static void test_existing_refused(void) {
  cleanup_error hd_error_t err = NULL;
  int sa = new_state_dir(), sb = new_state_dir();
  hd_cgroup *a = NULL, *b = NULL;
  CHECK(hd_cgroup_create(TEST_PATH, NULL, sa, &a, &err) == 0);
  CHECK(hd_cgroup_create(TEST_PATH, NULL, sb, &b, &err) < 0);
  CHECK(b == NULL && err && strstr(err->msg, "(cgroup-path)"));
  CHECK(faccessat(sb, HD_CGROUP_OWNED_FILE, F_OK, 0) < 0);
  CHECK(dirs_left(TEST_PATH, true) > 0);
  CHECK(a && hd_cgroup_destroy(a, &err) == 0);
  CHECK(dirs_left(TEST_PATH, false) == 0);
  hd_cgroup_free(a);
  remove_state_dir(sa);
  remove_state_dir(sb);
}

/* Failures after the mkdirs: nothing may be left. */
static void test_bad_input(void) {
  cleanup_error hd_error_t err = NULL;
  int state = new_state_dir();
  hd_cgroup *cg = NULL;
  oci_resources r = {0};
  oci_pids pids = {true, 10};
  if (available("pids", "pids"))
    r.pids = &pids;
  oci_kv kv = {"../escape", "1"};
  r.unified = &kv;
  r.unified_len = 1;
  CHECK(hd_cgroup_create("/hardened-unit-bad/x", &r, state, &cg, &err) < 0);
  CHECK(err && strstr(err->msg, "creating cgroup /hardened-unit-bad/x"));
  CHECK(dirs_left("/hardened-unit-bad", false) == 0);
  hd_error_free(&err);

  r.unified_len = 0;
  oci_hugepage_limit huge = {"3MB", 2 * MiB};
  r.hugepage_limits = &huge;
  r.hugepage_limits_len = 1;
  CHECK(hd_cgroup_create("/hardened-unit-bad/x", &r, state, &cg, &err) < 0);
  CHECK(err && (strstr(err->msg, "hugepageLimits") ||
                strstr(err->msg, "hugetlb.3MB")));
  if (err)
    printf("# bad hugepage size: %s\n", err->msg);
  CHECK(dirs_left("/hardened-unit-bad", false) == 0);
  hd_error_free(&err);

  CHECK(hd_cgroup_create("/hardened-unit-bad/../x", NULL, state, &cg, &err) <
        0);
  CHECK(hd_cgroup_open(state, "relative", &cg, &err) < 0);
  CHECK(cg == NULL);
  CHECK(faccessat(state, HD_CGROUP_OWNED_FILE, F_OK, 0) < 0);
  remove_state_dir(state);
}

/* A controller the host lacks is named in the error. */
static void test_missing_controller(void) {
  static const char *const ctrls[][2] = {
      {"memory", "memory"}, {"hugetlb", "hugetlb"}, {"pids", "pids"}};
  for (size_t i = 0; i < 3; i++) {
    if (available(ctrls[i][0], ctrls[i][1]))
      continue;
    cleanup_error hd_error_t err = NULL;
    hd_cgroup *cg = NULL;
    int state = new_state_dir();
    oci_resources r = {0};
    oci_memory mem = {.has_limit = true, .limit = 64 * MiB};
    oci_hugepage_limit huge = {"2MB", 2 * MiB};
    oci_pids pids = {true, 5};
    if (i == 0)
      r.memory = &mem;
    if (i == 1)
      r.hugepage_limits = &huge, r.hugepage_limits_len = 1;
    if (i == 2)
      r.pids = &pids;
    CHECK(hd_cgroup_create(TEST_PATH, &r, state, &cg, &err) < 0);
    CHECK(err && strstr(err->msg, "controller not available"));
    if (err)
      printf("# %s\n", err->msg);
    CHECK(dirs_left(TEST_PATH, false) == 0);
    remove_state_dir(state);
  }
}

int main(void) {
  if (geteuid() != 0) {
    printf("# skipped: test-cgroup needs root\n");
    printf("0 passed, 0 failed\n");
    return 0;
  }
  printf("# layout: %s\n", pure_v2() ? "pure v2" : v2_root() ? "hybrid" : "v1");
  test_resolve();
  test_writers();
  test_bad_input();
  test_missing_controller();
  test_lifecycle();
  test_existing_refused();
  rmdir("/sys/fs/cgroup/unified/hardened-unit"); /* parents we made */
  DIR *d = opendir("/sys/fs/cgroup");
  struct dirent *de;
  while (d && (de = readdir(d)) != NULL) {
    char *p = xasprintf("/sys/fs/cgroup/%s/hardened-unit", de->d_name);
    rmdir(p);
    free(p);
  }
  if (d)
    closedir(d);
  rmdir("/sys/fs/cgroup/hardened-unit");
  return UNIT_DONE();
}
