#include "commands.h"
#include "container.h"

#include <getopt.h>
#include <stdlib.h>
#include <string.h>

enum { OPT_CONSOLE_SOCKET = 256, OPT_PID_FILE, OPT_PRESERVE_FDS, OPT_CWD,
       OPT_NO_NEW_PRIVS, OPT_CGROUP, OPT_IGNORE_PAUSED, OPT_IGNORED };

typedef struct {
  char **items;
  size_t len;
} str_list;

static void push(str_list *l, char *s) {
  l->items = xrealloc(l->items, (l->len + 1) * sizeof *l->items);
  l->items[l->len++] = s;
}

static int parse_gids(const char *arg, hd_exec_opts *o) {
  cleanup_free char *copy = xstrdup(arg);
  char *save = NULL;
  for (char *tok = strtok_r(copy, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
    char *end;
    unsigned long v = strtoul(tok, &end, 10);
    if (*end != '\0' || *tok == '-' || v > UINT32_MAX)
      return -1;
    o->additional_gids = xrealloc(o->additional_gids,
                                  (o->additional_gids_len + 1) * sizeof(uint32_t));
    o->additional_gids[o->additional_gids_len++] = (uint32_t)v;
  }
  return 0;
}

static int parse_exec_flags(int argc, char **argv, hd_exec_opts *o,
                            str_list *env, str_list *caps) {
  static const struct option opts[] = {
      {"process", required_argument, NULL, 'p'},
      {"tty", no_argument, NULL, 't'},
      {"console-socket", required_argument, NULL, OPT_CONSOLE_SOCKET},
      {"detach", no_argument, NULL, 'd'},
      {"pid-file", required_argument, NULL, OPT_PID_FILE},
      {"preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS},
      {"cwd", required_argument, NULL, OPT_CWD},
      {"env", required_argument, NULL, 'e'},
      {"user", required_argument, NULL, 'u'},
      {"additional-gids", required_argument, NULL, 'g'},
      {"cap", required_argument, NULL, 'c'},
      {"no-new-privs", no_argument, NULL, OPT_NO_NEW_PRIVS},
      {"cgroup", required_argument, NULL, OPT_CGROUP},
      {"ignore-paused", no_argument, NULL, OPT_IGNORE_PAUSED},
      {"process-label", required_argument, NULL, OPT_IGNORED},
      {"apparmor", required_argument, NULL, OPT_IGNORED},
      {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "+p:tde:u:g:c:", opts, NULL)) != -1) {
    switch (c) {
    case 'p': o->process_path = optarg; break;
    case 't': o->tty = true; break;
    case OPT_CONSOLE_SOCKET: o->console_socket = optarg; break;
    case 'd': o->detach = true; break;
    case OPT_PID_FILE: o->pid_file = optarg; break;
    case OPT_PRESERVE_FDS: {
      char *end;
      long n = strtol(optarg, &end, 10);
      if (*end || n < 0 || n > 65536)
        return cmd_usage_error("exec", "--preserve-fds: expected a count, got \"%s\"", optarg);
      o->preserve_fds = (int)n;
      break;
    }
    case OPT_CWD: o->cwd = optarg; break;
    case 'e':
      if (strchr(optarg, '=') == NULL)
        return cmd_usage_error("exec", "--env \"%s\": expected NAME=VALUE", optarg);
      push(env, optarg);
      break;
    case 'u': o->user = optarg; break;
    case 'g':
      if (parse_gids(optarg, o) < 0)
        return cmd_usage_error("exec", "--additional-gids \"%s\": expected gid[,gid...]", optarg);
      break;
    case 'c': push(caps, optarg); break;
    case OPT_NO_NEW_PRIVS: o->no_new_privs = true; break;
    case OPT_CGROUP: o->cgroup = optarg; break;
    case OPT_IGNORE_PAUSED: o->ignore_paused = true; break;
    case OPT_IGNORED: break;
    default: return cmd_usage_error("exec", "unknown option");
    }
  }
  if (optind >= argc)
    return cmd_usage_error("exec", "expected a container id");
  o->id = argv[optind];
  o->args = argv + optind + 1;
  o->args_len = (size_t)(argc - optind - 1);
  return 0;
}

int cmd_exec(const hd_global_opts *g, int argc, char **argv) {
  hd_exec_opts o = {.state_root = g->root, .policy_path = g->policy_path};
  str_list env = {0}, caps = {0};
  int rc = parse_exec_flags(argc, argv, &o, &env, &caps);
  o.env = env.items;
  o.env_len = env.len;
  o.caps = caps.items;
  o.caps_len = caps.len;
  int status = 0;
  cleanup_error hd_error_t err = NULL;
  /* 255 for a runtime error, as runc: 1 could be the process's own. */
  if (rc == 0 && hd_container_exec(&o, &status, &err) < 0) {
    cmd_fail(&err);
    rc = 255;
  }
  free(env.items);
  free(caps.items);
  free(o.additional_gids);
  return rc ? rc : status;
}
