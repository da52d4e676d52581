//! What the built binary needs from the system when it starts.

use crate::common::home::BIN;

/// Reads a little-endian number of `N` bytes at `at`.
fn le<const N: usize>(elf: &[u8], at: usize) -> u64 {
    let mut b = [0u8; 8];
    b[..N].copy_from_slice(&elf[at..at + N]);
    u64::from_le_bytes(b)
}

/// The ELF program headers' types, and the tags of the dynamic section if there is one.
fn program_headers_and_dynamic_tags(elf: &[u8]) -> (Vec<u64>, Vec<u64>) {
    assert_eq!(
        &elf[..6],
        b"\x7fELF\x02\x01",
        "not a 64-bit little-endian ELF file"
    );
    let (phoff, phentsize, phnum) = (
        le::<8>(elf, 0x20) as usize,
        le::<2>(elf, 0x36) as usize,
        le::<2>(elf, 0x38) as usize,
    );
    let (mut types, mut tags) = (Vec::new(), Vec::new());
    for i in 0..phnum {
        let ph = phoff + i * phentsize;
        let kind = le::<4>(elf, ph);
        types.push(kind);
        // PT_DYNAMIC: (tag, value) pairs up to DT_NULL.
        if kind == 2 {
            let (off, size) = (
                le::<8>(elf, ph + 8) as usize,
                le::<8>(elf, ph + 32) as usize,
            );
            for e in (off..off + size).step_by(16) {
                match le::<8>(elf, e) {
                    0 => break,
                    tag => tags.push(tag),
                }
            }
        }
    }
    (types, tags)
}

/// On Linux with glibc, knotless is linked statically (.cargo/config.toml): no dynamic
/// loader is named (PT_INTERP) and no shared library is needed (DT_NEEDED), so nothing is
/// mapped or relocated at start-up beyond the binary itself, and only the C library code
/// it runs is resident (laid out with its own code by link/hot-text.ld in release builds).
#[test]
fn needs_no_shared_library() {
    let elf = std::fs::read(BIN).unwrap();
    let (types, tags) = program_headers_and_dynamic_tags(&elf);
    assert!(
        types.contains(&1),
        "no PT_LOAD: the headers were misread: {types:?}"
    );
    assert!(
        !types.contains(&3),
        "the binary names a dynamic loader (PT_INTERP)"
    );
    assert!(
        !tags.contains(&1),
        "the binary needs shared libraries (DT_NEEDED)"
    );
}
