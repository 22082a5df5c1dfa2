#ifndef HD_SAFE_PATH_H
#define HD_SAFE_PATH_H
#endif
