//! `knotless report --format html` in a real browser: a year of data (with a hostile routine
//! name and note) rendered by headless Chromium to PDF on A4 and US Letter, each at most two
//! pages; the PDF's text has the period, the figures of the JSON report and the hostile
//! texts as plain text; the HTML has no script, loads nothing, and parses without a single
//! error in a strict HTML5 parser. A screenshot and the first page as a PNG are kept under
//! `target/report-test/` (`KNOTLESS_UPDATE_DOCS_PNG=1` also writes `docs/report.png`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use html5ever::tendril::TendrilSink;
use serde_json::Value;

use crate::common::at_home;
use crate::common::report_year::{self, HOSTILE_NAME, HOSTILE_NOTE};
use crate::{dirs, knotless, text};

/// Where the screenshot and the first page are kept.
fn artifacts() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/report-test");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Every error a strict HTML5 parser reports for `html`.
fn parse_errors(html: &str) -> Vec<String> {
    let opts = html5ever::ParseOpts {
        tree_builder: html5ever::tree_builder::TreeBuilderOpts {
            exact_errors: true,
            ..Default::default()
        },
        ..Default::default()
    };
    let dom = html5ever::parse_document(markup5ever_rcdom::RcDom::default(), opts)
        .from_utf8()
        .read_from(&mut html.as_bytes())
        .unwrap();
    dom.errors.borrow().iter().map(|e| e.to_string()).collect()
}

/// Every attribute of every element of `html`, as (element, attribute, value).
fn attributes(html: &str) -> Vec<(String, String, String)> {
    use markup5ever_rcdom::{Handle, NodeData};
    fn walk(node: &Handle, out: &mut Vec<(String, String, String)>) {
        if let NodeData::Element { name, attrs, .. } = &node.data {
            for a in attrs.borrow().iter() {
                out.push((
                    name.local.to_string(),
                    a.name.local.to_string(),
                    a.value.to_string(),
                ));
            }
        }
        for child in node.children.borrow().iter() {
            walk(child, out);
        }
    }
    let dom = html5ever::parse_document(markup5ever_rcdom::RcDom::default(), Default::default())
        .from_utf8()
        .read_from(&mut html.as_bytes())
        .unwrap();
    let mut out = Vec::new();
    walk(&dom.document, &mut out);
    out
}

/// Prints the page `file` to `pdf` with Chromium; `false`, with the reason printed, when
/// Chromium cannot print here.
fn print_to_pdf(file: &Path, pdf: &Path) -> bool {
    let _ = std::fs::remove_file(pdf);
    let profile = tempfile::tempdir().unwrap();
    let out = run_bounded(
        chromium(profile.path())
            .arg(format!("--print-to-pdf={}", pdf.display()))
            .arg(format!("file://{}", file.display())),
        Duration::from_secs(120),
    );
    if !pdf.exists() {
        let why = out
            .map(|o| text(&o.stderr))
            .unwrap_or_else(|| "it did not finish".into());
        eprintln!("skipped: chromium could not print here: {why}");
        return false;
    }
    true
}

