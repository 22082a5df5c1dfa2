/* CVE-2019-5736: a process in the container can open /proc/<runtime
 * pid>/exe and, once the runtime has exited, write to the binary on the
 * host. Running from a sealed memfd copy makes that file read-only
 * forever (F_SEAL_WRITE) and keeps the host binary out of reach. */
#define _GNU_SOURCE
#include "self-protect.h"

#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern char **environ;

#define SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)

static bool running_from_sealed_copy(int exe) {
  int seals = fcntl(exe, F_GET_SEALS);
  return seals >= 0 && (seals & F_SEAL_WRITE);
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

int hd_self_protect(int argc, char **argv, hd_error_t *err) {
  (void)argc;
  cleanup_close int exe = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (exe < 0)
    return hd_error_set(err, errno, "self-protect: open /proc/self/exe");
  if (running_from_sealed_copy(exe))
    return 0;
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
  hd_debug("self-protect: re-exec from a sealed copy");
  syscall(SYS_execveat, copy, "", argv, environ, AT_EMPTY_PATH);
  return hd_error_set(err, errno, "self-protect: re-exec from the sealed copy");
}
