//! Captions: short paragraphs a 16-year-old can follow, with the key figures marked strong so
//! each renderer can make them stand out. Numbers come from the `Lesson`, never from here.

use super::{FEW, FUTURES, LADDER, Lesson, Step, count, gbp};
use crate::format::{money_short, percent, probability_decimals};
use crate::stats::{TargetProbability, Z95, target_probability};

/// A run of caption text, plain or a figure to emphasise.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    pub text: String,
    pub strong: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Caption {
    pub title: String,
    pub paragraphs: Vec<Vec<Piece>>,
}

impl Caption {
    /// The caption as plain text, one paragraph per line.
    pub fn plain(&self) -> String {
        self.paragraphs
            .iter()
            .map(|p| p.iter().map(|x| x.text.as_str()).collect::<String>())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Builds a paragraph from alternating plain and strong text: `P::new().t("a").b("1").t("b")`.
#[derive(Default)]
struct P(Vec<Piece>);

impl P {
    fn t(mut self, s: impl Into<String>) -> P {
        self.0.push(Piece {
            text: s.into(),
            strong: false,
        });
        self
    }
    fn b(mut self, s: impl Into<String>) -> P {
        self.0.push(Piece {
            text: s.into(),
            strong: true,
        });
        self
    }
}

/// Whole percent for talk: `71%`.
fn pct(p: f64) -> String {
    percent(p, 0)
}

/// Growth over a year, signed: `+41%`, `−3%`.
fn growth(g: f64) -> String {
    let v = (g * 100.0).round();
    if v < 0.0 {
        format!("−{}%", -v)
    } else {
        format!("+{v}%")
    }
}

/// A chance with the decimals its error allows: `71.2%`.
pub fn chance(t: &TargetProbability) -> String {
    percent(t.probability, probability_decimals(t.std_error))
}

const WAITING: &str = "Simulating… the futures appear in a moment.";

pub fn caption(l: &Lesson, step: Step) -> Caption {
    let paragraphs = match step {
        Step::Claim => claim(l),
        Step::OneFuture => one_future(l),
        Step::TenFutures => ten(l),
        Step::Thousand => thousand(l),
        Step::Fan => fan(l),
        Step::Count => counting(l),
        Step::Policy => policy(l),
    };
    Caption {
        title: step.title().to_string(),
        paragraphs: paragraphs.into_iter().map(|p| p.0).collect(),
    }
}

fn waiting() -> Vec<P> {
    vec![P::default().t(WAITING)]
}

fn claim(l: &Lesson) -> Vec<P> {
    let m = &l.scenario.market;
    let (target, target_year) = l.target();
    let rate = pct(l.scenario.growth.initial);
    let line = l.claim();
    // The last two steps of the line are enough to see it pass the target.
    let steps: Vec<String> = line
        .iter()
        .skip(1)
        .rev()
        .take(2)
        .rev()
        .map(|(y, v)| format!("{} in {y}", gbp(*v)))
        .collect();
    let mut first = P::default()
        .t(format!("In {} UK safety tech firms earned ", m.start_year))
        .b(gbp(m.start_revenue))
        .t(". Officials took the growth of that year, ")
        .b(rate.clone())
        .t(", and drew a straight line: ")
        .t(steps.join(", then "));
    first = match l.claim_year() {
        Some(y) if y <= target_year => first
            .t(" — past ")
            .b(money_short(target))
            .t(format!(" by {target_year}.")),
        Some(y) => first.t(format!(
            " — it reaches {} only in {y}, after {target_year}.",
            money_short(target)
        )),
        None => first.t(format!(
            " — still short of {} by {}.",
            money_short(target),
            m.horizon
        )),
    };
    vec![
        first,
        P::default().t(format!(
            "But nobody knows next year's growth: {rate} was one year. \
             Instead of one line, let the computer imagine many possible futures."
        )),
    ]
}

fn one_future(l: &Lesson) -> Vec<P> {
    let Some(path) = l.one_future() else {
        return waiting();
    };
    let (target, target_year) = l.target();
    let until: Vec<String> = path
        .iter()
        .filter(|(y, _, _)| *y <= target_year)
        .map(|(y, _, g)| format!("{} in {y}", growth(*g)))
        .collect();
    let mut p = vec![P::default().t(
        "This is one possible future. Each year the computer picks the growth at random, like \
         rolling dice: near the trend, sometimes higher, sometimes lower.",
    )];
    if let Some((_, v, _)) = path.iter().find(|(y, _, _)| *y == target_year) {
        p.push(
            P::default()
                .t(format!("Here revenue grew {}, reaching ", until.join(", ")))
                .b(gbp(*v))
                .t(format!(" in {target_year}: "))
                .b(if *v >= target { "above" } else { "below" })
                .t(format!(" the {} target.", money_short(target))),
        );
    }
    p
}

fn ten(l: &Lesson) -> Vec<P> {
    let Some(f) = l.base.and_then(|p| l.first_n(p, FEW)) else {
        return waiting();
    };
    let (target, year) = l.target();
    vec![
        P::default().t(format!(
            "Roll the dice again and you get another future. Here are {}, all equally likely.",
            f.n
        )),
        P::default()
            .t(format!("In {year} they end between "))
            .b(gbp(f.lowest))
            .t(" and ")
            .b(gbp(f.highest))
            .t("; ")
            .b(format!("{} of {}", f.hits, f.n))
            .t(format!(" reach {}.", money_short(target))),
        P::default().t(
            "Ten is too few to trust: one lucky roll changes the count a lot. So let's run a \
             thousand.",
        ),
    ]
}

fn thousand(l: &Lesson) -> Vec<P> {
    let Some(f) = l.base.and_then(|p| l.first_n(p, FUTURES)) else {
        return waiting();
    };
    let (_, year) = l.target();
    vec![
        P::default().t("Here are ").b(count(f.n)).t(
            " futures drawn on top of each other. Where many lines pile up the colour is \
                 stronger: that is where revenue is most likely to be. The faint wisps at the \
                 edges are rare, extreme futures.",
        ),
        P::default()
            .t(format!("In {year} the lowest of them is "))
            .b(gbp(f.lowest))
            .t(" and the highest ")
            .b(gbp(f.highest))
            .t("."),
    ]
}

fn fan(l: &Lesson) -> Vec<P> {
    let Some(b) = l.bands() else {
        return waiting();
    };
    let n = count(b.paths);
    vec![
        P::default()
            .t("The fan sums up the cloud. The middle line is the median: half the futures end above it, half below (")
            .b(gbp(b.median))
            .t(format!(" in {}).", b.year)),
        P::default()
            .t(format!("Inner band: in 50 of 100 futures {} revenue is between ", b.year))
            .b(gbp(b.p25))
            .t(" and ")
            .b(gbp(b.p75))
            .t(format!(" ({} of our {n}).", count(b.inside50))),
        P::default()
            .t("Outer band: in 90 of 100 futures it is between ")
            .b(gbp(b.p5))
            .t(" and ")
            .b(gbp(b.p95))
            .t(format!(" ({} of {n}).", count(b.inside90))),
    ]
}

fn counting(l: &Lesson) -> Vec<P> {
    let Some(base) = l.base else {
        return waiting();
    };
    let t = target_probability(base);
    let (target, year) = l.target();
    let mut p = vec![
        P::default()
            .t(format!(
                "Count the futures at {} or more in {year}: ",
                money_short(target)
            ))
            .b(format!("{} of {}", count(t.hits), count(t.paths)))
            .t(". So the chance is about ")
            .b(pct(t.probability))
            .t("."),
    ];
    let ladder: Vec<TargetProbability> = l
        .ladder
        .iter()
        .flatten()
        .map(|p| target_probability(p))
        .collect();
    if ladder.len() == LADDER.len() {
        let parts: Vec<String> = ladder
            .iter()
            .map(|t| {
                format!(
                    "{} futures: {} ± {}",
                    count(t.paths),
                    chance(t),
                    t.margin_points()
                )
            })
            .collect();
        let (first, last) = (&ladder[0], &ladder[ladder.len() - 1]);
        let more = last.paths as f64 / first.paths.max(1) as f64;
        p.push(P::default().t(format!(
            "Another {} futures would give a slightly different count, so the count has an \
             error: we can be 95% sure the true chance is within the ± points. {}.",
            count(t.paths),
            parts.join("; ")
        )));
        // The rule is the square root. The runs' own margins above also move with each run's
        // chance, so the rule is shown with both margins computed at one chance: the large
        // run's.
        let [small, large] = square_root_margins(last.probability, [first.paths, last.paths]);
        if small > 0.0 && large > 0.0 {
            p.push(P::default().t(format!(
                "The error shrinks with the square root of the number of futures: {} times more \
                 futures make it √{} = {} times smaller. At the same chance ({}), that is {} \
                 points for {} futures and {} for {}.",
                count(more.round() as usize),
                count(more.round() as usize),
                crate::format::thousands(more.sqrt(), 0),
                chance(last),
                crate::format::percent_points(small),
                count(first.paths),
                crate::format::percent_points(large),
                count(last.paths),
            )));
        }
    } else {
        p.push(P::default().t(
            "Another thousand futures would give a slightly different count… (running 100 and \
             10,000 futures to compare)",
        ));
    }
    p
}

/// The 95% margins 1.96·√(p(1−p)/n) of a chance `p` counted over each of `sizes` futures: at
/// one chance their ratio is exactly the square root of the sizes' ratio.
pub fn square_root_margins(p: f64, sizes: [usize; 2]) -> [f64; 2] {
    sizes.map(|n| Z95 * (p * (1.0 - p) / n.max(1) as f64).sqrt())
}

fn policy(l: &Lesson) -> Vec<P> {
    let Some(pair) = l.policy else {
        return vec![
            P::default()
                .t("This scenario cannot take a policy event, so there is nothing to switch on."),
        ];
    };
    let Some(e) = l.policy_effect() else {
        return waiting();
    };
    let (target, year) = l.target();
    let mut intro = P::default().t("Now switch on a policy: ");
    intro = if pair.assumed {
        let o = &pair.event.outcomes[0];
        intro
            .b(format!(
                "{} from {}",
                pair.event.name,
                pair.event.year.unwrap_or(year)
            ))
            .t(format!(
                ". Our assumption: it adds {} points to growth for {} years.",
                (o.growth_uplift * 100.0).round(),
                o.duration.unwrap_or(0)
            ))
    } else {
        intro
            .b(pair.event.name.clone())
            .t(", as the scenario describes it.")
    };
    let n = count(e.paths);
    // The change between the two chances as shown (whole percentages), so the arithmetic on
    // the slide adds up: "from 86% to 96% (+10 points)".
    let change = (e.on.probability * 100.0).round() - (e.off.probability * 100.0).round();
    let lost = if e.lost > 0 {
        format!(", and {} that made it now fall short", count(e.lost))
    } else {
        String::new()
    };
    vec![
        intro,
        P::default().t(format!(
            "Same {n} futures, same dice rolls: only the policy differs, so each future shifts \
             ({} of {n} end higher in {year}).",
            count(e.higher)
        )),
        P::default()
            .t("Without it ")
            .b(format!("{} of {n}", count(e.off.hits)))
            .t(format!(" reach {}; with it ", money_short(target)))
            .b(format!("{} of {n}", count(e.on.hits)))
            .t(format!(
                ": {} futures that fell short now make it{lost}. The chance goes from {} to ",
                count(e.gained),
                pct(e.off.probability)
            ))
            .b(pct(e.on.probability))
            .t(format!(
                " ({}{:.0} points).",
                if change < 0.0 { "−" } else { "+" },
                change.abs()
            )),
    ]
}

/// A caption laid out in lines of at most `width` characters, words kept whole (a word longer
/// than a line is cut). Each line is a list of pieces; paragraphs start on a new line.
pub fn wrap(paragraphs: &[Vec<Piece>], width: usize) -> Vec<Vec<Piece>> {
    let width = width.max(1);
    let mut lines = Vec::new();
    for para in paragraphs {
        let mut line: Vec<Piece> = Vec::new();
        let mut used = 0usize;
        for piece in para {
            // Split into words, keeping each word's trailing space with it.
            for word in piece.text.split_inclusive(' ') {
                let w = word.trim_end().chars().count();
                if used > 0 && used + w > width {
                    trim_end(&mut line);
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                let text: String = if w > width {
                    word.chars().take(width).collect()
                } else {
                    word.to_string()
                };
                used += text.chars().count();
                match line.last_mut() {
                    Some(last) if last.strong == piece.strong => last.text.push_str(&text),
                    _ => line.push(Piece {
                        text,
                        strong: piece.strong,
                    }),
                }
            }
        }
        trim_end(&mut line);
        lines.push(line);
    }
    lines
}

fn trim_end(line: &mut [Piece]) {
    if let Some(last) = line.last_mut() {
        let t = last.text.trim_end().len();
        last.text.truncate(t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain(s: &str, strong: bool) -> Piece {
        Piece {
            text: s.into(),
            strong,
        }
    }

    #[test]
    fn wrapping_keeps_words_and_emphasis() {
        let para = vec![
            plain("one two ", false),
            plain("712 of 1,000", true),
            plain(" reach it.", false),
        ];
        let lines = wrap(&[para], 12);
        let text: Vec<String> = lines
            .iter()
            .map(|l| l.iter().map(|p| p.text.as_str()).collect())
            .collect();
        assert_eq!(text, ["one two 712", "of 1,000", "reach it."]);
        assert!(
            lines
                .iter()
                .all(|l| l.iter().all(|p| p.text.chars().count() <= 12))
        );
        assert!(lines[1][0].strong);
        // Degenerate widths never panic.
        assert!(!wrap(&[vec![plain("abcdefgh", false)]], 0).is_empty());
        assert_eq!(wrap(&[], 10).len(), 0);
    }
}
