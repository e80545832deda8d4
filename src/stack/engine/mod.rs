//! The exact assignment search: which credential counts toward which requirement.
//!
//! This file owns the branch-and-bound over an abstract problem (integer leaves, a tree of
//! `allOf`/`nOf` nodes, items with eligible leaves). It knows nothing of JSON, credentials,
//! filters or wording: `report.rs` builds the [`Problem`] and explains the result. It must
//! not allocate per item beyond its tables, and it must stop at the node budget.
//!
//! Objective, compared lexicographically (see `docs/stacking.md`):
//! 1. the qualification is complete;
//! 2. if complete, the least cost (ECTS of hypothetical catalogue items; 0 for owned ones),
//!    then the fewest items that cost something (catalogue offers);
//! 3. the number of requirement nodes met;
//! 4. ECTS counted, capped at the total required;
//! 5. the least cost; 6. the fewest credentials used.
//!
//! Every partial assignment is itself a solution (undecided items unused), so the search is
//! anytime. Upper bound at depth `i`: every remaining item added to every leaf it fits
//! (exclusivity and the external cap relaxed) gives optimistic completion and met counts;
//! ECTS are bounded by the remaining internal ECTS plus the remaining external ECTS clipped to
//! the cap left; credentials and cost are bounded below by the tree aggregate of per-leaf
//! minima (sum over `allOf` children, the `n` cheapest children of an `nOf`, the max for
//! shared leaves) and by the fewest largest items that reach the ECTS bound. Identical items
//! are symmetry-broken, owned items that fit the same leaves are used largest first (see
//! [`solve`]), and a memo of (depth, saturated sums, external ECTS, …) → (credentials, cost)
//! prunes dominated states.

use std::collections::HashMap;

mod bound;
mod lns;
mod local;
mod progress;

/// A leaf requirement: `need` units of count (achievement) or centi-ECTS (ectsFrom).
#[derive(Debug, Clone)]
pub(crate) struct Leaf {
    pub need: u64,
    pub by_count: bool,
    pub shared: bool,
}

/// A requirement node; children are indices of earlier nodes (post-order).
#[derive(Debug, Clone)]
pub(crate) enum Node {
    Leaf(usize),
    All(Vec<usize>),
    NOf(usize, Vec<usize>),
}

/// The abstract problem.
#[derive(Debug, Clone)]
pub(crate) struct Problem {
    pub leaves: Vec<Leaf>,
    pub nodes: Vec<Node>,
    pub roots: Vec<usize>,
    pub total: u64,
    pub ext_cap: Option<u64>,
}

/// One credential that fits at least one leaf.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Item {
    pub ects: u64,
    pub exclusive: Vec<usize>,
    pub shared: Vec<usize>,
    pub external: bool,
    pub cost: u64,
    /// Items of one group are copies of the same achievement: at most one is used.
    pub group: Option<usize>,
}

impl Item {
    /// The leaves this item adds to under choice code `code` (0 unused, `k` its `k`-th
    /// exclusive leaf, one more: shared leaves only): none when unused, else its shared leaves
    /// and the exclusive one chosen.
    fn leaves_under(&self, code: u32) -> impl Iterator<Item = &usize> {
        let exclusive = (code as usize)
            .checked_sub(1)
            .and_then(|k| self.exclusive.get(k));
        let shared = if code == 0 { &[][..] } else { &self.shared[..] };
        shared.iter().chain(exclusive)
    }

    /// The choice a code stands for.
    fn choice_of(&self, code: u32) -> Choice {
        match code as usize {
            0 => Choice::Unused,
            c if c <= self.exclusive.len() => Choice::Leaf(self.exclusive[c - 1]),
            _ => Choice::SharedOnly,
        }
    }

    /// The code of a choice (`None`: a leaf this item has no option for).
    fn code_of(&self, choice: Choice) -> Option<u32> {
        Some(match choice {
            Choice::Unused => 0,
            Choice::Leaf(l) => self.exclusive.iter().position(|&e| e == l)? as u32 + 1,
            Choice::SharedOnly => self.exclusive.len() as u32 + 1,
        })
    }
}

/// Where an item went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Choice {
    Unused,
    /// An exclusive leaf (plus every shared leaf it fits).
    Leaf(usize),
    /// Only the shared leaves it fits.
    SharedOnly,
}

