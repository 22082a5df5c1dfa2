#include "commands.h"
#include "container.h"
#include "create-flags.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_PID_FILE = 256, OPT_CONSOLE_SOCKET, OPT_PRESERVE_FDS,
       OPT_NO_PIVOT, OPT_NO_NEW_KEYRING, OPT_KEEP, OPT_NO_SUBREAPER };

/* Flags shared by create and run; run adds -d and --keep. Returns the
 * index of the container id in argv, or -1 after printing the error. */
int parse_create_flags(const char *cmd, const hd_global_opts *g, int argc,
                       char **argv, bool is_run, hd_container_opts *o) {
  static const struct option opts[] = {
      {"bundle", required_argument, NULL, 'b'},
      {"pid-file", required_argument, NULL, OPT_PID_FILE},
      {"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},
      {"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},
      {"no-pivot", no_argument, NULL, OPT_NO_PIVOT},
      {"no-new-keyring", no_argument, NULL, OPT_NO_NEW_KEYRING},
      {"no-subreaper", no_argument, NULL, OPT_NO_SUBREAPER},
      {"detach", no_argument, NULL, 'd'},
      {"keep", no_argument, NULL, OPT_KEEP},
      {NULL, 0, NULL, 0}};
  o->state_root = g->root;
  o->bundle = ".";
  o->systemd_cgroup = g->systemd_cgroup;
  o->policy_path = g->policy_path;
  int c;
  while ((c = getopt_long(argc, argv, is_run ? "b:d" : "b:", opts, NULL)) != -1) {
    switch (c) {
    case 'b':
      o->bundle = optarg;
      break;
    case OPT_PID_FILE:
      o->pid_file = optarg;
      break;
    case OPT_CONSOLE_SOCKET:
      o->console_socket = optarg;
      break;
    case OPT_PRESERVE_FDS: {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (*optarg == '\0' || *end != '\0' || n < 0 || n > 65536)
        return cmd_usage_error(cmd, "--preserve-fds: expected a count, got \"%s\"",
                               optarg), -1;
      o->preserve_fds = (int)n;
      break;
    }
    case OPT_NO_PIVOT:
      o->no_pivot = true;
      break;
    case OPT_NO_NEW_KEYRING:
      o->no_new_keyring = true;
      break;
    case OPT_NO_SUBREAPER:
      break;
    case 'd':
      if (!is_run)
        return cmd_usage_error(cmd, "unknown option -d"), -1;
      o->detach = true;
      break;
    case OPT_KEEP:
      if (!is_run)
        return cmd_usage_error(cmd, "unknown option --keep"), -1;
      o->keep = true;
      break;
    default:
      return cmd_usage_error(cmd, "unknown option"), -1;
    }
  }
  if (optind != argc - 1)
    return cmd_usage_error(cmd, "expected exactly one container id"), -1;
  o->id = argv[optind];
  return optind;
}

int cmd_create(const hd_global_opts *g, int argc, char **argv) {
  hd_container_opts o = {0};
  if (parse_create_flags("create", g, argc, argv, false, &o) < 0)
    return 1;
  cleanup_error hd_error_t err = NULL;
  if (hd_container_create(&o, &err) < 0)
    return cmd_fail(&err);
  return 0;
}
