#!/bin/sh
# Before removal (not before an upgrade): stop and disable the service.
# deb passes "remove", rpm the number of versions left (0).
set -e
case "$1" in
  remove|0)
    if [ -d /run/systemd/system ]; then
      systemctl --no-reload disable --now zoombeat.service >/dev/null 2>&1 || true
    fi
    ;;
esac
