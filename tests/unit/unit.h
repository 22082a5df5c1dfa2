/* A tiny unit-test harness: each CHECK counts once; main() ends with
 * UNIT_DONE(), which prints "N passed, M failed" and sets the exit code. */
#ifndef HD_UNIT_H
#define HD_UNIT_H

#include <stdio.h>
#include <string.h>

static int unit_passed, unit_failed;

#define CHECK(cond)                                                         \
  do {                                                                      \
    if (cond)                                                               \
      unit_passed++;                                                        \
    else {                                                                  \
      unit_failed++;                                                        \
      fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);      \
    }                                                                       \
  } while (0)

#define CHECK_STR(a, b)                                                     \
  do {                                                                      \
    const char *a_ = (a), *b_ = (b);                                        \
    if (a_ && b_ && strcmp(a_, b_) == 0)                                    \
      unit_passed++;                                                        \
    else {                                                                  \
      unit_failed++;                                                        \
      fprintf(stderr, "FAIL %s:%d: %s == \"%s\", expected \"%s\"\n",        \
              __FILE__, __LINE__, #a, a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
    }                                                                       \
  } while (0)

#define UNIT_DONE()                                                         \
  (printf("%d passed, %d failed\n", unit_passed, unit_failed),             \
   unit_failed ? 1 : 0)

#endif
