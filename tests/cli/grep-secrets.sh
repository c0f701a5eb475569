#!/usr/bin/env bash
# Fails when a secret, in any form a masker must catch, appears in files: the value itself,
# its base64 (padded and unpadded, standard and URL-safe alphabets) and its URL-encoded forms
# (%XX in either case, and `+` for spaces as forms encode them). Binary files are
# searched too. Lists every hit: the file and the form found.
#   grep-secrets.sh SECRET PATH...      (PATH: files or directories, searched recursively)
set -uo pipefail
secret=${1:?usage: grep-secrets.sh SECRET PATH...}
shift
[[ $# -gt 0 ]] || { echo "usage: grep-secrets.sh SECRET PATH..."; exit 2; }
[[ ${#secret} -ge 4 ]] || { echo "grep-secrets: a secret of under 4 bytes would match by chance"; exit 2; }
for path in "$@"; do
    [[ -e $path ]] || { echo "grep-secrets: $path does not exist"; exit 2; }
done

# Percent-encodes every byte but RFC 3986's unreserved ones; $1: hex case, $2: space form.
url_encode() {
    local out="" byte
    for byte in $(printf %s "$secret" | od -An -tx1 -v); do
        case $byte in
        3[0-9] | 4[1-9a-f] | 5[0-9a] | 6[1-9a-f] | 7[0-9a] | 2d | 2e | 5f | 7e)
            out+=$(printf "\\x$byte") ;;
        20) out+=$2 ;;
        *) if [[ $1 == upper ]]; then out+=%${byte^^}; else out+=%$byte; fi ;;
        esac
    done
    printf %s "$out"
}

b64=$(printf %s "$secret" | base64 -w0)
forms=("value:$secret"
    "base64:$b64"
    "base64 unpadded:${b64%%=*}"
    "base64url:$(printf %s "${b64%%=*}" | tr '+/' '-_')"
    "url-encoded:$(url_encode upper %20)"
    "form-encoded:$(url_encode upper +)")

hits=0
declare -A seen=()
for entry in "${forms[@]}"; do
    name=${entry%%:*}
    form=${entry#*:}
    [[ -n $form && -z ${seen[$form]:-} ]] || continue
    seen[$form]=1
    case_flag=() # %2f and %2F are the same byte: URL forms match in any case
    [[ $name == *encoded* ]] && case_flag=(-i)
    while IFS= read -r file; do
        echo "grep-secrets: the secret's $name form is in $file"
        hits=$((hits + 1))
    done < <(grep -rlaF "${case_flag[@]}" -e "$form" -- "$@" 2>/dev/null)
done
if [[ $hits -gt 0 ]]; then
    echo "grep-secrets: $hits hit(s)"
    exit 1
fi
echo "grep-secrets: no form of the secret in $*"
