//! Risky-type detection, from the bytes and from the extension.
//!
//! Both witnesses count: the bytes catch an ELF renamed `photo.jpg`, the extension
//! catches a harmless-looking text file named `run.bat` that Windows would still
//! execute on a double click. The lists are documented in the crate docs.

/// Native programs, libraries, bytecode and installer packages.
pub const EXECUTABLE: &str = "executable";
/// Source that an interpreter, shell or the OS runs when opened.
pub const SCRIPT: &str = "script";
/// WebAssembly modules.
pub const WEBASSEMBLY: &str = "webassembly";
/// Virtual-machine and mountable disk images.
pub const VM_IMAGE: &str = "vm_image";

pub(crate) const EXECUTABLE_EXTENSIONS: &[&str] = &[
    "exe",
    "dll",
    "sys",
    "drv",
    "ocx",
    "com",
    "scr",
    "cpl",
    "msi",
    "msp",
    "msix",
    "msixbundle",
    "appx",
    "appxbundle",
    "elf",
    "so",
    "dylib",
    "app",
    "pkg",
    "run",
    "appimage",
    "apk",
    "aab",
    "xapk",
    "ipa",
    "jar",
    "class",
    "dex",
    "deb",
    "rpm",
];

pub(crate) const SCRIPT_EXTENSIONS: &[&str] = &[
    "sh",
    "bash",
    "zsh",
    "csh",
    "tcsh",
    "ksh",
    "fish",
    "command",
    "bat",
    "cmd",
    "ps1",
    "psm1",
    "psd1",
    "vb",
    "vbs",
    "vbe",
    "js",
    "jse",
    "mjs",
    "cjs",
    "wsf",
    "wsh",
    "wsc",
    "sct",
    "hta",
    "msc",
    "reg",
    "scf",
    "lnk",
    "py",
    "pyw",
    "pl",
    "pm",
    "rb",
    "php",
    "phtml",
    "phar",
    "applescript",
    "scpt",
];

pub(crate) const WEBASSEMBLY_EXTENSIONS: &[&str] = &["wasm"];

pub(crate) const VM_IMAGE_EXTENSIONS: &[&str] =
    &["qcow", "qcow2", "qed", "vmdk", "vdi", "vhd", "vhdx", "hdd", "ova", "ovf", "iso", "img", "dmg"];

/// Sniffed MIME types that are risky in themselves.
const RISKY_TYPES: &[(&str, &str)] = &[
    ("application/x-executable", EXECUTABLE),
    ("application/vnd.microsoft.portable-executable", EXECUTABLE),
    ("application/x-msdownload", EXECUTABLE),
    ("application/x-dosexec", EXECUTABLE),
    ("application/x-mach-binary", EXECUTABLE),
    ("application/x-sharedlib", EXECUTABLE),
    ("application/java", EXECUTABLE),
    ("application/java-vm", EXECUTABLE),
    ("application/vnd.android.dex", EXECUTABLE),
    ("application/vnd.android.dey", EXECUTABLE),
    ("application/vnd.debian.binary-package", EXECUTABLE),
    ("application/x-rpm", EXECUTABLE),
    ("text/x-shellscript", SCRIPT),
    ("application/x-sh", SCRIPT),
    ("application/x-csh", SCRIPT),
    ("text/javascript", SCRIPT),
    ("application/javascript", SCRIPT),
    ("application/wasm", WEBASSEMBLY),
    ("application/x-qemu-disk", VM_IMAGE),
];

/// Mach-O thin (32/64-bit, both byte orders) and fat magics. `CAFEBABE` is also
/// a Java class file, which is executable just the same.
const MACH_O_MAGICS: &[[u8; 4]] = &[
    [0xFE, 0xED, 0xFA, 0xCE],
    [0xFE, 0xED, 0xFA, 0xCF],
    [0xCE, 0xFA, 0xED, 0xFE],
    [0xCF, 0xFA, 0xED, 0xFE],
    [0xCA, 0xFE, 0xBA, 0xBE],
    [0xCA, 0xFE, 0xBA, 0xBF],
];

