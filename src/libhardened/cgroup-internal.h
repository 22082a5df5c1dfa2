/* Shared between the cgroup files, from the bottom up: cgroup-utils.c
 * (file helpers), cgroup-setup.c (layout), cgroup-path.c (resolution),
 * cgroup-v1.c / cgroup-v2.c (writers), cgroup-cgroupfs.c (the dirs),
 * cgroup-owned.c (the ownership record), cgroup-resources.c, and
 * cgroup.c (life cycle) on top. Not part of the library's interface. */
#ifndef HD_CGROUP_INTERNAL_H
#define HD_CGROUP_INTERNAL_H

#include "cgroup.h"
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

static inline void hd_cg_fclosep(FILE **f) {
  if (*f)
    fclose(*f);
}
#define cleanup_file __attribute__((cleanup(hd_cg_fclosep)))

/* One mounted hierarchy under /sys/fs/cgroup. */
typedef struct hd_cg_hierarchy {
  char *mountpoint;  /* "/sys/fs/cgroup/cpu,cpuacct" */
  char *mount_root;  /* mountinfo's root field: "/" unless bind-mounted */
  char *controllers; /* v1: ",cpu,cpuacct," (commas around each name);
                        "name=systemd" for the named one; v2: NULL */
  bool v2;
  bool named; /* name=systemd: best effort only */
} hd_cg_hierarchy;

typedef struct hd_cg_layout {
  hd_cg_hierarchy *h;
  size_t n;
  int v2_index;              /* the cgroup2 hierarchy, -1 when none */
  bool pure_v2;              /* /sys/fs/cgroup itself is cgroup2 */
  char *v2_root_controllers; /* the cgroup2 root's cgroup.controllers */
} hd_cg_layout;

/* The container's directory in one hierarchy. */
typedef struct hd_cg_dir {
  const hd_cg_hierarchy *h;
  char *dir;
  /* Set by create: the shallowest directory that call made, so a failed
   * create removes exactly what it added. NULL when nothing was made. */
  char *created_top;
  /* v1 tasks or cgroup2 cgroup.procs, opened by hd_cgroup_prepare_join. */
  int join_fd;
} hd_cg_dir;

struct hd_cgroup {
  char *path; /* the cgroup path inside every hierarchy, "/hardened/x" */
  hd_cg_dir *dirs;
  size_t n;
  int v2_dir;   /* index into dirs of the cgroup2 one, -1 when none */
  int v2_dirfd; /* that dir, O_DIRECTORY, for clone3(CLONE_INTO_CGROUP) */
};

const hd_cg_layout *hd_cg_get_layout(hd_error_t *err);

/* cgroup-path.c: "//a/b/" -> "/a/b"; a "." or ".." component. */
char *hd_cg_normalize(const char *path);
bool hd_cg_has_dotdot(const char *path);

/* cgroup-cgroupfs.c. The object for path, without touching the
 * filesystem. */
int hd_cg_new(const char *path, hd_cgroup **out, hd_error_t *err);
/* "no directory of it was made by this container" when cg has none. */
int hd_cg_require_owned(const hd_cgroup *cg, hd_error_t *err);
/* mkdir the leaf in every hierarchy (-2: it exists, rule cgroup-path);
 * what was made stays in created_top for hd_cg_remove_all_created. */
int hd_cg_create_dirs(hd_cgroup *cg, hd_error_t *err);
void hd_cg_remove_all_created(hd_cgroup *cg);
/* Pure v2: every controller the root offers, best effort. */
void hd_cg_v2_enable_all(hd_cgroup *cg);

/* The ownership record (cgroup-owned.c). */
int hd_cg_owned_write(int state_fd, const hd_cgroup *cg, hd_error_t *err);
void hd_cg_owned_remove(int state_fd);
/* Drop from cg every dir the record does not list as this container's. */
void hd_cg_keep_owned(hd_cgroup *cg, int state_fd);
/* Remove dirs[i] from cg (freeing it), keeping v2_dir right. */
void hd_cg_drop_dir(hd_cgroup *cg, size_t i);

