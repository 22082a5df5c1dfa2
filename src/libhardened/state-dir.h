#ifndef HD_STATE_DIR_H
#define HD_STATE_DIR_H
#endif
