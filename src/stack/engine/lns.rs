//! Large-neighbourhood search: a better incumbent for a search that its first pass did not
//! prove.
//!
//! This file owns only the choice of neighbourhoods and the residual problems built from
//! them. Each residual is solved by the same exact search ([`super::solve_with`], without a
//! neighbourhood phase of its own); the proof stays with the main search, which restarts
//! from the improved incumbent. Nothing here can make an answer worse: a residual's answer is
//! taken only when the whole assignment it gives scores higher.
//!
//! A neighbourhood is a few requirements that share credentials. Every item that fits one
//! of them, and every unused item, is set free; every other item keeps its place, and its
//! contribution is subtracted from the needs, the total and the external allowance of the
//! residual. The residual's objective is then the whole objective shifted by constants, so
//! its optimum is the best reassignment of the free items.

use super::{contrib, solve_with, Item, Leaf, Problem, Search};

/// Items fitting more leaves than this are not used to choose a neighbourhood's leaves (an
/// open elective fits nearly everything and would make every leaf a neighbour).
const WIDE_ITEM: usize = 6;
/// The most search nodes one residual may take.
const RESIDUAL_BUDGET: u64 = 4_000;
/// The most residuals tried.
const MAX_ROUNDS: u64 = 60;
/// The most leaves in a neighbourhood (sizes cycle 1, 2, …).
const MAX_SIZE: usize = 4;

