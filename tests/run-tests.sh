#!/bin/bash
# STUB: the test driver; replaced by its owner.
echo "0 passed, 0 failed"
