# shellcheck shell=bash
# Kubernetes clusters for the test environment: per cluster one etcd, kube-apiserver
# (RBAC, service-account tokens), kube-controller-manager, kube-scheduler and a KWOK
# controller that fakes one Node, so pods of Deployments become Ready without a
# container runtime. Binaries come from scripts/build-tools' cache.
# Sourced by scripts/testenv.
#
# Cluster N lives in $TE_DIR/kube/cN. Its context is "ferry-test" (N=1) or "ferry-test-N".
# Addresses: everything listens on 127.0.0.1. The fake node reports 127.0.0.1 with the
# kwok controller's own port as its kubelet endpoint, so even a stray `kubectl logs`
# stays on loopback. Pod and service IPs are bookkeeping values in object status;
# no process here ever sends traffic to them.

KWOK_NODE=kwok-node-0

kube_check_tools() {
  local line
  # Builds what is missing (only the first time, see docs/testing.md), then locate.
  "$TE_ROOT/scripts/build-tools" >&2 || die "scripts/build-tools failed (see above)"
  while IFS='=' read -r k v; do
    case $k in
      kubernetes) KBIN=$v ;;
      etcd) ETCD_BIN=$v/etcd ;;
      helm) HELM_BIN=$v/helm ;;
      helm4) HELM4_BIN=$v/helm ;;
      kwok) KWOK_BIN=$v/kwok; KWOK_STAGES=$v/stages.yaml ;;
    esac
  done < <("$TE_ROOT/scripts/build-tools" --print-dirs)
  KUBECTL_BIN=$KBIN/kubectl
  for line in "$KBIN/kube-apiserver" "$KBIN/kube-controller-manager" "$KBIN/kube-scheduler" \
              "$KUBECTL_BIN" "$ETCD_BIN" "$HELM_BIN" "$HELM4_BIN" "$KWOK_BIN" "$KWOK_STAGES"; do
    [ -s "$line" ] || die "$line missing after scripts/build-tools"
  done
}

kube_context_name() { if [ "$1" = 1 ]; then echo ferry-test; else echo "ferry-test-$1"; fi; }

# kube_prepare N: certificates, ports and the admin kubeconfig of cluster N.
kube_prepare() {
  local n=$1 c="$TE_DIR/kube/c$1"
  mkdir -p "$c/pki" "$c/etcd" "$c/kcm-certs" "$c/sched-certs"
  make_ca "$c/pki" "ferry-testenv-kube-$n-ca"
  make_cert "$c/pki" "$c/pki/apiserver" "/CN=kube-apiserver" server
  make_cert "$c/pki" "$c/pki/admin" "/O=system:masters/CN=ferry-test-admin" client
  # client certificate the apiserver presents to aggregated API servers (front proxy);
  # with it the controller-manager and scheduler find a request-header CA to trust
  make_cert "$c/pki" "$c/pki/front-proxy-client" "/CN=front-proxy-client" client
  make_sa_keys "$c/pki"
  chmod 700 "$c/etcd"
  {
    echo "ETCD_PORT=$(free_port)"
    echo "ETCD_PEER_PORT=$(free_port)"
    echo "API_PORT=$(free_port)"
    echo "KCM_PORT=$(free_port)"
    echo "SCHED_PORT=$(free_port)"
    echo "KWOK_PORT=$(free_port)"
  } >"$c/ports"
  . "$c/ports"
  kubeconfig_write "$c/kubeconfig" "$n"
}

b64() { base64 -w0 <"$1"; }

# kubeconfig_write FILE N...: a kubeconfig with one cluster/user/context per N;
# the first is the current context.
kubeconfig_write() {
  local file=$1 n c ctx api
  shift
  {
    echo "apiVersion: v1"
    echo "kind: Config"
    echo "current-context: $(kube_context_name "$1")"
    echo "clusters:"
    for n in "$@"; do
      c="$TE_DIR/kube/c$n"; ctx=$(kube_context_name "$n")
      api=$(sed -n 's/^API_PORT=//p' "$c/ports")
      echo "- name: $ctx"
      echo "  cluster:"
      echo "    server: https://127.0.0.1:$api"
      echo "    certificate-authority-data: $(b64 "$c/pki/ca.crt")"
    done
    echo "users:"
    for n in "$@"; do
      c="$TE_DIR/kube/c$n"; ctx=$(kube_context_name "$n")
      echo "- name: $ctx-admin"
      echo "  user:"
      echo "    client-certificate-data: $(b64 "$c/pki/admin.crt")"
      echo "    client-key-data: $(b64 "$c/pki/admin.key")"
    done
    echo "contexts:"
    for n in "$@"; do
      ctx=$(kube_context_name "$n")
      echo "- name: $ctx"
      echo "  context:"
      echo "    cluster: $ctx"
      echo "    user: $ctx-admin"
      echo "    namespace: default"
    done
  } >"$file"
  chmod 600 "$file"
}

