#ifndef OCI_FEATURES_H
#define OCI_FEATURES_H
#endif