/// Disk-image magics at offset 0: qcow 1–3, QED, VMDK sparse and ESX COW
/// extents, VMDK text descriptors, VHD (dynamic), VHDX, Parallels.
const VM_IMAGE_MAGICS: &[&[u8]] = &[
    b"QFI\xFB",
    b"QED\0",
    b"# Disk DescriptorFile",
    b"conectix",
    b"vhdxfile",
    b"WithoutFreeSpace",
    b"WithouFreSpacExt",
];

/// Short ASCII magics that only count on binary data, so prose starting with
/// the same letters is not flagged.
const VM_IMAGE_BINARY_MAGICS: &[&[u8]] = &[b"KDMV", b"COWD"];

/// VirtualBox VDI signature `0xBEDA107F`, little-endian at offset 0x40.
const VDI_SIGNATURE: (usize, &[u8]) = (0x40, &[0x7F, 0x10, 0xDA, 0xBE]);

/// ISO 9660 volume descriptors start at sector 16 (2048-byte sectors); the
/// identifier `CD001` follows a one-byte type, in one of the first descriptors.
const ISO9660_IDENTIFIER_OFFSETS: &[usize] = &[0x8001, 0x8801, 0x9001];

/// The risk label the bytes of `head` earn; `text` says whether the head reads as
/// text and `content_type` is what was sniffed from it.
pub(crate) fn from_bytes(head: &[u8], text: bool, content_type: &str) -> Option<&'static str> {
    if let Some(&(_, label)) = RISKY_TYPES.iter().find(|(t, _)| *t == content_type) {
        return Some(label);
    }
    if head.starts_with(b"#!") {
        return Some(SCRIPT);
    }
    if head.starts_with(b"\0asm") {
        return Some(WEBASSEMBLY);
    }
    if is_executable(head, text) {
        return Some(EXECUTABLE);
    }
    if is_vm_image(head, text) {
        return Some(VM_IMAGE);
    }
    None
}

fn is_executable(head: &[u8], text: bool) -> bool {
    head.starts_with(b"\x7FELF")
        // DOS/PE "MZ" is too short to trust on text; real headers carry NULs.
        || (head.starts_with(b"MZ") && !text)
        || head.starts_with(b"dex\n")
        || head.starts_with(b"dey\n")
        || MACH_O_MAGICS.iter().any(|m| head.starts_with(m))
}

fn is_vm_image(head: &[u8], text: bool) -> bool {
    let at = |offset: usize, magic: &[u8]| head.get(offset..).is_some_and(|rest| rest.starts_with(magic));
    VM_IMAGE_MAGICS.iter().any(|m| head.starts_with(m))
        || (!text && VM_IMAGE_BINARY_MAGICS.iter().any(|m| head.starts_with(m)))
        || at(VDI_SIGNATURE.0, VDI_SIGNATURE.1)
        || ISO9660_IDENTIFIER_OFFSETS.iter().any(|&offset| at(offset, b"CD001"))
}

