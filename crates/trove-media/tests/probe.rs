//! End-to-end behaviour of `StandardProbe` on hand-made headers.

use trove_app::ports::media::{MediaInfo, MediaProbe};
use trove_domain::model::Dimensions;
use trove_media::fixtures::{exif_block, jpeg_header_with_orientation, png_header, png_header_with_orientation};
use trove_media::{EXECUTABLE, SCRIPT, StandardProbe, VM_IMAGE, WEBASSEMBLY};

/// Probes `bytes` as a complete file.
fn probe(bytes: &[u8], name: &str) -> MediaInfo {
    StandardProbe.probe(bytes, name, bytes.len() as u64)
}

fn dims(width: u32, height: u32) -> Option<Dimensions> {
    Some(Dimensions { width, height })
}

fn gif_header(width: u16, height: u16) -> Vec<u8> {
    let mut gif = b"GIF89a".to_vec();
    gif.extend_from_slice(&width.to_le_bytes());
    gif.extend_from_slice(&height.to_le_bytes());
    gif.extend_from_slice(&[0xF7, 0, 0]); // global colour table flags, bg, aspect
    gif
}

/// A WebP VP8X header with a `width` × `height` canvas and, optionally, an EXIF
/// chunk carrying `orientation`.
fn webp_vp8x_header(width: u32, height: u32, orientation: Option<u16>) -> Vec<u8> {
    let mut vp8x = vec![if orientation.is_some() { 0x08 } else { 0 }, 0, 0, 0];
    vp8x.extend_from_slice(&(width - 1).to_le_bytes()[..3]);
    vp8x.extend_from_slice(&(height - 1).to_le_bytes()[..3]);
    let mut chunks = b"VP8X".to_vec();
    chunks.extend_from_slice(&(vp8x.len() as u32).to_le_bytes());
    chunks.extend_from_slice(&vp8x);
    if let Some(o) = orientation {
        let exif = exif_block(o);
        chunks.extend_from_slice(b"EXIF");
        chunks.extend_from_slice(&(exif.len() as u32).to_le_bytes());
        chunks.extend_from_slice(&exif);
    }
    let mut webp = b"RIFF".to_vec();
    webp.extend_from_slice(&(4 + chunks.len() as u32).to_le_bytes());
    webp.extend_from_slice(b"WEBP");
    webp.extend_from_slice(&chunks);
    webp
}

/// A little-endian TIFF whose IFD0 holds ImageWidth, ImageLength, Orientation.
fn tiff_header(width: u16, height: u16, orientation: u16) -> Vec<u8> {
    let mut tiff = b"II*\0".to_vec();
    tiff.extend_from_slice(&8u32.to_le_bytes());
    tiff.extend_from_slice(&3u16.to_le_bytes());
    for (tag, value) in [(0x0100u16, width), (0x0101, height), (0x0112, orientation)] {
        tiff.extend_from_slice(&tag.to_le_bytes());
        tiff.extend_from_slice(&3u16.to_le_bytes()); // SHORT
        tiff.extend_from_slice(&1u32.to_le_bytes());
        tiff.extend_from_slice(&value.to_le_bytes());
        tiff.extend_from_slice(&[0, 0]);
    }
    tiff.extend_from_slice(&0u32.to_le_bytes());
    tiff
}

/// A 64-byte ELF64 header (x86-64 executable); `infer` needs more than 52 bytes.
fn elf_header() -> Vec<u8> {
    let mut elf = b"\x7FELF\x02\x01\x01\0".to_vec();
    elf.resize(16, 0);
    elf.extend_from_slice(&[2, 0, 0x3E, 0, 1, 0, 0, 0]); // ET_EXEC, x86-64, v1
    elf.resize(64, 0);
    elf
}

fn pe_header() -> Vec<u8> {
    let mut pe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF\0\0".to_vec();
    pe.resize(0x3C, 0);
    pe.extend_from_slice(&0x40u32.to_le_bytes());
    pe.extend_from_slice(b"PE\0\0\x4C\x01");
    pe
}

