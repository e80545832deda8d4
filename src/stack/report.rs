//! Running an audit: from rules and candidates to the engine's problem, and from its solution
//! to the [`Audit`] the desktop UI renders.
//!
//! This file owns the output types and the flow of an audit; the sentences come from
//! `wording.rs`. It must not decide eligibility (that is `filter.rs`) nor
//! search (that is `engine.rs`); it never fails: bad input is caught when rules are parsed.

use serde::Serialize;
use std::collections::{BTreeSet, HashMap};
use ts_rs::TS;

use super::engine::{self, Choice, Item, Leaf, Node, Problem};
use super::filter::{self, centi, Facts, Via};
use super::rules::{Filter, Kind, QualificationRules, Requirement};
use super::wording::{self, fmt_ects};
use super::{AuditContext, Candidate, DEFAULT_NODE_BUDGET};

/// How far a requirement is met.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum Status {
    /// Fully met.
    Met,
    /// Some progress, not met.
    PartlyMet,
    /// Nothing counts toward it yet.
    Unmet,
}

/// The outcome of an audit.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Audit {
    /// The qualification's id.
    pub qualification_id: String,
    /// Its title.
    pub title: String,
    /// The awarding body's name.
    pub awarding_body: String,
    /// Every requirement and the total are met.
    pub complete: bool,
    /// The assignment is proven best; false when the search budget ran out.
    pub proven_optimal: bool,
    /// Unverified, expired, revoked or hypothetical credentials were counted.
    pub what_if: bool,
    /// ECTS counted (after caps).
    pub ects_counted: f64,
    /// ECTS the qualification requires in total.
    pub ects_required: f64,
    /// The requirement tree with what counts where.
    pub requirements: Vec<RequirementAudit>,
    /// Every candidate: counted or not, and why.
    pub candidates: Vec<CandidateAudit>,
    /// What is still needed, in words.
    pub missing: Vec<String>,
    /// A remark about the search (budget exceeded), if any.
    pub note: Option<String>,
    /// Search nodes explored.
    #[ts(type = "number")]
    pub nodes_explored: u64,
}

/// One requirement's outcome.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct RequirementAudit {
    /// The requirement's id.
    pub id: String,
    /// Its title (or id).
    pub title: String,
    /// Its kind.
    pub kind: super::rules::Kind,
    /// Met, partly met or unmet.
    pub status: Status,
    /// ECTS counted here (distinct credentials).
    pub ects_counted: f64,
    /// ECTS needed (`ectsFrom` only).
    pub ects_needed: Option<f64>,
    /// Credentials (leaves) or children met (groups) counted.
    pub count_counted: u32,
    /// Credentials (achievement: 1) or children (groups) needed.
    pub count_needed: Option<u32>,
    /// The credentials counted directly here (leaves only).
    pub counted: Vec<Counting>,
    /// Child requirements (groups only).
    pub children: Vec<RequirementAudit>,
}

/// One credential counted toward one requirement, and by which rule.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Counting {
    /// The candidate's id.
    pub candidate_id: String,
    /// Its title.
    pub title: Option<String>,
    /// ECTS it contributes here.
    pub ects: f64,
    /// Why it counts ("counts as module M3 through the recognition agreement with …").
    pub rule: String,
}

/// One candidate's outcome.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CandidateAudit {
    /// The candidate's id.
    pub id: String,
    /// Its title.
    pub title: Option<String>,
    /// It counts toward the qualification.
    pub counted: bool,
    /// It is hypothetical (planned or a catalogue offer).
    pub hypothetical: bool,
    /// ECTS it contributes (0 if not counted).
    pub ects_counted: f64,
    /// Ids of the requirements it counts toward.
    pub counts_toward: Vec<String>,
    /// Why it does not count (or remarks when it does).
    pub reasons: Vec<String>,
}

struct Flat<'a> {
    reqs: Vec<&'a Requirement>,
    nodes: Vec<Node>,
    leaves: Vec<Leaf>,
    leaf_node: Vec<usize>,
    leaf_filters: Vec<Vec<&'a Filter>>,
    roots: Vec<usize>,
}

