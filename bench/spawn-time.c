/* spawn-time -o FILE -t TAG COMMAND [ARG]...: run one command and append
 * "TAG <elapsed µs> <peak RSS kB> <exit status>" to FILE.
 *
 * The benchmark needs the cost of the runtime process itself, without the
 * fork of a shell around it, so this spawns the command directly (vfork
 * semantics through posix_spawn) and reads the clock right before and right
 * after.  The peak RSS is ru_maxrss from wait4(), the same number
 * `/usr/bin/time -v` prints as "Maximum resident set size": the largest
 * resident set of the process (kept across execve, so a runtime that
 * re-executes itself is counted at its larger image) or of any descendant it
 * waited for.  It is a maximum over the tree, never a sum.
 *
 * Build: cc -O2 -o spawn-time spawn-time.c */
#define _GNU_SOURCE
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

extern char **environ;

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

int main(int argc, char **argv) {
  if (argc < 6 || strcmp(argv[1], "-o") != 0 || strcmp(argv[3], "-t") != 0) {
    fprintf(stderr, "usage: spawn-time -o FILE -t TAG COMMAND [ARG]...\n");
    return 2;
  }
  const char *out_path = argv[2], *tag = argv[4];
  char **cmd = argv + 5;
  pid_t pid;
  long long start = now_us();
  int rc = posix_spawnp(&pid, cmd[0], NULL, NULL, cmd, environ);
  if (rc != 0) {
    fprintf(stderr, "spawn-time: %s: %s\n", cmd[0], strerror(rc));
    return 2;
  }
  int status;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) {
    perror("spawn-time: wait4");
    return 2;
  }
  long long elapsed = now_us() - start;
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  FILE *out = fopen(out_path, "a");
  if (!out) {
    perror("spawn-time: open the results file");
    return 2;
  }
  fprintf(out, "%s %lld %ld %d\n", tag, elapsed, ru.ru_maxrss, code);
  if (fclose(out) != 0) {
    perror("spawn-time: write the results file");
    return 2;
  }
  return code;
}
