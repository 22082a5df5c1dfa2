/* The host's cgroup layout: which hierarchies are mounted under
 * /sys/fs/cgroup (v1, hybrid or pure v2), read once from mountinfo. */
#define _GNU_SOURCE
#include "cgroup-internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define CGROUP_MOUNT "/sys/fs/cgroup"

/* mountinfo escapes blanks as \040 and friends. */
static void unescape_octal(char *s) {
  char *out = s;
  for (char *in = s; *in; in++) {
    if (in[0] == '\\' && in[1] >= '0' && in[1] <= '3' && in[2] >= '0' &&
        in[2] <= '7' && in[3] >= '0' && in[3] <= '7') {
      *out++ = (char)((in[1] - '0') * 64 + (in[2] - '0') * 8 + (in[3] - '0'));
      in += 3;
    } else {
      *out++ = *in;
    }
  }
  *out = '\0';
}

static bool under_cgroup_mount(const char *mountpoint) {
  size_t n = strlen(CGROUP_MOUNT);
  return strncmp(mountpoint, CGROUP_MOUNT, n) == 0 &&
         (mountpoint[n] == '\0' || mountpoint[n] == '/');
}

/* The super options of a v1 mount name its controllers among other
 * flags; keep the names /proc/cgroups knows, plus name=systemd. */
static char *v1_controllers(const char *superopts, const char *known,
                            bool *named) {
  cleanup_free char *copy = xstrdup(superopts);
  char *list = xstrdup(",");
  char *save = NULL;
  *named = false;
  for (char *t = strtok_r(copy, ",", &save); t;
       t = strtok_r(NULL, ",", &save)) {
    cleanup_free char *needle = xasprintf(",%s,", t);
    bool is_named = strcmp(t, "name=systemd") == 0;
    if (!is_named && strstr(known, needle) == NULL)
      continue;
    *named |= is_named;
    char *grown = xasprintf("%s%s,", list, t);
    free(list);
    list = grown;
  }
  return list;
}

static char *known_controllers(void) {
  cleanup_file FILE *f = fopen("/proc/cgroups", "re");
  char *known = xstrdup(",");
  if (f == NULL)
    return known;
  char line[256];
  while (fgets(line, sizeof line, f)) {
    char name[64];
    if (line[0] == '#' || sscanf(line, "%63s", name) != 1)
      continue;
    char *grown = xasprintf("%s%s,", known, name);
    free(known);
    known = grown;
  }
  return known;
}

static void layout_add(hd_cg_layout *l, const char *mountpoint,
                       const char *root, char *controllers, bool v2,
                       bool named) {
  for (size_t i = 0; i < l->n; i++)
    if (strcmp(l->h[i].mountpoint, mountpoint) == 0) {
      free(controllers); /* mounted twice on the same place */
      return;
    }
  l->h = xrealloc(l->h, (l->n + 1) * sizeof *l->h);
  l->h[l->n] = (hd_cg_hierarchy){xstrdup(mountpoint), xstrdup(root),
                                 controllers, v2, named};
  if (v2)
    l->v2_index = (int)l->n;
  l->n++;
}

/* One mountinfo line: "id parent maj:min root mountpoint opts [opt...]
 * - fstype source superopts". */
static void parse_mount_line(hd_cg_layout *l, char *line, const char *known) {
  char *fields[6] = {0}, *save = NULL, *t;
  int i = 0;
  for (t = strtok_r(line, " \n", &save); t && i < 5;
       t = strtok_r(NULL, " \n", &save))
    fields[i++] = t;
  while (t && strcmp(t, "-") != 0)
    t = strtok_r(NULL, " \n", &save);
  char *fstype = strtok_r(NULL, " \n", &save);
  strtok_r(NULL, " \n", &save); /* source */
  char *superopts = strtok_r(NULL, " \n", &save);
  if (i < 5 || fstype == NULL || superopts == NULL)
    return;
  unescape_octal(fields[3]);
  unescape_octal(fields[4]);
  if (!under_cgroup_mount(fields[4]))
    return;
  if (strcmp(fstype, "cgroup2") == 0) {
    if (l->v2_index < 0)
      layout_add(l, fields[4], fields[3], NULL, true, false);
    return;
  }
  if (strcmp(fstype, "cgroup") != 0)
    return;
  bool named;
  char *ctrls = v1_controllers(superopts, known, &named);
  if (strcmp(ctrls, ",") == 0) {
    free(ctrls); /* another named hierarchy: not ours to populate */
    return;
  }
  layout_add(l, fields[4], fields[3], ctrls, false, named);
}

static int detect_layout(hd_cg_layout *l, hd_error_t *err) {
  *l = (hd_cg_layout){.v2_index = -1};
  struct statfs sfs;
  if (statfs(CGROUP_MOUNT, &sfs) < 0)
    return hd_error_set(err, errno, "statfs %s", CGROUP_MOUNT);
  l->pure_v2 = sfs.f_type == CGROUP2_SUPER_MAGIC;
  cleanup_file FILE *f = fopen("/proc/self/mountinfo", "re");
  if (f == NULL)
    return hd_error_set(err, errno, "opening /proc/self/mountinfo");
  cleanup_free char *known = known_controllers();
  cleanup_free char *line = NULL;
  size_t cap = 0;
  while (getline(&line, &cap, f) > 0)
    parse_mount_line(l, line, known);
  if (l->n == 0)
    return hd_error_set(err, 0, "no cgroup hierarchy mounted under %s",
                        CGROUP_MOUNT);
  if (l->v2_index >= 0) {
    hd_error_t ignored = NULL;
    l->v2_root_controllers = hd_cg_read(l->h[l->v2_index].mountpoint,
                                        "cgroup.controllers", &ignored);
    hd_error_free(&ignored);
  }
  if (l->v2_root_controllers == NULL)
    l->v2_root_controllers = xstrdup("");
  return 0;
}

const hd_cg_layout *hd_cg_get_layout(hd_error_t *err) {
  static hd_cg_layout layout;
  static bool detected;
  if (!detected) {
    if (detect_layout(&layout, err) < 0)
      return NULL;
    detected = true;
  }
  return &layout;
}

char *hd_cgroup_v2_controllers(void) {
  const hd_cg_layout *l = hd_cg_get_layout(NULL);
  if (l == NULL)
    return NULL;
  return xstrdup(l->v2_index >= 0 ? l->v2_root_controllers : "");
}