fn flatten<'a>(
    r: &'a Requirement,
    filters: &mut Vec<&'a Filter>,
    shared: bool,
    f: &mut Flat<'a>,
) -> usize {
    filters.push(&r.filter);
    let shared = shared || r.allow_shared;
    let node = match r.kind {
        Kind::Achievement | Kind::EctsFrom => {
            let by_count = r.kind == Kind::Achievement;
            f.leaves.push(Leaf {
                need: if by_count {
                    1
                } else {
                    centi(r.ects.unwrap_or(0.0))
                },
                by_count,
                shared,
            });
            f.leaf_node.push(f.nodes.len());
            f.leaf_filters.push(filters.clone());
            Node::Leaf(f.leaves.len() - 1)
        }
        Kind::NOf | Kind::AllOf => {
            let ch: Vec<usize> = r
                .children
                .iter()
                .map(|c| flatten(c, filters, shared, f))
                .collect();
            if r.kind == Kind::AllOf {
                Node::All(ch)
            } else {
                Node::NOf(r.n.unwrap_or(1) as usize, ch)
            }
        }
    };
    filters.pop();
    f.reqs.push(r);
    f.nodes.push(node);
    f.nodes.len() - 1
}

/// Audit with the default node budget. See `docs/stacking.md`.
pub fn audit(rules: &QualificationRules, candidates: &[Candidate], ctx: &AuditContext) -> Audit {
    audit_with_budget(rules, candidates, ctx, DEFAULT_NODE_BUDGET)
}

/// Audit, exploring at most `budget` search nodes.
pub fn audit_with_budget(
    rules: &QualificationRules,
    candidates: &[Candidate],
    ctx: &AuditContext,
    budget: u64,
) -> Audit {
    run(rules, candidates, ctx, budget, &[])
}

/// The abstract problem the search solves for these rules and candidates, as JSON, for
/// checking the engine against an independent solver (`scripts/stack-reference`): `total`
/// and `cap` (hundredths of ECTS, `cap` -1 without one), `leaves` (`[need, byCount,
/// shared]`, need in hundredths or a count), `nodes` (post-order: `["L", leaf]`,
/// `["A", children]`, `["N", n, children]`), `roots`, and `items` (`[ects, exclusive leaves,
/// shared leaves, external, cost, copy group or -1]`). The objective is the engine's (see
/// `docs/stacking.md`, Objective).
pub fn search_problem_json(
    rules: &QualificationRules,
    candidates: &[Candidate],
    ctx: &AuditContext,
) -> serde_json::Value {
    use serde_json::json;
    let b = build(rules, candidates, ctx, &[]);
    let p = &b.problem;
    let nodes: Vec<serde_json::Value> = p
        .nodes
        .iter()
        .map(|n| match n {
            engine::Node::Leaf(l) => json!(["L", l]),
            engine::Node::All(ch) => json!(["A", ch]),
            engine::Node::NOf(k, ch) => json!(["N", k, ch]),
        })
        .collect();
    let leaves: Vec<serde_json::Value> = p
        .leaves
        .iter()
        .map(|l| json!([l.need, l.by_count, l.shared]))
        .collect();
    let items: Vec<serde_json::Value> = b
        .items
        .iter()
        .map(|it| {
            let group = it.group.map_or(-1, |g| g as i64);
            json!([
                it.ects,
                it.exclusive,
                it.shared,
                it.external,
                it.cost,
                group
            ])
        })
        .collect();
    json!({
        "total": p.total,
        "cap": p.ext_cap.map_or(-1, |c| c as i64),
        "roots": p.roots,
        "leaves": leaves,
        "nodes": nodes,
        "items": items,
    })
}

/// What the search needs, and what explaining its result needs.
struct Built<'a> {
    flat: Flat<'a>,
    outcomes: Vec<CandidateAudit>,
    facts: Vec<Option<Facts<'a>>>,
    fits: Vec<Vec<(usize, Via)>>,
    group: Vec<Option<usize>>,
    items: Vec<Item>,
    item_of: Vec<usize>,
    what_if_used: bool,
    problem: Problem,
}

