# Sourced by ./keel, bin/test and .ci/run: finds a JDK 25+ and exports JAVA_HOME and KEEL_JAVA.
# Keel's kernels use the Vector API, which needs JDK 25 (JDK 17's incubator API is too slow and older).
keel_java_major() {
  "$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -n1
}
keel_find_jdk() {
  local candidates=()
  [ -n "${JAVA_HOME:-}" ] && candidates+=("$JAVA_HOME")
  if command -v java >/dev/null 2>&1; then
    candidates+=("$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")")
  fi
  local d
  for d in /usr/lib/jvm/*25* /usr/lib/jvm/*2[6-9]* /usr/lib/jvm/* /opt/java/* /opt/jdk*; do
    [ -d "$d" ] && candidates+=("$d")
  done
  for d in "${candidates[@]}"; do
    if [ -x "$d/bin/java" ] && [ -x "$d/bin/javac" ]; then
      local v; v=$(keel_java_major "$d/bin/java")
      if [ -n "$v" ] && [ "${v%%.*}" -ge 25 ] 2>/dev/null; then
        export JAVA_HOME="$d"; export KEEL_JAVA="$d/bin/java"; return 0
      fi
    fi
  done
  echo "keel: no JDK 25 or newer found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm)." >&2
  echo "keel: install one (e.g. Temurin 25: 'apt-get install temurin-25-jdk' from the Adoptium repository)" >&2
  echo "keel: or point JAVA_HOME at it." >&2
  return 1
}
keel_need_maven() {
  if ! command -v mvn >/dev/null 2>&1; then
    echo "keel: Maven is not installed; install it with 'apt-get install maven' (3.8 or newer)." >&2
    return 1
  fi
}
# Maven's own libraries call sun.misc.Unsafe, which JDK 24+ warns about on every run.
export MAVEN_OPTS="${MAVEN_OPTS:-} --sun-misc-unsafe-memory-access=allow"

# Fashion-MNIST (the demo, the lab, the benchmarks): on a Debian machine where we are root, install it when it is
# missing and KEEL_DATA does not point elsewhere.
keel_need_fashion_mnist() {
  if [ -z "${KEEL_DATA:-}" ] && [ ! -e /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ] \
     && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "keel: installing Fashion-MNIST (Debian package dataset-fashion-mnist)..." >&2
    (apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1 || { apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1; }) \
      || echo "keel: could not install dataset-fashion-mnist; see the README for other ways to get the data" >&2
  fi
}
