#!/usr/bin/env bash
# Installs the Debian tools the interop tests drive (real pseudo-terminals, Mosquitto, mbpoll, Chromium, systemd's
# unit checker and notify, python3 for the notify socket, the simulated Uno), so `npm ci && npm test` works on a
# fresh Debian machine. As root it installs what is missing with apt-get; otherwise it names the packages and the
# command, and fails.
set -uo pipefail

# command -> Debian package(s)
declare -A tools=(
  [socat]=socat
  [mosquitto]=mosquitto
  [mosquitto_sub]=mosquitto-clients
  [mosquitto_passwd]=mosquitto
  [mbpoll]=mbpoll
  [chromium]=chromium
  [systemd-analyze]=systemd
  [systemd-notify]=systemd
  [python3]=python3-minimal
  [gcc]=gcc
  [simavr]="simavr libsimavr-dev"
)
missing=()
for cmd in "${!tools[@]}"; do
  command -v "$cmd" >/dev/null 2>&1 || [ -x "/usr/sbin/$cmd" ] || missing+=(${tools[$cmd]})
done
[ ${#missing[@]} -eq 0 ] && exit 0
packages=$(printf '%s\n' "${missing[@]}" | sort -u | tr '\n' ' ')
if [ "$(id -u)" -ne 0 ]; then
  echo "The tests need these Debian packages: ${packages}" >&2
  echo "Install them with: sudo apt-get install -y ${packages}" >&2
  exit 1
fi
echo "installing Debian packages the tests use: ${packages}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq || exit 1
apt-get install -y -qq --no-install-recommends ${packages} >/dev/null || exit 1
