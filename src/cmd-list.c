#include "commands.h"
#include "container.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void print_table(oci_state **states, size_t n) {
  printf("%-24s %-8s %-10s %-40s %-32s %s\n", "ID", "PID", "STATUS", "BUNDLE",
         "CREATED", "OWNER");
  for (size_t i = 0; i < n; i++)
    printf("%-24s %-8d %-10s %-40s %-32s %s\n", states[i]->id,
           strcmp(states[i]->status, "stopped") ? states[i]->pid : 0,
           states[i]->status, states[i]->bundle ? states[i]->bundle : "",
           states[i]->created ? states[i]->created : "",
           states[i]->owner && *states[i]->owner ? states[i]->owner : "root");
}

int cmd_list(const hd_global_opts *g, int argc, char **argv) {
  static const struct option opts[] = {{"quiet", no_argument, NULL, 'q'},
                                       {"format", required_argument, NULL, 'f'},
                                       {NULL, 0, NULL, 0}};
  bool quiet = false, json = false;
  int c;
  while ((c = getopt_long(argc, argv, "+qf:", opts, NULL)) != -1) {
    if (c == 'q')
      quiet = true;
    else if (c == 'f' && (strcmp(optarg, "json") == 0 || strcmp(optarg, "table") == 0))
      json = strcmp(optarg, "json") == 0;
    else
      return cmd_usage_error("list", "expected -q or --format table|json");
  }
  if (optind != argc)
    return cmd_usage_error("list", "takes no arguments");
  oci_state **states = NULL;
  size_t n = 0;
  cleanup_error hd_error_t err = NULL;
  if (hd_container_list(g->root, &states, &n, &err) < 0)
    return cmd_fail(&err);
  if (quiet)
    for (size_t i = 0; i < n; i++)
      printf("%s\n", states[i]->id);
  else if (json && n == 0)
    puts("null"); /* runc's empty list, which scripts compare with */
  else if (json) {
    cleanup_free char *out = oci_state_list_emit(states, n, false);
    printf("%s\n", out ? out : "[]");
  } else
    print_table(states, n);
  for (size_t i = 0; i < n; i++)
    oci_state_free(states[i]);
  free(states);
  return 0;
}
