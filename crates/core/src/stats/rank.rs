//! Percentiles and the histogram of day counts, read off counted
//! distributions (value -> how many). Pure arithmetic, no table.

use std::collections::BTreeMap;

use super::{DaysBucket, DAYS_BUCKETS};

/// The smallest value within which at least `percent`% of the counted
/// values fall (nearest-rank percentile); `counts` maps value -> how many.
pub fn nearest_rank(counts: &BTreeMap<u32, u64>, percent: u64) -> Option<u32> {
    let total: u64 = counts.values().sum();
    if total == 0 {
        return None;
    }
    let rank = (total * percent).div_ceil(100).max(1);
    let mut seen = 0;
    counts.iter().find_map(|(&value, &count)| {
        seen += count;
        (seen >= rank).then_some(value)
    })
}

pub(super) fn histogram(counts: &BTreeMap<u32, u64>) -> Vec<DaysBucket> {
    DAYS_BUCKETS
        .iter()
        .map(|&(min_days, max_days)| DaysBucket {
            min_days,
            max_days,
            count: counts
                .range(min_days..=max_days.unwrap_or(u32::MAX))
                .map(|(_, count)| count)
                .sum(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(values: &[u32]) -> BTreeMap<u32, u64> {
        let mut map = BTreeMap::new();
        for &v in values {
            *map.entry(v).or_default() += 1;
        }
        map
    }

    #[test]
    fn nearest_rank_is_the_value_within_which_the_share_falls() {
        assert_eq!(nearest_rank(&counts(&[]), 50), None);
        assert_eq!(nearest_rank(&counts(&[4]), 50), Some(4));
        assert_eq!(nearest_rank(&counts(&[4]), 90), Some(4));
        // 4 values: rank ceil(2) = 2 -> 3; p90 rank ceil(3.6) = 4 -> 20.
        assert_eq!(nearest_rank(&counts(&[1, 3, 9, 20]), 50), Some(3));
        assert_eq!(nearest_rank(&counts(&[1, 3, 9, 20]), 90), Some(20));
        // 10 values 1..=10: median rank 5 -> 5, p90 rank 9 -> 9.
        let ten: Vec<u32> = (1..=10).collect();
        assert_eq!(nearest_rank(&counts(&ten), 50), Some(5));
        assert_eq!(nearest_rank(&counts(&ten), 90), Some(9));
        assert_eq!(nearest_rank(&counts(&[7, 7, 7, 2]), 50), Some(7));
    }

    #[test]
    fn histogram_buckets_cover_every_day_once() {
        let buckets = histogram(&counts(&[0, 7, 8, 15, 16, 60, 61, 200, 1000]));
        let got: Vec<u64> = buckets.iter().map(|b| b.count).collect();
        assert_eq!(got, vec![2, 2, 1, 1, 1, 0, 2]);
        for pair in DAYS_BUCKETS.windows(2) {
            assert_eq!(pair[0].1.map(|max| max + 1), Some(pair[1].0));
        }
    }
}
