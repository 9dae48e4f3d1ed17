#pragma once
// Minimal parallel-for: the engine's data parallelism is coarse (file chunks, point blocks),
// so a fixed set of std::threads pulling indexes from an atomic counter is enough.

#include <cstddef>
#include <functional>

namespace hotspot {

// Number of worker threads to use: HOTSPOT_THREADS if set, else hardware concurrency.
unsigned workerCount();

// Calls task(index, worker) for index in [0, count) on up to workerCount() threads.
// Exceptions thrown by a task are rethrown (the first one) after all workers stop.
void parallelFor(size_t count, const std::function<void(size_t index, unsigned worker)>& task);

}  // namespace hotspot
