#!/bin/sh
# After removal: systemd forgets the unit. Purging the deb also removes the
# data (the registry, the disk queue) and logs; the user stays, as files it
# owned may remain.
set -e
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
fi
if [ "$1" = "purge" ]; then
  rm -rf /var/lib/zoombeat /var/log/zoombeat
fi
