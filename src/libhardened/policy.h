#ifndef HD_POLICY_H
#define HD_POLICY_H
#endif
