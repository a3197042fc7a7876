#!/usr/bin/env bash
# The data-source tests start a throw-away PostgreSQL cluster (a temp folder, a free port on
# 127.0.0.1) from Debian's server binaries in /usr/lib/postgresql/<version>/bin; as root they run
# them as the `postgres` user that Debian's postgresql-common creates. Install the server with
# apt when it is missing and we may (only the binaries: no 'main' cluster is created and no
# service is started); otherwise say how.
set -u
have_server() {
  for f in ${AIPO_PG_BINDIR:+"$AIPO_PG_BINDIR/initdb"} /usr/lib/postgresql/*/bin/initdb; do
    [ -x "$f" ] && [ -x "$(dirname "$f")/postgres" ] && [ -x "$(dirname "$f")/pg_ctl" ] && return 0
  done
  return 1
}
check_user() {
  if [ "${EUID:-$(id -u)}" = "0" ] && ! id postgres >/dev/null 2>&1; then
    echo "PostgreSQL is installed but there is no 'postgres' user to run it as root;" >&2
    echo "the PostgreSQL tests cannot run. Reinstall it with: apt-get install --reinstall postgresql-common" >&2
  fi
}
if have_server; then
  check_user
  exit 0
fi
if [ "${EUID:-$(id -u)}" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's PostgreSQL server for the data-source tests (apt-get)..."
  # No 'main' cluster on port 5432: the tests make their own (read by pg_createcluster).
  mkdir -p /etc/postgresql-common/createcluster.d && \
    printf 'create_main_cluster = false\n' >/etc/postgresql-common/createcluster.d/50-aipo-no-main-cluster.conf
  # 'postgresql' is Debian's default server (postgresql-15 on Debian 12, -17 on Debian 13).
  apt-get update -qq >/dev/null && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql >/dev/null
  if have_server; then
    check_user
    exit 0
  fi
  echo "apt-get could not install PostgreSQL; the PostgreSQL tests cannot run." >&2
  exit 0
fi
echo "The PostgreSQL server is missing: the PostgreSQL tests cannot run." >&2
echo "Install it with: sudo apt-get install -y postgresql   (or set AIPO_PG_BINDIR to a folder with initdb, pg_ctl, postgres)" >&2
exit 0