/// The search result, indexed like the input items.
#[derive(Debug, Clone)]
pub(crate) struct Solution {
    pub choice: Vec<Choice>,
    pub proven: bool,
    pub nodes: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Score {
    complete: bool,
    neg_cost_if_complete: i64,
    neg_offers_if_complete: i64,
    met: u32,
    ects: u64,
    neg_cost: i64,
    neg_creds: i64,
}

const MEMO_LIMIT: usize = 400_000;
/// The most `nOf` cells (children × (n+1)² × values) the resource bound fills per call; above
/// it the cheap bound stands alone (valid, only looser), so a hostile `nOf` of hundreds of
/// children cannot make every search node cost billions of steps.
const RESOURCE_CELLS_LIMIT: usize = 1 << 16;
const UNREACHABLE: u64 = u64::MAX / 4;
/// No item in the class of this item may be used (dominance, see [`solve`]).
const NO_CLASS: usize = usize::MAX;

type MemoKey = (u32, u32, Vec<u64>, Vec<bool>, Vec<bool>);

/// What reached a remembered state: it dominates a later arrival that used no fewer
/// credentials, no less cost and no fewer offers, counted no more ECTS (saturated at the total)
/// and no less of the external allowance.
#[derive(Debug, Clone, Copy)]
struct Reached {
    creds: u32,
    cost: u64,
    offers: u32,
    ects: u64,
    ext: u64,
}

impl Reached {
    fn dominates(&self, o: &Reached) -> bool {
        self.creds <= o.creds
            && self.cost <= o.cost
            && self.offers <= o.offers
            && self.ects >= o.ects
            && self.ext <= o.ext
    }
}

/// One caller's tree knapsack: per node its table, the leaf costs they were computed for, and
/// the roots' combined (all met, not all met) tables.
type DpSlot = (Vec<Vec<u64>>, Vec<u64>, (Vec<u64>, Vec<u64>));

/// Non-dominated arrivals kept per remembered state.
const MEMO_FRONT: usize = 6;

struct Search<'a> {
    p: &'a Problem,
    items: Vec<Item>,
    same_as_prev: Vec<bool>,
    class: Vec<usize>,
    suffix_free: Vec<Vec<u64>>,
    suffix_int: Vec<u64>,
    suffix_ext: Vec<u64>,
    suffix_free_ects: Vec<u64>,
    /// Per position and leaf: the fewest ECTS of one item that fits it.
    suffix_min_ects: Vec<Vec<u64>>,
    /// Per position: the most ECTS of one item from there on.
    suffix_max_ects: Vec<u64>,
    /// Per position: the sums of subsets of the external items from there on, as a bitset up
    /// to the external cap (empty when there is no cap or the table would be too large).
    ext_reach: Vec<Vec<u64>>,
    /// Per position and sum up to the external cap: the fewest external items from there on
    /// with exactly that sum (empty without a cap or when too large).
    ext_fewest: Option<Vec<Vec<u8>>>,
    /// Per leaf: its class of interchangeable leaves (the smallest leaf index in the class).
    leaf_class: Vec<usize>,
    /// The classes of two or more interchangeable leaves, each in leaf order.
    leaf_groups: Vec<Vec<usize>>,
    any_leaf_class: bool,
    /// Per node: the largest progress value its subtree can have.
    vmax: Vec<usize>,
    /// Scratch tables of the resource bound, one per node.
    dp: Vec<Vec<u64>>,
    /// The tree knapsack per caller (resource, allowance, and the two credentials bounds);
    /// the slot whose node tables are in `dp` holds an empty placeholder for them. Scratch:
    /// the nodes to compute again.
    dp_cache: Vec<DpSlot>,
    dp_slot: usize,
    dp_dirty: Vec<bool>,
    /// Scratch: per leaf, its cost in the tree knapsack.
    leaf_cost: Vec<u64>,
    /// No assignment makes more progress than this (proven by `progress.rs`; else `u32::MAX`).
    met_cap: u32,
    /// Stop at the first complete assignment (a feasibility question, see `progress.rs`).
    goal: bool,
    /// Scratch of `progress.rs`: the core of the last impossible probe.
    core: Vec<usize>,
    /// The search nodes after which the dearer credentials bounds are computed.
    refine_after: u64,
    dp_acc: (Vec<u64>, Vec<u64>),
    dp_next: (Vec<u64>, Vec<u64>),
    /// Scratch of the `nOf` knapsack and of [`Search::eval`]'s `nOf` values.
    nof_acc: Vec<u64>,
    nof_next: Vec<u64>,
    nof_vals: Vec<u32>,
    /// Per leaf: positions of the internal / external items that fit it, and cumulative
    /// contributions (each list is largest first).
    leaf_int: Vec<(Vec<usize>, Vec<u64>)>,
    leaf_ext: Vec<(Vec<usize>, Vec<u64>)>,
    /// The items that cost something (catalogue offers), internal and external: positions
    /// and cumulative ECTS, each list largest first.
    paid_int: (Vec<usize>, Vec<u64>),
    paid_ext: (Vec<usize>, Vec<u64>),
    /// The resource bound's tables are small enough to compute at every node.
    resource_ok: bool,
    leaf_min_cost: Vec<u64>,
    any_cost: bool,
    mandatory: Vec<bool>,
    leaf_node: Vec<usize>,
    /// Per node: its parent (`usize::MAX` for a root).
    parent: Vec<usize>,
    /// Scratch of `progress_without`: (node, met, value) to put back.
    path_scratch: Vec<(usize, bool, u32)>,
    sums: Vec<u64>,
    ects: u64,
    ext: u64,
    creds: u32,
    cost: u64,
    /// Items that cost something (catalogue offers) in use.
    offers: u32,
    choice: Vec<u32>,
    group_used: Vec<bool>,
    class_closed: Vec<bool>,
    best: Score,
    best_choice: Vec<u32>,
    nodes: u64,
    budget: u64,
    stopped: bool,
    /// Hashed with foldhash (seeded, as the JSON-LD maps): SipHash was a twentieth of the
    /// search's time.
    memo: HashMap<MemoKey, Vec<Reached>, foldhash::fast::RandomState>,
    met: Vec<bool>,
    val: Vec<u32>,
    agg: Vec<u64>,
    buf: Vec<u64>,
    buf2: Vec<u64>,
    /// Per position and leaf: what the internal, the external and the external items of 0
    /// ECTS from there on can add to it, of copies of one achievement only the largest
    /// (`grouped_int` / `grouped_ext` / `grouped_ext0`); and per position their ECTS.
    grouped_int: Vec<Vec<u64>>,
    grouped_ext: Vec<Vec<u64>>,
    grouped_ext0: Vec<Vec<u64>>,
    grouped_ects_int: Vec<u64>,
    grouped_ects_ext: Vec<u64>,
    /// Per copy group: its members' positions, in search order.
    grp_members: Vec<Vec<usize>>,
    /// Copy groups in use, in the order they were taken.
    used_groups: Vec<usize>,
    /// Scratch: per leaf, what the internal items left can add (for the allowance bound);
    /// per group, the scan that last met it (for the fewest items).
    int_leaf: Vec<u64>,
    ext0_leaf: Vec<u64>,
    grp_stamp: Vec<u64>,
    stamp: u64,
    /// Per copy group: whether it mixes internal and external items (copies share their
    /// issuer, so only in abstract problems; then its copies are not merged).
    grp_mixed: Vec<bool>,
    /// Scratch: per leaf a used group's largest copy (all, 0 ECTS); the cumulative ECTS of
    /// the internal and the external items left (for the fewest items).
    grp_scratch: Vec<u64>,
    scratch_int: Vec<u64>,
    scratch_ext: Vec<u64>,
    /// `scratch_int`/`scratch_ext` hold the items of the state being bounded.
    fewest_filled: bool,
}

