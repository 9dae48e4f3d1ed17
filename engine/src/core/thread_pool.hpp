#pragma once
// Minimal parallel-for: the engine's data parallelism is coarse (file chunks, point blocks),
// so a fixed set of std::threads pulling indexes from an atomic counter is enough.

#include <cstddef>
#include <functional>
#include <future>

namespace hotspot {

// Number of worker threads to use: HOTSPOT_THREADS if set, else hardware concurrency.
unsigned workerCount();

// Calls task(index, worker) for index in [0, count) on up to workerCount() threads.
// Exceptions thrown by a task are rethrown (the first one) after all workers stop.
void parallelFor(size_t count, const std::function<void(size_t index, unsigned worker)>& task);

// Work on a second thread beside the rest of a command, e.g. an output compressed while the next
// step computes. The destructor waits, so the work never outlives what it reads, whichever way
// the owner's scope is left; finish() waits and rethrows what the work threw. Empty work does
// nothing. Give the work copies of anything the owner goes on changing.
class BackgroundTask {
public:
    explicit BackgroundTask(std::function<void()> work);
    ~BackgroundTask();
    BackgroundTask(const BackgroundTask&) = delete;
    BackgroundTask& operator=(const BackgroundTask&) = delete;
    void finish();

private:
    std::future<void> m_done;
};

}  // namespace hotspot
