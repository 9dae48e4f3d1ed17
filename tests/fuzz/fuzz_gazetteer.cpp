// Gazetteer CSV files and matching: loaded or refused, then any address matched without a crash.
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "hotspot/error.hpp"
#include "hotspot/gazetteer.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = hotspot::fuzz::writeTemp(data, size, ".csv");
    hotspot::Gazetteer g;
    try {
        g.load(path, {});
    } catch (const hotspot::Error&) {
    }
    const std::string text(reinterpret_cast<const char*>(data), std::min<size_t>(size, 200));
    hotspot::MatchResult r = g.match(text, "", 0.5);
    if (r.status == hotspot::MatchStatus::Matched && !(r.score > 0)) __builtin_trap();
    return 0;
}
