#define _GNU_SOURCE
#include "commands.h"
#include "container.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static bool has_pid(const pid_t *pids, size_t n, long pid) {
  for (size_t i = 0; i < n; i++)
    if (pids[i] == pid)
      return true;
  return false;
}

/* Index of the PID column in ps's header, -1 when there is none. */
static int pid_column(const char *header) {
  cleanup_free char *copy = xstrdup(header);
  char *save = NULL;
  int i = 0;
  for (char *tok = strtok_r(copy, " \t\n", &save); tok;
       tok = strtok_r(NULL, " \t\n", &save), i++)
    if (strcmp(tok, "PID") == 0)
      return i;
  return -1;
}

static long column_value(const char *line, int col) {
  cleanup_free char *copy = xstrdup(line);
  char *save = NULL;
  char *tok = strtok_r(copy, " \t\n", &save);
  for (int i = 0; tok && i < col; i++)
    tok = strtok_r(NULL, " \t\n", &save);
  return tok ? strtol(tok, NULL, 10) : -1;
}

/* Run the host's ps with the given options and keep the container's rows. */
static int print_ps_table(const pid_t *pids, size_t n, char **ps_args,
                          int ps_argc) {
  int fds[2];
  if (pipe(fds) < 0)
    return cmd_usage_error("ps", "pipe: %s", strerror(errno));
  pid_t child = fork();
  if (child == 0) {
    char **argv = xcalloc((size_t)ps_argc + 3, sizeof *argv);
    argv[0] = "ps";
    int k = 1;
    if (ps_argc == 0)
      argv[k++] = "-ef";
    for (int i = 0; i < ps_argc; i++)
      argv[k++] = ps_args[i];
    dup2(fds[1], 1);
    close(fds[0]);
    close(fds[1]);
    execvp("ps", argv);
    _exit(127);
  }
  close(fds[1]);
  FILE *in = fdopen(fds[0], "r");
  char *line = NULL;
  size_t cap = 0;
  int col = -1;
  for (bool first = true; getline(&line, &cap, in) > 0; first = false) {
    if (first) {
      col = pid_column(line);
      fputs(line, stdout);
    } else if (col >= 0 && has_pid(pids, n, column_value(line, col)))
      fputs(line, stdout);
  }
  free(line);
  fclose(in);
  int status = 0;
  waitpid(child, &status, 0);
  if (col < 0)
    return cmd_usage_error("ps", "ps output has no PID column");
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 1;
}

/* A stopped container has no processes: like runc, ps then prints an
 * empty list instead of failing. */
static bool container_stopped(const char *root, const char *id) {
  cleanup_error hd_error_t err = NULL;
  cleanup_free char *json = NULL;
  if (hd_container_state(root, id, &json, &err) < 0)
    return false;
  oci_state *s = oci_state_parse(json, strlen(json), NULL);
  bool stopped = s && s->status && strcmp(s->status, "stopped") == 0;
  oci_state_free(s);
  return stopped;
}

static void print_ps_json(const pid_t *pids, size_t n) {
  if (n == 0) {
    puts("null"); /* runc's empty list */
    return;
  }
  printf("[");
  for (size_t i = 0; i < n; i++)
    printf("%s%d", i ? "," : "", pids[i]);
  printf("]\n");
}

int cmd_ps(const hd_global_opts *g, int argc, char **argv) {
  static const struct option opts[] = {{"format", required_argument, NULL, 'f'},
                                       {NULL, 0, NULL, 0}};
  bool json = false;
  int c;
  while ((c = getopt_long(argc, argv, "+f:", opts, NULL)) != -1) {
    if (c == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0))
      json = strcmp(optarg, "json") == 0;
    else
      return cmd_usage_error("ps", "expected --format table|json");
  }
  if (optind >= argc)
    return cmd_usage_error("ps", "expected a container id");
  const char *id = argv[optind];
  pid_t *pids = NULL;
  size_t n = 0;
  cleanup_error hd_error_t err = NULL;
  if (hd_container_pids(g->root, id, &pids, &n, &err) < 0) {
    if (!container_stopped(g->root, id))
      return cmd_fail(&err);
    hd_error_free(&err);
  }
  int rc = 0;
  if (json) {
    print_ps_json(pids, n);
  } else {
    fflush(stdout);
    rc = print_ps_table(pids, n, argv + optind + 1, argc - optind - 1);
  }
  free(pids);
  return rc;
}
