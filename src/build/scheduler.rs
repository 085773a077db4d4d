//! The order among tasks that are ready to run, as BitBake's runqueue
//! schedulers choose it (BB_SCHEDULER): `basic` keeps the plan's order,
//! `speed` prefers the tasks most others wait for, and `completion`
//! finishes a recipe before it starts the next.

use std::collections::HashMap;

/// A task as the scheduler sees it.
#[derive(Clone, Debug)]
pub struct SchedTask {
    pub fn_name: String,
    pub task: String,
    /// Indices of the tasks it depends on.
    pub depends: Vec<usize>,
    /// Its place in BitBake's runqueue, which breaks ties.
    pub runq_index: usize,
}

/// Each task's priority: a rank, where a lower rank runs first.
pub fn priorities(scheduler: &str, tasks: &[SchedTask]) -> Result<Vec<usize>, String> {
    let order = match scheduler {
        "basic" => {
            let mut order: Vec<usize> = (0..tasks.len()).collect();
            order.sort_by_key(|&index| tasks[index].runq_index);
            order
        }
        "" | "speed" => speed_order(tasks),
        "completion" => completion_order(tasks),
        other => {
            return Err(format!(
                "Invalid scheduler '{other}'. Available schedulers: basic speed completion"
            ))
        }
    };
    let mut rank = vec![0; tasks.len()];
    for (position, &index) in order.iter().enumerate() {
        rank[index] = position;
    }
    Ok(rank)
}

/// BitBake's task weights: a task nothing depends on weighs 10, and every
/// task adds its weight to each of its dependencies, once all the tasks
/// that depend on that dependency are counted.
pub fn weights(tasks: &[SchedTask]) -> Vec<u64> {
    let mut weight = vec![1u64; tasks.len()];
    let mut dependents_left = vec![0usize; tasks.len()];
    for task in tasks {
        for &dep in &task.depends {
            dependents_left[dep] += 1;
        }
    }
    let mut points: Vec<usize> = (0..tasks.len()).filter(|&i| dependents_left[i] == 0).collect();
    for &point in &points {
        weight[point] = 10;
    }
    while !points.is_empty() {
        let mut next = Vec::new();
        for point in points {
            for &dep in &tasks[point].depends {
                weight[dep] += weight[point];
                dependents_left[dep] -= 1;
                if dependents_left[dep] == 0 {
                    next.push(dep);
                }
            }
        }
        points = next;
    }
    weight
}

/// Heaviest first; among equal weights, the task added to the runqueue
/// later first.
fn speed_order(tasks: &[SchedTask]) -> Vec<usize> {
    let weight = weights(tasks);
    let mut order: Vec<usize> = (0..tasks.len()).collect();
    order.sort_by(|&a, &b| {
        weight[b].cmp(&weight[a]).then(tasks[b].runq_index.cmp(&tasks[a].runq_index))
    });
    order
}

/// The speed order, then regrouped: the task names of all recipes are
/// merged into one sequence, and tasks are pulled forward name by name,
/// from the one that finishes a recipe to the one that starts it.
fn completion_order(tasks: &[SchedTask]) -> Vec<usize> {
    let mut order = speed_order(tasks);
    let mut per_recipe: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut recipe_slot: HashMap<&str, usize> = HashMap::new();
    for &index in &order {
        let task = &tasks[index];
        let slot = *recipe_slot.entry(&task.fn_name).or_insert_with(|| {
            per_recipe.push((&task.fn_name, Vec::new()));
            per_recipe.len() - 1
        });
        per_recipe[slot].1.push(&task.task);
    }
    let mut merged: Vec<&str> = Vec::new();
    for (_, names) in &per_recipe {
        let mut at = 0;
        for &name in names {
            if merged.get(at) == Some(&name) {
                at += 1;
            } else if let Some(found) = merged.iter().position(|&known| known == name) {
                at = found + 1;
            } else {
                merged.insert(at, name);
                at += 1;
            }
        }
    }
    merged.reverse();
    let mut filled = 0;
    for name in merged {
        let mut index = filled;
        while index < order.len() {
            if tasks[order[index]].task == name {
                let moved = order.remove(index);
                order.insert(filled, moved);
                filled += 1;
            }
            index += 1;
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    fn task(fn_name: &str, task: &str, depends: &[usize]) -> SchedTask {
        SchedTask {
            fn_name: fn_name.into(),
            task: task.into(),
            depends: depends.to_vec(),
            runq_index: 0,
        }
    }

    /// a:fetch <- a:compile <- a:build, b:fetch <- b:build, and a:build
    /// also needs b:build.
    fn two_recipes() -> Vec<SchedTask> {
        let mut tasks = vec![
            task("a", "do_fetch", &[]),
            task("a", "do_compile", &[0]),
            task("a", "do_build", &[1, 4]),
            task("b", "do_fetch", &[]),
            task("b", "do_build", &[3]),
        ];
        // Added to the runqueue in this order.
        tasks.iter_mut().enumerate().for_each(|(index, task)| task.runq_index = index);
        tasks
    }

    #[test]
    fn weights_add_up_from_the_endpoints() {
        assert_eq!(weights(&two_recipes()), vec![12, 11, 10, 12, 11]);
    }

    #[test]
    fn speed_runs_the_heaviest_first() {
        let rank = priorities("speed", &two_recipes()).unwrap();
        // Order: b:fetch and a:fetch (12, the later first), then b:build
        // and a:compile (11), then a:build.
        assert_eq!(rank, vec![1, 3, 4, 0, 2]);
    }

    #[test]
    fn completion_groups_tasks_by_name_from_the_last() {
        let rank = priorities("completion", &two_recipes()).unwrap();
        // Merged names: do_fetch, do_compile, do_build; reversed, the
        // do_build tasks come first, then do_compile, then do_fetch.
        assert_eq!(rank, vec![4, 2, 1, 3, 0]);
    }

    #[test]
    fn an_unknown_scheduler_is_refused() {
        let error = priorities("fastest", &two_recipes()).unwrap_err();
        assert!(error.contains("Invalid scheduler 'fastest'"), "{error}");
    }
}