const SVG_TEXT: &[u8] = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
    <!-- logo -->\n<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"/>\n";

#[test]
fn png_header_is_png_with_its_size() {
    let info = probe(&png_header(123, 321), "image.png");
    assert_eq!(info.content_type, "image/png");
    assert_eq!(info.dimensions, dims(123, 321));
    assert_eq!(info.risk, None);
}

#[test]
fn png_exif_orientation_swaps_dimensions() {
    let info = probe(&png_header_with_orientation(200, 100, 8), "rotated.png");
    assert_eq!(info.content_type, "image/png");
    assert_eq!(info.dimensions, dims(100, 200));
}

#[test]
fn gif_header_is_gif_with_its_size() {
    let info = probe(&gif_header(300, 200), "anim.gif");
    assert_eq!(info.content_type, "image/gif");
    assert_eq!(info.dimensions, dims(300, 200));
}

#[test]
fn jpeg_orientation_6_swaps_dimensions() {
    let info = probe(&jpeg_header_with_orientation(4000, 3000, 6), "portrait.jpg");
    assert_eq!(info.content_type, "image/jpeg");
    assert_eq!(info.dimensions, dims(3000, 4000));
    assert_eq!(info.risk, None);
}

#[test]
fn jpeg_orientation_1_keeps_dimensions() {
    let info = probe(&jpeg_header_with_orientation(4000, 3000, 1), "landscape.jpg");
    assert_eq!(info.content_type, "image/jpeg");
    assert_eq!(info.dimensions, dims(4000, 3000));
}

#[test]
fn jpeg_head_of_a_larger_file_is_probed() {
    let head = jpeg_header_with_orientation(640, 480, 8);
    let info = StandardProbe.probe(&head, "big.jpeg", 25_000_000);
    assert_eq!(info.content_type, "image/jpeg");
    assert_eq!(info.dimensions, dims(480, 640));
}

#[test]
fn webp_vp8x_header_is_webp_with_canvas_size() {
    let info = probe(&webp_vp8x_header(1920, 1080, None), "wide.webp");
    assert_eq!(info.content_type, "image/webp");
    assert_eq!(info.dimensions, dims(1920, 1080));
}

#[test]
fn webp_exif_orientation_swaps_dimensions() {
    let info = probe(&webp_vp8x_header(1920, 1080, Some(6)), "tall.webp");
    assert_eq!(info.content_type, "image/webp");
    assert_eq!(info.dimensions, dims(1080, 1920));
}

#[test]
fn tiff_orientation_swaps_dimensions() {
    let info = probe(&tiff_header(50, 70, 5), "scan.tif");
    assert_eq!(info.content_type, "image/tiff");
    assert_eq!(info.dimensions, dims(70, 50));
    let info = probe(&tiff_header(50, 70, 3), "scan.tif");
    assert_eq!(info.dimensions, dims(50, 70));
}

#[test]
fn content_type_comes_from_bytes_not_name() {
    let info = probe(&jpeg_header_with_orientation(10, 20, 1), "lies.png");
    assert_eq!(info.content_type, "image/jpeg");
    assert_eq!(info.dimensions, dims(10, 20));
}

#[test]
fn svg_text_is_svg_whatever_the_name() {
    for name in ["logo.svg", "logo.txt", "logo"] {
        let info = probe(SVG_TEXT, name);
        assert_eq!(info.content_type, "image/svg+xml", "{name}");
        assert_eq!(info.dimensions, None);
        assert_eq!(info.risk, None);
    }
}

#[test]
fn html_named_svg_is_not_svg() {
    let info = probe(b"<html><body><svg></svg></body></html>", "fake.svg");
    assert_eq!(info.content_type, "text/html");
}

#[test]
fn utf8_text_takes_a_textual_extension_type() {
    let csv = "name,city\nZoë,Zürich\n".as_bytes();
    assert_eq!(probe(csv, "people.csv").content_type, "text/csv");
    assert_eq!(probe(b"{\"a\": 1}", "data.json").content_type, "application/json");
    assert_eq!(probe(b"# Title\n", "README.md").content_type, "text/markdown");
    assert_eq!(probe(b"just words", "notes").content_type, "text/plain");
    assert_eq!(probe(b"just words", "notes.png").content_type, "text/plain");
    assert_eq!(probe(b"just words", "notes.pdf").content_type, "text/plain");
}

