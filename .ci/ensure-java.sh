#!/usr/bin/env bash
# The Spark data-source tests run pyspark in local mode, which needs a Java runtime
# (Spark 4.0: Java 17 or 21). Use Debian's (default-jre-headless: OpenJDK 17 on Debian 12,
# 21 on Debian 13), never a downloaded JDK. Install it with apt when it is missing and we may;
# otherwise say how.
set -u
java_ok() {
  local j
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then j="$JAVA_HOME/bin/java"; else j="$(command -v java)" || return 1; fi
  "$j" -version >/dev/null 2>&1
}
if java_ok; then
  exit 0
fi
if [ "${EUID:-$(id -u)}" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's Java runtime for the Spark tests (apt-get)..."
  # slim images drop /usr/share/man, and the JRE's postinst then fails on its man-page link
  mkdir -p /usr/share/man/man1
  apt-get update -qq >/dev/null && \
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null
  if java_ok; then
    exit 0
  fi
  echo "apt-get could not install Java; the Spark tests cannot run." >&2
  exit 0
fi
echo "Java is missing: the Spark tests cannot run." >&2
echo "Install it with: sudo apt-get install -y default-jre-headless" >&2
exit 0