fn contrib(leaf: &Leaf, item: &Item) -> u64 {
    if leaf.by_count {
        1
    } else {
        item.ects
    }
}

/// Symmetry order of choices: used leaves by code, unused last.
fn rank(code: u32) -> u32 {
    if code == 0 {
        u32::MAX
    } else {
        code
    }
}

/// Solve exactly within `budget` search nodes.
///
/// Items are searched largest first. Two dominance rules cut the tree without losing an
/// optimum: identical items take non-decreasing choices (unused last); and among owned,
/// ungrouped items that fit exactly the same leaves (and are internal, or there is no
/// external cap), once one is left unused every smaller one is too, since swapping a used
/// smaller item for an unused larger one never makes the objective worse.
pub(crate) fn solve(p: &Problem, items: &[Item], budget: u64) -> Solution {
    solve_with(p, items, budget, Some(FIRST_PASS), bound::REFINE_AFTER)
}

/// The search nodes of the first pass; a search not proven within them improves its
/// incumbent by neighbourhood search (`lns.rs`) and then searches again from it.
const FIRST_PASS: u64 = 5_000;
/// The moves of the local search for a better incumbent after the first pass.
const LOCAL_MOVES: u64 = 2_000;
/// The share of the budget the neighbourhood search may take (percent; 30 before the local
/// moves, which now find most of what it found: at 10, one more of the 60 generated 100 × 30
/// wallets is proven and the median halves, with the same answers).
const IMPROVE_SHARE: u64 = 10;
/// The share of the budget the progress cap may take (percent).
const CAP_SHARE: u64 = 25;

