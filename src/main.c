/* hardened: CLI entry. Global flags, then one command. */
#define _GNU_SOURCE
#include "commands.h"
#include "error.h"
#include "log.h"
#include "self-protect.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
  const char *name;
  int (*run)(const hd_global_opts *g, int argc, char **argv);
  bool enters_container; /* needs the CVE-2019-5736 self-protection */
  const char *summary;
} command;

static const command commands[] = {
    {"create", cmd_create, true, "create a container from a bundle"},
    {"start", cmd_start, false, "start a created container"},
    {"run", cmd_run, true, "create and start a container"},
    {"state", cmd_state, false, "print the OCI state of a container"},
    {"kill", cmd_kill, false, "send a signal to a container"},
    {"delete", cmd_delete, false, "delete a container"},
    {"list", cmd_list, false, "list containers"},
    {"spec", cmd_spec, false, "write a default config.json"},
    {"features", cmd_features, false, "print the OCI features JSON"},
    {"exec", cmd_exec, true, "run a process in a running container"},
    {"ps", cmd_ps, false, "list the processes of a container"},
    {"pause", cmd_pause, false, "freeze every process of a container"},
    {"resume", cmd_resume, false, "thaw a paused container"},
    {"update", cmd_update, false, "change a container's resources"},
    {"events", cmd_events, false, "print container statistics (--stats)"},
    {"check", cmd_check, false,
     "show what the hardening overlay changes in a bundle's config.json"},
    {"checkpoint", cmd_checkpoint, false, "not supported (no CRIU)"},
    {"restore", cmd_restore, false, "not supported (no CRIU)"},
};

/* checkpoint and restore: refused whatever the arguments, in the shape of
 * every other refusal of what hardened does not implement. */
static int refuse_criu(const char *cmd) {
  cleanup_free char *msg = xasprintf(
      "%s is not supported (unsupported): hardened does not implement "
      "checkpoint and restore",
      cmd);
  hd_log_error_once(msg);
  return 1;
}

int cmd_checkpoint(const hd_global_opts *g, int argc, char **argv) {
  (void)g, (void)argc, (void)argv;
  return refuse_criu("checkpoint");
}

int cmd_restore(const hd_global_opts *g, int argc, char **argv) {
  (void)g, (void)argc, (void)argv;
  return refuse_criu("restore");
}

int cmd_fail(hd_error_t *err) {
  hd_log_error_once(err && *err ? (*err)->msg : "unknown error");
  hd_error_free(err);
  return 1;
}

int cmd_usage_error(const char *cmd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  cleanup_free char *msg = NULL;
  if (vasprintf(&msg, fmt, ap) < 0)
    msg = NULL;
  va_end(ap);
  cleanup_free char *line =
      xasprintf("%s: %s (see 'man 8 hardened')", cmd, msg ? msg : "");
  hd_log_error_once(line);
  return 1;
}

static void usage(FILE *out) {
  fprintf(out,
          "usage: hardened [global options] COMMAND [options] [ID]\n\n"
          "An OCI runtime that enforces a hardening overlay on every "
          "container.\n\nglobal options:\n"
          "  --root DIR          state directory (default /run/hardened)\n"
          "  --log FILE          log file\n"
          "  --log-format FMT    text or json\n"
          "  --debug             debug logging\n"
          "  --systemd-cgroup    accepted; cgroupfs is used (see README)\n"
          "  --rootless VALUE    accepted\n"
          "  --policy FILE       hardening policy (default: built-in)\n"
          "  --version           print the version\n\ncommands:\n");
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
}

static void print_version(void) {
  printf("hardened version %s\nspec: 1.2.0\n", HD_VERSION);
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD,
       OPT_ROOTLESS, OPT_POLICY, OPT_VERSION, OPT_CRIU };

static int parse_global(int argc, char **argv, hd_global_opts *g) {
  static const struct option opts[] = {
      {"root", required_argument, NULL, OPT_ROOT},
      {"log", required_argument, NULL, OPT_LOG},
      {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
      {"debug", no_argument, NULL, OPT_DEBUG},
      {"systemd-cgroup", no_argument, NULL, OPT_SYSTEMD},
      {"rootless", required_argument, NULL, OPT_ROOTLESS},
      {"policy", required_argument, NULL, OPT_POLICY},
      {"criu", required_argument, NULL, OPT_CRIU},
      {"version", no_argument, NULL, OPT_VERSION},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "+vh", opts, NULL)) != -1) {
    switch (c) {
    case OPT_ROOT:
      g->root = optarg;
      break;
    case OPT_LOG:
      g->log_path = optarg;
      break;
    case OPT_LOG_FORMAT:
      if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
        fprintf(stderr, "hardened: --log-format: expected text or json, got \"%s\"\n",
                optarg);
        return -1;
      }
      g->log_json = strcmp(optarg, "json") == 0;
      break;
    case OPT_DEBUG:
      g->debug = true;
      break;
    case OPT_SYSTEMD:
      g->systemd_cgroup = true;
      break;
    case OPT_ROOTLESS:
      g->rootless = optarg;
      break;
    case OPT_POLICY:
      g->policy_path = optarg;
      break;
    case OPT_CRIU:
      break;
    case 'v':
    case OPT_VERSION:
      print_version();
      exit(0);
    case 'h':
      usage(stdout);
      exit(0);
    default:
      /* getopt has named the option; one more line says where to look
       * (a page of usage after an error buries the error). */
      fputs("hardened: unknown global option (see 'hardened --help')\n",
            stderr);
      return -1;
    }
  }
  return optind;
}

int main(int argc, char **argv) {
  hd_global_opts g = {.root = "/run/hardened"};
  int first = parse_global(argc, argv, &g);
  if (first < 0)
    return 1;
  if (hd_log_init(g.log_path, g.log_json, g.debug) < 0) {
    fprintf(stderr, "hardened: --log %s: cannot open\n", g.log_path);
    return 1;
  }
  if (first >= argc) {
    usage(stderr);
    return 1;
  }
  const char *name = argv[first];
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
    if (strcmp(commands[i].name, name) != 0)
      continue;
    if (commands[i].enters_container) {
      cleanup_error hd_error_t err = NULL;
      if (hd_self_protect(argc, argv, &err) < 0)
        return cmd_fail(&err);
    }
    /* 0, not 1: glibc then forgets the "+" (stop at the first operand) of
     * the global parse, so commands take their flags after the id too, as
     * runc's do. */
    optind = 0;
    return commands[i].run(&g, argc - first, argv + first);
  }
  cleanup_free char *msg =
      xasprintf("unknown command \"%.64s\" (see 'hardened --help')", name);
  hd_log_error_once(msg);
  return 1;
}
