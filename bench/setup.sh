#!/usr/bin/env bash
# Install the public tools the benchmarks compare hookcat with (Debian packages).
# Idempotent: installs only what is missing. Needs root (or sudo) and apt.
set -euo pipefail

# command -> Debian package
declare -A PKG=(
  [wrk]=wrk
  [hey]=hey
  [hyperfine]=hyperfine
  [nginx]=nginx
  [webhook]=webhook
  [/usr/bin/time]=time
  [openssl]=openssl
  [python3]=python3
  [jq]=jq
)

missing=()
for cmd in "${!PKG[@]}"; do
  if [[ $cmd == /* ]]; then [[ -x $cmd ]] || missing+=("${PKG[$cmd]}")
  else command -v "$cmd" >/dev/null 2>&1 || { [[ -x /usr/sbin/$cmd ]] || missing+=("${PKG[$cmd]}"); }
  fi
done

SUDO=""
[[ $(id -u) -eq 0 ]] || SUDO="sudo"

if ((${#missing[@]})); then
  echo "setup: installing: ${missing[*]}"
  $SUDO apt-get update -qq
  # Keep Debian's nginx/webhook services from starting on install: the benchmarks start
  # their own instances on loopback with their own configs.
  policy=/usr/sbin/policy-rc.d
  made_policy=0
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
    $SUDO chmod +x "$policy"
    made_policy=1
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  ((made_policy)) && $SUDO rm -f "$policy"
fi

printf '%-10s %s\n' tool version
printf '%-10s %s\n' wrk "$(wrk -v 2>&1 | head -1 | awk '{print $2}')"
printf '%-10s %s\n' hey "$(dpkg-query -W -f '${Version}' hey)"
printf '%-10s %s\n' hyperfine "$(hyperfine --version | awk '{print $2}')"
printf '%-10s %s\n' nginx "$(/usr/sbin/nginx -v 2>&1 | sed 's/.*nginx\///')"
printf '%-10s %s\n' webhook "$(webhook -version 2>&1 | awk '{print $NF}')"
printf '%-10s %s\n' time "$(dpkg-query -W -f '${Version}' time)"
printf '%-10s %s\n' openssl "$(openssl version | awk '{print $2}')"