/// [`solve`] with a first pass of `first_pass` nodes, after which an unproven search caps the
/// progress and improves its incumbent before it searches again (`None`: one pass only, as
/// for the residuals and feasibility questions of those phases); the dearer credentials
/// bounds are computed after `refine_after` nodes. The tests run every phase and bound from
/// the first node on.
pub(crate) fn solve_with(
    p: &Problem,
    items: &[Item],
    budget: u64,
    first_pass: Option<u64>,
    refine_after: u64,
) -> Solution {
    let (mut s, order) = prepare(p, items, budget);
    s.refine_after = refine_after;
    let budget = budget.max(1);
    if let Some(first) = first_pass.filter(|&f| budget > 2 * f) {
        s.budget = first;
        s.dfs(0, 0);
        if s.stopped {
            s.local_improve(LOCAL_MOVES.min(budget - s.nodes));
            s.cap_progress(budget / 100 * CAP_SHARE);
            // A short pass with the cap first: with it, most searches are proven at once. The
            // memo holds states a stopped pass left unexplored, so each pass starts afresh.
            s.restart(s.nodes.saturating_add(first * 2).min(budget));
            let left = budget.saturating_sub(s.nodes);
            if s.stopped && left > 0 {
                s.improve((budget / 100 * IMPROVE_SHARE).min(left));
                s.restart(budget);
            }
        }
    } else {
        s.dfs(0, 0);
    }
    s.solution(&order)
}

