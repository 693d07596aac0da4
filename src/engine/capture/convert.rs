//! A JSON-lines capture taken earlier, written again as pcapng: read a line,
//! write its packets, so any size of file converts in bounded memory. A bad
//! line stops the conversion, and the half-written output is removed.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::Path;

use super::pcapng::PcapNgCaptureWriter;
use super::read_json_lines::{CaptureFileError, ConvertDefaults, JsonLinesReader, ReadFailure};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ConvertSummary {
    /// Records read (data and connection events).
    pub records: u64,
    /// Packets written (a handshake is three, a long read several).
    pub packets: u64,
}

pub fn convert_to_pcapng(
    input: &Path,
    output: &Path,
    defaults: ConvertDefaults,
) -> Result<ConvertSummary, CaptureFileError> {
    let input_name = input.display().to_string();
    let output_name = output.display().to_string();
    let open_failed = |message: String| CaptureFileError::Open {
        path: input_name.clone(),
        message,
    };
    let source = File::open(input).map_err(|err| open_failed(err.to_string()))?;
    let meta = source
        .metadata()
        .map_err(|err| open_failed(err.to_string()))?;
    if !meta.is_file() {
        return Err(open_failed(std::io::ErrorKind::InvalidInput.to_string()));
    }
    if same_file(input, output) {
        return Err(CaptureFileError::SameFile { path: output_name });
    }
    let created = File::create(output).map_err(|err| CaptureFileError::Create {
        path: output_name.clone(),
        message: err.to_string(),
    })?;
    let written = write_all(source, created, defaults, &input_name, &output_name);
    if written.is_err() {
        let _ = std::fs::remove_file(output);
    }
    written
}

fn write_all(
    source: File,
    out: File,
    defaults: ConvertDefaults,
    input_name: &str,
    output_name: &str,
) -> Result<ConvertSummary, CaptureFileError> {
    let write_failed = |err: std::io::Error| CaptureFileError::Write {
        path: output_name.to_owned(),
        message: err.to_string(),
    };
    let mut writer =
        PcapNgCaptureWriter::new(BufWriter::with_capacity(1 << 20, out)).map_err(write_failed)?;
    let mut reader = JsonLinesReader::new(BufReader::with_capacity(1 << 20, source), defaults);
    let mut records = 0;
    loop {
        let record = match reader.next_record() {
            Ok(Some(record)) => record,
            Ok(None) => break,
            Err(ReadFailure::Io(err)) => {
                return Err(CaptureFileError::Read {
                    path: input_name.to_owned(),
                    message: err.to_string(),
                });
            }
            Err(ReadFailure::Line(line, problem)) => {
                return Err(CaptureFileError::Line {
                    path: input_name.to_owned(),
                    line,
                    problem,
                });
            }
        };
        writer.write(&record.item()).map_err(write_failed)?;
        records += 1;
    }
    writer.flush().map_err(write_failed)?;
    Ok(ConvertSummary {
        records,
        packets: writer.packets(),
    })
}

/// Whether `output` names the input file (writing it would destroy it).
fn same_file(input: &Path, output: &Path) -> bool {
    match (std::fs::canonicalize(input), std::fs::canonicalize(output)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}
