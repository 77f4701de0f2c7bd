#!/usr/bin/env bash
# infra/build.sh — release binaries (static Swift stdlib) for every function in infra/functions.txt, and from them:
#   out/bin/NAME                 stripped release binaries (+ wxpay-server)
#   out/lambda/NAME.zip          Lambda zip for provided.al2023: bootstrap + lib/ (glibc, its loader, OpenSSL,
#                                libcurl and everything libcurl needs, libqrencode) + ca-certificates.crt; nothing
#                                from the host
#   out/scf/NAME/, NAME.zip      Tencent Cloud SCF custom-runtime package: infra/scf/bootstrap (a shell script that
#                                starts NAME through the bundled loader) + NAME + lib/ + ca-certificates.crt
#   out/image/NAME/rootfs/       root filesystem of NAME's OCI image: the binary (also as /usr/local/bin/entrypoint),
#                                its libraries; NAME is each function, and wxpay-server (the HTTP image)
#   out/image/wxpay-NAME.oci.tar NAME's OCI image (buildah, from scratch), also kept in buildah's store as
#                                wxpay-NAME:latest (the server's: wxpay-server:latest). See infra/README.md for why.
#
# Usage: infra/build.sh [binaries|zips|scf|rootfs|image|all] [NAME]
#        (default: all, for every function in infra/functions.txt; NAME restricts to one listed function)
# Env:   WXPAY_OUT (default ./out), WXPAY_RELEASE_SCRATCH (default ./.build-release), BUILDAH_ROOT (buildah store,
#        default out/containers), WXPAY_IMAGE_TAG (default latest)
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
OUT=${WXPAY_OUT:-$ROOT/out}
SCRATCH=${WXPAY_RELEASE_SCRATCH:-$ROOT/.build-release}
TAG=${WXPAY_IMAGE_TAG:-latest}
BUILDAH_ROOT=${BUILDAH_ROOT:-$OUT/containers}
STEP=${1:-all}

# Inside the zip the loader is addressed absolutely: Lambda always extracts the zip to /var/task.
TASK_ROOT=/var/task
LOADER=ld-linux-x86-64.so.2

die() { echo "infra/build.sh: $*" >&2; exit 1; }
say() { echo "==> $*" >&2; }

