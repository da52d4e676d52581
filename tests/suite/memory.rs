//! Memory does not grow with text nobody reads. Thousands of amendments
//! for records that are not there, each with a long note, must not be held in memory while
//! the figures are read. Measured with a counting allocator (bytes, not time).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::Write;

use knotless::store::history::{self, Detail};

/// Counts the bytes this thread holds, and the most it held: the other tests of the binary
/// allocate on their own threads at the same time, and must not be counted.
struct Counting;

thread_local! {
    // Const-initialised and without a destructor, so reading them never allocates.
    static NOW: Cell<isize> = const { Cell::new(0) };
    static PEAK: Cell<isize> = const { Cell::new(0) };
}

fn count(delta: isize) {
    let _ = NOW.try_with(|now| {
        now.set(now.get() + delta);
        let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now.get())));
    });
}

// SAFETY: forwards to the system allocator, only counting.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(l) };
        if !p.is_null() {
            count(l.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        unsafe { System.dealloc(p, l) };
        count(-(l.size() as isize));
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

    let base = NOW.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let mut records = 0;
    let warnings = history::for_each(dir.path(), Detail::Figures, |_| records += 1).unwrap();
    let peak = (PEAK.with(Cell::get) - base) as usize;
    assert_eq!(records, 0);
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

/// A pattern is held once however many steps breathe with it: the steps of a routine that
/// each name its file's own pattern share it, and a library pattern is shared with the
/// library.
#[test]
fn steps_share_the_patterns_they_breathe_with() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("config.toml"),
        "[patterns.calm]\ninhale = \"4s\"\nexhale = \"6s\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("routines")).unwrap();
    let step = |title: &str, breathing: &str| {
        format!(
            "[[steps]]\ntitle = \"{title}\"\nduration = \"30s\"\ninstructions = \"Breathe.\"\n{breathing}"
        )
    };
    let text = format!(
        "name = \"Shared\"\narea = \"neck\"\nbreathing = \"mine\"\n\n[patterns.mine]\ninhale = \"4s\"\nexhale = \"7s\"\n\n{}{}{}",
        step("One", "breathing = \"mine\"\n"),
        step("Two", "breathing = \"mine\"\n"),
        step("Three", "breathing = \"calm\"\n"),
    );
    std::fs::write(dir.path().join("routines/shared.toml"), text).unwrap();
    let lib = knotless::library::Library::load(Some(dir.path()));
    assert!(lib.problems.is_empty(), "{:?}", lib.problems);
    let r = lib.routines.iter().find(|r| r.id == "shared").unwrap();
    let pacer = |i: usize| r.steps[i].breathing.clone().expect("a pacer");
    assert_eq!(pacer(0).id, "mine");
    assert!(std::sync::Arc::ptr_eq(&pacer(0), &pacer(1)));
    assert!(std::sync::Arc::ptr_eq(
        &pacer(2),
        lib.pattern("calm").unwrap()
    ));
}
