//! `cargo run --release -p surveillance --example monitor -- evaluate|bench N PERIODS`
use surveillance::simulate::{evaluate, format_table};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("bench") => {
            let n = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10_000);
            let p = args.get(3).and_then(|s| s.parse().ok()).unwrap_or(24);
            match surveillance::bench(n, p, 42) {
                Ok(r) => println!("{r:#?}"),
                Err(e) => eprintln!("error: {e}"),
            }
        }
        _ => {
            let t = std::time::Instant::now();
            let rows = evaluate(20261127);
            print!("{}", format_table(&rows));
            println!("elapsed {:.1}s", t.elapsed().as_secs_f64());
        }
    }
}
