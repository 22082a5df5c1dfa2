#include "commands.h"
#include "container.h"
#include "id-arg.h"

#include <stdio.h>
#include <stdlib.h>

int cmd_state(const hd_global_opts *g, int argc, char **argv) {
  static const struct option opts[] = {{NULL, 0, NULL, 0}};
  const char *id = parse_id_command("state", argc, argv, "", opts, NULL, NULL, 1);
  if (id == NULL)
    return 1;
  cleanup_error hd_error_t err = NULL;
  cleanup_free char *json = NULL;
  if (hd_container_state(g->root, id, &json, &err) < 0)
    return cmd_fail(&err);
  printf("%s\n", json);
  return 0;
}
