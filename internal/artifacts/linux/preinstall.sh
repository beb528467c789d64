#!/bin/sh
# Before the files are unpacked: the unprivileged user the service runs as,
# so that the package's files can be owned by it.
set -e
if ! getent group zoombeat >/dev/null; then
  groupadd --system zoombeat
fi
if ! getent passwd zoombeat >/dev/null; then
  useradd --system --gid zoombeat --home-dir /var/lib/zoombeat --no-create-home \
    --shell /usr/sbin/nologin --comment "zoombeat service" zoombeat
fi
