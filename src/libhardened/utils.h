#ifndef HD_UTILS_H
#define HD_UTILS_H
#endif
