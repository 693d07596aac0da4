//! The two tables every run is a row of.

use super::report::Report;
use crate::common::figures::opt;

/// A table column: heading, width, and the cell of a report.
type Column = (&'static str, usize, fn(&Report) -> String);

/// Prints the reports under groups of columns, each group titled, `|` between groups.
fn print_table(groups: &[(&str, &[Column])], reports: &[Report]) {
    let line = |cell: &dyn Fn(&Column) -> String| {
        let mut out = String::new();
        for (at, (_, columns)) in groups.iter().enumerate() {
            if at > 0 {
                out += " |";
            }
            for (i, column) in columns.iter().enumerate() {
                let (pad, width) = (if at == 0 && i == 0 { "" } else { " " }, column.1);
                // The first column (the sender's name) is left-aligned.
                if at == 0 && i == 0 {
                    out += &format!("{pad}{:<width$}", cell(column));
                } else {
                    out += &format!("{pad}{:>width$}", cell(column));
                }
            }
        }
        println!("{}", out.trim_end());
    };
    let mut titles = String::new();
    for (at, (title, columns)) in groups.iter().enumerate() {
        let width: usize = columns.iter().map(|c| c.1 + 1).sum::<usize>() - 1;
        let sep = if at > 0 { " | " } else { "" };
        titles += &format!("{sep}{title:>width$}");
    }
    println!("{}", titles.trim_end());
    line(&|c| c.0.to_owned());
    for report in reports {
        line(&|c| (c.2)(report));
    }
}

fn us(value: f64) -> String {
    format!("{value:.0}")
}

pub fn pct(value: Option<f64>) -> String {
    opt(value.map(|v| format!("{v:.1}")))
}

const SENDER: [Column; 2] = [
    ("sender", 10, |r| r.kind.label().to_owned()),
    ("interval", 8, |r| format!("{} µs", r.interval.as_micros())),
];

pub fn rate_table(reports: &[Report]) {
    let counts: [Column; 6] = [
        ("sent", 6, |r| r.sent.count.to_string()),
        ("sent/s", 8, |r| format!("{:.2}", r.sent.rate)),
        ("recv", 6, |r| r.received.to_string()),
        ("recv/s", 8, |r| format!("{:.2}", r.rx_rate)),
        ("own%", 5, |r| pct(r.cpu.own)),
        ("sys%", 5, |r| pct(r.cpu.system)),
    ];
    let gaps: [Column; 4] = [
        ("p50", 6, |r| us(r.gaps.p50)),
        ("p99", 6, |r| us(r.gaps.p99)),
        ("p99.9", 6, |r| us(r.gaps.p999)),
        ("max", 6, |r| us(r.gaps.max)),
    ];
    let jitter: [Column; 4] = [
        ("p50", 5, |r| us(r.jitter.p50)),
        ("p99", 5, |r| us(r.jitter.p99)),
        ("p99.9", 5, |r| us(r.jitter.p999)),
        ("max", 5, |r| us(r.jitter.max)),
    ];
    print_table(
        &[
            ("", &SENDER),
            ("", &counts),
            ("gap between arrivals", &gaps),
            ("|gap − iv|", &jitter),
        ],
        reports,
    );
}

pub fn lateness_table(reports: &[Report]) {
    let late: [Column; 4] = [
        ("p50", 7, |r| us(r.late.p50)),
        ("p99", 7, |r| us(r.late.p99)),
        ("max", 7, |r| us(r.late.max)),
        ("last", 7, |r| us(r.late_last)),
    ];
    let e2e: [Column; 3] = [
        ("p50", 7, |r| us(r.e2e_late.p50)),
        ("p99", 7, |r| us(r.e2e_late.p99)),
        ("max", 7, |r| us(r.e2e_late.max)),
    ];
    let call: [Column; 4] = [
        ("p50", 7, |r| format!("{:.1}", r.call_late.p50)),
        ("p99", 7, |r| format!("{:.1}", r.call_late.p99)),
        ("max", 7, |r| us(r.call_late.max)),
        ("burst", 5, |r| r.catch_up.to_string()),
    ];
    let hop: [Column; 3] = [
        ("p50", 5, |r| format!("{:.1}", r.hop.p50)),
        ("p99", 5, |r| us(r.hop.p99)),
        ("max", 5, |r| us(r.hop.max)),
    ];
    print_table(
        &[
            ("", &SENDER),
            ("arrival vs a_0 + n × iv", &late),
            ("arrival vs c_0 + n × iv", &e2e),
            ("send call vs c_0 + n × iv", &call),
            ("hop call → arrival", &hop),
        ],
        reports,
    );
}
