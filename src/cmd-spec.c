/* `hardened spec [-b DIR] [--rootless]`: write a starting config.json that
 * the hardening overlay has nothing to change in. */
#define _GNU_SOURCE
#include "commands.h"
#include "error.h"
#include "spec.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int write_all(int fd, const char *buf, size_t len) {
  while (len > 0) {
    ssize_t n = write(fd, buf, len);
    if (n < 0 && errno == EINTR)
      continue;
    if (n < 0)
      return -1;
    buf += n;
    len -= (size_t)n;
  }
  return 0;
}

static int write_spec(const char *bundle, bool rootless, hd_error_t *err) {
  cleanup_free char *path = xasprintf("%s/config.json", bundle);
  oci_spec *spec = oci_spec_default(rootless);
  cleanup_free char *json = oci_spec_emit(spec, true);
  oci_spec_free(spec);
  if (json == NULL)
    return hd_error_set(err, ENOMEM, "spec: emit config.json");
  /* O_EXCL: an existing config.json is the user's work; never clobber it,
   * not even one that appears between a check and the open. */
  cleanup_close int fd =
      open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0666);
  if (fd < 0 && errno == EEXIST)
    return hd_error_set(err, 0, "File config.json exists. Remove it first");
  if (fd < 0)
    return hd_error_set(err, errno, "create %s", path);
  size_t len = strlen(json);
  json[len] = '\n'; /* replaces the NUL: write len + 1 bytes */
  if (write_all(fd, json, len + 1) < 0) {
    int saved = errno;
    unlink(path);
    return hd_error_set(err, saved, "write %s", path);
  }
  return 0;
}

int cmd_spec(const hd_global_opts *g, int argc, char **argv) {
  enum { OPT_ROOTLESS = 256 };
  static const struct option opts[] = {
      {"bundle", required_argument, NULL, 'b'},
      {"rootless", no_argument, NULL, OPT_ROOTLESS},
      {"help", no_argument, NULL, 'h'},
      {NULL, 0, NULL, 0}};
  const char *bundle = ".";
  bool rootless = false;
  int c;
  while ((c = getopt_long(argc, argv, "+b:h", opts, NULL)) != -1) {
    if (c == 'h') {
      printf("usage: hardened spec [-b DIR] [--rootless]\n\n"
             "Write DIR/config.json (default: the current directory), a\n"
             "starting point that already satisfies the hardening overlay.\n");
      return 0;
    }
    if (c == 'b')
      bundle = optarg;
    else if (c == OPT_ROOTLESS)
      rootless = true;
    else
      return cmd_usage_error("spec", "bad option");
  }
  if (optind != argc)
    return cmd_usage_error("spec", "takes no arguments");
  cleanup_error hd_error_t err = NULL;
  if (write_spec(bundle, rootless, &err) < 0)
    return cmd_fail(&err);
  return 0;
}
