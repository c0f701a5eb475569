# shellcheck shell=bash
# The OCI registry (Debian's docker-registry, distribution 2.8) with TLS and htpasswd
# users, and the small busybox base image pushed to it. Sourced by scripts/testenv.

REGISTRY_USER=ferry
BASE_IMAGE_REPO=ferry-test/busybox

registry_check_tools() {
  need docker-registry "Install it: apt-get install docker-registry (or scripts/install-deps)."
  need htpasswd "Install it: apt-get install apache2-utils (or scripts/install-deps)."
  need skopeo "Install it: apt-get install skopeo (or scripts/install-deps)."
  need umoci "Install it: apt-get install umoci (or scripts/install-deps)."
  need curl "Install it: apt-get install curl (or scripts/install-deps)."
  need readelf "Install it: apt-get install binutils (or scripts/install-deps)."
  [ -x /bin/busybox ] && file_is_static /bin/busybox ||
    die "/bin/busybox (static) not found. Install it: apt-get install busybox-static (or scripts/install-deps)."
}

file_is_static() {
  # a static binary has no PT_INTERP program header
  ! LC_ALL=C readelf -l "$1" 2>/dev/null | grep -c 'INTERP' >/dev/null
}

registry_up() {
  local d="$TE_DIR/registry" port password auth
  mkdir -p "$d/data" "$d/certs.d" "$TE_DIR/docker"
  port=$(free_port)
  make_ca "$d/ca" "ferry-testenv-registry-ca"
  make_cert "$d/ca" "$d/server" "/CN=localhost" server
  cp "$d/ca/ca.crt" "$d/certs.d/ca.crt"     # a --cert-dir for skopeo/buildah/containers-*

  password=$(random_password)
  (umask 077 && printf '%s' "$password" >"$d/password")
  htpasswd -B -b -c "$d/htpasswd" "$REGISTRY_USER" "$password" 2>/dev/null ||
    die "htpasswd could not write $d/htpasswd"

  cat >"$d/config.yml" <<EOF
version: 0.1
log:
  level: info
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $d/data
  delete:
    enabled: true
  maintenance:
    uploadpurging:
      enabled: false
http:
  addr: 127.0.0.1:$port
  secret: $(random_password)
  tls:
    certificate: $d/server.crt
    key: $d/server.key
auth:
  htpasswd:
    realm: ferry-test-registry
    path: $d/htpasswd
EOF
  start_bg registry docker-registry serve "$d/config.yml"
  wait_until registry 30 "the registry on 127.0.0.1:$port" registry_answers "$port"

  # docker config.json with the credentials; mode 0600 like docker login writes it
  auth=$(printf '%s:%s' "$REGISTRY_USER" "$password" | base64 -w0)
  (umask 077 && printf '{\n  "auths": {\n    "127.0.0.1:%s": {\n      "auth": "%s"\n    }\n  }\n}\n' \
     "$port" "$auth" >"$TE_DIR/docker/config.json")
  chmod 600 "$TE_DIR/docker/config.json"

  REGISTRY="127.0.0.1:$port"
  emit FERRY_TEST_REGISTRY "$REGISTRY"
  emit FERRY_TEST_REGISTRY_CA "$d/ca/ca.crt"
  emit FERRY_TEST_REGISTRY_CERT_DIR "$d/certs.d"
  emit FERRY_TEST_DOCKER_CONFIG "$TE_DIR/docker/config.json"
  emit FERRY_TEST_REGISTRY_USER "$REGISTRY_USER"
  emit FERRY_TEST_REGISTRY_PASSWORD_FILE "$d/password"
  log "registry: https://$REGISTRY (user $REGISTRY_USER)"
}

registry_answers() {
  [ "$(curl -s -o /dev/null -w '%{http_code}' --cacert "$TE_DIR/registry/ca/ca.crt" \
       "https://127.0.0.1:$1/v2/")" = 401 ]
}

# base_image_push: an OCI image holding only a static busybox (from Debian's
# busybox-static) with the usual applet links, built with umoci and pushed with skopeo.
base_image_push() {
  local d="$TE_DIR/registry/base" bundle="$TE_DIR/registry/base/bundle" applet ver
  mkdir -p "$d"
  umoci init --layout "$d/oci" >/dev/null
  umoci new --image "$d/oci:base" >/dev/null
  umoci unpack --image "$d/oci:base" "$bundle" >/dev/null 2>&1 || die "umoci unpack failed"
  mkdir -p "$bundle/rootfs/bin" "$bundle/rootfs/tmp" "$bundle/rootfs/etc"
  chmod 1777 "$bundle/rootfs/tmp"
  cp /bin/busybox "$bundle/rootfs/bin/busybox"
  for applet in sh ls cat echo env sleep true false mkdir rm cp mv grep sed wget id; do
    ln -s busybox "$bundle/rootfs/bin/$applet"
  done
  printf 'root:x:0:0:root:/:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\n' >"$bundle/rootfs/etc/passwd"
  printf 'root:x:0:\nnogroup:x:65534:\n' >"$bundle/rootfs/etc/group"
  umoci repack --image "$d/oci:base" "$bundle" >/dev/null || die "umoci repack failed"
  ver=$(/bin/busybox 2>&1 | sed -n '1s/^BusyBox v\([0-9.]*\).*/\1/p')
  umoci config --image "$d/oci:base" --os linux --architecture amd64 \
    --config.cmd /bin/sh --config.env PATH=/bin \
    --config.label "org.opencontainers.image.version=${ver:-unknown}" \
    --config.label "org.opencontainers.image.description=ferry test base image: busybox-static" \
    >/dev/null || die "umoci config failed"
  rm -rf "$bundle"
  BASE_IMAGE="$REGISTRY/$BASE_IMAGE_REPO:latest"
  skopeo copy -q --dest-cert-dir "$TE_DIR/registry/certs.d" \
    --dest-authfile "$TE_DIR/docker/config.json" \
    "oci:$d/oci:base" "docker://$BASE_IMAGE" >&2 ||
    die "skopeo could not push the base image to $BASE_IMAGE"
  emit FERRY_TEST_BASE_IMAGE "$BASE_IMAGE"
  log "base image: $BASE_IMAGE (busybox ${ver:-?})"
}
