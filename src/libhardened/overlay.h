#ifndef HD_OVERLAY_H
#define HD_OVERLAY_H
#endif
