/* The compiled linux.seccomp program and its cache (seccomp-cache.c):
 * hits return the same program, a file planted under another filter's
 * name is never taken, an untrusted directory is not used, and the
 * loaded program does what the spec says. Needs root (the cache is
 * root-only) and a real kernel (skipped under valgrind, which has no
 * seccomp(2) for libseccomp to probe). */
#define _GNU_SOURCE
#include "seccomp.h"
#include "unit.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static char *names_store[1024];

/* Every syscall libseccomp knows on x86_64, as an engine's default
 * profile lists them (about 360 names). */
static oci_seccomp *big_filter(void) {
  oci_seccomp *s = xcalloc(1, sizeof *s);
  s->default_action = OCI_SECCOMP_ACT_ERRNO;
  s->architectures = xcalloc(3, sizeof *s->architectures);
  s->architectures[0] = xstrdup("SCMP_ARCH_X86_64");
  s->architectures[1] = xstrdup("SCMP_ARCH_X86");
  s->architectures[2] = xstrdup("SCMP_ARCH_X32");
  s->architectures_len = 3;
  s->syscalls = xcalloc(1, sizeof *s->syscalls);
  s->syscalls_len = 1;
  oci_seccomp_syscall *sc = &s->syscalls[0];
  sc->action = OCI_SECCOMP_ACT_ALLOW;
  sc->names = names_store;
  for (int nr = 0; nr < 1024 && sc->names_len < 1024; nr++) {
    char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
    if (name == NULL)
      continue;
    /* The small filter's probe must stay denied. */
    if (strcmp(name, "getppid") == 0) {
      free(name);
      continue;
    }
    sc->names[sc->names_len++] = name;
  }
  return s;
}

static void free_filter(oci_seccomp *s, bool owns_names) {
  for (size_t i = 0; i < s->architectures_len; i++)
    free(s->architectures[i]);
  free(s->architectures);
  for (size_t i = 0; owns_names && i < s->syscalls[0].names_len; i++)
    free(s->syscalls[0].names[i]);
  if (!owns_names)
    free(s->syscalls[0].names);
  free(s->syscalls);
  free(s);
}

/* Default allow; getppid fails with errnoRet. */
static oci_seccomp *small_filter(uint32_t errno_ret) {
  oci_seccomp *s = xcalloc(1, sizeof *s);
  s->default_action = OCI_SECCOMP_ACT_ALLOW;
  s->syscalls = xcalloc(1, sizeof *s->syscalls);
  s->syscalls_len = 1;
  oci_seccomp_syscall *sc = &s->syscalls[0];
  sc->action = OCI_SECCOMP_ACT_ERRNO;
  sc->has_errno_ret = true;
  sc->errno_ret = errno_ret;
  sc->names = xcalloc(1, sizeof *sc->names);
  sc->names[0] = xstrdup("getppid");
  sc->names_len = 1;
  return s;
}

static void free_small(oci_seccomp *s) {
  free(s->syscalls[0].names[0]);
  free_filter(s, false);
}

static bool same_prog(const hd_seccomp_prog *a, const hd_seccomp_prog *b) {
  return a->len == b->len && a->flags == b->flags && a->len > 0 &&
         memcmp(a->insns, b->insns, a->len * sizeof *a->insns) == 0;
}

static int count_files(const char *dir) {
  DIR *d = opendir(dir);
  int n = 0;
  struct dirent *de;
  while (d && (de = readdir(d)) != NULL)
    n += de->d_name[0] != '.';
  if (d)
    closedir(d);
  return n;
}

/* The one cache file in dir, as a path. */
static char *only_file(const char *dir) {
  DIR *d = opendir(dir);
  char *found = NULL;
  struct dirent *de;
  while (d && (de = readdir(d)) != NULL)
    if (de->d_name[0] != '.' && found == NULL)
      found = xasprintf("%s/%s", dir, de->d_name);
  if (d)
    closedir(d);
  return found;
}

