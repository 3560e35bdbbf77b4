//! One schedule-generation pass on its own, for benchmarks and scale
//! measurements (`benches/pipeline.rs`): the problem is analysed once (the
//! precheck's instance, with the latest starts that closing availability
//! and the deadline imply), the list of each priority rule is built once,
//! and each call decodes one list with the serial generator the search
//! uses, without the search around it (no learning, no justification, no
//! time limit).

use super::instance::Instance;
use super::precheck::analyse;
use super::priority::{list_by_key, rule_keys};
use super::sgs::Sgs;
use crate::model::{Problem, Time};

/// A problem ready for single generation passes.
pub struct GenerationPass {
    inst: Instance,
    /// Each priority rule's name and activity list.
    lists: Vec<(&'static str, Vec<usize>)>,
    sgs: Sgs,
}

/// What one pass gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PassResult {
    /// A schedule of this makespan (it keeps every rule the generator
    /// sees; the search verifies its schedules before using them).
    Schedule(Time),
    /// The pass failed: why, and the activity that found no room before its
    /// latest start when that was the reason.
    Failed {
        /// The generator's reason.
        why: &'static str,
        /// The activity placed too late, if that was the reason.
        late: Option<usize>,
    },
}

impl GenerationPass {
    /// Analyses the problem and builds the priority lists; the precheck's
    /// proof when the problem has no schedule.
    pub fn new(problem: &Problem) -> Result<GenerationPass, String> {
        super::temporal::check_structure(problem)?;
        let (inst, _) = analyse(problem)?;
        let lists = rule_keys(&inst)
            .into_iter()
            .map(|(name, key)| (name, list_by_key(&inst, &key, false)))
            .collect();
        let sgs = Sgs::new(&inst);
        Ok(GenerationPass { inst, lists, sgs })
    }

    /// Number of activities of the analysed problem.
    pub fn activities(&self) -> usize {
        self.inst.n
    }

    /// Names of the priority rules, in the order [`GenerationPass::run`]
    /// takes them.
    pub fn rules(&self) -> Vec<&'static str> {
        self.lists.iter().map(|(name, _)| *name).collect()
    }

    /// One pass on the list of rule `rule` (an index into
    /// [`GenerationPass::rules`]).
    pub fn run(&mut self, rule: usize) -> PassResult {
        let list = &self.lists[rule].1;
        match self.sgs.run(&self.inst, list) {
            Some(starts) => PassResult::Schedule(self.inst.makespan(&starts)),
            None => PassResult::Failed {
                why: self.sgs.failure,
                late: self.sgs.late,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::fixtures::act;
    use crate::model::{Precedence, Resource};

    /// Two activities on a unit resource and one after the first: every
    /// rule's pass gives a schedule of 20 (the work of the resource), and a
    /// deadline below the critical path is refused up front.
    #[test]
    fn a_pass_decodes_each_rule_and_the_precheck_refuses() {
        let mut p = Problem::default();
        p.resources.push(Resource::constant("r", 1));
        p.activities.push(act("a", 10, &[(0, 1)]));
        p.activities.push(act("b", 10, &[(0, 1)]));
        p.activities.push(act("c", 5, &[]));
        p.precedences.push(Precedence {
            from: 0,
            to: 2,
            lag: 10,
        });
        let mut pass = GenerationPass::new(&p).expect("feasible");
        assert_eq!(pass.activities(), 3);
        assert!(pass.rules().contains(&"LST"));
        for rule in 0..pass.rules().len() {
            match pass.run(rule) {
                PassResult::Schedule(m) => assert!((20..=25).contains(&m), "{m}"),
                other => panic!("rule {rule}: {other:?}"),
            }
        }
        p.deadline = Some(14);
        assert!(GenerationPass::new(&p).is_err());
    }
}
