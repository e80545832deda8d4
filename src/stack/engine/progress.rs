//! The progress cap: the most progress any assignment can make, proven before the main
//! search when its first pass did not prove the optimum.
//!
//! This file owns the search over sets of leaves that are met together. It asks the local
//! moves (`local.rs`, which can only say "yes") and then the exact search, in its
//! feasibility mode (stop at the first complete assignment), whether every leaf of a set can
//! be met at once, and remembers each set it proves impossible, shrunk to a
//! minimal *core*: every set that contains a core is impossible too, without asking again.
//! Sets are taken by their progress, most first, each impossible one giving way to itself
//! minus one leaf of its core. So the first possible set has the most progress any
//! assignment can make (the cap is then exact, and the assignment found is an incumbent);
//! and when the budget runs out, the progress of the set in hand still bounds every
//! assignment's, since every set of more progress was proven impossible.
//!
//! Why it is sound: a possible set never contains a core, so whenever a set containing it
//! is found impossible, one of that set's children (minus one leaf of the core) still
//! contains it. Progress only grows with the leaves met, so no possible set outranks the
//! best set left to try.

use std::collections::{BinaryHeap, HashSet};

use super::{local, prepare, Choice, Item, Node, Problem, Score, Search};

/// The most search nodes one feasibility question may take.
const CHECK_BUDGET: u64 = 20_000;
/// Above this many leaves the cap is not computed (sets are kept as vectors of flags).
const MAX_LEAVES: usize = 256;
/// The most sets remembered.
const MAX_SETS: usize = 100_000;

/// The answer to "can every leaf of this set be met at once?".
enum Meet {
    /// Yes: an assignment doing it (choice codes by search position).
    Yes(Vec<u32>),
    No,
    /// The budget ran out first (with an assignment meeting some of the leaves, if any).
    Unknown(Option<Vec<u32>>),
}

