#!/bin/sh
# After install or upgrade: ownership that a package manager may not apply
# from names, then systemd learns of the unit. The service is not enabled or
# started: it needs the Zoom app's secret first. An upgrade restarts it if
# it runs.
set -e
chown zoombeat:zoombeat /var/lib/zoombeat /var/log/zoombeat
chmod 0750 /var/lib/zoombeat /var/log/zoombeat
chown root:zoombeat /etc/zoombeat /etc/zoombeat/modules.d /etc/zoombeat/filebeat.yml
if [ -d /run/systemd/system ]; then
  systemctl daemon-reload >/dev/null 2>&1 || true
  systemctl try-restart zoombeat.service >/dev/null 2>&1 || true
fi
