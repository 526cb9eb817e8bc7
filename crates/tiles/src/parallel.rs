//! One small work queue for the crate's independent jobs (zoom levels, tile index files).

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` of every item, on as many threads as the machine has cores (at most one per item), each
/// thread taking the next item in turn, so put the heaviest first. Results come back in item
/// order; a panic on a worker is raised here.
pub(crate) fn in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism()
        .map_or(1, std::num::NonZero::get)
        .clamp(1, items.len().max(1));
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, R)> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut mine = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        mine.push((i, f(item)));
                    }
                    mine
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_back_in_item_order() {
        let items: Vec<u64> = (0..100).collect();
        assert_eq!(
            super::in_parallel(&items, |&x| x * x),
            items.iter().map(|x| x * x).collect::<Vec<_>>()
        );
        assert!(super::in_parallel(&[] as &[u8], |&x| x).is_empty());
    }
}