# ---- the list of functions (single source of truth) -------------------------------------------------------------
FUNCTIONS=()   # every listed name
ZIPPED=()      # the names that also get a Lambda zip
while read -r name flag _; do
    [[ -z "$name" || "$name" == \#* ]] && continue
    FUNCTIONS+=("$name")
    [[ "${flag:-}" == "image-only" ]] || ZIPPED+=("$name")
done < "$ROOT/infra/functions.txt"
(( ${#FUNCTIONS[@]} > 0 )) || die "infra/functions.txt lists no function"
SERVER=wxpay-server
IMAGES=("${FUNCTIONS[@]}" "$SERVER")   # one image per function, and the server's
if [[ -n "${2:-}" ]]; then
    if [[ "$2" == "$SERVER" ]]; then
        FUNCTIONS=(); ZIPPED=(); IMAGES=("$SERVER")
    else
        [[ " ${FUNCTIONS[*]} " == *" $2 "* ]] || die "'$2' is not listed in infra/functions.txt (nor wxpay-server)"
        [[ " ${ZIPPED[*]} " == *" $2 "* ]] && ZIPPED=("$2") || ZIPPED=()
        FUNCTIONS=("$2"); IMAGES=("$2")
    fi
fi

# Static Swift stdlib; lld with packed relative relocations (DT_RELR: ~1 MB less per binary than .rela.dyn, needs
# glibc >= 2.36, which the zips and the image carry), unused sections dropped, and identical functions folded
# (--icf=all: the generic specializations of the static stdlib and Foundation repeat a lot of identical code; Apple's
# linker folds them by default, and nothing here compares function addresses). --no-export-dynamic undoes the
# `-export-dynamic` of the toolchain's static-stdlib link arguments: nothing loads symbols from these executables
# (they dlopen libcurl, libqrencode, libsqlite3 and libhiredis, which need none of theirs), and exporting every public
# Swift symbol of the package kept ~3,000 names in .dynsym/.dynstr and made each of those functions a
# garbage-collection root (create-intent: 15,023,544 -> 14,732,728 bytes stripped, before folding). Crash backtraces
# of the stripped binaries lose those names.
SWIFT_FLAGS=(--static-swift-stdlib -Xswiftc -use-ld=lld -Xlinker -z -Xlinker pack-relative-relocs
             -Xlinker --gc-sections -Xlinker --icf=all -Xlinker --no-export-dynamic)

[[ "$(uname -m)" == "x86_64" ]] || die "this script packages x86_64 (the Lambda function's Architectures: x86_64)"

# ---- binaries -------------------------------------------------------------------------------------------------------
build_binaries() {
    mkdir -p "$OUT/bin" "$OUT/logs"
    local product
    for product in "${IMAGES[@]}"; do
        say "swift build -c release --static-swift-stdlib --product $product"
        if ! (cd "$ROOT" && swift build -c release --scratch-path "$SCRATCH" "${SWIFT_FLAGS[@]}" \
                --product "$product") >"$OUT/logs/$product.log" 2>&1; then
            tail -n 30 "$OUT/logs/$product.log" >&2
            die "the product '$product' listed in infra/functions.txt does not build (log: $OUT/logs/$product.log)"
        fi
        install -m 0755 "$SCRATCH/release/$product" "$OUT/bin/$product"
        strip --strip-all "$OUT/bin/$product"
    done
}

# ---- shared-object closure ------------------------------------------------------------------------------------------
# libcurl is dlopen'd at first use (WxPayHTTP), so ldd of a function does not show it: add it and its closure.
libcurl_path() {
    local path
    path=$(/sbin/ldconfig -p | awk '$1 == "libcurl.so.4" && /x86-64/ { print $NF; exit }')
    [[ -n "$path" ]] || die "libcurl.so.4 not found (apt-get install libcurl4)"
    echo "$path"
}

# libqrencode likewise (WxPayQR, for a native intent's QR code); its closure is libc alone.
libqrencode_path() {
    local path
    path=$(/sbin/ldconfig -p | awk '$1 == "libqrencode.so.4" && /x86-64/ { print $NF; exit }')
    [[ -n "$path" ]] || die "libqrencode.so.4 not found (apt-get install libqrencode4)"
    echo "$path"
}

# Prints "SONAME<TAB>PATH" for every shared object the given ELF files load, the dynamic loader included
# (duplicates are harmless: the copies are identical).
closure() {
    local file
    for file in "$@"; do  # a shared object given by path (libcurl) belongs to its own closure
        [[ "$file" == *.so* ]] && printf '%s\t%s\n' "$(basename "$file")" "$file"
    done
    ldd "$@" 2>/dev/null | awk '
        $2 == "=>" && $3 ~ /^\// { print $1 "\t" $3 }
        $1 ~ /^\/.*ld-linux/      { n = split($1, p, "/"); print p[n] "\t" $1 }
        $2 == "=>" && $3 == "not" { print "MISSING\t" $1 }' | sort -u
}

copy_closure() {  # copy_closure DEST_LIB_DIR ELF... : copies each object under its soname
    local dest=$1; shift
    mkdir -p "$dest"
    local soname path
    while IFS=$'\t' read -r soname path; do
        [[ "$soname" == MISSING ]] && die "a needed shared object is not installed: $path"
        cp -L "$path" "$dest/$soname"
        chmod 0755 "$dest/$soname"
    done < <(closure "$@" "$(libcurl_path)" "$(libqrencode_path)")
}

# ---- Lambda zips ----------------------------------------------------------------------------------------------------
build_zips() {
    command -v patchelf >/dev/null || die "patchelf is missing (apt-get install patchelf)"
    command -v zip >/dev/null || die "zip is missing (apt-get install zip)"
    mkdir -p "$OUT/lambda"
    local name stage
    for name in "${ZIPPED[@]}"; do
        stage="$OUT/lambda/$name"
        rm -rf "$stage" "$OUT/lambda/$name.zip"
        mkdir -p "$stage/lib"
        copy_closure "$stage/lib" "$OUT/bin/$name"
        cp "$OUT/bin/$name" "$stage/bootstrap"
        # The binary itself is the bootstrap: its ELF interpreter is the bundled loader, and its DT_RPATH (which,
        # unlike DT_RUNPATH, precedes LD_LIBRARY_PATH — Lambda puts /lib64 there — and covers dlopen and the
        # dependencies of dependencies) is the bundled lib/.
        patchelf --set-interpreter "$TASK_ROOT/lib/$LOADER" --force-rpath --set-rpath '$ORIGIN/lib' "$stage/bootstrap"
        cp -L /etc/ssl/certs/ca-certificates.crt "$stage/ca-certificates.crt"
        (cd "$stage" && zip -q -X -r -9 "../$name.zip" bootstrap lib ca-certificates.crt)
        say "lambda/$name.zip: $(stat -c %s "$OUT/lambda/$name.zip") bytes"
    done
}

# ---- Tencent Cloud SCF packages -------------------------------------------------------------------------------------
# SCF runs `bootstrap` from the package root (CentOS, an older glibc than the binaries need). The bootstrap is the
# shell script infra/scf/bootstrap: it starts the function named by the handler (`NAME.main`) through the bundled
# loader with lib/ as the library path, so neither the code directory nor the host's libraries matter.
build_scf() {
    command -v patchelf >/dev/null || die "patchelf is missing (apt-get install patchelf)"
    command -v zip >/dev/null || die "zip is missing (apt-get install zip)"
    mkdir -p "$OUT/scf"
    local name stage
    for name in "${ZIPPED[@]}"; do
        stage="$OUT/scf/$name"
        rm -rf "$stage" "$OUT/scf/$name.zip"
        mkdir -p "$stage/lib"
        copy_closure "$stage/lib" "$OUT/bin/$name"
        install -m 0755 "$OUT/bin/$name" "$stage/$name"
        # DT_RPATH covers dlopen (libcurl) and the dependencies of dependencies, as in the Lambda zip.
        patchelf --force-rpath --set-rpath '$ORIGIN/lib' "$stage/$name"
        install -m 0755 "$ROOT/infra/scf/bootstrap" "$stage/bootstrap"
        cp -L /etc/ssl/certs/ca-certificates.crt "$stage/ca-certificates.crt"
        (cd "$stage" && zip -q -X -r -9 "../$name.zip" bootstrap "$name" lib ca-certificates.crt)
        say "scf/$name.zip: $(stat -c %s "$OUT/scf/$name.zip") bytes"
    done
}

# ---- image roots: one per function, and the server's ---------------------------------------------------------------
build_rootfs() {
    local name rootfs soname path
    for name in "${IMAGES[@]}"; do
        rootfs="$OUT/image/$name/rootfs"
        rm -rf "$rootfs"
        mkdir -p "$rootfs"/{usr/local/bin,usr/lib/x86_64-linux-gnu,usr/lib64,etc/ssl/certs,tmp,run/secrets}
        # Debian's merged-/usr layout, so the loader's default paths (/lib/x86_64-linux-gnu, /lib64) resolve.
        ln -s usr/lib "$rootfs/lib"
        ln -s usr/lib64 "$rootfs/lib64"
        install -m 0755 "$OUT/bin/$name" "$rootfs/usr/local/bin/$name"
        # The image's entry point under one name for every image (a hard link: stored once).
        ln "$rootfs/usr/local/bin/$name" "$rootfs/usr/local/bin/entrypoint"
        while IFS=$'\t' read -r soname path; do
            [[ "$soname" == MISSING ]] && die "a needed shared object is not installed: $path"
            if [[ "$soname" == "$LOADER" ]]; then
                cp -L "$path" "$rootfs/usr/lib64/$LOADER"
            else
                cp -L "$path" "$rootfs/usr/lib/x86_64-linux-gnu/$soname"
            fi
        done < <(closure "$OUT/bin/$name" "$(libcurl_path)" "$(libqrencode_path)")
        # libcurl's compiled-in CA bundle path: HTTPS to WeChat Pay verifies without any setting.
        cp -L /etc/ssl/certs/ca-certificates.crt "$rootfs/etc/ssl/certs/ca-certificates.crt"
        printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/tmp:/sbin/nologin\n' \
            >"$rootfs/etc/passwd"
        printf 'root:x:0:\nnonroot:x:65532:\n' >"$rootfs/etc/group"
        printf 'hosts: files dns\n' >"$rootfs/etc/nsswitch.conf"
        chmod 1777 "$rootfs/tmp"
        say "image/$name/rootfs: $(du -sb "$rootfs" | cut -f1) bytes"
    done
}

# ---- OCI images (buildah, from scratch) -----------------------------------------------------------------------------
buildah_() { buildah --storage-driver vfs --root "$BUILDAH_ROOT" --runroot "$BUILDAH_ROOT/run" "$@"; }
# The image of a name: wxpay-NAME for a function, wxpay-server for the server.
image_name() { [[ "$1" == "$SERVER" ]] && echo "$SERVER" || echo "wxpay-$1"; }

build_image() {
    command -v buildah >/dev/null || die "buildah is missing (apt-get install buildah)"
    local name image
    for name in "${IMAGES[@]}"; do
        image="$(image_name "$name"):$TAG"
        cp "$ROOT/infra/image/Containerfile" "$OUT/image/$name/Containerfile"
        buildah_ rmi -f "$image" >/dev/null 2>&1 || true
        buildah_ bud --isolation chroot --layers=false -q --build-arg "FUNCTION=$name" \
            -f "$OUT/image/$name/Containerfile" -t "$image" "$OUT/image/$name" >/dev/null
        rm -f "$OUT/image/$(image_name "$name").oci.tar"
        buildah_ push -q "$image" "oci-archive:$OUT/image/$(image_name "$name").oci.tar:$image" >/dev/null
        say "image $image: $(stat -c %s "$OUT/image/$(image_name "$name").oci.tar") bytes as an OCI archive"
    done
}

case "$STEP" in
    binaries) build_binaries ;;
    zips) build_binaries; build_zips ;;
    scf) build_binaries; build_scf ;;
    rootfs) build_binaries; build_rootfs ;;
    image) build_binaries; build_rootfs; build_image ;;
    all) build_binaries; build_zips; build_scf; build_rootfs; build_image ;;
    *) die "usage: infra/build.sh [binaries|zips|scf|rootfs|image|all]" ;;
esac
