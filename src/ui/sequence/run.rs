//! A sequence running for the window: the engine's runner on a named thread of its
//! own (with its own connection), its reports over a channel, and the live state of
//! every step built from them.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread;

use crossbeam_channel::{Receiver, TryRecvError};

use super::steps::{StepKind, StepSettings};
use crate::engine::sequence::{Script, StepReport, Summary, run};
use crate::engine::{EngineError, Waker};

/// What the runner's thread tells the window.
pub enum RunEvent {
    Step(StepReport),
    Done(Result<Summary, EngineError>),
}

/// A run in progress; dropping it asks the thread to stop (it ends within the
/// runner's 100 ms slice, or when its connect attempt gives up).
pub struct Run {
    events: Receiver<RunEvent>,
    stop: Arc<AtomicBool>,
}

impl Run {
    pub fn start(
        script: Script,
        host: String,
        port: u16,
        waker: Waker,
    ) -> Result<Run, std::io::Error> {
        let (tx, events) = crossbeam_channel::unbounded();
        let stop = Arc::new(AtomicBool::new(false));
        let flag = Arc::clone(&stop);
        thread::Builder::new()
            .name(format!("sequence {host}:{port}"))
            .spawn(move || {
                let done = run(&script, &host, port, &flag, &mut |report| {
                    let _ = tx.send(RunEvent::Step(report.clone()));
                    waker();
                });
                let _ = tx.send(RunEvent::Done(done));
                waker();
            })?;
        Ok(Run { events, stop })
    }

    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
    }

    /// The next report; `Disconnected` when the thread is gone without saying
    /// how it ended (it panicked).
    pub fn try_next(&self) -> Result<RunEvent, TryRecvError> {
        self.events.try_recv()
    }
}

impl Drop for Run {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Where a step is in the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum StepState {
    #[default]
    Waiting,
    Running,
    Pass,
    Fail,
}

/// A step's live state: its last result and, for a repeated one, its tally.
#[derive(Debug, Clone, Default)]
pub struct StepResult {
    pub state: StepState,
    pub passed: u64,
    pub failed: u64,
    pub ms: u64,
    /// The last failed expect's report: what came instead.
    pub failure: Option<StepReport>,
    /// A repeat: the iterations begun.
    pub iteration: u64,
}

/// One step of the tree, flattened in preorder.
struct Node {
    repeat: bool,
    times: u64,
    parent: Option<usize>,
    children: Vec<usize>,
}

/// How a run ended.
#[derive(Debug, Clone)]
pub enum RunEnd {
    Finished(Summary),
    Stopped(Summary),
    Failed(EngineError),
}

/// The live step view's model: one result per step (in preorder), fed by the
/// runner's reports, which name their step by its line in the script.
pub struct RunView {
    nodes: Vec<Node>,
    top: Vec<usize>,
    step_lines: Vec<usize>,
    pub results: Vec<StepResult>,
    pub passed: u64,
    pub failed: u64,
    pub end: Option<RunEnd>,
}

impl RunView {
    pub fn new(steps: &[StepSettings], step_lines: Vec<usize>) -> RunView {
        let mut nodes = Vec::new();
        let top = flatten(steps, None, &mut nodes);
        let mut view = RunView {
            results: vec![StepResult::default(); nodes.len()],
            nodes,
            top,
            step_lines,
            passed: 0,
            failed: 0,
            end: None,
        };
        if let Some(&first) = view.top.first() {
            let leaf = view.enter(first);
            view.results[leaf].state = StepState::Running;
        }
        view
    }

    pub fn apply(&mut self, event: RunEvent) {
        match event {
            RunEvent::Step(report) => self.step(report),
            RunEvent::Done(done) => {
                self.finish(match done {
                    Ok(summary) if summary.stopped => RunEnd::Stopped(summary),
                    Ok(summary) => RunEnd::Finished(summary),
                    Err(error) => RunEnd::Failed(error),
                });
            }
        }
    }

    pub fn finish(&mut self, end: RunEnd) {
        for result in &mut self.results {
            if result.state == StepState::Running {
                result.state = StepState::Waiting;
            }
        }
        self.end = Some(end);
    }

    fn step(&mut self, report: StepReport) {
        if report.passed {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        let Some(index) = self.step_lines.iter().position(|&line| line == report.line) else {
            return;
        };
        let result = &mut self.results[index];
        result.ms = report.ms;
        if report.passed {
            result.passed += 1;
            result.state = StepState::Pass;
        } else {
            result.failed += 1;
            result.state = StepState::Fail;
            result.failure = Some(report);
        }
        // A failed repeated step stays red while its later passes are tallied.
        if result.failed > 0 {
            result.state = StepState::Fail;
        }
        if let Some(next) = self.next_after(index) {
            self.results[next].state = StepState::Running;
        }
    }

    /// The first step to run when `index` begins (descending into repeats).
    fn enter(&mut self, mut index: usize) -> usize {
        while self.nodes[index].repeat && !self.nodes[index].children.is_empty() {
            self.results[index].iteration = 1;
            index = self.nodes[index].children[0];
        }
        index
    }

    /// The step that runs after `index` ended, counting a repeat's iterations.
    fn next_after(&mut self, mut index: usize) -> Option<usize> {
        loop {
            let parent = self.nodes[index].parent;
            let block = match parent {
                Some(parent) => &self.nodes[parent].children,
                None => &self.top,
            };
            let at = block.iter().position(|&i| i == index)?;
            if let Some(&next) = block.get(at + 1) {
                return Some(self.enter(next));
            }
            let parent = parent?;
            if self.results[parent].iteration < self.nodes[parent].times {
                self.results[parent].iteration += 1;
                let first = self.nodes[parent].children[0];
                return Some(self.enter(first));
            }
            index = parent;
        }
    }
}

fn flatten(steps: &[StepSettings], parent: Option<usize>, nodes: &mut Vec<Node>) -> Vec<usize> {
    let mut indices = Vec::new();
    for step in steps {
        let index = nodes.len();
        let repeat = step.kind == StepKind::Repeat;
        nodes.push(Node {
            repeat,
            times: step.times,
            parent,
            children: Vec::new(),
        });
        if repeat {
            let children = flatten(&step.steps, Some(index), nodes);
            nodes[index].children = children;
        }
        indices.push(index);
    }
    indices
}