/// The search of a problem, its tables built, and the search order (position → input index).
fn prepare<'a>(p: &'a Problem, items: &[Item], budget: u64) -> (Search<'a>, Vec<usize>) {
    let n = items.len();
    let nl = p.leaves.len();
    let mut order: Vec<usize> = (0..n).collect();
    // Largest first; under an external cap, internal items first (the cap is then spent on
    // what internal items cannot cover, which makes the first dive a good incumbent).
    let capped = |it: &Item| it.external && p.ext_cap.is_some();
    order.sort_by(|&a, &b| {
        let (x, y) = (&items[a], &items[b]);
        capped(x)
            .cmp(&capped(y))
            .then(y.ects.cmp(&x.ects))
            .then_with(|| x.cmp(y))
    });
    let sorted: Vec<Item> = order.iter().map(|&i| items[i].clone()).collect();
    let same_as_prev = (0..=n)
        .map(|i| i > 0 && i < n && sorted[i] == sorted[i - 1])
        .collect();
    let mut classes: HashMap<(&[usize], &[usize], bool), usize> = HashMap::new();
    let class: Vec<usize> = sorted
        .iter()
        .map(|it| {
            if it.cost > 0 || it.group.is_some() || (it.external && p.ext_cap.is_some()) {
                return NO_CLASS;
            }
            let next = classes.len();
            *classes
                .entry((&it.exclusive, &it.shared, it.external))
                .or_insert(next)
        })
        .collect();
    let n_classes = classes.len();
    let mut suffix_free = vec![vec![0u64; nl]; n + 1];
    let mut suffix_int = vec![0u64; n + 1];
    let mut suffix_ext = vec![0u64; n + 1];
    let mut suffix_free_ects = vec![0u64; n + 1];
    let mut suffix_min_ects = vec![vec![UNREACHABLE; nl]; n + 1];
    let mut leaf_min_cost = vec![UNREACHABLE; nl];
    let mut suffix_max_ects = vec![0u64; n + 1];
    for i in (0..n).rev() {
        suffix_max_ects[i] = suffix_max_ects[i + 1].max(sorted[i].ects);
        let it = &sorted[i];
        let mut free_row = suffix_free[i + 1].clone();
        let mut min_row = suffix_min_ects[i + 1].clone();
        for &l in it.exclusive.iter().chain(it.shared.iter()) {
            let c = contrib(&p.leaves[l], it);
            if it.cost == 0 {
                free_row[l] += c;
            }
            min_row[l] = min_row[l].min(it.ects);
            leaf_min_cost[l] = leaf_min_cost[l].min(it.cost);
        }
        suffix_free[i] = free_row;
        suffix_min_ects[i] = min_row;
        suffix_int[i] = suffix_int[i + 1] + if it.external { 0 } else { it.ects };
        suffix_ext[i] = suffix_ext[i + 1] + if it.external { it.ects } else { 0 };
        suffix_free_ects[i] = suffix_free_ects[i + 1] + if it.cost == 0 { it.ects } else { 0 };
    }
    let mut leaf_int = vec![(Vec::new(), vec![0u64]); nl];
    let mut leaf_ext = vec![(Vec::new(), vec![0u64]); nl];
    let (mut paid_int, mut paid_ext) = ((vec![], vec![0u64]), (vec![], vec![0u64]));
    for (i, it) in sorted.iter().enumerate() {
        if it.cost > 0 {
            let (pos, cum): &mut (Vec<usize>, Vec<u64>) = if it.external {
                &mut paid_ext
            } else {
                &mut paid_int
            };
            pos.push(i);
            let last = cum.last().copied().unwrap_or(0);
            cum.push(last + it.ects);
        }
        for &l in it.exclusive.iter().chain(it.shared.iter()) {
            let (pos, cum) = if it.external {
                &mut leaf_ext[l]
            } else {
                &mut leaf_int[l]
            };
            pos.push(i);
            let last = cum.last().copied().unwrap_or(0);
            cum.push(last + contrib(&p.leaves[l], it));
        }
    }
    // Nodes every complete assignment meets (for the shared-leaf part of the bound).
    let mut mandatory = vec![false; p.nodes.len()];
    for &r in &p.roots {
        mandatory[r] = true;
    }
    for i in (0..p.nodes.len()).rev() {
        let forced = match &p.nodes[i] {
            Node::All(ch) => Some(ch),
            Node::NOf(k, ch) if *k >= ch.len() => Some(ch),
            _ => None,
        };
        if let (true, Some(ch)) = (mandatory[i], forced) {
            for &c in ch {
                mandatory[c] = true;
            }
        }
    }
    let mut leaf_node = vec![0; nl];
    let mut parent = vec![usize::MAX; p.nodes.len()];
    for (i, node) in p.nodes.iter().enumerate() {
        match node {
            Node::Leaf(l) => leaf_node[*l] = i,
            Node::All(ch) | Node::NOf(_, ch) => {
                for &c in ch {
                    parent[c] = i;
                }
            }
        }
    }
    let ext_reach = p
        .ext_cap
        .map(|cap| bound::subset_sums(&sorted, cap))
        .unwrap_or_default();
    let leaf_class = leaf_classes(p, &sorted);
    let mut leaf_groups: Vec<Vec<usize>> = vec![Vec::new(); nl];
    for (l, &c) in leaf_class.iter().enumerate() {
        leaf_groups[c].push(l);
    }
    leaf_groups.retain(|g| g.len() > 1);
    let any_leaf_class = !leaf_groups.is_empty();
    let vmax = bound::progress_max(p);
    let resource_cells = p
        .nodes
        .iter()
        .zip(&vmax)
        .map(|(node, &v)| match node {
            Node::NOf(k, ch) => ch
                .len()
                .saturating_mul((k + 1).saturating_mul(k + 1))
                .saturating_mul(v),
            _ => 0,
        })
        .fold(0, usize::saturating_add);
    let groups = items
        .iter()
        .filter_map(|i| i.group)
        .max()
        .map_or(0, |g| g + 1);
    let grp_mixed: Vec<bool> = {
        let mut kinds = vec![(false, false); groups];
        for it in items {
            if let Some(g) = it.group {
                kinds[g].0 |= it.external;
                kinds[g].1 |= !it.external;
            }
        }
        kinds.into_iter().map(|(e, i)| e && i).collect()
    };
    let merged = |it: &Item| it.group.filter(|&g| !grp_mixed[g]);
    let mut grp_members = vec![Vec::new(); groups];
    for (k, it) in sorted.iter().enumerate() {
        if let Some(g) = merged(it) {
            grp_members[g].push(k);
        }
    }
    // The grouped suffix tables: walking back, a copy raises a leaf's sum only by what it
    // adds above the largest copy of its group seen so far.
    let mut grouped_int = vec![vec![0u64; nl]; n + 1];
    let mut grouped_ext = vec![vec![0u64; nl]; n + 1];
    let mut grouped_ext0 = vec![vec![0u64; nl]; n + 1];
    let mut grouped_ects_int = vec![0u64; n + 1];
    let mut grouped_ects_ext = vec![0u64; n + 1];
    let mut gmax = vec![0u64; groups * nl * 2];
    let mut gects = vec![0u64; groups];
    // What `c` adds above the largest so far in `slot` (all of it outside any group).
    let raise = |slot: Option<&mut u64>, c: u64| match slot {
        Some(m) => {
            let d = c.saturating_sub(*m);
            *m = (*m).max(c);
            d
        }
        None => c,
    };
    for i in (0..n).rev() {
        let it = &sorted[i];
        let mut int = grouped_int[i + 1].clone();
        let mut ext = grouped_ext[i + 1].clone();
        let mut ext0 = grouped_ext0[i + 1].clone();
        let g = merged(it);
        for &l in it.exclusive.iter().chain(it.shared.iter()) {
            let c = contrib(&p.leaves[l], it);
            let at = g.map(|g| (g * nl + l) * 2);
            let d = raise(at.map(|a| &mut gmax[a]), c);
            let c0 = if it.ects == 0 { c } else { 0 };
            let d0 = raise(at.map(|a| &mut gmax[a + 1]), c0);
            if it.external {
                ext[l] += d;
                ext0[l] += d0;
            } else {
                int[l] += d;
            }
        }
        let de = raise(g.map(|g| &mut gects[g]), it.ects);
        grouped_int[i] = int;
        grouped_ext[i] = ext;
        grouped_ext0[i] = ext0;
        grouped_ects_int[i] = grouped_ects_int[i + 1] + if it.external { 0 } else { de };
        grouped_ects_ext[i] = grouped_ects_ext[i + 1] + if it.external { de } else { 0 };
    }
    let mut s = Search {
        p,
        any_cost: sorted.iter().any(|i| i.cost > 0),
        items: sorted,
        same_as_prev,
        class,
        suffix_free,
        suffix_int,
        suffix_ext,
        suffix_free_ects,
        suffix_min_ects,
        suffix_max_ects,
        ext_fewest: None,
        ext_reach,
        leaf_class,
        leaf_groups,
        any_leaf_class,
        dp: vec![Vec::new(); p.nodes.len()],
        dp_cache: vec![DpSlot::default(); 5],
        dp_slot: usize::MAX,
        dp_dirty: Vec::new(),
        leaf_cost: Vec::new(),
        met_cap: u32::MAX,
        goal: false,
        core: Vec::new(),
        refine_after: bound::REFINE_AFTER,
        dp_acc: (Vec::new(), Vec::new()),
        dp_next: (Vec::new(), Vec::new()),
        nof_acc: Vec::new(),
        nof_next: Vec::new(),
        nof_vals: Vec::new(),
        vmax,
        leaf_int,
        leaf_ext,
        paid_int,
        paid_ext,
        resource_ok: resource_cells <= RESOURCE_CELLS_LIMIT,
        leaf_min_cost,
        mandatory,
        leaf_node,
        parent,
        path_scratch: Vec::new(),
        sums: vec![0; nl],
        ects: 0,
        ext: 0,
        creds: 0,
        cost: 0,
        offers: 0,
        choice: vec![0; n],
        group_used: vec![false; groups],
        class_closed: vec![false; n_classes],
        best: Score {
            complete: false,
            neg_cost_if_complete: 0,
            neg_offers_if_complete: 0,
            met: 0,
            ects: 0,
            neg_cost: 0,
            neg_creds: 0,
        },
        best_choice: vec![0; n],
        nodes: 0,
        budget: budget.max(1),
        stopped: false,
        memo: HashMap::with_capacity_and_hasher(1024, foldhash::fast::RandomState::default()),
        met: vec![false; p.nodes.len()],
        val: vec![0; p.nodes.len()],
        agg: vec![0; p.nodes.len()],
        buf: vec![0; nl],
        buf2: vec![0; nl],
        grouped_int,
        grouped_ext,
        grouped_ext0,
        grouped_ects_int,
        grouped_ects_ext,
        grp_members,
        used_groups: Vec::new(),
        int_leaf: vec![0; nl],
        ext0_leaf: vec![0; nl],
        grp_stamp: vec![0; groups],
        stamp: 0,
        grp_scratch: Vec::new(),
        grp_mixed,
        scratch_int: Vec::new(),
        scratch_ext: Vec::new(),
        fewest_filled: false,
    };
    s.best = s.score_now();
    (s, order)
}

