/* Prints a linux.seccomp the size of an engine's default profile: every
 * syscall this libseccomp knows on x86_64 allowed, the rest ERRNO(EPERM),
 * for the x86_64, x86 and x32 ABIs (as docker's and podman's profiles
 * list them). Used by run.sh for the "with a seccomp profile" figure. */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>

int main(void) {
  printf("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
         "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\","
         "\"SCMP_ARCH_X32\"],\"syscalls\":[{\"action\":\"SCMP_ACT_ALLOW\","
         "\"names\":[");
  int n = 0;
  for (int nr = 0; nr < 1024; nr++) {
    char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
    if (name == NULL)
      continue;
    printf("%s\"%s\"", n++ ? "," : "", name);
    free(name);
  }
  printf("]}]}\n");
  return n > 0 ? 0 : 1;
}
