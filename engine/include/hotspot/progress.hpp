#pragma once
// Progress on stderr in GDAL's "0...10...20...30...40...50...60...70...80...90...100 - done." style.

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <utility>

#include "hotspot/options.hpp"

namespace hotspot {

class Progress {
public:
    // A silent progress: used by tests and by --quiet.
    Progress() = default;
    // Printing to stderr; notes name options through `naming` (the CLI passes its flags; see nameOptions).
    explicit Progress(bool enabled, OptionNaming naming = {}) : m_enabled(enabled), m_naming(std::move(naming)) {}
    // Progress reported to a function instead of stderr (the Python bindings, a GUI): called with
    // the stage's label and the fraction done, at the start, at each whole percent, and at the end;
    // from whichever thread made the progress, one call at a time. Returning false cancels the job:
    // the call that asked throws Error(Cancelled), and the job's staged outputs are discarded.
    using Callback = std::function<bool(const std::string& stage, double fraction)>;
    explicit Progress(Callback callback) : m_callback(std::move(callback)) {}

    // Start a named stage; prints the label.
    void begin(const std::string& label);
    // fraction in [0, 1]; thread-safe, prints only when a new tick is passed.
    void update(double fraction);
    void end();
    // A free-form line (suppressed when quiet).
    void note(const std::string& line);
    bool enabled() const { return m_enabled; }

private:
    bool m_enabled = false;
    Callback m_callback;
    OptionNaming m_naming;         // empty: notes printed as the engine wrote them
    void report(double fraction);  // to the callback; throws Error(Cancelled) when it says stop
    std::string m_stage;
    int m_lastTick = -1, m_lastPercent = -1;
    std::mutex m_mutex;
};

// With HOTSPOT_PROFILE set, prints the wall time of each step of a command on stderr ("density:
// read 0.412 s"): for tuning (docs/benchmarks.md), silent otherwise.
class StepTimer {
public:
    explicit StepTimer(const char* scope);
    void step(const char* name);

private:
    const char* m_scope;
    bool m_enabled;
    std::chrono::steady_clock::time_point m_last;
};

}  // namespace hotspot
