//! A small seeded random number generator (SplitMix64): the same seed gives
//! the same transactions on every machine and every run.

/// A deterministic source of random numbers.
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    /// True with probability `percent` in 100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    /// One of `items`.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len() as u64) as usize]
    }

    /// A value made by `make`, or unknown (`None`) with probability
    /// `percent` in 100.
    pub fn maybe<T>(&mut self, percent: u64, make: impl FnOnce(&mut Rng) -> T) -> Option<T> {
        let value = make(self);
        if self.chance(percent) {
            None
        } else {
            Some(value)
        }
    }

    /// A random boolean that is true with probability `percent` in 100, or
    /// unknown one time in `unknown` percent.
    pub fn flag(&mut self, percent: u64, unknown: u64) -> Option<bool> {
        self.maybe(unknown, |r| r.chance(percent))
    }
}

/// Removes object keys whose value is `null` from most objects, so that
/// unknown facts appear both ways: left out (mostly) and as `null`.
pub fn drop_nulls(value: &mut serde_json::Value, rng: &mut Rng) {
    match value {
        serde_json::Value::Object(map) => {
            if !rng.chance(10) {
                map.retain(|_, v| !v.is_null());
            }
            for v in map.values_mut() {
                drop_nulls(v, rng);
            }
        }
        serde_json::Value::Array(items) => {
            for v in items {
                drop_nulls(v, rng);
            }
        }
        _ => {}
    }
}
