// BackgroundTask: the work runs beside the caller, finish() rethrows its failure, the destructor
// waits for it (so it never outlives what it reads), and empty work does nothing.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "core/thread_pool.hpp"

using namespace hotspot;

TEST(BackgroundTask, RunsBesideTheCallerAndRethrowsOnFinish) {
    std::atomic<bool> started{false}, release{false};
    BackgroundTask task([&] {
        started = true;
        while (!release) std::this_thread::yield();  // runs only if it is on another thread
        throw std::runtime_error("disk full");
    });
    while (!started) std::this_thread::yield();
    release = true;
    EXPECT_THROW(task.finish(), std::runtime_error);
}

TEST(BackgroundTask, DestructorWaitsForTheWork) {
    int written = 0;
    {
        BackgroundTask task([&] {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
            written = 42;
        });
    }
    EXPECT_EQ(written, 42);
}

TEST(BackgroundTask, EmptyWorkDoesNothing) {
    BackgroundTask task{std::function<void()>{}};
    EXPECT_NO_THROW(task.finish());
}
