//! Drawing the app off-screen, for tests and the render benchmark (which includes this
//! file by path): the app's public layout and render, into a TestBackend.

use knotless::app::App;
use ratatui::buffer::Buffer;

/// Lays the app out for a `width`×`height` window and draws it into an off-screen buffer.
pub fn draw(app: &mut App, width: u16, height: u16, now: std::time::Instant) -> Buffer {
    let backend = ratatui::backend::TestBackend::new(width, height);
    let mut terminal = ratatui::Terminal::new(backend).expect("test backend");
    app.layout(ratatui::layout::Rect::new(0, 0, width, height), now);
    terminal.draw(|f| app.render(f, now)).expect("draw");
    terminal.backend().buffer().clone()
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
