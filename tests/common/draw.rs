//! Drawing the app off-screen, for tests and the render benchmark (which includes this
//! file by path): the app's public layout and render, into a TestBackend.

use knotless::app::App;
use ratatui::buffer::Buffer;

type Off = ratatui::Terminal<ratatui::backend::TestBackend>;

thread_local! {
    /// One off-screen terminal per thread, made again when the size changes: tests draw
    /// thousands of frames, and a new terminal's buffers cost more than drawing into them.
    static TERMINAL: std::cell::RefCell<Option<Off>> = const { std::cell::RefCell::new(None) };
}

/// Lays the app out for a `width`×`height` window and draws it into an off-screen buffer:
/// the whole frame, whatever was drawn before.
pub fn draw(app: &mut App, width: u16, height: u16, now: std::time::Instant) -> Buffer {
    let area = ratatui::layout::Rect::new(0, 0, width, height);
    TERMINAL.with_borrow_mut(|terminal| {
        let terminal = match terminal {
            Some(t) if t.backend().buffer().area == area => t,
            _ => terminal.insert(
                ratatui::Terminal::new(ratatui::backend::TestBackend::new(width, height))
                    .expect("test backend"),
            ),
        };
        app.layout(area, now);
        terminal
            .draw(|f| app.render(f, now))
            .expect("draw")
            .buffer
            .clone()
    })
}

/// The buffer as plain lines, for snapshots: wide characters take their columns once.
pub fn buffer_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in 0..area.height {
        let mut line = String::new();
        let mut skip = 0;
        for x in 0..area.width {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            line.push_str(sym);
            skip = ratatui::text::Span::raw(sym).width().saturating_sub(1);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}
