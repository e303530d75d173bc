#!/usr/bin/env bash
# Spark GPU discovery script: prints the GPU addresses of this host as Spark's ResourceInformation JSON.
addresses=$(nvidia-smi --query-gpu=index --format=csv,noheader 2>/dev/null | tr -d ' ' | sed 's/.*/"&"/' | paste -sd, -)
echo "{\"name\": \"gpu\", \"addresses\": [${addresses}]}"
