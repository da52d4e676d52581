fn main() {
    for p in std::env::args().skip(1) {
        let w = knotless::audio::read_wav(std::path::Path::new(&p)).unwrap();
        let s = knotless::core::loudness::from_i16(&w.samples);
        let peak = s.iter().fold(0.0f64, |m, x| m.max(x.abs()));
        println!(
            "{:>7.1} LUFS  peak {:>6.1} dBFS  {}",
            knotless::core::loudness::measure(&s, w.rate).unwrap(),
            20.0 * peak.log10(),
            p
        );
    }
}