impl Search<'_> {
    /// Improve `self.best` by reassigning neighbourhoods of the best assignment, within
    /// `node_budget` search nodes (counted in `self.nodes`). Call only between searches (no
    /// item applied).
    pub(super) fn improve(&mut self, node_budget: u64) {
        let nl = self.p.leaves.len();
        if nl == 0 || self.items.is_empty() {
            return;
        }
        // Per leaf, the items fitting it (search positions).
        let mut fitting: Vec<Vec<usize>> = vec![Vec::new(); nl];
        for (k, it) in self.items.iter().enumerate() {
            for &l in it.exclusive.iter().chain(&it.shared) {
                fitting[l].push(k);
            }
        }
        let start = self.nodes;
        let mut rng = 0x2545_F491_4F6C_DD1D_u64;
        let mut round = 0;
        while self.nodes - start < node_budget && round < MAX_ROUNDS {
            round += 1;
            let size = 1 + (round as usize) % MAX_SIZE;
            let free = self.neighbourhood(&fitting, size, &mut rng);
            let left = node_budget - (self.nodes - start);
            if let Some(codes) = self.solve_residual(&free, left.min(RESIDUAL_BUDGET)) {
                let score = self.score_of(&codes);
                if score > self.best {
                    self.best = score;
                    self.best_choice = codes;
                    // Proven already: nothing can beat it.
                    if self.upper_bound(0) <= self.best {
                        return;
                    }
                }
            }
        }
    }

    /// The free items of a neighbourhood of `size` leaves: a random leaf that some item fits,
    /// then the leaves sharing the most narrow items with those chosen; every item fitting a
    /// chosen leaf, and every unused item, is free.
    fn neighbourhood(&self, fitting: &[Vec<usize>], size: usize, rng: &mut u64) -> Vec<bool> {
        let nl = fitting.len();
        // Half the time (at random), start from a leaf the best assignment leaves unmet.
        let unmet = |l: usize| {
            let sum: u64 = fitting[l]
                .iter()
                .filter(|&&k| {
                    self.items[k]
                        .leaves_under(self.best_choice[k])
                        .any(|&m| m == l)
                })
                .map(|&k| contrib(&self.p.leaves[l], &self.items[k]))
                .sum();
            sum < self.p.leaves[l].need
        };
        let mut open: Vec<usize> = (0..nl).filter(|&l| !fitting[l].is_empty()).collect();
        if next(rng).is_multiple_of(2) {
            let unmet: Vec<usize> = open.iter().copied().filter(|&l| unmet(l)).collect();
            if !unmet.is_empty() {
                open = unmet;
            }
        }
        let mut chosen = vec![false; nl];
        if let Some(&first) = open.get((next(rng) % open.len().max(1) as u64) as usize) {
            chosen[first] = true;
        }
        let mut overlap = vec![0u64; nl];
        for _ in 1..size {
            overlap.iter_mut().for_each(|o| *o = 0);
            for (l, _) in chosen.iter().enumerate().filter(|(_, &c)| c) {
                for &k in &fitting[l] {
                    let it = &self.items[k];
                    if it.exclusive.len() + it.shared.len() > WIDE_ITEM {
                        continue;
                    }
                    for &m in it.exclusive.iter().chain(&it.shared) {
                        overlap[m] += 1;
                    }
                }
            }
            // The most overlapping leaf not chosen yet, ties broken at random.
            let pick = (0..nl)
                .filter(|&l| !chosen[l] && !fitting[l].is_empty())
                .max_by_key(|&l| (overlap[l], next(rng) % 1024));
            match pick {
                Some(l) => chosen[l] = true,
                None => break,
            }
        }
        let mut free: Vec<bool> = self.best_choice.iter().map(|&c| c == 0).collect();
        for (l, _) in chosen.iter().enumerate().filter(|(_, &c)| c) {
            for &k in &fitting[l] {
                free[k] = true;
            }
        }
        free
    }

    /// Solve the residual of the best assignment in which the items marked `free` are
    /// undecided; returns the whole assignment (choice codes) it gives.
    fn solve_residual(&mut self, free: &[bool], budget: u64) -> Option<Vec<u32>> {
        let p = self.p;
        let mut fixed = vec![0u64; p.leaves.len()];
        let (mut ects, mut ext) = (0u64, 0u64);
        let mut group_fixed = vec![false; self.group_used.len()];
        for (k, &code) in self.best_choice.iter().enumerate() {
            if free[k] || code == 0 {
                continue;
            }
            let it = &self.items[k];
            for &l in it.leaves_under(code) {
                fixed[l] += contrib(&p.leaves[l], it);
            }
            ects += it.ects;
            if it.external {
                ext += it.ects;
            }
            if let Some(g) = it.group {
                group_fixed[g] = true;
            }
        }
        let positions: Vec<usize> = (0..self.items.len())
            .filter(|&k| free[k] && !self.items[k].group.is_some_and(|g| group_fixed[g]))
            .collect();
        if positions.is_empty() {
            return None;
        }
        let residual = Problem {
            leaves: p
                .leaves
                .iter()
                .zip(&fixed)
                .map(|(l, &f)| Leaf {
                    need: l.need.saturating_sub(f),
                    ..l.clone()
                })
                .collect(),
            nodes: p.nodes.clone(),
            roots: p.roots.clone(),
            total: p.total.saturating_sub(ects),
            ext_cap: p.ext_cap.map(|c| c.saturating_sub(ext)),
        };
        let items: Vec<Item> = positions.iter().map(|&k| self.items[k].clone()).collect();
        let sol = solve_with(&residual, &items, budget.max(1), None, self.refine_after);
        self.nodes += sol.nodes;
        let mut codes = self.best_choice.clone();
        for (code, _) in codes.iter_mut().zip(free).filter(|(_, &f)| f) {
            *code = 0;
        }
        for (&k, &choice) in positions.iter().zip(&sol.choice) {
            codes[k] = self.items[k].code_of(choice)?;
        }
        Some(codes)
    }

    /// The score of a whole assignment (choice codes by search position).
    pub(super) fn score_of(&mut self, codes: &[u32]) -> super::Score {
        for (k, &c) in codes.iter().enumerate() {
            if c > 0 {
                self.apply(k, c, true);
            }
        }
        let score = self.score_now();
        for (k, &c) in codes.iter().enumerate().rev() {
            if c > 0 {
                self.apply(k, c, false);
            }
        }
        score
    }
}

/// xorshift64.
fn next(s: &mut u64) -> u64 {
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    *s
}
