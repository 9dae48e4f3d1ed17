// Category mapping files: parsed or refused with an error, never a crash.
#include <cstdint>
#include <string>

#include "hotspot/category_map.hpp"
#include "hotspot/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);
    try {
        hotspot::CategoryMap map = hotspot::CategoryMap::fromText(text, "fuzz.csv");
        for (const auto& g : map.groups())
            if (!map.groupIndex(g)) __builtin_trap();
    } catch (const hotspot::Error&) {
    }
    return 0;
}
