//! The steps as the panel edits them, kept in the tab's settings, and their TOML
//! file: the same `[[step]]` tables `netdbg run` reads, so a script saved in the
//! window runs headless unchanged and the other way round.

use serde::{Deserialize, Serialize};

use crate::codec::{Framing, TextEncoding};
use crate::engine::sequence::MAX_TIMEOUT_MS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum StepKind {
    Send,
    Expect,
    Wait,
    Repeat,
}

impl StepKind {
    pub const ALL: [StepKind; 4] = [
        StepKind::Send,
        StepKind::Expect,
        StepKind::Wait,
        StepKind::Repeat,
    ];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SendMode {
    Text,
    Hex,
    /// `text` is a file's path.
    File,
}

impl SendMode {
    pub const ALL: [SendMode; 3] = [SendMode::Text, SendMode::Hex, SendMode::File];
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ExpectMode {
    Contains,
    Equals,
    Regex,
    Hex,
}

impl ExpectMode {
    pub const ALL: [ExpectMode; 4] = [
        ExpectMode::Contains,
        ExpectMode::Equals,
        ExpectMode::Regex,
        ExpectMode::Hex,
    ];
}

/// One step; every kind's fields are kept, so switching the kind back and forth
/// keeps what was typed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct StepSettings {
    pub kind: StepKind,
    pub send_mode: SendMode,
    pub expect_mode: ExpectMode,
    /// A send's text, HEX or file path (variables on), or what an expect looks for.
    pub text: String,
    pub timeout_ms: u64,
    /// An expect_regex's capture saved as `${name}`; empty: none.
    pub save_as: String,
    pub wait_ms: u64,
    pub times: u64,
    /// A repeat's block.
    pub steps: Vec<StepSettings>,
    pub continue_on_fail: bool,
}

impl Default for StepSettings {
    fn default() -> Self {
        StepSettings {
            kind: StepKind::Send,
            send_mode: SendMode::Text,
            expect_mode: ExpectMode::Contains,
            text: String::new(),
            timeout_ms: 1000,
            save_as: String::new(),
            wait_ms: 100,
            times: 2,
            steps: Vec::new(),
            continue_on_fail: false,
        }
    }
}

impl StepSettings {
    pub fn send(text: &str) -> Self {
        StepSettings {
            text: text.to_owned(),
            ..StepSettings::default()
        }
    }

    pub fn expect(text: &str, timeout_ms: u64) -> Self {
        StepSettings {
            kind: StepKind::Expect,
            text: text.to_owned(),
            timeout_ms,
            ..StepSettings::default()
        }
    }
}

/// Where a script runs and how it reads, from the tab's settings.
#[derive(Debug, Clone, PartialEq)]
pub struct ScriptContext {
    pub target: String,
    pub udp: bool,
    pub encoding: TextEncoding,
    pub framing: Framing,
}

/// A script's TOML, and the line of each step's `[[step]]` header, in the order
/// [`preorder`] walks the steps.
pub struct ScriptText {
    pub text: String,
    pub step_lines: Vec<usize>,
}

impl ScriptText {
    /// The step (in [`preorder`]) whose table holds `line`.
    pub fn step_at(&self, line: usize) -> Option<usize> {
        self.step_lines.iter().rposition(|&start| start <= line)
    }
}

/// The steps in the order the file lists them: each step, then a repeat's block
/// (a step switched away from repeat keeps its block, unused).
pub fn preorder(steps: &[StepSettings]) -> Vec<&StepSettings> {
    let mut out = Vec::new();
    fn walk<'a>(steps: &'a [StepSettings], out: &mut Vec<&'a StepSettings>) {
        for step in steps {
            out.push(step);
            if step.kind == StepKind::Repeat {
                walk(&step.steps, out);
            }
        }
    }
    walk(steps, &mut out);
    out
}

/// The script as TOML, with the tab's target, transport, encoding and framing.
pub fn to_toml(steps: &[StepSettings], context: &ScriptContext) -> ScriptText {
    let file = FileScript {
        target: Some(context.target.trim().to_owned()),
        transport: Some(if context.udp { "udp" } else { "tcp" }.to_owned()),
        encoding: Some(context.encoding.label().to_owned()),
        frame: (context.framing != Framing::AsRead).then(|| context.framing.to_string()),
        on_fail: None,
        step: steps.iter().map(|step| file_step(step, false)).collect(),
    };
    // Plain data with string keys: serialising cannot fail.
    let text = toml::to_string(&file).unwrap_or_default();
    let step_lines = text
        .lines()
        .enumerate()
        .filter(|(_, line)| {
            let line = line.trim();
            line.starts_with("[[step") && line.ends_with("]]")
        })
        .map(|(index, _)| index + 1)
        .collect::<Vec<_>>();
    // A header-like line inside a multi-line string would shift the map: then
    // name no step rather than the wrong one.
    let step_lines = if step_lines.len() == preorder(steps).len() {
        step_lines
    } else {
        Vec::new()
    };
    ScriptText { text, step_lines }
}