#[test]
fn text_cut_mid_character_is_text_only_when_the_file_goes_on() {
    let text = "a,b\n€".as_bytes();
    let cut = &text[..text.len() - 1];
    let info = StandardProbe.probe(cut, "table.csv", 10_000);
    assert_eq!(info.content_type, "text/csv");
    let info = StandardProbe.probe(cut, "table.csv", cut.len() as u64);
    assert_eq!(info.content_type, "application/octet-stream");
}

#[test]
fn binary_garbage_named_png_is_octet_stream() {
    let garbage = [0xDE, 0xAD, 0xBE, 0xEF, 0x00, 0x13, 0x37, 0xFF, 0x80, 0x00, 0x42, 0x99];
    let info = probe(&garbage, "photo.png");
    assert_eq!(info.content_type, "application/octet-stream");
    assert_eq!(info.dimensions, None);
    assert_eq!(info.risk, None);
}

#[test]
fn empty_file_is_octet_stream_but_keeps_name_risk() {
    let info = probe(b"", "empty.txt");
    assert_eq!(info.content_type, "application/octet-stream");
    assert_eq!(info.dimensions, None);
    assert_eq!(info.risk, None);
    assert_eq!(probe(b"", "empty.exe").risk, Some(EXECUTABLE));
}

#[test]
fn exe_extension_with_harmless_text_is_executable() {
    let info = probe(b"hello, world\n", "setup.exe");
    assert_eq!(info.content_type, "text/plain");
    assert_eq!(info.risk, Some(EXECUTABLE));
}

#[test]
fn elf_named_photo_is_executable() {
    let info = probe(&elf_header(), "photo.jpg");
    assert_eq!(info.content_type, "application/x-executable");
    assert_eq!(info.dimensions, None);
    assert_eq!(info.risk, Some(EXECUTABLE));
}

#[test]
fn pe_named_document_is_executable() {
    let info = probe(&pe_header(), "invoice.pdf");
    assert_eq!(info.content_type, "application/vnd.microsoft.portable-executable");
    assert_eq!(info.risk, Some(EXECUTABLE));
}

#[test]
fn bytes_decide_the_label_before_the_extension() {
    assert_eq!(probe(&elf_header(), "run.sh").risk, Some(EXECUTABLE));
    assert_eq!(probe(b"#!/bin/sh\necho hi\n", "tool.exe").risk, Some(SCRIPT));
}

#[test]
fn shebang_is_a_script_whatever_the_name() {
    let script = b"#!/bin/sh\nrm -rf /tmp/x\n";
    let info = probe(script, "notes.txt");
    assert_eq!(info.content_type, "text/plain");
    assert_eq!(info.risk, Some(SCRIPT));
    let info = probe(script, "install");
    assert_eq!(info.content_type, "text/x-shellscript");
    assert_eq!(info.risk, Some(SCRIPT));
}

#[test]
fn script_extensions_are_scripts() {
    let info = probe(b"console.log(1);\n", "app.js");
    assert_eq!(info.content_type, "text/javascript");
    assert_eq!(info.risk, Some(SCRIPT));
    for name in ["run.bat", "x.PS1", "y.vbs", "z.py", "w.php", "link.lnk"] {
        assert_eq!(probe(b"text", name).risk, Some(SCRIPT), "{name}");
    }
}

#[test]
fn wasm_magic_is_webassembly() {
    let info = probe(b"\0asm\x01\0\0\0\x01\x04\x01\x60\0\0", "module.bin");
    assert_eq!(info.content_type, "application/wasm");
    assert_eq!(info.risk, Some(WEBASSEMBLY));
    assert_eq!(probe(b"\0asm", "tiny").risk, Some(WEBASSEMBLY));
    assert_eq!(probe(b"text", "m.wasm").risk, Some(WEBASSEMBLY));
}

