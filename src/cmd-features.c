/* `hardened features`: the OCI features document (runtime-spec
 * features.md). It lists exactly what create accepts from this build on
 * this architecture, not what the host's kernel can do;
 * tests/compat/features.bats tries every entry. */
#include "capabilities.h"
#include "commands.h"
#include "policy.h"
#include "seccomp.h"

#include <stdio.h>
#include "error.h"
#include "features-json.h"
#include "spec.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

static void add_all(oci_strlist *list, const char *const *items, size_t n) {
  for (size_t i = 0; i < n; i++)
    oci_features_add(list, items[i]);
}

#define ADD_ALL(list, array) add_all(list, array, sizeof array / sizeof *array)

/* Options src/libhardened/mounts.c acts on. */
static const char *const mount_options[] = {
    "atime",         "bind",        "dev",         "diratime", "exec",
    "noatime",       "nodev",       "nodiratime",  "noexec",   "norelatime",
    "nostrictatime", "nosuid",      "nosymfollow", "private",  "rbind",
    "relatime",      "remount",     "ro",          "rprivate", "rshared",
    "rslave",        "runbindable", "rw",          "shared",   "slave",
    "strictatime",   "suid",        "unbindable"};

static const char *const hooks[] = {"prestart",        "createRuntime",
                                    "createContainer", "startContainer",
                                    "poststart",       "poststop"};

/* The candidates; features lists those libseccomp can add to a filter
 * for this machine (hd_seccomp_arch_supported), which is what create
 * accepts. */
static const char *const archs[] = {"SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM",
                                    "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64",
                                    "SCMP_ARCH_S390X",   "SCMP_ARCH_X32",
                                    "SCMP_ARCH_X86",     "SCMP_ARCH_X86_64"};

/* The flags src/libhardened/seccomp.c accepts. */
static const char *const seccomp_flags[] = {
    "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"};

static void add_capabilities(oci_features *f) {
  size_t n = 0;
  char **known = hd_capabilities_known(&n);
  if (known == NULL) {
    const char *const *names = oci_capability_names(&n);
    add_all(&f->linux_.capabilities, names, n);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    oci_features_add(&f->linux_.capabilities, known[i]);
    free(known[i]);
  }
  free(known);
}

/* What a caller can learn about the overlay before it runs anything. */
static void add_annotations(oci_features *f) {
  const struct scmp_version *v = seccomp_version();
  char text[64];
  snprintf(text, sizeof text, "%u.%u.%u", v->major, v->minor, v->micro);
  oci_features_add_annotation(f, "io.github.seccomp.libseccomp.version", text);
  oci_features_add_annotation(f, "org.hardened.version", HD_VERSION);
  oci_features_add_annotation(f, "org.hardened.overlay", "mandatory");
  oci_features_add_annotation(f, "org.hardened.policy.default",
                              HD_POLICY_DEFAULT_PATH);
  oci_features_add_annotation(
      f, "org.hardened.overrides",
      "set in every container's state: a JSON array of "
      "{rule, field, requested, enforced}; a spec's own org.hardened.* "
      "annotations are dropped");
}

static void fill_linux(oci_features *f) {
  for (int t = 0; t < OCI_NS__COUNT; t++)
    oci_features_add(&f->linux_.namespaces, oci_namespace_type_name(t));
  add_capabilities(f);
  f->linux_.cgroup.v1 = true;
  f->linux_.cgroup.v2 = true;
  f->linux_.seccomp.enabled = true;
  size_t n = 0;
  const char *const *names = oci_seccomp_action_names(&n);
  for (size_t i = 0; i < n; i++)
    if (hd_seccomp_action_supported((oci_seccomp_action)i))
      oci_features_add(&f->linux_.seccomp.actions, names[i]);
  names = oci_seccomp_op_names(&n);
  add_all(&f->linux_.seccomp.operators, names, n);
  for (size_t i = 0; i < sizeof archs / sizeof *archs; i++)
    if (hd_seccomp_arch_supported(archs[i]))
      oci_features_add(&f->linux_.seccomp.archs, archs[i]);
  ADD_ALL(&f->linux_.seccomp.known_flags, seccomp_flags);
  ADD_ALL(&f->linux_.seccomp.supported_flags, seccomp_flags);
}

int cmd_features(const hd_global_opts *g, int argc, char **argv) {
  static const struct option opts[] = {{NULL, 0, NULL, 0}};
  int c;
  while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1)
    return cmd_usage_error("features", "bad option");
  if (optind != argc)
    return cmd_usage_error("features", "takes no arguments");
  oci_features *f = oci_features_new("1.0.0", "1.2.0");
  ADD_ALL(&f->hooks, hooks);
  ADD_ALL(&f->mount_options, mount_options);
  fill_linux(f);
  add_annotations(f);
  cleanup_free char *json = oci_features_emit(f, true);
  oci_features_free(f);
  if (json == NULL) {
    cleanup_error hd_error_t err = NULL;
    hd_error_set(&err, ENOMEM, "features: emit");
    return cmd_fail(&err);
  }
  printf("%s\n", json);
  return 0;
}
