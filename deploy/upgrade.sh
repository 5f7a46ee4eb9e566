#!/bin/sh
# One-command upgrade of an installed rikscha (station or broker) from an `npm pack` tarball, offline: installs it into
# PREFIX/versions/<version>, switches PREFIX/current to it, restarts the unit and waits until it reports ready; if it
# does not come up, switches back, puts the database back when the new version had moved its schema, and restarts
# the previous version. See deploy/README.md, "Upgrading".
#
#   sudo deploy/upgrade.sh [options] rikscha-<version>.tgz
#
# Options (defaults for a station):
#   --prefix DIR        install root                                  (/opt/rikscha)
#   --unit NAME         systemd unit to restart                       (rikscha-station)
#   --data-dir DIR      where the unit keeps its *.sqlite files       (/var/lib/rikscha)
#   --settle S          seconds the new version must stay up          (20)
#   --keep N            versions kept on disk, the current included   (3)
#   --npm-install CMD   run in the new version's directory            (npm install --omit=dev --offline ...)
#   --start CMD / --stop CMD / --is-up CMD                            (systemctl start|stop|is-active --quiet UNIT)
# The last four exist so the logic can be tested without systemd; CMDs run with sh -c.

set -eu

prefix=/opt/rikscha
unit=rikscha-station
data_dir=/var/lib/rikscha
settle=20
keep=3
npm_install='npm install --omit=dev --offline --no-audit --no-fund'
start_cmd=''
stop_cmd=''
is_up_cmd=''

say() { printf 'upgrade: %s\n' "$*"; }
die() {
  printf 'upgrade: %s\n' "$*" >&2
  exit 1
}

while [ $# -gt 1 ]; do
  case "$1" in
    --prefix) prefix=$2 ;;
    --unit) unit=$2 ;;
    --data-dir) data_dir=$2 ;;
    --settle) settle=$2 ;;
    --keep) keep=$2 ;;
    --npm-install) npm_install=$2 ;;
    --start) start_cmd=$2 ;;
    --stop) stop_cmd=$2 ;;
    --is-up) is_up_cmd=$2 ;;
    *) die "unknown option $1 (see the head of this script)" ;;
  esac
  shift 2
done
[ $# -eq 1 ] || die "usage: upgrade.sh [options] rikscha-<version>.tgz"
tarball=$1
[ -f "$tarball" ] || die "no such tarball: $tarball"
: "${start_cmd:=systemctl start $unit}"
: "${stop_cmd:=systemctl stop $unit}"
: "${is_up_cmd:=systemctl is-active --quiet $unit}"

# The version, from the package.json inside the tarball (npm pack puts everything under package/).
version=$(tar -xzOf "$tarball" package/package.json | sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' | head -n 1)
[ -n "$version" ] || die "$tarball: no version in package/package.json (not an npm pack tarball?)"

versions=$prefix/versions
new=$versions/$version
previous=''
if [ -L "$prefix/current" ]; then previous=$(readlink "$prefix/current"); fi
[ "$previous" != "$new" ] || die "version $version is already the current one"

# 1. Install beside the running version. The previous version's node_modules seeds the new one, so native modules
#    built for this Pi (better-sqlite3, serialport) are reused and npm needs no network for what did not change.
mkdir -p "$versions"
staging=$versions/.staging-$version
rm -rf "$staging"
mkdir -p "$staging"
tar -xzf "$tarball" -C "$staging" --strip-components=1
if [ -n "$previous" ] && [ -d "$previous/node_modules" ]; then cp -a "$previous/node_modules" "$staging/"; fi
say "installing $version"
(cd "$staging" && sh -c "$npm_install") || {
  rm -rf "$staging"
  die "npm install failed for $version; nothing was changed"
}
rm -rf "$new"
mv "$staging" "$new"

# The schema version SQLite keeps at byte 60 of a database file's header (PRAGMA user_version); empty when absent.
schema_of() { [ -f "$1" ] && od -An -tu4 --endian=big -j60 -N4 "$1" | tr -d ' ' || true; }

switch_to() {
  ln -sfn "$1" "$prefix/current.new"
  mv -T "$prefix/current.new" "$prefix/current"
}

if [ -z "$previous" ]; then
  switch_to "$new"
  say "$version installed as $prefix/current; first install: enable the unit now (deploy/README.md, step 5)"
  exit 0
fi

# 2. Stop (every charger goes off), keep a copy of the databases, switch, start.
say "stopping $unit"
sh -c "$stop_cmd" || true
backup=$prefix/backups/$(basename "$previous")
rm -rf "$backup"
mkdir -p "$backup"
for f in "$data_dir"/*.sqlite; do
  [ -f "$f" ] || continue
  cp -p "$f" "$backup/"
  [ -f "$f-wal" ] && cp -p "$f-wal" "$backup/"
done
switch_to "$new"
say "starting $version"

up=false
if sh -c "$start_cmd"; then
  # Up now, and still up after the settle time: a unit that crashes after READY=1 is restarting, not up.
  sleep "$settle"
  if sh -c "$is_up_cmd"; then up=true; fi
fi

if $up; then
  say "$version is up"
  # Old versions beyond --keep go, oldest first; the current and the previous one always stay.
  ls -1t "$versions" | tail -n +"$((keep + 1))" | while read -r old; do
    [ "$versions/$old" = "$new" ] || [ "$versions/$old" = "$previous" ] || rm -rf "${versions:?}/$old"
  done
  exit 0
fi

# 3. Roll back: the previous version, and the databases it can open.
say "$version did not come up; rolling back" >&2
sh -c "$stop_cmd" || true
for f in "$backup"/*.sqlite; do
  [ -f "$f" ] || continue
  live=$data_dir/$(basename "$f")
  # Only a database whose schema the new version moved (or left unclosed, its WAL not checkpointed) is put back: the
  # old version would refuse it. Otherwise what was stored meanwhile is kept, so no seq is given out twice.
  if [ "$(schema_of "$live")" != "$(schema_of "$f")" ] || [ -s "$live-wal" ]; then
    say "putting back $(basename "$f") (schema $(schema_of "$live") -> $(schema_of "$f"))" >&2
    rm -f "$live-wal" "$live-shm"
    cp -p "$f" "$live"
    [ -f "$f-wal" ] && cp -p "$f-wal" "$live-wal"
  fi
done
switch_to "$previous"
sh -c "$start_cmd" || die "rolled back to $(basename "$previous"), but it did not start either"
die "$version did not come up; rolled back to $(basename "$previous")"
