import Foundation

/// The virtual lab's tiny guest: Debian's kernel (the ELF inside its bzImage, which boots directly with
/// PVH in about two seconds under TCG) and a busybox initramfs with the virtio, virtio-blk, ext4,
/// e1000, tun and vhost-net modules (a guest has /dev/vhost-net, which this machine's kernel lacks),
/// a shell on the serial console, and nothing else. For guests that forward (testpmd's
/// role in PVP and the migrations) it also writes `fastpath.img`, an ext2 image of FastPath and the
/// shared libraries it loads (about 84 MB): QEMU attaches it read-only as a virtio disk, the guest
/// mounts it at /opt/labrunner, and the guest's `labrunner` runs `labrunner fastpath …` from it — off
/// the guest's RAM, which a 1 GiB guest that reserves its hugepages cannot spare. (A disk, not a 9p
/// share: QEMU will not migrate a guest with a 9p export mounted.)
package struct GuestImage {
    /// Where `vmlinux`, `initrd.img` and `fastpath.img` are written.
    package let output: URL
    /// The fastpath binary for forwarder guests; none, no `fastpath.img`.
    package let fastpath: String?

    /// Creates it from its parts.
    package init(output: URL, fastpath: String?) {
        self.output = output
        self.fastpath = fastpath
    }

    package var kernel: URL { output.appendingPathComponent("vmlinux") }
    package var initrd: URL { output.appendingPathComponent("initrd.img") }

    /// Builds the image; returns what the builder printed.
    package func build() async throws -> String {
        try FileManager.default.createDirectory(at: output, withIntermediateDirectories: true)
        let result = try await LocalExecutor.run(["sh", "-c", Self.script, "build-guest", output.path, fastpath ?? ""], timeout: .seconds(300))
        guard result.status == 0 else {
            throw LabSetupError("building the guest image failed (\(result.status)): \(result.stderr.suffix(600))")
        }
        return result.stdout
    }

    /// The build recipe (needs linux-image-amd64, busybox-static, cpio, xz-utils, and e2fsprogs for the forwarder disk).
    package static let script = #"""
        set -eu
        out=$1
        fastpath=${2:-}
        kver=$(ls /lib/modules | sort -V | tail -1)
        vmlinuz=/boot/vmlinuz-$kver
        [ -f "$vmlinuz" ] || { echo "no kernel: install linux-image-amd64" >&2; exit 1; }
        [ -x /bin/busybox ] || { echo "no /bin/busybox: install busybox-static" >&2; exit 1; }
        work=$(mktemp -d)
        trap 'rm -rf "$work"' EXIT
        mkdir -p "$work/bin" "$work/proc" "$work/sys" "$work/dev" "$work/tmp" "$work/root" "$work/run" "$work/lib/modules"
        cp /bin/busybox "$work/bin/busybox"
        # Modules in dependency order, as modprobe would load them.
        modprobe -a --show-depends -S "$kver" virtio_pci virtio_net e1000 virtio_blk ext4 vhost_net tun | awk '$1 == "insmod" && !seen[$2]++ {print $2}' > "$work/modules.list"
        while read -r module; do
            cp "$module" "$work/lib/modules/"
            basename "$module" >> "$work/lib/modules/order"
        done < "$work/modules.list"
        rm "$work/modules.list"
        cat > "$work/init" <<'INIT'
        #!/bin/busybox sh
        /bin/busybox --install -s /bin
        mount -t proc proc /proc
        mount -t sysfs sys /sys
        mount -t devtmpfs dev /dev
        # No IPv6 autoconfiguration chatter from the guest's NICs: what crosses a wire is what the
        # scenario sends (a multicast from nobody would otherwise circle any loop a how-to's bridges make).
        for knob in all default; do echo 1 > /proc/sys/net/ipv6/conf/$knob/disable_ipv6; done 2>/dev/null
        for module in $(cat /lib/modules/order); do insmod /lib/modules/$module; done
        hostname guest
        ip link set lo up
        # A forwarder guest: FastPath on a read-only disk labelled labrunner.
        for _ in 1 2 3 4 5 6 7 8 9 10; do [ -b /dev/vda ] && break; sleep 0.1; done
        if disk=$(findfs LABEL=labrunner 2>/dev/null); then
            mkdir -p /opt/labrunner
            mount -t ext4 -o ro "$disk" /opt/labrunner
        fi
        export PS1='# ' HOME=/root TERM=dumb
        stty -echo 2>/dev/null
        echo "labrunner guest ready"
        exec setsid cttyhack sh
        INIT
        chmod +x "$work/init"
        cat > "$work/bin/labrunner" <<'WRAPPER'
        #!/bin/sh
        # The guest's labrunner has one command, labrunner fastpath …, from the disk the host attaches.
        [ "$1" = fastpath ] || { echo "labrunner in the guest runs only: labrunner fastpath …" >&2; exit 2; }
        [ -x /opt/labrunner/fastpath ] || { echo "no FastPath here: the host attaches it only to guests a forwarder role is placed in" >&2; exit 2; }
        shift
        exec /opt/labrunner/lib/loader --library-path /opt/labrunner/lib /opt/labrunner/fastpath "$@"
        WRAPPER
        chmod +x "$work/bin/labrunner"
        (cd "$work" && find . | cpio -o -H newc --quiet) | gzip -1 > "$out/initrd.img"
        rm -f "$out/fastpath.img"
        if [ -n "$fastpath" ]; then
            # What forwarder guests mount: FastPath with its own copies of the libraries and loader.
            mkdir -p "$work/fastpath/lib"
            cp "$fastpath" "$work/fastpath/fastpath"
            for lib in $(ldd "$fastpath" | awk '/=>/ {print $3} /ld-linux/ {print $1}'); do cp -L "$lib" "$work/fastpath/lib/"; done
            ln -s "$(basename "$(ldd "$fastpath" | awk '/ld-linux/ {print $1}')")" "$work/fastpath/lib/loader"
            size=$(( $(du -sm "$work/fastpath" | cut -f1) * 5 / 4 + 8 ))
            mke2fs -q -t ext2 -L labrunner -d "$work/fastpath" "$out/fastpath.img" "${size}M"
            echo "forwarder guests: $out/fastpath.img (FastPath from $fastpath, attached read-only)"
        fi
        # The kernel ELF inside the bzImage's xz payload boots directly (CONFIG_PVH=y).
        offset=$(LC_ALL=C grep -obUaP '\xfd7zXZ\x00' "$vmlinuz" | head -1 | cut -d: -f1)
        tail -c +$((offset + 1)) "$vmlinuz" | xz -dc > "$out/vmlinux" 2>/dev/null || true
        head -c 4 "$out/vmlinux" | grep -q ELF || { echo "could not extract vmlinux from $vmlinuz" >&2; exit 1; }
        echo "guest image: $out/vmlinux (kernel $kver), $out/initrd.img ($(wc -l < "$work/lib/modules/order") modules)"
        """#
}