/* The program's getppid() result in a child: -errno or 0. */
static int getppid_in_child(const hd_seccomp_prog *p) {
  pid_t pid = fork();
  if (pid == 0) {
    hd_error_t err = NULL;
    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
    if (hd_seccomp_prog_load(p, &err) < 0)
      _exit(255);
    errno = 0;
    long r = syscall(SYS_getppid);
    _exit(r < 0 ? errno : 0);
  }
  int st = 0;
  if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
    return -1000;
  return WEXITSTATUS(st);
}

static double ms_since(const struct timespec *a) {
  struct timespec b;
  clock_gettime(CLOCK_MONOTONIC, &b);
  return ((b.tv_sec - a->tv_sec) * 1e9 + (b.tv_nsec - a->tv_nsec)) / 1e6;
}

static void test_hit_and_miss(const char *dir) {
  hd_error_t err = NULL;
  oci_seccomp *big = big_filter();
  hd_seccomp_prog fresh = {0}, cold = {0}, warm = {0};
  CHECK(hd_seccomp_compile(big, NULL, &fresh, &err) == 0);
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  CHECK(hd_seccomp_compile(big, dir, &cold, &err) == 0);
  double miss_ms = ms_since(&t);
  CHECK(count_files(dir) == 1);
  clock_gettime(CLOCK_MONOTONIC, &t);
  CHECK(hd_seccomp_compile(big, dir, &warm, &err) == 0);
  double hit_ms = ms_since(&t);
  CHECK(same_prog(&fresh, &cold));
  CHECK(same_prog(&fresh, &warm));
  /* Reported, never asserted. */
  printf("# %zu syscalls, 3 arches: compile+store %.2f ms, cache hit %.3f ms\n",
         big->syscalls[0].names_len, miss_ms, hit_ms);
  hd_seccomp_prog_clear(&fresh);
  hd_seccomp_prog_clear(&cold);
  hd_seccomp_prog_clear(&warm);
  free_filter(big, true);
  hd_error_free(&err);
}

/* Invert the byte `back` bytes before the end of path (back 9: the last
 * byte of the last instruction, just before the 8-byte checksum). */
static int flip_byte_before_end(const char *path, off_t back) {
  int fd = open(path, O_RDWR | O_CLOEXEC);
  struct stat st;
  unsigned char c;
  int rc = -1;
  if (fd >= 0 && fstat(fd, &st) == 0 && st.st_size > back &&
      pread(fd, &c, 1, st.st_size - back) == 1) {
    c = (unsigned char)~c;
    rc = pwrite(fd, &c, 1, st.st_size - back) == 1 ? 0 : -1;
  }
  if (fd >= 0)
    close(fd);
  return rc;
}

/* A file planted under filter A's name, holding filter B: A gets A. */
static void test_planted_file(const char *dir_a, const char *dir_b) {
  hd_error_t err = NULL;
  oci_seccomp *a = small_filter(42), *b = small_filter(43);
  hd_seccomp_prog pa = {0}, pb = {0}, got = {0};
  CHECK(hd_seccomp_compile(a, dir_a, &pa, &err) == 0);
  CHECK(hd_seccomp_compile(b, dir_b, &pb, &err) == 0);
  CHECK(!same_prog(&pa, &pb));
  char *file_a = only_file(dir_a), *file_b = only_file(dir_b);
  CHECK(file_a && file_b && rename(file_b, file_a) == 0);
  CHECK(hd_seccomp_compile(a, dir_a, &got, &err) == 0);
  CHECK(same_prog(&got, &pa));
  CHECK(getppid_in_child(&got) == 42);
  hd_seccomp_prog_clear(&got);
  /* ... and the file was put right: A's own program is cached again. */
  CHECK(hd_seccomp_compile(a, dir_a, &got, &err) == 0);
  CHECK(same_prog(&got, &pa));
  hd_seccomp_prog_clear(&got);
  /* A truncated file is a miss too. */
  CHECK(file_a && truncate(file_a, 40) == 0);
  CHECK(hd_seccomp_compile(a, dir_a, &got, &err) == 0);
  CHECK(same_prog(&got, &pa));
  hd_seccomp_prog_clear(&got);
  /* So is a file of the right size and key whose program changed (as a
   * write torn by a crash could leave it): the checksum catches it. */
  CHECK(file_a && flip_byte_before_end(file_a, 9) == 0);
  CHECK(hd_seccomp_compile(a, dir_a, &got, &err) == 0);
  CHECK(same_prog(&got, &pa));
  hd_seccomp_prog_clear(&got);
  CHECK(getppid_in_child(&pb) == 43);
  free(file_a);
  free(file_b);
  hd_seccomp_prog_clear(&pa);
  hd_seccomp_prog_clear(&pb);
  free_small(a);
  free_small(b);
  hd_error_free(&err);
}