/// The engine's problem and items for these rules and candidates (for the property tests).
#[cfg(test)]
pub(crate) fn problem_of(
    rules: &QualificationRules,
    candidates: &[Candidate],
    ctx: &AuditContext,
) -> (Problem, Vec<Item>) {
    let b = build(rules, candidates, ctx, &[]);
    (b.problem, b.items)
}

/// Flatten the rules, check every candidate against every leaf and make the search items.
fn build<'a>(
    rules: &'a QualificationRules,
    candidates: &'a [Candidate],
    ctx: &AuditContext,
    costs: &[u64],
) -> Built<'a> {
    let mut flat = Flat {
        reqs: Vec::new(),
        nodes: Vec::new(),
        leaves: Vec::new(),
        leaf_node: Vec::new(),
        leaf_filters: Vec::new(),
        roots: Vec::new(),
    };
    for r in &rules.requirements {
        let idx = flatten(r, &mut Vec::new(), false, &mut flat);
        flat.roots.push(idx);
    }
    let mut outcomes: Vec<CandidateAudit> = candidates
        .iter()
        .map(|c| CandidateAudit {
            id: c.id.clone(),
            title: c.credential.title.clone(),
            counted: false,
            hypothetical: c.hypothetical,
            ects_counted: 0.0,
            counts_toward: Vec::new(),
            reasons: Vec::new(),
        })
        .collect();
    let mut facts: Vec<Option<Facts<'_>>> = Vec::with_capacity(candidates.len());
    let mut fits: Vec<Vec<(usize, Via)>> = vec![Vec::new(); candidates.len()];
    let mut what_if_used = false;
    let mut cache = filter::ReasonCache::default();
    for (ci, c) in candidates.iter().enumerate() {
        let problems = filter::status_problems(c, ctx);
        if !problems.is_empty() && !ctx.what_if && !c.hypothetical {
            outcomes[ci].reasons = problems;
            facts.push(None);
            continue;
        }
        let fc = filter::facts(rules, c, ctx);
        for (l, req) in flat.leaf_node.iter().map(|&n| flat.reqs[n]).enumerate() {
            if let Ok(via) = filter::fit(rules, req, &flat.leaf_filters[l], &fc, c, ctx, None) {
                fits[ci].push((l, via));
            }
        }
        if fits[ci].is_empty() {
            let mut why = BTreeSet::new();
            for (l, req) in flat.leaf_node.iter().map(|&n| flat.reqs[n]).enumerate() {
                if let Err(rs) = filter::fit(
                    rules,
                    req,
                    &flat.leaf_filters[l],
                    &fc,
                    c,
                    ctx,
                    Some(&mut cache),
                ) {
                    why.extend(rs.into_iter().filter(|r| !r.is_empty()));
                }
            }
            outcomes[ci].reasons = why.into_iter().collect();
        } else if !problems.is_empty() {
            what_if_used = true;
            outcomes[ci].reasons.push(format!(
                "counted only in this what-if: {}",
                problems.join(", ")
            ));
        }
        what_if_used |= c.hypothetical;
        facts.push(Some(fc));
    }
    // Copies of the same achievement from the same issuer form a group: at most one counts.
    let mut copies: HashMap<(&str, &str), Vec<usize>> = HashMap::new();
    for ci in 0..candidates.len() {
        if let (Some(fc), Some(aid), false) = (
            &facts[ci],
            candidates[ci].credential.achievement_id.as_deref(),
            fits[ci].is_empty(),
        ) {
            copies.entry((fc.issuer, aid)).or_default().push(ci);
        }
    }
    let mut group: Vec<Option<usize>> = vec![None; candidates.len()];
    let mut sets: Vec<Vec<usize>> = copies.into_values().filter(|v| v.len() > 1).collect();
    sets.sort();
    for (g, set) in sets.iter().enumerate() {
        for &ci in set {
            group[ci] = Some(g);
        }
    }
    let mut item_of = Vec::new();
    let mut items = Vec::new();
    for ci in 0..candidates.len() {
        let Some(fc) = &facts[ci] else { continue };
        if fits[ci].is_empty() {
            continue;
        }
        let (shared, exclusive): (Vec<usize>, Vec<usize>) = fits[ci]
            .iter()
            .map(|(l, _)| *l)
            .partition(|&l| flat.leaves[l].shared);
        items.push(Item {
            ects: fc.ects,
            exclusive,
            shared,
            external: fc.external,
            cost: costs.get(ci).copied().unwrap_or(0),
            group: group[ci],
        });
        item_of.push(ci);
    }
    let problem = Problem {
        leaves: flat.leaves.clone(),
        nodes: flat.nodes.clone(),
        roots: flat.roots.clone(),
        total: centi(rules.total_ects),
        ext_cap: rules.caps.max_external_ects.map(centi),
    };
    Built {
        flat,
        outcomes,
        facts,
        fits,
        group,
        items,
        item_of,
        what_if_used,
        problem,
    }
}

