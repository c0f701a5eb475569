#!/usr/bin/env bash
# withCredentials acceptance (issue 5): a real `ferry run` binds every credential type ferry
# supports (string, usernamePassword, usernameColonPassword, file, sshUserPrivateKey, a
# dockerconfig through dockerCert, `credentials()` in environment {}, a password parameter),
# with values full of URL-special characters, and prints them every way a careless pipeline
# would: echo, `set -x` traces, env dumps, base64 and URL-encoded, cat of the secret files,
# files written and archived, tee, failing commands and error messages. Then every output is
# searched for every secret in every form a masker must catch: stdout, stderr, the run record
# (.ferry/runs/**: journal, step logs, result, artifacts), --events, --junit and `ferry logs`.
# Zero hits are required; a positive control proves the search finds each form.
#   grep-secrets.sh FERRY
set -uo pipefail
ferry=${1:?usage: grep-secrets.sh FERRY}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
for tool in jq git base64 od; do
    command -v "$tool" >/dev/null || { echo "grep-secrets: needs $tool (apt-get install $tool)"; exit 1; }
done
tmp=$(mktemp -d) && trap 'rm -rf "$tmp"' EXIT
failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

# Percent-encodes every byte but RFC 3986's unreserved ones; $1: value, $2: hex case, $3: space.
url_encode() {
    local out="" byte
    for byte in $(printf %s "$1" | od -An -tx1 -v); do
        case $byte in
        3[0-9] | 4[1-9a-f] | 5[0-9a] | 6[1-9a-f] | 7[0-9a] | 2d | 2e | 5f | 7e)
            out+=$(printf "\\x$byte") ;;
        20) out+=$3 ;;
        *) if [[ $2 == upper ]]; then out+=%${byte^^}; else out+=%$byte; fi ;;
        esac
    done
    printf %s "$out"
}

# Every form of one secret, one `name:form` a line: the value, base64 (padded, unpadded,
# URL-safe) and URL-encoded (%XX, `+` for spaces).
forms_of() {
    local b64
    b64=$(printf %s "$1" | base64 -w0)
    printf '%s\n' "value:$1" "base64:$b64" "base64 unpadded:${b64%%=*}" \
        "base64url:$(printf %s "${b64%%=*}" | tr '+/' '-_')" \
        "url-encoded:$(url_encode "$1" upper %20)" "form-encoded:$(url_encode "$1" upper +)"
}

