#include "commands.h"
#include "container.h"
#include "id-arg.h"

static int on_delete_flag(int opt, const char *arg, void *data) {
  if (opt != 'f')
    return -1;
  *(bool *)data = true;
  return 0;
}

int cmd_delete(const hd_global_opts *g, int argc, char **argv) {
  static const struct option opts[] = {{"force", no_argument, NULL, 'f'},
                                       {NULL, 0, NULL, 0}};
  bool force = false;
  const char *id =
      parse_id_command("delete", argc, argv, "+f", opts, on_delete_flag, &force, 1);
  if (id == NULL)
    return 1;
  cleanup_error hd_error_t err = NULL;
  if (hd_container_delete(g->root, id, force, &err) < 0)
    return cmd_fail(&err);
  return 0;
}
