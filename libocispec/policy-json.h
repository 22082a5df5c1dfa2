#ifndef OCI_POLICY_JSON_H
#define OCI_POLICY_JSON_H
#endif