# kube_start_core N: etcd and kube-apiserver of cluster N.
kube_start_core() {
  local n=$1 c="$TE_DIR/kube/c$1"
  . "$c/ports"
  start_bg "etcd-$n" "$ETCD_BIN" --name="c$n" --data-dir="$c/etcd" \
    --listen-client-urls="http://127.0.0.1:$ETCD_PORT" --advertise-client-urls="http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-advertise-peer-urls="http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster="c$n=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state=new \
    --unsafe-no-fsync=true --log-level=warn
  start_bg "kube-apiserver-$n" "$KBIN/kube-apiserver" \
    --etcd-servers="http://127.0.0.1:$ETCD_PORT" \
    --bind-address=127.0.0.1 --advertise-address=127.0.0.1 --secure-port="$API_PORT" \
    --cert-dir="$c/pki" --tls-cert-file="$c/pki/apiserver.crt" --tls-private-key-file="$c/pki/apiserver.key" \
    --client-ca-file="$c/pki/ca.crt" \
    --requestheader-client-ca-file="$c/pki/ca.crt" --requestheader-allowed-names=front-proxy-client \
    --requestheader-username-headers=X-Remote-User --requestheader-group-headers=X-Remote-Group \
    --requestheader-extra-headers-prefix=X-Remote-Extra- \
    --proxy-client-cert-file="$c/pki/front-proxy-client.crt" --proxy-client-key-file="$c/pki/front-proxy-client.key" \
    --authorization-mode=Node,RBAC --allow-privileged=true \
    --service-account-issuer=https://kubernetes.default.svc.cluster.local \
    --service-account-key-file="$c/pki/sa.pub" --service-account-signing-key-file="$c/pki/sa.key" \
    --service-cluster-ip-range=10.96.0.0/16 --endpoint-reconciler-type=none \
    --enable-priority-and-fairness=false --profiling=false
}