/* The dir of the hierarchy holding the v1 controller, or NULL. */
const hd_cg_dir *hd_cg_v1_dir(const hd_cgroup *cg, const char *controller);
/* The cgroup2 dir when controller (v2 name) can be used there, after
 * enabling it in every ancestor's cgroup.subtree_control; NULL when the
 * host has no cgroup2 or the controller is not available there. */
const hd_cg_dir *hd_cg_v2_dir_for(hd_cgroup *cg, const char *controller,
                                  hd_error_t *err, bool *failed);

/* File helpers: errors read "writing <name>: <strerror>". */
int hd_cg_write(const char *dir, const char *name, const char *value,
                hd_error_t *err);
int hd_cg_writef(const char *dir, const char *name, hd_error_t *err,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* The whole file, trailing newline removed; NULL with *err set. */
char *hd_cg_read(const char *dir, const char *name, hd_error_t *err);
bool hd_cg_exists(const char *dir, const char *name);
/* Name the spec field a failed write was for, and say why the kernel
 * refused it: "<field>: writing <file>: <strerror> (<why>)". why NULL:
 * a reason from the errno. Returns -1. */
int hd_cg_blame(hd_error_t *err, const char *field, const char *why);

/* Resource writers, one per controller and version. Each returns 0 when
 * the resource is absent. */
int hd_cg_v1_memory(const char *dir, const oci_memory *m, hd_error_t *err);
int hd_cg_v1_cpu(const char *dir, const oci_cpu *c, hd_error_t *err);
int hd_cg_v1_cpuset(const char *dir, const oci_cpu *c, hd_error_t *err);
int hd_cg_v1_cpuset_prepare(const char *mountpoint, const char *dir,
                            hd_error_t *err);
int hd_cg_v1_pids(const char *dir, const oci_pids *p, hd_error_t *err);
int hd_cg_v1_blkio(const char *dir, const oci_blkio *b, hd_error_t *err);
int hd_cg_v1_hugetlb(const char *dir, const oci_hugepage_limit *l,
                     hd_error_t *err);
int hd_cg_v1_devices(const char *dir, const oci_device_cgroup *rules, size_t n,
                     hd_error_t *err);
int hd_cg_v1_freeze(const char *dir, bool frozen, hd_error_t *err);

int hd_cg_v2_memory(const char *dir, const oci_memory *m, hd_error_t *err);
int hd_cg_v2_cpu(const char *dir, const oci_cpu *c, hd_error_t *err);
int hd_cg_v2_cpuset(const char *dir, const oci_cpu *c, hd_error_t *err);
int hd_cg_v2_pids(const char *dir, const oci_pids *p, hd_error_t *err);
int hd_cg_v2_io(const char *dir, const oci_blkio *b, hd_error_t *err);
int hd_cg_v2_hugetlb(const char *dir, const oci_hugepage_limit *l,
                     hd_error_t *err);
int hd_cg_v2_unified(const char *dir, const oci_kv *kv, size_t n,
                     hd_error_t *err);
int hd_cg_v2_freeze(const char *dir, bool frozen, hd_error_t *err);
/* Attach a BPF_CGROUP_DEVICE program enforcing rules (last match wins,
 * default deny), replacing the one a previous call attached. */
int hd_cg_v2_devices(const char *dir, const oci_device_cgroup *rules, size_t n,
                     hd_error_t *err);

/* cpu.shares (2..262144) to cpu.weight (1..10000). */
uint64_t hd_cg_shares_to_weight(uint64_t shares);
/* Checks "2MB"-like hugepage sizes so they are safe in a file name. */
bool hd_cg_valid_page_size(const char *s);
/* The same for a limit, as an error naming the spec field. */
int hd_cg_check_page_size(const oci_hugepage_limit *l, hd_error_t *err);
/* Sleep a little; used by the bounded waits. */
void hd_cg_nap(int attempt);

#endif