/* Filters that share a slot take turns in it, and each still gets its
 * own program: compile ERRNO(1), ERRNO(2), ... into one dir until two
 * have landed in one file, then check all of them again. */
static void test_shared_slot(const char *dir) {
  hd_error_t err = NULL;
  int n = 0;
  bool shared = false;
  while (!shared && n < 4000) {
    oci_seccomp *s = small_filter((uint32_t)++n);
    hd_seccomp_prog p = {0};
    CHECK(hd_seccomp_compile(s, dir, &p, &err) == 0);
    shared = count_files(dir) < n;
    hd_seccomp_prog_clear(&p);
    free_small(s);
  }
  CHECK(shared);
  printf("# two of %d filters share a cache slot\n", n);
  int wrong = 0;
  for (int round = 0; round < 2; round++)
    for (int i = 1; i <= n; i++) {
      oci_seccomp *s = small_filter((uint32_t)i);
      hd_seccomp_prog cached = {0}, fresh = {0};
      if (hd_seccomp_compile(s, dir, &cached, &err) < 0 ||
          hd_seccomp_compile(s, NULL, &fresh, &err) < 0 ||
          !same_prog(&cached, &fresh))
        wrong++;
      hd_seccomp_prog_clear(&cached);
      hd_seccomp_prog_clear(&fresh);
      free_small(s);
    }
  CHECK(wrong == 0);
  hd_error_free(&err);
}

/* Compile f (getppid fails with errno_ret) with cache dir; then dir holds
 * files_after cache files and the program has its effect. */
static void check_compile(const oci_seccomp *f, const char *dir,
                          int files_after, int errno_ret) {
  hd_error_t err = NULL;
  hd_seccomp_prog p = {0};
  CHECK(hd_seccomp_compile(f, dir, &p, &err) == 0);
  CHECK(count_files(dir) == files_after);
  CHECK(getppid_in_child(&p) == errno_ret);
  hd_seccomp_prog_clear(&p);
  hd_error_free(&err);
}

static void test_untrusted_dir(const char *dir) {
  oci_seccomp *a = small_filter(44);
  CHECK(chmod(dir, 0777) == 0);
  check_compile(a, dir, 0, 44);
  free_small(a);
}

static void test_no_filter(void) {
  hd_error_t err = NULL;
  hd_seccomp_prog p = {0};
  CHECK(hd_seccomp_compile(NULL, NULL, &p, &err) == 0);
  CHECK(p.len == 0 && p.insns == NULL);
  CHECK(getppid_in_child(&p) == 0);
}

/* While another process stores (it holds the directory's flock), a miss
 * is compiled and not stored; once the lock is free, it is. */
static void test_store_while_locked(const char *dir) {
  hd_error_t err = NULL;
  oci_seccomp *f = small_filter(44);
  hd_seccomp_prog p = {0};
  CHECK(hd_seccomp_compile(f, dir, &p, &err) == 0); /* makes dir */
  hd_seccomp_prog_clear(&p);
  char *file = only_file(dir);
  CHECK(file && unlink(file) == 0);
  free(file);
  int lock_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  CHECK(lock_fd >= 0 && flock(lock_fd, LOCK_EX) == 0);
  pid_t pid = fork();
  if (pid == 0) {
    hd_seccomp_prog q = {0};
    hd_error_t e = NULL;
    _exit(hd_seccomp_compile(f, dir, &q, &e) == 0 && q.len > 0 ? 0 : 1);
  }
  int st = 0;
  CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);
  CHECK(count_files(dir) == 0);
  close(lock_fd);
  check_compile(f, dir, 1, 44);
  free_small(f);
  hd_error_free(&err);
}

