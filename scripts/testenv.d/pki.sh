# shellcheck shell=bash
# Certificates for the test environment, made with openssl at every start.
# ECDSA P-256 keys: generating them is instant, unlike RSA, which keeps `up` fast.
# Sourced by scripts/testenv.

# make_ca DIR CN: DIR/ca.key, DIR/ca.crt (valid 7 days).
make_ca() {
  local dir=$1 cn=$2
  mkdir -p "$dir"
  openssl req -x509 -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -keyout "$dir/ca.key" -out "$dir/ca.crt" -days 7 -subj "/CN=$cn" \
    -addext "basicConstraints=critical,CA:TRUE" \
    -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null ||
    die "openssl could not make the CA in $dir"
  chmod 600 "$dir/ca.key"
}

# make_cert CADIR OUT SUBJECT KIND: OUT.key and OUT.crt signed by CADIR's CA.
# KIND is "server" (SANs 127.0.0.1, ::1 and localhost) or "client".
make_cert() {
  local ca=$1 out=$2 subj=$3 kind=$4 ext
  case $kind in
    server) ext=$'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost' ;;
    client) ext=$'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=clientAuth' ;;
    *) die "make_cert: unknown kind $kind" ;;
  esac
  openssl req -new -nodes -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 \
    -keyout "$out.key" -out "$out.csr" -subj "$subj" 2>/dev/null &&
  openssl x509 -req -in "$out.csr" -CA "$ca/ca.crt" -CAkey "$ca/ca.key" -CAcreateserial \
    -days 7 -out "$out.crt" -extfile <(printf '%s\n' "$ext") 2>/dev/null ||
    die "openssl could not make the certificate $out.crt"
  rm -f "$out.csr"
  chmod 600 "$out.key"
}

# make_sa_keys DIR: the service-account token signing key pair (DIR/sa.key, DIR/sa.pub).
make_sa_keys() {
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:prime256v1 -out "$1/sa.key" 2>/dev/null &&
  openssl pkey -in "$1/sa.key" -pubout -out "$1/sa.pub" 2>/dev/null ||
    die "openssl could not make the service-account keys in $1"
  chmod 600 "$1/sa.key"
}

# random_password: 24 hex characters (96 random bits).
random_password() {
  openssl rand -hex 12
}