fn file_step(step: &StepSettings, inherited_continue: bool) -> FileStep {
    let mut out = FileStep {
        on_fail: (step.continue_on_fail != inherited_continue).then(|| {
            if step.continue_on_fail {
                "continue"
            } else {
                "stop"
            }
            .to_owned()
        }),
        ..FileStep::default()
    };
    let text = Some(step.text.clone());
    match step.kind {
        StepKind::Send => match step.send_mode {
            SendMode::Text => out.send = text,
            SendMode::Hex => out.send_hex = text,
            SendMode::File => out.send_file = text,
        },
        StepKind::Expect => {
            match step.expect_mode {
                ExpectMode::Contains => out.expect = text,
                ExpectMode::Equals => out.expect_equals = text,
                ExpectMode::Regex => out.expect_regex = text,
                ExpectMode::Hex => out.expect_hex = text,
            }
            out.timeout_ms = Some(clamp_ms(step.timeout_ms));
            let save = step.save_as.trim();
            if step.expect_mode == ExpectMode::Regex && !save.is_empty() {
                out.save = Some(save.to_owned());
            }
        }
        StepKind::Wait => out.wait_ms = Some(clamp_ms(step.wait_ms)),
        StepKind::Repeat => {
            out.repeat = Some(i64::try_from(step.times).unwrap_or(i64::MAX));
            out.step = step
                .steps
                .iter()
                .map(|inner| file_step(inner, step.continue_on_fail))
                .collect();
        }
    }
    out
}

fn clamp_ms(ms: u64) -> i64 {
    i64::try_from(ms).unwrap_or(i64::MAX)
}

/// Reads the steps of a script file (the target, transport, encoding and framing
/// are the tab's). Only the file's shape is checked here; the engine's checker
/// names what else is wrong, at its step, once it is in the panel.
pub fn from_toml(text: &str) -> Result<Vec<StepSettings>, toml::de::Error> {
    let file: FileScript = toml::from_str(text)?;
    let inherited = file.on_fail.as_deref() == Some("continue");
    Ok(file
        .step
        .into_iter()
        .map(|step| settings_step(step, inherited))
        .collect())
}

fn settings_step(file: FileStep, inherited_continue: bool) -> StepSettings {
    let continue_on_fail = match file.on_fail.as_deref() {
        Some("continue") => true,
        Some(_) => false,
        None => inherited_continue,
    };
    let mut step = StepSettings {
        continue_on_fail,
        ..StepSettings::default()
    };
    let ms = |value: Option<i64>, default: u64| {
        value.map_or(default, |ms| ms.clamp(0, MAX_TIMEOUT_MS) as u64)
    };
    let sends = [
        (file.send, SendMode::Text),
        (file.send_hex, SendMode::Hex),
        (file.send_file, SendMode::File),
    ];
    let expects = [
        (file.expect, ExpectMode::Contains),
        (file.expect_equals, ExpectMode::Equals),
        (file.expect_regex, ExpectMode::Regex),
        (file.expect_hex, ExpectMode::Hex),
    ];
    if let Some((text, mode)) = sends
        .into_iter()
        .find_map(|(text, mode)| text.map(|t| (t, mode)))
    {
        step.send_mode = mode;
        step.text = text;
    } else if let Some((text, mode)) = expects
        .into_iter()
        .find_map(|(text, mode)| text.map(|t| (t, mode)))
    {
        step.kind = StepKind::Expect;
        step.expect_mode = mode;
        step.text = text;
        step.timeout_ms = ms(file.timeout_ms, 1000);
        step.save_as = file.save.unwrap_or_default();
    } else if let Some(wait) = file.wait_ms {
        step.kind = StepKind::Wait;
        step.wait_ms = ms(Some(wait), 100);
    } else if let Some(times) = file.repeat {
        step.kind = StepKind::Repeat;
        step.times = times.max(1) as u64;
        step.steps = file
            .step
            .into_iter()
            .map(|inner| settings_step(inner, continue_on_fail))
            .collect();
    }
    step
}

