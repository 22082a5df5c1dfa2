#include "commands.h"
#include "container.h"
#include "id-arg.h"

#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

const char *parse_id_command(const char *cmd, int argc, char **argv,
                             const char *shortopts, const struct option *opts,
                             id_arg_flag_fn on_opt, void *data, int operands) {
  int c;
  while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
    if (c == '?' || on_opt == NULL || on_opt(c, optarg, data) < 0) {
      cmd_usage_error(cmd, "bad option");
      return NULL;
    }
  }
  if (argc - optind != operands) {
    cmd_usage_error(cmd, "expected a container id%s",
                    operands > 1 ? " and an argument" : "");
    return NULL;
  }
  return argv[optind];
}

int cmd_start(const hd_global_opts *g, int argc, char **argv) {
  static const struct option opts[] = {{NULL, 0, NULL, 0}};
  const char *id = parse_id_command("start", argc, argv, "", opts, NULL, NULL, 1);
  if (id == NULL)
    return 1;
  cleanup_error hd_error_t err = NULL;
  if (hd_container_start(g->root, id, &err) < 0)
    return cmd_fail(&err);
  return 0;
}