api_ready() {
  [ "$(curl -s --max-time 2 --cacert "$1/pki/ca.crt" "https://127.0.0.1:$2/readyz")" = ok ]
}

kube_wait_core() {
  local n=$1 c="$TE_DIR/kube/c$1"
  . "$c/ports"
  wait_until "etcd-$n" 30 "etcd $n on 127.0.0.1:$ETCD_PORT" listening_on "$ETCD_PORT"
  wait_until "kube-apiserver-$n" 120 "kube-apiserver $n /readyz on 127.0.0.1:$API_PORT" api_ready "$c" "$API_PORT"
}

# kube_start_rest N: controller-manager, scheduler, kwok and the fake node of cluster N.
kube_start_rest() {
  local n=$1 c="$TE_DIR/kube/c$1"
  . "$c/ports"
  start_bg "kube-controller-manager-$n" "$KBIN/kube-controller-manager" \
    --kubeconfig="$c/kubeconfig" --authentication-kubeconfig="$c/kubeconfig" \
    --authorization-kubeconfig="$c/kubeconfig" --leader-elect=false \
    --bind-address=127.0.0.1 --secure-port="$KCM_PORT" --cert-dir="$c/kcm-certs" \
    --root-ca-file="$c/pki/ca.crt" --service-account-private-key-file="$c/pki/sa.key" \
    --use-service-account-credentials=false --profiling=false
  start_bg "kube-scheduler-$n" "$KBIN/kube-scheduler" \
    --kubeconfig="$c/kubeconfig" --authentication-kubeconfig="$c/kubeconfig" \
    --authorization-kubeconfig="$c/kubeconfig" --leader-elect=false \
    --bind-address=127.0.0.1 --secure-port="$SCHED_PORT" --cert-dir="$c/sched-certs" --profiling=false
  start_bg "kwok-$n" "$KWOK_BIN" --kubeconfig="$c/kubeconfig" --config="$KWOK_STAGES" \
    --manage-all-nodes=false --manage-single-node= \
    --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --manage-nodes-with-label-selector= \
    --server-address="127.0.0.1:$KWOK_PORT" --node-port="$KWOK_PORT" --node-ip=127.0.0.1 \
    --tls-cert-file="$c/pki/apiserver.crt" --tls-private-key-file="$c/pki/apiserver.key" \
    --cidr=10.244.0.0/16 --node-lease-duration-seconds=40
  "$KUBECTL_BIN" --kubeconfig="$c/kubeconfig" apply -f - >/dev/null <<EOF || die "could not create the fake node in cluster $n"
apiVersion: v1
kind: Node
metadata:
  name: $KWOK_NODE
  annotations:
    kwok.x-k8s.io/node: fake
    node.alpha.kubernetes.io/ttl: "0"
  labels:
    kubernetes.io/arch: amd64
    kubernetes.io/os: linux
    kubernetes.io/hostname: $KWOK_NODE
    type: kwok
status:
  allocatable: {cpu: "32", memory: 256Gi, pods: "110"}
  capacity: {cpu: "32", memory: 256Gi, pods: "110"}
EOF
}

node_ready() {
  [ "$("$KUBECTL_BIN" --kubeconfig="$1/kubeconfig" get node "$KWOK_NODE" \
        -o 'jsonpath={.status.conditions[?(@.type=="Ready")].status}')" = True ]
}

default_sa_exists() {
  "$KUBECTL_BIN" --kubeconfig="$1/kubeconfig" -n default get serviceaccount default
}

component_healthy() {
  curl -sk --max-time 2 "https://127.0.0.1:$1/healthz" | grep -cx ok >/dev/null
}

kube_wait_rest() {
  local n=$1 c="$TE_DIR/kube/c$1"
  . "$c/ports"
  wait_until "kube-controller-manager-$n" 60 "kube-controller-manager $n healthz" component_healthy "$KCM_PORT"
  wait_until "kube-scheduler-$n" 60 "kube-scheduler $n healthz" component_healthy "$SCHED_PORT"
  wait_until "kwok-$n" 60 "the KWOK node of cluster $n to be Ready" node_ready "$c"
  wait_until "kube-controller-manager-$n" 60 "the default service account in cluster $n" default_sa_exists "$c"
}

# kube_up_begin COUNT: prepare COUNT independent clusters and start their etcd and
# kube-apiserver (which take the longest to come up; the caller does other work meanwhile).
kube_up_begin() {
  local n
  KUBE_CLUSTERS=()
  for n in $(seq 1 "$1"); do KUBE_CLUSTERS+=("$n"); kube_prepare "$n"; done
  for n in "${KUBE_CLUSTERS[@]}"; do kube_start_core "$n"; done
}

# kube_up_finish: wait for the API servers, start the rest, write the shared kubeconfig
# and emit the variables.
kube_up_finish() {
  local n sfx c
  for n in "${KUBE_CLUSTERS[@]}"; do kube_wait_core "$n"; done
  log "kube-apiserver ready (${#KUBE_CLUSTERS[@]} cluster(s)); starting controllers, scheduler, kwok"
  for n in "${KUBE_CLUSTERS[@]}"; do kube_start_rest "$n"; done
  for n in "${KUBE_CLUSTERS[@]}"; do kube_wait_rest "$n"; done

  mkdir -p "$TE_DIR/kube/helm"/{cache,config,data}
  kubeconfig_write "$TE_DIR/kube/kubeconfig" "${KUBE_CLUSTERS[@]}"
  emit KUBECONFIG "$TE_DIR/kube/kubeconfig"
  emit KUBECTL "$KUBECTL_BIN"
  emit HELM "$HELM_BIN"
  emit HELM4 "$HELM4_BIN" # the same tests with helm v4: tests/integration/helm4.sh
  # keep helm's repositories, cache and plugins inside the state dir
  emit HELM_CACHE_HOME "$TE_DIR/kube/helm/cache"
  emit HELM_CONFIG_HOME "$TE_DIR/kube/helm/config"
  emit HELM_DATA_HOME "$TE_DIR/kube/helm/data"
  for n in "${KUBE_CLUSTERS[@]}"; do
    sfx=""; c="$TE_DIR/kube/c$n"
    [ "$n" = 1 ] || sfx="_$n"
    . "$c/ports"
    emit "FERRY_TEST_KUBE_CONTEXT$sfx" "$(kube_context_name "$n")"
    emit "FERRY_TEST_KUBE_SERVER$sfx" "https://127.0.0.1:$API_PORT"
    emit "FERRY_TEST_KUBE_CA$sfx" "$c/pki/ca.crt"
    log "cluster $n: context $(kube_context_name "$n"), https://127.0.0.1:$API_PORT"
  done
}