/// A script file's shape (what `netdbg run` reads; see `engine::sequence::script`).
#[derive(Default, Serialize, Deserialize)]
struct FileScript {
    #[serde(skip_serializing_if = "Option::is_none")]
    target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    transport: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    encoding: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    frame: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    on_fail: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    step: Vec<FileStep>,
}

#[derive(Default, Serialize, Deserialize)]
struct FileStep {
    #[serde(skip_serializing_if = "Option::is_none")]
    send: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    send_hex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    send_file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expect: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expect_equals: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expect_regex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    expect_hex: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    timeout_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    save: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    wait_ms: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    repeat: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    on_fail: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    step: Vec<FileStep>,
}

/// A step's place in the tree: its index in each enclosing block, outermost first.
pub type StepPath = Vec<usize>;

/// The block holding the step at `path`, and its index there.
pub fn block_of<'a>(
    steps: &'a mut Vec<StepSettings>,
    path: &[usize],
) -> Option<(&'a mut Vec<StepSettings>, usize)> {
    let (&last, outer) = path.split_last()?;
    let mut block = steps;
    for &index in outer {
        block = &mut block.get_mut(index)?.steps;
    }
    (last < block.len()).then_some((block, last))
}

/// What the editor was asked to do to the tree this frame.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Add,
    AddInside(StepPath),
    Remove(StepPath),
    MoveUp(StepPath),
    MoveDown(StepPath),
}

pub fn apply_edit(steps: &mut Vec<StepSettings>, edit: Edit) {
    match edit {
        Edit::Add => steps.push(StepSettings::default()),
        Edit::AddInside(path) => {
            if let Some((block, index)) = block_of(steps, &path) {
                block[index].steps.push(StepSettings::default());
            }
        }
        Edit::Remove(path) => {
            if let Some((block, index)) = block_of(steps, &path) {
                block.remove(index);
            }
        }
        Edit::MoveUp(path) => {
            if let Some((block, index)) = block_of(steps, &path)
                && index > 0
            {
                block.swap(index, index - 1);
            }
        }
        Edit::MoveDown(path) => {
            if let Some((block, index)) = block_of(steps, &path)
                && index + 1 < block.len()
            {
                block.swap(index, index + 1);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> ScriptContext {
        ScriptContext {
            target: "127.0.0.1:8080".to_owned(),
            udp: false,
            encoding: TextEncoding::Gbk,
            framing: Framing::Line,
        }
    }

    #[test]
    fn a_nested_script_round_trips_and_maps_its_lines() {
        let repeat = StepSettings {
            kind: StepKind::Repeat,
            times: 3,
            continue_on_fail: true,
            steps: vec![
                StepSettings::send("ping ${seq}"),
                StepSettings {
                    expect_mode: ExpectMode::Regex,
                    save_as: "n".to_owned(),
                    continue_on_fail: false,
                    ..StepSettings::expect("pong (\\d+)", 200)
                },
            ],
            ..StepSettings::default()
        };
        let steps = vec![
            StepSettings::send("你好"),
            repeat,
            StepSettings {
                kind: StepKind::Wait,
                wait_ms: 5,
                ..StepSettings::default()
            },
        ];
        let script = to_toml(&steps, &context());
        assert_eq!(script.step_lines.len(), 5, "{}", script.text);
        let lines: Vec<&str> = script.text.lines().collect();
        assert_eq!(lines[script.step_lines[2] - 1].trim(), "[[step.step]]");
        assert!(script.text.contains("frame = \"line\""), "{}", script.text);
        assert!(
            script.text.contains("encoding = \"GBK\""),
            "{}",
            script.text
        );
        assert_eq!(from_toml(&script.text).expect("reads back"), steps);
        let parsed =
            crate::engine::sequence::Script::parse(&script.text, std::path::Path::new("."), None)
                .expect("the engine reads it");
        assert_eq!(parsed.steps.len(), 3);
        assert_eq!(parsed.steps[1].line, script.step_lines[1]);
    }

    #[test]
    fn edits_move_and_remove_within_a_block() {
        let mut steps = vec![StepSettings::send("a"), StepSettings::send("b")];
        apply_edit(&mut steps, Edit::MoveDown(vec![0]));
        assert_eq!(steps[0].text, "b");
        apply_edit(&mut steps, Edit::MoveDown(vec![1]));
        assert_eq!(steps[1].text, "a");
        apply_edit(&mut steps, Edit::Remove(vec![0]));
        assert_eq!(steps.len(), 1);
        assert_eq!(steps[0].text, "a");
    }
}
