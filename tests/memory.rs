//! Issue 10, item 10: memory does not grow with text nobody reads. Thousands of amendments
//! for records that are not there, each with a long note, must not be held in memory while
//! the figures are read. Measured with a counting allocator (bytes, not time).

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};

use knotless::store::history::{self, Detail};

struct Counting;

static NOW: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator, only counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            let now = NOW.fetch_add(l.size(), Ordering::Relaxed) + l.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        NOW.fetch_sub(l.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static A: Counting = Counting;

#[test]
fn amendments_for_unknown_records_do_not_fill_memory() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("history.jsonl");
    let mut f = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
    let note = "n".repeat(500);
    let n = 20_000;
    for i in 0..n {
        writeln!(
            f,
            r#"{{"amends":"20261124T100000000Z-{i:012x}","pain_after":2,"note":"{note}"}}"#
        )
        .unwrap();
    }
    f.flush().unwrap();
    drop(f);
    let text_bytes = std::fs::metadata(&path).unwrap().len() as usize;

    PEAK.store(NOW.load(Ordering::Relaxed), Ordering::Relaxed);
    let base = NOW.load(Ordering::Relaxed);
    let mut count = 0;
    let warnings = history::for_each(dir.path(), Detail::Figures, |_| count += 1).unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - base;
    assert_eq!(count, 0);
    // Named one by one up to a limit, then counted.
    assert!(warnings.len() <= 101, "{}", warnings.len());
    assert!(
        warnings.last().unwrap().message.contains("more amendments"),
        "{:?}",
        warnings.last()
    );
    assert!(
        warnings[0]
            .message
            .contains("20261124T100000000Z-000000000000"),
        "{:?}",
        warnings[0]
    );
    // The notes alone are 10 MB; what is kept is a small fixed size per amendment.
    assert!(
        peak < text_bytes / 3,
        "peak {peak} bytes while reading {text_bytes} bytes of amendments"
    );
}