/// Interchangeable leaves: same need and kind, children of the same node (or both roots),
/// and fitted by exactly the same items. Swapping two of them maps every assignment to one
/// of the same score, so the search tries only the first of those with equal (saturated)
/// sums. Returns each leaf's class: the smallest leaf index in it.
fn leaf_classes(p: &Problem, items: &[Item]) -> Vec<usize> {
    let nl = p.leaves.len();
    let mut parent = vec![usize::MAX; p.nodes.len()];
    for (i, node) in p.nodes.iter().enumerate() {
        if let Node::All(ch) | Node::NOf(_, ch) = node {
            for &c in ch {
                parent[c] = i;
            }
        }
    }
    let mut fitted: Vec<Vec<(usize, bool)>> = vec![Vec::new(); nl];
    for (k, it) in items.iter().enumerate() {
        for &l in &it.exclusive {
            fitted[l].push((k, false));
        }
        for &l in &it.shared {
            fitted[l].push((k, true));
        }
    }
    // (need, by count, shared, parent node, the items that fit it) → the class.
    type Signature<'a> = (u64, bool, bool, usize, &'a [(usize, bool)]);
    let mut seen: HashMap<Signature<'_>, usize> = HashMap::new();
    let mut class = vec![0; nl];
    for (i, node) in p.nodes.iter().enumerate() {
        if let Node::Leaf(l) = node {
            let leaf = &p.leaves[*l];
            let key = (
                leaf.need,
                leaf.by_count,
                leaf.shared,
                parent[i],
                &fitted[*l][..],
            );
            class[*l] = *seen.entry(key).or_insert(*l);
        }
    }
    class
}

