#ifndef HD_CGROUP_PREWARM_H
#define HD_CGROUP_PREWARM_H

#include <pthread.h>
#include <stdbool.h>

/* Moving a process into a cgroup by writing cgroup.procs first waits for
 * an RCU grace period (about 10 ms on the bench machine); on a host where
 * clone3(CLONE_INTO_CGROUP) cannot be used (cgroup v1 or hybrid) that wait
 * is the largest single cost of a container start. Start it early, in a
 * thread, while the runtime parses and prepares; the real move then finds
 * it already paid. Best effort: any failure only loses the head start. */
typedef struct {
  pthread_t thread;
  int procs_fd;
  bool running;
} hd_cgroup_prewarm;

/* Starts the head start. On a pure cgroup v2 host only when even_on_v2:
 * create places its init with clone3(CLONE_INTO_CGROUP), which does not
 * wait; exec moves its process by writing cgroup.procs everywhere. */
void hd_cgroup_prewarm_start(hd_cgroup_prewarm *pw, bool even_on_v2);

/* Waits for the thread. Call it before any fork or clone: the child must
 * not be cloned from a process with a second thread. Idempotent. */
void hd_cgroup_prewarm_finish(hd_cgroup_prewarm *pw);

#endif