/// The audit, where `costs[i]` (hundredths of ECTS, default 0) is what candidate `i` costs
/// the learner; complete assignments of least cost win (used by suggestions).
pub(crate) fn run(
    rules: &QualificationRules,
    candidates: &[Candidate],
    ctx: &AuditContext,
    budget: u64,
    costs: &[u64],
) -> Audit {
    let Built {
        flat,
        mut outcomes,
        facts,
        fits,
        group,
        items,
        item_of,
        what_if_used,
        problem,
    } = build(rules, candidates, ctx, costs);
    let sol = engine::solve(&problem, &items, budget);
    let mut assigned: Vec<Vec<usize>> = vec![Vec::new(); flat.leaves.len()];
    let (mut total, mut ext_used) = (0u64, 0u64);
    for (k, &ci) in item_of.iter().enumerate() {
        let it = &items[k];
        let mut leaves: Vec<usize> = match sol.choice[k] {
            Choice::Unused => continue,
            Choice::Leaf(l) => vec![l],
            Choice::SharedOnly => Vec::new(),
        };
        leaves.extend(it.shared.iter().copied());
        total += it.ects;
        if it.external {
            ext_used += it.ects;
        }
        outcomes[ci].counted = true;
        outcomes[ci].ects_counted = it.ects as f64 / 100.0;
        for l in leaves {
            assigned[l].push(ci);
            outcomes[ci]
                .counts_toward
                .push(flat.reqs[flat.leaf_node[l]].id.clone());
        }
    }
    // Reasons for eligible credentials that were not used, and remarks on used ones.
    let counted_in_group: HashMap<usize, usize> = item_of
        .iter()
        .filter(|&&ci| outcomes[ci].counted)
        .filter_map(|&ci| group[ci].map(|g| (g, ci)))
        .collect();
    let label = |l: usize| {
        let r = flat.reqs[flat.leaf_node[l]];
        format!("{} ({})", r.id, r.label())
    };
    let sums: Vec<u64> = (0..flat.leaves.len())
        .map(|l| {
            assigned[l]
                .iter()
                .map(|&ci| match (&facts[ci], flat.leaves[l].by_count) {
                    (_, true) => 1,
                    (Some(f), false) => f.ects,
                    (None, false) => 0,
                })
                .sum()
        })
        .collect();
    for (k, &ci) in item_of.iter().enumerate() {
        let it = &items[k];
        match sol.choice[k] {
            Choice::Unused => {
                let cap = problem.ext_cap.unwrap_or(u64::MAX);
                let twin = group[ci].and_then(|g| counted_in_group.get(&g).copied());
                if let Some(cj) = twin {
                    outcomes[ci].reasons.push(format!(
                        "the same achievement is already counted as {}",
                        candidates[cj].id
                    ));
                } else if it.external && ext_used + it.ects > cap {
                    outcomes[ci].reasons.push(format!(
                        "the {}-ECTS cap on credits from outside {} is reached",
                        fmt_ects(cap),
                        rules.awarding_body.name
                    ));
                } else {
                    let fits: Vec<String> = it
                        .exclusive
                        .iter()
                        .chain(&it.shared)
                        .map(|&l| label(l))
                        .collect();
                    outcomes[ci].reasons.push(format!(
                        "not needed: {} already met by the credentials counted",
                        fits.join(", ")
                    ));
                }
            }
            Choice::Leaf(used) => {
                for &l in it.exclusive.iter().filter(|&&l| l != used) {
                    outcomes[ci].reasons.push(format!(
                        "already counted for {}, so not also for {}",
                        flat.reqs[flat.leaf_node[used]].id,
                        label(l)
                    ));
                }
            }
            Choice::SharedOnly => {}
        }
    }
    let ctx_words = wording::Words {
        rules,
        candidates,
        facts: &facts,
        fits: &fits,
    };
    let mut statuses = vec![Status::Unmet; flat.nodes.len()];
    let mut built: Vec<Option<RequirementAudit>> = vec![None; flat.nodes.len()];
    let mut creds_under: Vec<BTreeSet<usize>> = vec![BTreeSet::new(); flat.nodes.len()];
    for (n, node) in flat.nodes.iter().enumerate() {
        let r = flat.reqs[n];
        let mut ra = RequirementAudit {
            id: r.id.clone(),
            title: r.label().to_string(),
            kind: r.kind,
            status: Status::Unmet,
            ects_counted: 0.0,
            ects_needed: None,
            count_counted: 0,
            count_needed: None,
            counted: Vec::new(),
            children: Vec::new(),
        };
        match node {
            Node::Leaf(l) => {
                let leaf = &flat.leaves[*l];
                ra.status = if sums[*l] >= leaf.need {
                    Status::Met
                } else if sums[*l] > 0 {
                    Status::PartlyMet
                } else {
                    Status::Unmet
                };
                ra.count_counted = assigned[*l].len() as u32;
                if leaf.by_count {
                    ra.count_needed = Some(1);
                } else {
                    ra.ects_needed = r.ects;
                }
                for &ci in &assigned[*l] {
                    creds_under[n].insert(ci);
                    ra.counted.push(ctx_words.counting(ci, *l, r, leaf.shared));
                }
            }
            Node::All(ch) | Node::NOf(_, ch) => {
                let met = ch.iter().filter(|&&c| statuses[c] == Status::Met).count();
                let need = match node {
                    Node::NOf(k, _) => *k,
                    _ => ch.len(),
                };
                ra.status = if met >= need {
                    Status::Met
                } else if ch.iter().any(|&c| statuses[c] != Status::Unmet) {
                    Status::PartlyMet
                } else {
                    Status::Unmet
                };
                ra.count_counted = met as u32;
                ra.count_needed = Some(need as u32);
                for &c in ch {
                    let under = std::mem::take(&mut creds_under[c]);
                    creds_under[n].extend(under.iter().copied());
                    creds_under[c] = under;
                    if let Some(child) = built[c].take() {
                        ra.children.push(child);
                    }
                }
            }
        }
        ra.ects_counted = creds_under[n]
            .iter()
            .filter_map(|&ci| facts[ci].as_ref().map(|f| f.ects))
            .sum::<u64>() as f64
            / 100.0;
        statuses[n] = ra.status;
        built[n] = Some(ra);
    }
    let requirements: Vec<RequirementAudit> =
        flat.roots.iter().filter_map(|&r| built[r].take()).collect();
    let need_total = centi(rules.total_ects);
    let complete = total >= need_total && flat.roots.iter().all(|&r| statuses[r] == Status::Met);
    let mut missing = Vec::new();
    for ra in &requirements {
        ctx_words.missing(ra, &flat.reqs, &mut missing);
    }
    if total < need_total {
        missing.push(format!(
            "{} more ECTS in total ({} of {} counted)",
            fmt_ects(need_total - total),
            fmt_ects(total),
            fmt_ects(need_total)
        ));
    }
    Audit {
        qualification_id: rules.id.clone(),
        title: rules.title.clone(),
        awarding_body: rules.awarding_body.name.clone(),
        complete,
        proven_optimal: sol.proven,
        what_if: ctx.what_if || what_if_used,
        ects_counted: total as f64 / 100.0,
        ects_required: rules.total_ects,
        requirements,
        candidates: outcomes,
        missing,
        note: (!sol.proven).then(|| {
            format!(
                "the search stopped after {} steps: this is the best assignment found, \
                 a better one may exist",
                sol.nodes
            )
        }),
        nodes_explored: sol.nodes,
    }
}
