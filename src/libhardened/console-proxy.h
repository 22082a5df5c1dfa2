#ifndef HD_CONSOLE_PROXY_H
#define HD_CONSOLE_PROXY_H

#include "error.h"
#include <signal.h>
#include <sys/types.h>

/* The pty master the container's init sent over `sock`. */
int hd_console_receive_master(int sock, hd_error_t *err);
/* Copy stdin -> master and master -> stdout (raw mode when stdin is a
 * tty), forward the signals in `set` (already blocked) to `pid`, pass
 * SIGWINCH on as a resize, and return pid's exit code (128+signal). */
int hd_console_proxy_wait(pid_t pid, const sigset_t *set, int master);

#endif