impl Search<'_> {
    /// Search again from the start, with the incumbent and the cap so far, until `budget`
    /// nodes in all.
    fn restart(&mut self, budget: u64) {
        self.memo.clear();
        self.stopped = false;
        if self.upper_bound(0) <= self.best {
            // Proven already (by the cap or the incumbent of the phase before).
            return;
        }
        self.budget = budget;
        self.dfs(0, 0);
    }

    /// The best assignment found, indexed like the input items (`order`: position → index).
    fn solution(&self, order: &[usize]) -> Solution {
        let mut choice = vec![Choice::Unused; order.len()];
        for (pos, &orig) in order.iter().enumerate() {
            choice[orig] = self.items[pos].choice_of(self.best_choice[pos]);
        }
        Solution {
            choice,
            proven: !self.stopped,
            nodes: self.nodes,
        }
    }

    /// Fill `self.met` for leaf sums `sums`; (complete, met count) with counted ECTS `ects`.
    fn score_now(&mut self) -> Score {
        let sums = std::mem::take(&mut self.sums);
        let (complete, met) = self.eval(&sums, self.ects);
        self.sums = sums;
        let cost = self.cost as i64;
        Score {
            complete,
            neg_cost_if_complete: if complete { -cost } else { 0 },
            neg_offers_if_complete: if complete { -i64::from(self.offers) } else { 0 },
            met,
            ects: self.ects.min(self.p.total),
            neg_cost: -cost,
            neg_creds: -i64::from(self.creds),
        }
    }

    fn memo_hit(&mut self, i: usize, min_rank: u32) -> bool {
        let mut sums: Vec<u64> = self
            .sums
            .iter()
            .zip(&self.p.leaves)
            .map(|(s, l)| (*s).min(l.need))
            .collect();
        if self.any_leaf_class && min_rank == 0 {
            // Interchangeable leaves: a state and its permutations are one state. Only where no
            // identical-item rank constraint is pending: the rank names leaves, so permuted
            // states under a constraint are not equivalent (and the search never starts under
            // one, so every canonical path is explored).
            for group in &self.leaf_groups {
                let mut v: Vec<u64> = group.iter().map(|&l| sums[l]).collect();
                v.sort_unstable();
                for (&l, sum) in group.iter().zip(v) {
                    sums[l] = sum;
                }
            }
        }
        let key: MemoKey = (
            i as u32,
            min_rank,
            sums,
            self.group_used.clone(),
            self.class_closed.clone(),
        );
        let cur = Reached {
            creds: self.creds,
            cost: self.cost,
            offers: self.offers,
            ects: self.ects.min(self.p.total),
            ext: self.ext,
        };
        match self.memo.get_mut(&key) {
            Some(front) if front.iter().any(|r| r.dominates(&cur)) => true,
            Some(front) => {
                front.retain(|r| !cur.dominates(r));
                if front.len() >= MEMO_FRONT {
                    front.remove(0);
                }
                front.push(cur);
                false
            }
            None => {
                if self.memo.len() < MEMO_LIMIT {
                    self.memo.insert(key, vec![cur]);
                }
                false
            }
        }
    }

    fn apply(&mut self, i: usize, code: u32, add: bool) {
        let it = &self.items[i];
        for &l in it.leaves_under(code) {
            let c = contrib(&self.p.leaves[l], it);
            if add {
                self.sums[l] += c;
            } else {
                self.sums[l] -= c;
            }
        }
        let ext = if it.external { it.ects } else { 0 };
        if let Some(g) = it.group {
            self.group_used[g] = add;
            if add {
                self.used_groups.push(g);
            } else {
                self.used_groups.pop();
            }
        }
        if add {
            self.ects += it.ects;
            self.ext += ext;
            self.creds += 1;
            self.cost += it.cost;
            self.offers += u32::from(it.cost > 0);
            self.choice[i] = code;
        } else {
            self.ects -= it.ects;
            self.ext -= ext;
            self.creds -= 1;
            self.cost -= it.cost;
            self.offers -= u32::from(it.cost > 0);
            self.choice[i] = 0;
        }
    }

    /// Options for item `i`, most promising first (so the first dive is greedy), without
    /// those that cannot help: every leaf they add to is met and the total is reached.
    fn options(&self, i: usize) -> Vec<u32> {
        let it = &self.items[i];
        let closed = self.class[i] != NO_CLASS && self.class_closed[self.class[i]];
        let over_cap = self
            .p
            .ext_cap
            .is_some_and(|cap| it.external && self.ext + it.ects > cap);
        if closed || over_cap || it.group.is_some_and(|g| self.group_used[g]) {
            return vec![0];
        }
        let deficit = |l: usize| self.p.leaves[l].need.saturating_sub(self.sums[l]);
        let gain = |l: usize| {
            let leaf = &self.p.leaves[l];
            contrib(leaf, it).min(deficit(l)) * 1000 / leaf.need.max(1)
        };
        let shared: u64 = it.shared.iter().map(|&l| gain(l)).sum();
        let total_left = self.p.total.saturating_sub(self.ects);
        let total_gain = it.ects.min(total_left) / 10;
        let shared_open = it.shared.iter().any(|&l| deficit(l) > 0);
        let mut opts: Vec<(u64, u32)> = vec![(0, 0)];
        let level = |l: usize| self.sums[l].min(self.p.leaves[l].need);
        for (k, &l) in it.exclusive.iter().enumerate() {
            // Equivalent options are tried once: two interchangeable leaves at the same level,
            // or two leaves already met (adding to either changes nothing but the total).
            let met = |e: usize| deficit(e) == 0;
            let twin = it.exclusive[..k].iter().any(|&e| {
                (met(e) && met(l))
                    || (self.leaf_class[e] == self.leaf_class[l] && level(e) == level(l))
            });
            if twin {
                continue;
            }
            if total_left > 0 || shared_open || deficit(l) > 0 {
                opts.push((gain(l) + shared + total_gain + 1, k as u32 + 1));
            }
        }
        if !it.shared.is_empty() && (total_left > 0 || shared_open) {
            opts.push((shared + total_gain, it.exclusive.len() as u32 + 1));
        }
        // When even every remaining credit cannot exceed the total, using a free, ungrouped
        // item that takes nothing from an allowance beats leaving it unused: no requirement
        // loses, and strictly more ECTS count (which comes before the number of credentials).
        let must_use = it.ects > 0
            && it.cost == 0
            && it.group.is_none()
            && !(it.external && self.p.ext_cap.is_some())
            && self.ects + self.suffix_int[i] + self.suffix_ext[i] <= self.p.total;
        if must_use && opts.len() > 1 {
            opts.remove(0);
        }
        opts.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        opts.into_iter().map(|(_, c)| c).collect()
    }

    fn dfs(&mut self, i: usize, min_rank: u32) {
        self.nodes += 1;
        if self.nodes > self.budget {
            self.stopped = true;
            return;
        }
        let now = self.score_now();
        if now > self.best {
            self.best = now;
            self.best_choice.clone_from(&self.choice);
            if self.goal && now.complete {
                self.stopped = true;
                return;
            }
        }
        if i == self.items.len() || self.upper_bound(i) <= self.best {
            return;
        }
        if i > 0 && self.memo_hit(i, min_rank) {
            return;
        }
        let class = self.class[i];
        for code in self.options(i) {
            if rank(code) < min_rank {
                continue;
            }
            let closes = code == 0 && class != NO_CLASS && !self.class_closed[class];
            if closes {
                self.class_closed[class] = true;
            }
            if code > 0 {
                self.apply(i, code, true);
            }
            let next_min = if self.same_as_prev.get(i + 1) == Some(&true) {
                rank(code)
            } else {
                0
            };
            let before = self.best;
            self.dfs(i + 1, next_min);
            if code > 0 {
                self.apply(i, code, false);
            }
            if closes {
                self.class_closed[class] = false;
            }
            // The state is the one this node was bounded in: only a better incumbent can
            // make its bound prune now.
            if self.stopped || (self.best != before && self.upper_bound(i) <= self.best) {
                return;
            }
        }
    }
}
