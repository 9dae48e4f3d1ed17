#include "hotspot/progress.hpp"

#include "hotspot/error.hpp"

#include <algorithm>
#include <cstdio>

namespace hotspot {

void Progress::report(double fraction) {
    if (!m_callback(m_stage, fraction)) throw Error(ErrorKind::Cancelled, "cancelled during '" + m_stage + "'; no output was written");
}

void Progress::begin(const std::string& label) {
    std::lock_guard lock(m_mutex);
    m_lastTick = -1;
    if (m_callback) {
        m_stage = label;
        m_lastPercent = 0;
        report(0.0);
        return;
    }
    if (!m_enabled) return;
    std::fprintf(stderr, "%s: ", label.c_str());
    std::fflush(stderr);
}

void Progress::update(double fraction) {
    if (m_callback) {
        std::lock_guard lock(m_mutex);
        const int percent = std::clamp(static_cast<int>(fraction * 100.0 + 1e-9), 0, 100);
        if (percent > m_lastPercent) {
            m_lastPercent = percent;
            report(percent / 100.0);
        }
        return;
    }
    if (!m_enabled) return;
    std::lock_guard lock(m_mutex);
    int tick = static_cast<int>(fraction * 40.0 + 1e-9);  // 40 ticks of 2.5 %
    if (tick > 40) tick = 40;
    while (m_lastTick < tick) {
        ++m_lastTick;
        if (m_lastTick % 4 == 0)
            std::fprintf(stderr, "%d", m_lastTick / 4 * 10);
        else
            std::fputc('.', stderr);
    }
    std::fflush(stderr);
}

void Progress::end() {
    update(1.0);
    if (!m_enabled) return;
    std::lock_guard lock(m_mutex);
    std::fprintf(stderr, " - done.\n");
}

void Progress::note(const std::string& line) {
    if (m_callback) {
        std::lock_guard lock(m_mutex);
        m_stage = line;
        report(0.0);
        return;
    }
    if (!m_enabled) return;
    std::lock_guard lock(m_mutex);
    std::fprintf(stderr, "%s\n", m_naming.name ? nameOptions(line, m_naming).c_str() : line.c_str());
}

StepTimer::StepTimer(const char* scope) : m_scope(scope), m_enabled(std::getenv("HOTSPOT_PROFILE") != nullptr), m_last(std::chrono::steady_clock::now()) {}

void StepTimer::step(const char* name) {
    if (!m_enabled) return;
    const auto now = std::chrono::steady_clock::now();
    std::fprintf(stderr, "%s: %-14s %.3f s\n", m_scope, name, std::chrono::duration<double>(now - m_last).count());
    m_last = now;
}

}  // namespace hotspot
