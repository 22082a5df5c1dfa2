/* profile CUTOFF [NAME...]: a linux.seccomp shaped like docker's
 * default profile (ERRNO(EPERM) by default; x86_64, x86 and x32), that
 * allows every x86_64 syscall this libseccomp knows below number CUTOFF
 * except the NAMEs: a profile older than the kernel, whose newest
 * syscall is the last one below CUTOFF. */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int omitted(const char *name, int argc, char **argv) {
  for (int i = 2; i < argc; i++)
    if (strcmp(name, argv[i]) == 0)
      return 1;
  return 0;
}

int main(int argc, char **argv) {
  int cutoff = argc > 1 ? atoi(argv[1]) : 0;
  printf("{\"defaultAction\":\"SCMP_ACT_ERRNO\",\"defaultErrnoRet\":1,"
         "\"architectures\":[\"SCMP_ARCH_X86_64\",\"SCMP_ARCH_X86\","
         "\"SCMP_ARCH_X32\"],\"syscalls\":[{\"action\":\"SCMP_ACT_ALLOW\","
         "\"names\":[");
  int n = 0;
  for (int nr = 0; nr < cutoff; nr++) {
    char *name = seccomp_syscall_resolve_num_arch(SCMP_ARCH_X86_64, nr);
    if (name && !omitted(name, argc, argv))
      printf("%s\"%s\"", n++ ? "," : "", name);
    free(name);
  }
  printf("]}]}\n");
  return n > 0 ? 0 : 1;
}
