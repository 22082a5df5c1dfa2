/* CVE-2019-5736: a process in the container can reach the runtime binary
 * through /proc/<pid>/exe of a runtime process that joined the container
 * (the init child before its execve, an `exec` child), or by making the
 * runtime execve "#!/proc/self/exe".  It then holds the file and, once the
 * runtime has exited (no more ETXTBSY), opens it for writing: the host
 * binary is overwritten.
 *
 * Why a re-exec at all: /proc/<pid>/exe is the mm's exe file, and the
 * kernel only lets a process change it (PR_SET_MM_EXE_FILE) when the old
 * file is no longer mapped, which a running program's is.  So the image
 * the container could reach must come from a file that cannot be written,
 * and the only way to get there is one execve before the fork that enters
 * the container (commands without that fork never pay it: see main.c).
 *
 * The cheapest such file is the binary itself seen through a private,
 * read-only, detached bind mount: open_tree(OPEN_TREE_CLONE) of
 * /proc/self/exe, mount_setattr(MOUNT_ATTR_RDONLY), execveat() on it.
 *   - A reopen of /proc/<pid>/exe goes through that same mount: EROFS,
 *     forever, even after every runtime process is gone.
 *   - The mount is attached nowhere, so nobody (not even the host admin)
 *     can find it to remount it read-write; it disappears with the last
 *     process or fd that uses it.  Making it read-write again would need
 *     CAP_SYS_ADMIN over the host's user namespace, which no container
 *     process has.
 *   - It costs three syscalls (about 10 µs) and shares the page cache
 *     with every other runtime process, where the sealed memfd copy that
 *     this replaced copied the whole binary (about 1 MB) per container and
 *     needs executable memfds, which vm.memfd_noexec=2 forbids.
 *   - The execve itself (about 0.7 ms on the bench machine, for any
 *     binary) is the real price, paid once per create/run/exec; crun pays
 *     the same for its own read-only bind re-exec (bench/README.md).
 * The sealed memfd copy stays as the fallback for where the mount API is
 * missing or refused (kernel before 5.12, no CAP_SYS_ADMIN: rootless).
 *
 * "Already protected" must be a fact about the running image, never a flag
 * someone could pass us: the image is a detached mount (its exe link reads
 * "/", which no attached file can) that is read-only, or a sealed memfd. */
#define _GNU_SOURCE
#include "self-protect.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/mount.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static bool running_from_sealed_copy(int exe) {
  int seals = fcntl(exe, F_GET_SEALS);
  return seals >= 0 && (seals & F_SEAL_WRITE);
}

static bool running_from_private_readonly_mount(int exe) {
  char link[2];
  ssize_t n = readlink("/proc/self/exe", link, sizeof link);
  struct statvfs sv;
  return n == 1 && link[0] == '/' && fstatvfs(exe, &sv) == 0 &&
         (sv.f_flag & ST_RDONLY);
}

static int copy_all(int from, int to, off_t size, hd_error_t *err) {
  off_t done = 0;
  while (done < size) {
    ssize_t n = sendfile(to, from, NULL, (size_t)(size - done));
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return hd_error_set(err, errno, "self-protect: copy /proc/self/exe");
    if (n == 0)
      return hd_error_set(err, EIO, "self-protect: /proc/self/exe shrank");
    done += n;
  }
  return 0;
}

/* Returns only when this did not work here (old kernel, no CAP_SYS_ADMIN):
 * the errno of the step that failed. */
static int reexec_from_readonly_mount(char **argv) {
  int tree = (int)syscall(SYS_open_tree, AT_FDCWD, "/proc/self/exe",
                          OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0)
    return errno;
  struct mount_attr ro = {.attr_set = MOUNT_ATTR_RDONLY};
  if (syscall(SYS_mount_setattr, tree, "", AT_EMPTY_PATH, &ro, sizeof ro) == 0)
    syscall(SYS_execveat, tree, "", argv, environ, AT_EMPTY_PATH);
  int saved = errno;
  close(tree);
  return saved;
}

static int reexec_from_sealed_copy(int exe, char **argv, hd_error_t *err) {
  struct stat st;
  if (fstat(exe, &st) < 0)
    return hd_error_set(err, errno, "self-protect: stat /proc/self/exe");
  cleanup_close int copy =
      memfd_create("hardened", MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (copy < 0)
    return hd_error_set(err, errno, "self-protect: memfd_create");
  if (copy_all(exe, copy, st.st_size, err) < 0)
    return -1;
  if (fcntl(copy, F_ADD_SEALS, SEALS) < 0)
    return hd_error_set(err, errno, "self-protect: seal the copy");
  syscall(SYS_execveat, copy, "", argv, environ, AT_EMPTY_PATH);
  return hd_error_set(err, errno, "self-protect: re-exec from a sealed copy");
}

int hd_self_protect(int argc, char **argv, hd_error_t *err) {
  (void)argc;
  cleanup_close int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (exe < 0)
    return hd_error_set(err, errno, "self-protect: open /proc/self/exe");
  if (running_from_private_readonly_mount(exe) || running_from_sealed_copy(exe))
    return 0;
  int why = reexec_from_readonly_mount(argv);
  hd_debug("self-protect: no private read-only mount (%s), using a copy",
           strerror(why));
  return reexec_from_sealed_copy(exe, argv, err);
}
