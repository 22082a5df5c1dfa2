#include "commands.h"
#include "container.h"
#include "id-arg.h"

static int pause_or_resume(const hd_global_opts *g, int argc, char **argv,
                           bool pause) {
  static const struct option opts[] = {{NULL, 0, NULL, 0}};
  const char *cmd = pause ? "pause" : "resume";
  const char *id = parse_id_command(cmd, argc, argv, "", opts, NULL, NULL, 1);
  if (id == NULL)
    return 1;
  cleanup_error hd_error_t err = NULL;
  if (hd_container_pause(g->root, id, pause, &err) < 0)
    return cmd_fail(&err);
  return 0;
}

int cmd_pause(const hd_global_opts *g, int argc, char **argv) {
  return pause_or_resume(g, argc, argv, true);
}

int cmd_resume(const hd_global_opts *g, int argc, char **argv) {
  return pause_or_resume(g, argc, argv, false);
}