#[test]
fn the_html_report_is_self_contained_escaped_and_valid() {
    let (config, data) = dirs();
    let now = jiff::Zoned::now();
    report_year::write(data.path(), now.date(), now.time_zone());
    let out = knotless(
        config.path(),
        data.path(),
        &["report", "--since", "1y", "--format", "html"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = text(&out.stdout);
    std::fs::write(artifacts().join("report.html"), &html).unwrap();

    let lower = html.to_lowercase();
    assert!(!lower.contains("<script"), "a script element");
    assert!(!lower.contains("<img"), "an image element");
    assert!(!lower.contains("<link"), "a link element");
    assert!(!lower.contains("url("), "a URL in the CSS");
    assert!(!lower.contains("@import"), "an import in the CSS");
    let attrs = attributes(&html);
    assert!(attrs.len() > 100, "the page has its classes and charts");
    for (element, name, value) in &attrs {
        assert!(
            !(name.contains("src") || name.contains("href")) || !value.contains("http"),
            "<{element} {name}={value:?}>"
        );
        assert!(
            !name.starts_with("on"),
            "<{element} {name}>: an event handler"
        );
    }
    // The escaped note names an image: as text, not as an element.
    assert!(attrs.iter().all(|(e, _, _)| e != "img"));
    for raw in [HOSTILE_NAME, HOSTILE_NOTE] {
        assert!(!html.contains(raw), "unescaped: {raw}");
    }
    assert!(html.contains("&lt;script&gt;alert(&quot;knotless&quot;)&lt;/script&gt; Neck &amp; &quot;jaw&quot; &lt;b&gt;"));
    assert!(html.contains("&lt;/p&gt;&lt;img src=&quot;http://example.com/x.png&quot;"));
    let errors = parse_errors(&html);
    assert!(errors.is_empty(), "{errors:#?}");
    // The parser does catch what a broken page would be.
    assert!(!parse_errors("<p>a</b>").is_empty());
}

/// Runs `cmd` for at most `limit`, in a process group of its own that is killed whole when
/// it overruns. `None` when it could not be started or overran.
fn run_bounded(cmd: &mut Command, limit: Duration) -> Option<std::process::Output> {
    use std::os::unix::process::CommandExt;
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .process_group(0)
        .spawn()
        .ok()?;
    let pid = child.id() as i32;
    let start = Instant::now();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    loop {
        if let Ok(out) = rx.recv_timeout(Duration::from_millis(100)) {
            // Chromium's helpers may outlive the browser: stop the whole group.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
            return out.ok();
        }
        if start.elapsed() > limit {
            unsafe { libc::kill(-pid, libc::SIGKILL) };
            return None;
        }
    }
}

/// Headless Chromium with a profile of its own that reaches nothing on the network, at the
/// tests' home.
fn chromium(profile: &Path) -> Command {
    let mut c = at_home(Command::new("chromium"));
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--no-pdf-header-footer",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// Whether one of `tools` is missing, said as the reason the test is skipped.
fn printing_tools_missing(tools: &[&str]) -> bool {
    let missing = tools.iter().find(|t| tool_missing(t));
    if let Some(tool) = missing {
        eprintln!("skipped: {tool} is not installed (.ci/run installs chromium and poppler-utils)");
    }
    missing.is_some()
}

fn tool_missing(tool: &str) -> bool {
    at_home(Command::new(tool))
        .arg("--version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_err()
}

/// `pdfinfo`'s page count and page size line.
fn pdf_pages(pdf: &Path) -> (u32, String) {
    let info = at_home(Command::new("pdfinfo")).arg(pdf).output().unwrap();
    let info = text(&info.stdout);
    let line = |key: &str| {
        info.lines()
            .find(|l| l.starts_with(key))
            .unwrap_or_else(|| panic!("{key} in {info}"))
            .trim_start_matches(key)
            .trim()
            .to_string()
    };
    (line("Pages:").parse().unwrap(), line("Page size:"))
}

#[test]
fn the_html_report_prints_on_two_pages_in_a_real_browser() {
    if printing_tools_missing(&["chromium", "pdfinfo", "pdftotext", "pdftoppm"]) {
        return;
    }
    let (config, data) = dirs();
    let now = jiff::Zoned::now();
    report_year::write(data.path(), now.date(), now.time_zone());
    let run = |format: &str| {
        let out = knotless(
            config.path(),
            data.path(),
            &["report", "--since", "1y", "--format", format],
        );
        assert!(out.status.success(), "{}", text(&out.stderr));
        text(&out.stdout)
    };
    let html = run("html");
    let json: Value = serde_json::from_str(&run("json")).unwrap();
    let work = tempfile::tempdir().unwrap();
    let keep = artifacts();

    // The same page, on each paper size.
    let mut pdf_text = String::new();
    for (paper, size) in [("a4", "A4"), ("letter", "letter")] {
        let page = html.replacen(
            "</head>",
            &format!("<style>@page{{size:{paper}}}</style></head>"),
            1,
        );
        let file = work.path().join(format!("report-{paper}.html"));
        std::fs::write(&file, page).unwrap();
        let pdf = keep.join(format!("report-{paper}.pdf"));
        if !print_to_pdf(&file, &pdf) {
            return;
        }
        let (pages, page_size) = pdf_pages(&pdf);
        assert!(page_size.contains(size), "{paper}: {page_size}");
        assert!((1..=2).contains(&pages), "{paper}: {pages} pages");
        let title = title_height(&pdf);
        assert!(
            title >= 15.0,
            "{paper}: the page was shrunk to fit ({title} pt title)"
        );
        let t = at_home(Command::new("pdftotext"))
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        pdf_text = text(&t.stdout);
    }
    check_pdf_text(&pdf_text, &json);

    // The first page as a small PNG, and a screenshot of the page as a browser shows it.
    let a4 = keep.join("report-a4.pdf");
    let png = at_home(Command::new("pdftoppm"))
        .args([
            "-png",
            "-gray",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
        ])
        .arg(&a4)
        .arg(keep.join("report-page1"))
        .status()
        .unwrap();
    assert!(png.success());
    if std::env::var_os("KNOTLESS_UPDATE_DOCS_PNG").is_some() {
        std::fs::copy(
            keep.join("report-page1.png"),
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/report.png"),
        )
        .unwrap();
    }
    let shot = keep.join("report-screenshot.png");
    let _ = std::fs::remove_file(&shot);
    let profile = tempfile::tempdir().unwrap();
    let file = work.path().join("report.html");
    std::fs::write(&file, &html).unwrap();
    run_bounded(
        chromium(profile.path())
            .arg(format!("--screenshot={}", shot.display()))
            .arg("--window-size=900,1300")
            .arg(format!("file://{}", file.display())),
        Duration::from_secs(120),
    );
    assert!(shot.exists(), "no screenshot at {}", shot.display());
}

/// The height of the title's first word on the PDF's first page, in points: a page wider
/// than the paper (a long word that would not wrap) is printed shrunk, and its title with it.
fn title_height(pdf: &Path) -> f64 {
    let out = at_home(Command::new("pdftotext"))
        .args(["-bbox", "-f", "1", "-l", "1"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    let xml = text(&out.stdout);
    let word = xml
        .lines()
        .find(|l| l.contains("<word") && l.contains(">Self-care<"))
        .unwrap_or_else(|| panic!("no title in {xml}"));
    let number = |key: &str| -> f64 {
        let at = word.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
        word[at..at + word[at..].find('"').unwrap()]
            .parse()
            .unwrap()
    };
    number("yMax") - number("yMin")
}

/// What the printed page must say: the period, the figures the JSON report gives, and the
/// hostile texts as the plain text they are.
fn check_pdf_text(pdf: &str, json: &Value) {
    let flat = pdf.split_whitespace().collect::<Vec<_>>().join(" ");
    let day = |key: &str| {
        let d: jiff::civil::Date = json["period"][key].as_str().unwrap().parse().unwrap();
        d.strftime("%a %-d %b %Y").to_string()
    };
    let period = format!(
        "{} to {} ({} whole days)",
        day("from"),
        day("to"),
        json["period"]["days"]
    );
    assert!(flat.contains(&period), "{period}\n{flat}");
    let h = &json["headache"]["days"];
    let days_line = format!(
        "Answered on {} of the {} days: {} headache days ({} migraine), {} with acute medicine.",
        h["answered"], json["period"]["days"], h["headache"], h["migraine"], h["acute_med"]
    );
    assert!(flat.contains(&days_line), "{days_line}\n{flat}");
    let t = &json["self_care"];
    let sessions = format!(
        "{} self-care sessions ({} completed",
        t["sessions"], t["completed"]
    );
    assert!(flat.contains(&sessions), "{sessions}\n{flat}");
    assert!(
        flat.contains("a simple painkiller on 14, a triptan on 9"),
        "{flat}"
    );
    // The newest window's row.
    let w = &json["headache"]["windows"][0];
    let end: jiff::civil::Date = w["end"].as_str().unwrap().parse().unwrap();
    let row = format!(
        "{} {}/28 {} {} {}",
        end.strftime("%a %-d %b %Y"),
        w["answered"],
        w["headache_days"],
        w["migraine_days"],
        w["acute_med_days"]
    );
    assert!(flat.contains(&row), "{row}\n{flat}");
    // A routine's head pain, as shown.
    let neck = json["routines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["routine_id"] == "neck-release")
        .unwrap();
    let before =
        knotless::model::format::fmt_fixed(neck["pain"]["before_avg"].as_f64().unwrap(), 1);
    let change = format!("(n={})", neck["pain"]["n"]);
    let row = format!("Neck release between sessions neck {}", neck["sessions"]);
    let at = flat.find(&row).unwrap_or_else(|| panic!("{row}\n{flat}"));
    let rest = &flat[at..at + 120.min(flat.len() - at)];
    assert!(
        rest.contains(&before) && rest.contains(&change),
        "{before} {change}: {rest}"
    );
    // Hostile texts print as text: the markup is visible, nothing was run or loaded.
    assert!(
        flat.contains("<script>alert(\"knotless\")</script> Neck & \"jaw\""),
        "{flat}"
    );
    assert!(
        flat.contains("</p><img src=\"http://example.com/x.png\""),
        "{flat}"
    );
    assert!(flat.contains(knotless::cli::report::NOT_ADVICE), "{flat}");
}

/// Three years with 18 routines: the page has self-care by area, says what it leaves to
/// the Markdown and JSON reports (head pain by month, older windows, more routines, earlier
/// calendar months), and still prints on two A4 or US Letter pages.
#[test]
fn a_three_year_html_report_with_its_areas_and_months_prints_on_two_pages() {
    if printing_tools_missing(&["chromium", "pdfinfo", "pdftotext"]) {
        return;
    }
    let (config, data) = dirs();
    let now = jiff::Zoned::now();
    report_year::write_over(data.path(), now.date(), now.time_zone(), 3 * 365, 18);
    let out = knotless(
        config.path(),
        data.path(),
        &["report", "--since", "all", "--format", "html"],
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let html = text(&out.stdout);
    let work = tempfile::tempdir().unwrap();
    for paper in ["a4", "letter"] {
        let page = html.replacen(
            "</head>",
            &format!("<style>@page{{size:{paper}}}</style></head>"),
            1,
        );
        let file = work.path().join(format!("long-{paper}.html"));
        std::fs::write(&file, page).unwrap();
        let pdf = artifacts().join(format!("report-3y-{paper}.pdf"));
        if !print_to_pdf(&file, &pdf) {
            return;
        }
        let (pages, _) = pdf_pages(&pdf);
        assert!((1..=2).contains(&pages), "{paper}: {pages} pages");
        let t = at_home(Command::new("pdftotext"))
            .arg(&pdf)
            .arg("-")
            .output()
            .unwrap();
        let flat = text(&t.stdout)
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ");
        for said in [
            "By area: neck ",
            "Head pain before and after sessions by month (",
            "months) is in the Markdown and JSON reports.",
            "more routines (",
            "older windows of the period are in the Markdown and JSON reports.",
            "earlier months are counted above but not drawn.",
        ] {
            assert!(flat.contains(said), "{paper}: {said:?} in {flat}");
        }
    }
}