# Lists each file under PATH... holding a form of SECRET ("hit: …"); prints the number of hits
# last. URL forms match in any case (%2f and %2F are the same byte).
scan() {
    local secret=$1 hits=0 entry name form file
    shift
    declare -A seen=()
    while IFS= read -r entry; do
        name=${entry%%:*} form=${entry#*:}
        [[ -n $form && -z ${seen[$form]:-} ]] || continue
        seen[$form]=1
        local case_flag=()
        [[ $name == *encoded* ]] && case_flag=(-i)
        while IFS= read -r file; do
            echo "hit: the $name form of a secret is in $file"
            hits=$((hits + 1))
        done < <(grep -rlaF "${case_flag[@]}" -e "$form" -- "$@" 2>/dev/null)
    done < <(forms_of "$secret")
    echo "$hits"
}

# The secrets: each line of a multi-line value is searched on its own.
token='T0k/en+Ab@c:d%2Fe&f=g?h#i j'
password='p@ss/w0rd+x&y=z?%#:!'
db_password='db-Pa55/w:rd@h0st?q=1&r#s'
file_lines=('Fi1e-line/one+A=B&c' 'Fi1e-line/two?x%y#z:')
key_lines=('-----BEGIN FERRY TEST KEY-----' 'b3BlbnNzaC1rZXk+ZmFrZS9rZXk/P3g=' '-----END FERRY TEST KEY-----')
registry_auth=$(printf %s 'kiamol:Reg/p@ss+w0rd&1' | base64 -w0)
secrets=("$token" "$password" "$db_password" "${file_lines[@]}" "${key_lines[@]:1:1}" "$registry_auth")

mkdir -p "$tmp/secrets"
printf '%s\n' "${file_lines[@]}" >"$tmp/secrets/blob.txt"
printf '%s\n' "${key_lines[@]}" >"$tmp/secrets/id_test"
printf '{"auths":{"127.0.0.1:5000":{"auth":"%s"}}}\n' "$registry_auth" >"$tmp/secrets/config.json"

# Positive control: the search finds every form of every secret, or a clean result means nothing.
mkdir -p "$tmp/control"
for s in "${secrets[@]}"; do
    while IFS= read -r entry; do
        printf 'x %s y\n' "${entry#*:}" >"$tmp/control/$(printf %s "$entry" | md5sum | cut -c1-12)"
    done < <(forms_of "$s")
    expected=$(forms_of "$s" | sed 's/^[^:]*://' | sort -u | wc -l)
    found=$(scan "$s" "$tmp/control" | tail -1)
    [[ $found -ge $expected ]] ||
        fail "positive control: the search found $found of $expected forms of a secret"
done
[[ $(scan "$token" "$tmp/secrets" | tail -1) == 0 ]] || fail "negative control: a hit where there is none"

repo=$tmp/shop
mkdir -p "$repo"
cp "$root/tests/golden/run/kubeconfig" "$repo/"
cat >"$repo/ferry.yaml" <<EOF
registries:
  local: { server: 127.0.0.1:5000, prefix: kiamol }
clusters:
  lab: { kubeconfig: kubeconfig, context: lab-admin }
environments:
  test: { cluster: lab, namespace: app-test, registry: local }
credentials:
  api-token:   { type: string, env: LEAK_TOKEN }
  deployer:    { type: usernamePassword, username: ci-bot, passwordEnv: LEAK_PASSWORD }
  secret-file: { type: file, file: $tmp/secrets/blob.txt }
  ssh-key:     { type: file, file: $tmp/secrets/id_test }
  registry:    { type: dockerconfig, file: $tmp/secrets/config.json }
EOF
cat >"$repo/Jenkinsfile" <<'EOF'
pipeline {
    agent any
    parameters { password(name: 'DB_PASSWORD', defaultValue: '') }
    environment { API = credentials('api-token') }
    stages {
        stage('Leak') {
            steps {
                withCredentials([string(credentialsId: 'api-token', variable: 'TOKEN'),
                                 usernamePassword(credentialsId: 'deployer', usernameVariable: 'DUSER',
                                                  passwordVariable: 'DPASS'),
                                 usernameColonPassword(credentialsId: 'deployer', variable: 'USERPASS'),
                                 file(credentialsId: 'secret-file', variable: 'SECRET_FILE'),
                                 sshUserPrivateKey(credentialsId: 'ssh-key', keyFileVariable: 'SSH_KEY'),
                                 dockerCert(credentialsId: 'registry', variable: 'DOCKER_DIR')]) {
                    sh 'echo "token=$TOKEN pass=$DPASS up=$USERPASS db=$DB_PASSWORD api=$API"'
                    sh 'set -x; login() { :; }; login -u "$DUSER:$DPASS" "https://$USERPASS@example.invalid/?t=$TOKEN"'
                    sh 'env | sort; export -p'
                    sh 'cat "$SECRET_FILE" "$SSH_KEY" "$DOCKER_DIR/config.json"'
                    sh 'for v in "$TOKEN" "$DPASS" "$DB_PASSWORD" "$USERPASS"; do printf %s "$v" | base64 -w0; echo; printf %s "$v" | base64 -w0 | tr "+/" "-_" | tr -d =; echo; jq -rn --arg v "$v" "\\$v|@uri"; done'
                    echo "interpolated: ${TOKEN} ${DPASS} ${params.DB_PASSWORD}"
                    writeFile file: 'leak/written.txt', text: "token ${TOKEN} pass ${DPASS}"
                    sh 'mkdir -p leak; echo "$TOKEN $DPASS $DB_PASSWORD" > leak/raw.txt; cat "$SECRET_FILE" "$SSH_KEY" > leak/files.txt; cp "$DOCKER_DIR/config.json" leak/'
                    tee('leak/tee.log') {
                        sh 'echo "tee $TOKEN $DPASS"; cat "$SECRET_FILE"'
                    }
                    archiveArtifacts artifacts: 'leak/**'
                    catchError(buildResult: 'FAILURE', stageResult: 'FAILURE') {
                        sh 'echo "failing with $DPASS" >&2; test "$TOKEN" = "$DB_PASSWORD"'
                    }
                    error "deploy failed for ${DUSER} with ${DPASS} and ${TOKEN}"
                }
            }
        }
    }
    post {
        failure { sh 'echo "post: $API"; echo "$API" >&2' }
    }
}
EOF
(
    cd "$repo" && git init -q -b main . && git add -A &&
        git -c user.name=t -c user.email=t@t -c commit.gpgsign=false commit -q -m leak
) || { echo "grep-secrets: could not make the git repository"; exit 1; }
mkdir -p "$tmp/out"
cd "$repo" || exit 1
env -i PATH="$PATH" HOME="$tmp" LEAK_TOKEN="$token" LEAK_PASSWORD="$password" \
    "$ferry" run --offline --env test --no-color -p "DB_PASSWORD=$db_password" \
    --events "$tmp/out/events.ndjson" --junit "$tmp/out/junit.xml" \
    >"$tmp/out/stdout" 2>"$tmp/out/stderr"
status=$?
[[ $status == 1 ]] || fail "the run ends FAILURE (exit 1), got $status: $(tail -5 "$tmp/out/stderr" "$tmp/out/stdout")"
env -i PATH="$PATH" HOME="$tmp" "$ferry" logs 1 >"$tmp/out/logs" 2>&1 || fail "ferry logs 1 exits 0"
cp -r "$repo/.ferry/runs" "$tmp/out/runs"

# What was searched must hold what the pipeline printed, masked: otherwise zero hits prove
# nothing.
record=$(find "$tmp/out/runs" -mindepth 2 -maxdepth 2 -type d | head -1)
for f in journal.ndjson result.json; do
    [[ -s $record/$f ]] || fail "the run record has $f ($(ls "$record" 2>&1))"
done
for f in raw.txt files.txt written.txt tee.log config.json; do
    [[ -s $(find "$record" -path "*artifacts*" -name "$f" | head -1) ]] || fail "the artifact leak/$f was archived"
done
[[ $(find "$record" -name '*.log' ! -path '*artifacts*' | wc -l) -ge 10 ]] || fail "the run record has a log per step"
[[ $(grep -c '\*\*\*\*' "$tmp/out/events.ndjson") -ge 20 ]] ||
    fail "the events show the masked values (****) in many lines"
grep -q '\*\*\*\*' "$tmp/out/junit.xml" || fail "the JUnit report holds the masked failure"
grep -q '\*\*\*\*' "$tmp/out/stdout" || fail "the console shows masked values"
grep -q '\*\*\*\*' "$tmp/out/logs" || fail "ferry logs shows masked values"
grep -q '^\*\*\*\*$' "$(find "$record" -path '*artifacts*' -name raw.txt)" ||
    grep -q '\*\*\*\*' "$(find "$record" -path '*artifacts*' -name raw.txt)" ||
    fail "the archived copy of a file holding secrets is masked"
grep -q "ci-bot" "$tmp/out/stdout" || fail "the username, not a secret, is shown"

total=0
for s in "${secrets[@]}"; do
    result=$(scan "$s" "$tmp/out")
    hits=$(tail -1 <<<"$result")
    [[ $hits == 0 ]] || sed '$d' <<<"$result"
    total=$((total + hits))
done
[[ $total == 0 ]] || fail "$total hit(s) of a secret in ferry's outputs"
if [[ $failures -gt 0 ]]; then
    echo "grep-secrets: $failures failure(s)"
    exit 1
fi
echo "grep-secrets: no form of ${#secrets[@]} secrets in $(find "$tmp/out" -type f | wc -l) files"