#[test]
fn disk_images_are_vm_images() {
    let info = probe(b"QFI\xFB\0\0\0\x03\0\0\0\0\0\0\0\0", "disk.dat");
    assert_eq!(info.content_type, "application/x-qemu-disk");
    assert_eq!(info.risk, Some(VM_IMAGE));
    assert_eq!(probe(b"KDMV\x01\0\0\0\x03\0\0\0", "a").risk, Some(VM_IMAGE));
    assert_eq!(probe(b"vhdxfile\0\0", "a").risk, Some(VM_IMAGE));
    assert_eq!(probe(b"conectix\0\0\0\x02", "a").risk, Some(VM_IMAGE));
    for name in ["disk.vmdk", "disk.VHD", "install.iso", "app.dmg", "vm.ova"] {
        assert_eq!(probe(b"\x01\x02\x03\x00", name).risk, Some(VM_IMAGE), "{name}");
    }
}

#[test]
fn ordinary_files_are_not_risky() {
    for name in ["photo.jpg", "report.pdf", "data.json", "clip.mp4", "noext"] {
        assert_eq!(probe(b"plain words", name).risk, None, "{name}");
    }
}

/// Real-looking headers plus a few hostile variants.
fn corpus() -> Vec<Vec<u8>> {
    vec![
        png_header(123, 321),
        png_header_with_orientation(200, 100, 6),
        gif_header(300, 200),
        jpeg_header_with_orientation(4000, 3000, 6),
        webp_vp8x_header(1920, 1080, Some(8)),
        tiff_header(50, 70, 5),
        elf_header(),
        pe_header(),
        SVG_TEXT.to_vec(),
        b"\0asm\x01\0\0\0".to_vec(),
        b"QFI\xFB\0\0\0\x03".to_vec(),
        "a,b\nZoë,€\n".as_bytes().to_vec(),
        // Absurd lengths and offsets in otherwise valid containers.
        b"\x89PNG\r\n\x1a\n\xFF\xFF\xFF\xFFeXIf".to_vec(),
        b"\xFF\xD8\xFF\xE1\xFF\xFFExif\0\0MM\0*\xFF\xFF\xFF\xFF".to_vec(),
        b"II*\0\xFF\xFF\xFF\x7F\0\0".to_vec(),
        b"RIFF\xFF\xFF\xFF\xFFWEBPEXIF\xFF\xFF\xFF\xFF".to_vec(),
        b"\0\0\0\x18ftypheic\0\0\0\0mif1heic\xFF\xFF\xFF\xFFmeta".to_vec(),
    ]
}

/// Checks what must hold for any input, beyond not panicking.
fn assert_sane(info: &MediaInfo) {
    assert!(info.content_type.contains('/'), "{info:?}");
    if let Some(d) = info.dimensions {
        assert!(d.width > 0 && d.height > 0, "{info:?}");
        assert!(info.content_type.starts_with("image/"), "{info:?}");
    }
}

#[test]
fn every_prefix_of_every_header_is_probed_without_panic() {
    for bytes in corpus() {
        for end in 0..=bytes.len() {
            let head = &bytes[..end];
            assert_sane(&StandardProbe.probe(head, "f.jpg", bytes.len() as u64));
            assert_sane(&StandardProbe.probe(head, "f", end as u64));
        }
    }
}

/// xorshift64*: deterministic, dependency-free randomness for fuzz-style tests.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[test]
fn random_and_mutated_bytes_never_panic() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let corpus = corpus();
    for round in 0..20_000 {
        let mut bytes = if round % 2 == 0 {
            (0..rng.below(200)).map(|_| rng.next() as u8).collect()
        } else {
            corpus[rng.below(corpus.len())].clone()
        };
        for _ in 0..rng.below(4) {
            if !bytes.is_empty() {
                let at = rng.below(bytes.len());
                bytes[at] = rng.next() as u8;
            }
        }
        let size = bytes.len() as u64 + rng.below(2) as u64 * 1000;
        assert_sane(&StandardProbe.probe(&bytes, "fuzz.bin", size));
    }
}
