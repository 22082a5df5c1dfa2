/* nr N...: calls syscall N with no arguments for each N and prints
 * "N: ok" or "N: ERRNAME", so a test can see which errno a seccomp
 * filter gives a number (one no libc wrapper knows, too). Static, for
 * the busybox rootfs. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int main(int argc, char **argv) {
  for (int i = 1; i < argc; i++) {
    long nr = strtol(argv[i], NULL, 10);
    errno = 0;
    long r = syscall(nr, 0, 0, 0, 0, 0, 0);
    const char *name = strerrorname_np(errno);
    printf("%ld: %s\n", nr, r >= 0 ? "ok" : (name ? name : "?"));
  }
  return 0;
}