impl Search<'_> {
    /// Set `self.met_cap` to a proven bound on progress within `budget` search nodes
    /// (counted in `self.nodes`), and take the assignment that reaches it as the incumbent
    /// when it scores higher. Call only between searches (no item applied).
    pub(super) fn cap_progress(&mut self, budget: u64) {
        let p = self.p;
        let nl = p.leaves.len();
        if nl == 0 || nl > MAX_LEAVES {
            return;
        }
        let (opt, universe) = self.meetable();
        // Leaves are added to a probe tightest first: least supply for their need.
        let mut slack: Vec<usize> = (0..nl).collect();
        slack.sort_by_key(|&l| (opt[l].saturating_mul(1000) / p.leaves[l].need.max(1), l));
        let start = self.nodes;
        let mut heap = BinaryHeap::new();
        let mut seen = HashSet::new();
        let mut cores: Vec<Vec<usize>> = Vec::new();
        heap.push((self.progress_of(&universe), universe.clone()));
        seen.insert(universe);
        while let Some((value, set)) = heap.pop() {
            // Every set taken counts as a search node, so that expanding sets through known
            // cores (which asks no question) also stops at the budget.
            self.nodes += 1;
            if value <= self.best.met {
                self.met_cap = self.best.met;
                return;
            }
            let left = budget.saturating_sub(self.nodes - start);
            if left == 0 {
                self.met_cap = value;
                return;
            }
            let known = cores.iter().find(|c| c.iter().all(|&l| set[l])).cloned();
            if known.is_none() {
                // A quick "yes" first: the local search meets many sets the exact search is
                // slow to find an assignment for (it cannot say "no").
                let moves = local::MOVES.min(left);
                if let Some(codes) = self.local_meet(&set, moves) {
                    self.met_cap = value;
                    self.offer_polished(codes);
                    return;
                }
            }
            let core = match known {
                Some(core) => core,
                None => match self.probe(&set, &slack, budget, start) {
                    Meet::Yes(codes) | Meet::Unknown(Some(codes)) => {
                        self.met_cap = value;
                        self.offer(codes);
                        return;
                    }
                    Meet::Unknown(None) => {
                        self.met_cap = value;
                        return;
                    }
                    Meet::No => {
                        // `probe` left its core in `self.core`.
                        let core = std::mem::take(&mut self.core);
                        cores.push(core.clone());
                        core
                    }
                },
            };
            for &l in &core {
                let mut child = set.clone();
                child[l] = false;
                if seen.len() < MAX_SETS && seen.insert(child.clone()) {
                    self.nodes += 1;
                    let worth = self.progress_of(&child);
                    if worth < value && worth > self.best.met {
                        // A set worth less than those still to refute may be met already:
                        // its assignment is a better incumbent while the cap is proven.
                        let left = budget.saturating_sub(self.nodes - start);
                        if let Some(codes) = self.local_meet(&child, local::MOVES.min(left)) {
                            self.offer_polished(codes);
                        }
                    }
                    heap.push((worth, child));
                } else if seen.len() >= MAX_SETS {
                    // Too many sets to remember: the best one left still bounds the rest.
                    self.met_cap = value;
                    return;
                }
            }
        }
        self.met_cap = self.best.met;
    }

    /// Whether `set` can be met, asked leaf by leaf (tightest first): the leaves met so far
    /// with one more. The first impossible one is shrunk to a core, left in `self.core`.
    /// Small questions are much easier to settle than the whole set at once.
    fn probe(&mut self, set: &[bool], slack: &[usize], budget: u64, start: u64) -> Meet {
        let mut trial = vec![false; set.len()];
        let mut last = None;
        let mut unsettled = false;
        for &l in slack.iter().filter(|&&l| set[l]) {
            let left = budget.saturating_sub(self.nodes - start);
            if left == 0 {
                return Meet::Unknown(last);
            }
            trial[l] = true;
            match self.can_meet(&trial, left.min(CHECK_BUDGET)) {
                Meet::Yes(codes) => last = Some(codes),
                Meet::No => {
                    self.core = self.shrink(&trial, budget, start);
                    return Meet::No;
                }
                Meet::Unknown(_) => {
                    trial[l] = false;
                    unsettled = true;
                }
            }
        }
        match last {
            Some(codes) if !unsettled => Meet::Yes(codes),
            // Every leaf of the set met by nothing at all: only the empty set.
            None if !unsettled => Meet::Yes(vec![0; self.items.len()]),
            last => Meet::Unknown(last),
        }
    }

    /// Per leaf, what every item left could add to it (from the start, within the allowance),
    /// and whether that meets it: the leaves any assignment can meet at all.
    pub(super) fn meetable(&mut self) -> (Vec<u64>, Vec<bool>) {
        let p = self.p;
        let mut opt = vec![0u64; p.leaves.len()];
        self.optimistic(0, p.ext_cap.unwrap_or(u64::MAX), &mut opt);
        let universe = (0..p.leaves.len())
            .map(|l| opt[l] >= p.leaves[l].need)
            .collect();
        (opt, universe)
    }

    /// Take the assignment `codes` as the incumbent if it scores higher.
    pub(super) fn offer(&mut self, codes: Vec<u32>) {
        let score = self.score_of(&codes);
        if score > self.best {
            self.best = score;
            self.best_choice = codes;
        }
    }

    /// A minimal impossible subset of the impossible `set` (deletion: a leaf stays only if
    /// the core without it is not proven impossible), within the budget.
    fn shrink(&mut self, set: &[bool], budget: u64, start: u64) -> Vec<usize> {
        let mut core: Vec<usize> = (0..set.len()).filter(|&l| set[l]).collect();
        let mut trial = set.to_vec();
        let mut k = 0;
        while k < core.len() {
            let left = budget.saturating_sub(self.nodes - start);
            if left == 0 {
                break;
            }
            trial[core[k]] = false;
            if matches!(self.can_meet(&trial, left.min(CHECK_BUDGET)), Meet::No) {
                core.remove(k);
            } else {
                trial[core[k]] = true;
                k += 1;
            }
        }
        core
    }

    /// The progress of an assignment meeting exactly the leaves in `set`.
    fn progress_of(&mut self, set: &[bool]) -> u32 {
        let sums: Vec<u64> = self
            .p
            .leaves
            .iter()
            .zip(set)
            .map(|(l, &m)| if m { l.need } else { 0 })
            .collect();
        self.eval(&sums, 0).1
    }

    /// Whether every leaf in `set` can be met at once: the exact search of the problem that
    /// has only those leaves, each a requirement of its own, no total and no costs.
    fn can_meet(&mut self, set: &[bool], budget: u64) -> Meet {
        let p = self.p;
        // Only the wanted leaves, renumbered: the question's tables are items × those.
        let wanted: Vec<usize> = (0..set.len()).filter(|&l| set[l]).collect();
        let mut renumber = vec![usize::MAX; set.len()];
        for (j, &l) in wanted.iter().enumerate() {
            renumber[l] = j;
        }
        let problem = Problem {
            leaves: wanted.iter().map(|&l| p.leaves[l].clone()).collect(),
            nodes: (0..wanted.len()).map(Node::Leaf).collect(),
            roots: (0..wanted.len()).collect(),
            total: 0,
            ext_cap: p.ext_cap,
        };
        let mut positions = Vec::new();
        let mut items = Vec::new();
        let within = |ls: &[usize]| -> Vec<usize> {
            ls.iter()
                .filter(|&&l| set[l])
                .map(|&l| renumber[l])
                .collect()
        };
        for (k, it) in self.items.iter().enumerate() {
            let exclusive = within(&it.exclusive);
            let shared = within(&it.shared);
            if exclusive.is_empty() && shared.is_empty() {
                continue;
            }
            positions.push(k);
            items.push(Item {
                ects: it.ects,
                exclusive,
                shared,
                external: it.external,
                cost: 0,
                group: it.group,
            });
        }
        let (mut s, order) = prepare(&problem, &items, budget);
        s.goal = true;
        s.refine_after = self.refine_after;
        if !s.best.complete {
            // Only a complete assignment answers the question: every node whose bound cannot
            // complete is cut, and nothing is spent on incomplete assignments.
            s.best = Score {
                complete: false,
                neg_cost_if_complete: i64::MAX,
                neg_offers_if_complete: i64::MAX,
                met: u32::MAX,
                ects: u64::MAX,
                neg_cost: i64::MAX,
                neg_creds: i64::MAX,
            };
            s.dfs(0, 0);
        }
        self.nodes += s.nodes.max(1);
        if !s.best.complete {
            return if s.stopped {
                Meet::Unknown(None)
            } else {
                Meet::No
            };
        }
        let found = s.solution(&order);
        let mut codes = vec![0u32; self.items.len()];
        for (&k, &choice) in positions.iter().zip(&found.choice) {
            // Back from the question's leaf numbers to the problem's.
            let choice = match choice {
                Choice::Leaf(j) => Choice::Leaf(wanted[j]),
                other => other,
            };
            match self.items[k].code_of(choice) {
                Some(code) => codes[k] = code,
                None => return Meet::Unknown(None),
            }
        }
        Meet::Yes(codes)
    }
}