/// The risk label the extension of `file_name` earns.
///
/// Trailing dots are ignored because Windows drops them: `evil.exe.` runs as
/// `evil.exe`.
pub(crate) fn from_file_name(file_name: &str) -> Option<&'static str> {
    let ext = trove_domain::rules::extension(file_name.trim_end_matches('.'))?;
    let ext = ext.as_str();
    [
        (EXECUTABLE_EXTENSIONS, EXECUTABLE),
        (SCRIPT_EXTENSIONS, SCRIPT),
        (WEBASSEMBLY_EXTENSIONS, WEBASSEMBLY),
        (VM_IMAGE_EXTENSIONS, VM_IMAGE),
    ]
    .into_iter()
    .find(|(list, _)| list.contains(&ext))
    .map(|(_, label)| label)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_listed_extension_is_documented_in_the_crate_docs() {
        let docs = include_str!("lib.rs");
        let lists = [EXECUTABLE_EXTENSIONS, SCRIPT_EXTENSIONS, WEBASSEMBLY_EXTENSIONS, VM_IMAGE_EXTENSIONS];
        for ext in lists.into_iter().flatten() {
            assert!(docs.contains(&format!("`{ext}`")), "{ext} is not documented");
        }
    }

    #[test]
    fn extension_lists_are_disjoint_and_lowercase() {
        let all: Vec<&str> =
            [EXECUTABLE_EXTENSIONS, SCRIPT_EXTENSIONS, WEBASSEMBLY_EXTENSIONS, VM_IMAGE_EXTENSIONS].concat();
        for (i, ext) in all.iter().enumerate() {
            assert_eq!(*ext, ext.to_ascii_lowercase());
            assert!(!all[i + 1..].contains(ext), "{ext} is listed twice");
        }
    }

    #[test]
    fn file_name_risk_ignores_case_and_trailing_dots() {
        assert_eq!(from_file_name("Setup.EXE"), Some(EXECUTABLE));
        assert_eq!(from_file_name("evil.exe."), Some(EXECUTABLE));
        assert_eq!(from_file_name("photo.jpg.bat"), Some(SCRIPT));
        assert_eq!(from_file_name("photo.exe.jpg"), None);
        assert_eq!(from_file_name("disk.vhdx"), Some(VM_IMAGE));
        assert_eq!(from_file_name("app.wasm"), Some(WEBASSEMBLY));
        assert_eq!(from_file_name("exe"), None);
        assert_eq!(from_file_name("notes.txt"), None);
    }

    #[test]
    fn magic_numbers_are_recognised() {
        let cases: &[(&[u8], Option<&str>)] = &[
            (b"\x7FELF\x02\x01\x01", Some(EXECUTABLE)),
            (b"MZ\x90\x00\x03\x00", Some(EXECUTABLE)),
            (b"\xCF\xFA\xED\xFE\x07\x00", Some(EXECUTABLE)),
            (b"\xCA\xFE\xBA\xBE\x00\x00\x00\x34", Some(EXECUTABLE)),
            (b"dex\n035\0", Some(EXECUTABLE)),
            (b"#!/usr/bin/env python3\n", Some(SCRIPT)),
            (b"\0asm\x01\0\0\0", Some(WEBASSEMBLY)),
            (b"QFI\xFB\0\0\0\x03", Some(VM_IMAGE)),
            (b"KDMV\x01\0\0\0", Some(VM_IMAGE)),
            (b"conectix\0\0\0\x02", Some(VM_IMAGE)),
            (b"vhdxfile", Some(VM_IMAGE)),
            (b"\x89PNG\r\n\x1a\n", None),
            (b"", None),
        ];
        for (head, want) in cases {
            assert_eq!(from_bytes(head, false, "x/y"), *want, "{head:?}");
        }
    }

    #[test]
    fn short_ascii_magics_do_not_flag_text() {
        assert_eq!(from_bytes(b"MZ is fine", true, "text/plain"), None);
        assert_eq!(from_bytes(b"KDMV notes", true, "text/plain"), None);
        assert_eq!(from_bytes(b"#!/bin/sh\n", true, "text/plain"), Some(SCRIPT));
    }

    #[test]
    fn offset_magics_are_recognised() {
        let mut vdi = vec![0u8; 0x48];
        vdi[0x40..0x44].copy_from_slice(&[0x7F, 0x10, 0xDA, 0xBE]);
        assert_eq!(from_bytes(&vdi, false, "x/y"), Some(VM_IMAGE));
        let mut iso = vec![0u8; 0x8010];
        iso[0x8000..0x8006].copy_from_slice(b"\x01CD001");
        assert_eq!(from_bytes(&iso, false, "x/y"), Some(VM_IMAGE));
        assert_eq!(from_bytes(&iso[..0x8004], false, "x/y"), None);
    }

    #[test]
    fn risky_content_types_are_labelled() {
        assert_eq!(from_bytes(b"x", false, "application/wasm"), Some(WEBASSEMBLY));
        assert_eq!(from_bytes(b"x", false, "text/javascript"), Some(SCRIPT));
        assert_eq!(from_bytes(b"x", false, "image/png"), None);
    }
}