/* linux.seccomp.flags reach the program's seccomp() flags, fresh and
 * from the cache, and the program still loads with them. */
static void test_flags_kept(const char *dir) {
  hd_error_t err = NULL;
  oci_seccomp *f = small_filter(45);
  char *flags[] = {"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"};
  f->flags = flags;
  f->flags_len = 2;
  hd_seccomp_prog fresh = {0}, cached = {0};
  CHECK(hd_seccomp_compile(f, dir, &fresh, &err) == 0);
  CHECK(fresh.flags ==
        (SECCOMP_FILTER_FLAG_LOG | SECCOMP_FILTER_FLAG_SPEC_ALLOW));
  CHECK(hd_seccomp_compile(f, dir, &cached, &err) == 0);
  CHECK(same_prog(&fresh, &cached));
  CHECK(getppid_in_child(&cached) == 45);
  hd_seccomp_prog_clear(&fresh);
  hd_seccomp_prog_clear(&cached);
  f->flags = NULL;
  f->flags_len = 0;
  free_small(f);
  hd_error_free(&err);
}

static void remove_dir(const char *dir) {
  char *f;
  while ((f = only_file(dir)) != NULL) {
    unlink(f);
    free(f);
  }
  rmdir(dir);
}

static bool under_valgrind(void) {
  const char *preload = getenv("LD_PRELOAD");
  return preload && strstr(preload, "vgpreload");
}

/* The ENOSYS stub: none for a default that allows; for one that denies,
 * a block for the native arch whose limit is the newest name (getppid). */
static void test_enosys_stub(void) {
  oci_seccomp *s = small_filter(EPERM);
  struct sock_filter stub[32];
  CHECK(hd_seccomp_enosys_stub(s, stub, 32) == 0);
  s->default_action = OCI_SECCOMP_ACT_ERRNO;
  size_t n = hd_seccomp_enosys_stub(s, stub, 32);
  CHECK(n > 0);
  bool limit = false, enosys = false;
  for (size_t i = 0; i < n; i++) {
    limit |= stub[i].code == (BPF_JMP | BPF_JGT | BPF_K) &&
             stub[i].k == SYS_getppid;
    enosys |= stub[i].code == (BPF_RET | BPF_K) &&
              stub[i].k == (SECCOMP_RET_ERRNO | ENOSYS);
  }
  CHECK(limit);
  CHECK(enosys);
  /* A default of ERRNO(ENOSYS) needs no stub. */
  s->has_default_errno_ret = true;
  s->default_errno_ret = ENOSYS;
  CHECK(hd_seccomp_enosys_stub(s, stub, 32) == 0);
  free_small(s);
}

int main(void) {
  test_enosys_stub();
  if (under_valgrind() || geteuid() != 0) {
    printf("# seccomp cache: needs root and a real kernel; skipped\n");
    return UNIT_DONE();
  }
  char base[] = "/tmp/hd-seccomp-unit.XXXXXX";
  if (mkdtemp(base) == NULL)
    return 1;
  char *dirs[7];
  for (int i = 0; i < 7; i++)
    dirs[i] = xasprintf("%s/c%d", base, i);
  test_no_filter();
  test_hit_and_miss(dirs[0]);
  test_planted_file(dirs[1], dirs[2]);
  mkdir(dirs[3], 0700);
  test_untrusted_dir(dirs[3]);
  test_shared_slot(dirs[4]);
  test_store_while_locked(dirs[5]);
  test_flags_kept(dirs[6]);
  for (int i = 0; i < 7; i++) {
    remove_dir(dirs[i]);
    free(dirs[i]);
  }
  rmdir(base);
  return UNIT_DONE();
}
