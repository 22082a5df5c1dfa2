#ifndef HD_HOOKS_H
#define HD_HOOKS_H

#include "error.h"
#include "spec.h"

#include <stdbool.h>

/* The longest a hook may run, in seconds; the overlay sets it on every
 * hook that asks for more or for no limit (rule hooks). */
#define HD_HOOK_TIMEOUT_MAX 60

/* Run host hooks (prestart, createRuntime, poststart, poststop) in order,
 * each with `state_json` on stdin, honouring its timeout (SIGKILL on
 * expiry). Fails on the first hook that fails; `phase` ("createRuntime")
 * names it in the message. Each path is the real path the overlay wrote
 * into the hardened spec: the executable is the fd hd_host_facts_gather
 * pinned for it, or else that path opened with no symlinks and checked
 * again through the fd; it runs with execveat(fd, "", AT_EMPTY_PATH). */
int hd_hooks_run(const oci_hook *hooks, size_t n, const char *phase,
                 const char *state_json, hd_error_t *err);

/* Hooks that run inside the container (startContainer). `setup` runs in
 * each hook's child before its exec (the container init loads its
 * seccomp filters there); it returns -1 to stop the hook. */
typedef int (*hd_hook_child_setup)(void *data);
int hd_hooks_run_in_container(const oci_hook *hooks, size_t n,
                              const char *phase, const char *state_json,
                              hd_hook_child_setup setup, void *data,
                              hd_error_t *err);

/* Opens a host hook's executable once: an absolute path, no /proc magic
 * link on the way except docker's /proc/<pid>/exe of a host process,
 * then checked through the fd (a regular file, owned by root, not
 * writable by group or others, executable). *real is the fd's real path,
 * the one the overlay compares with the allow-list. `exact`: the path
 * must already be that real path (no symlinks at all). */
int hd_hook_open(const char *path, bool exact, int *fd, char **real,
                 hd_error_t *err);
/* Keeps an fd hd_hook_open returned for hd_hooks_run in this process. */
void hd_hook_pin(const char *real, int fd);
/* "/proc/<pid>/exe", and its pid. Pure. */
bool hd_hook_is_proc_exe(const char *path, long *pid);

#endif
