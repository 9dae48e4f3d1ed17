#include "core/thread_pool.hpp"

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <exception>
#include <mutex>
#include <thread>
#include <vector>

namespace hotspot {

unsigned workerCount() {
    if (const char* env = std::getenv("HOTSPOT_THREADS")) {
        int n = std::atoi(env);
        if (n > 0) return static_cast<unsigned>(n);
    }
    return std::max(1u, std::thread::hardware_concurrency());
}

void parallelFor(size_t count, const std::function<void(size_t, unsigned)>& task) {
    const unsigned workers = static_cast<unsigned>(std::min<size_t>(workerCount(), count));
    if (workers <= 1) {
        for (size_t i = 0; i < count; ++i) task(i, 0);
        return;
    }
    std::atomic<size_t> next{0};
    std::exception_ptr failure;
    std::mutex failureMutex;
    auto run = [&](unsigned worker) {
        for (;;) {
            size_t i = next.fetch_add(1);
            if (i >= count) return;
            try {
                task(i, worker);
            } catch (...) {
                std::lock_guard lock(failureMutex);
                if (!failure) failure = std::current_exception();
                next = count;  // stop handing out work
            }
        }
    };
    std::vector<std::thread> threads;
    for (unsigned w = 1; w < workers; ++w) threads.emplace_back(run, w);
    run(0);
    for (auto& t : threads) t.join();
    if (failure) std::rethrow_exception(failure);
}

BackgroundTask::BackgroundTask(std::function<void()> work) {
    if (work) m_done = std::async(std::launch::async, std::move(work));
}

BackgroundTask::~BackgroundTask() {
    if (m_done.valid()) m_done.wait();
}

void BackgroundTask::finish() {
    if (m_done.valid()) m_done.get();
}

}  // namespace hotspot
