//! What the built binary needs from the system when it starts.

use object::Endianness;
use object::elf::{DT_NEEDED, FileHeader64, PT_INTERP, PT_LOAD};
use object::read::elf::{Dyn, FileHeader, ProgramHeader};

use crate::common::home::BIN;

/// On Linux with glibc, knotless is linked statically (.cargo/config.toml): no dynamic
/// loader is named (PT_INTERP) and no shared library is needed (DT_NEEDED), so nothing is
/// mapped or relocated at start-up beyond the binary itself, and only the C library code
/// it runs is resident (laid out with its own code by link/hot-text.ld in release builds).
#[test]
fn needs_no_shared_library() {
    let data = std::fs::read(BIN).unwrap();
    let elf = FileHeader64::<Endianness>::parse(&*data).expect("a 64-bit ELF file");
    let endian = elf.endian().unwrap();
    let headers = elf.program_headers(endian, &*data).unwrap();
    let types: Vec<u32> = headers.iter().map(|h| h.p_type(endian)).collect();
    assert!(
        types.contains(&PT_LOAD),
        "no PT_LOAD: the headers were misread: {types:?}"
    );
    assert!(
        !types.contains(&PT_INTERP),
        "the binary names a dynamic loader (PT_INTERP)"
    );
    let mut tags = Vec::new();
    for h in headers {
        if let Some(dynamic) = h.dynamic(endian, &*data).unwrap() {
            tags.extend(
                dynamic
                    .iter()
                    .filter_map(|d| d.tag32(endian))
                    .map(i64::from),
            );
        }
    }
    assert!(
        !tags.contains(&DT_NEEDED),
        "the binary needs shared libraries (DT_NEEDED)"
    );
}
