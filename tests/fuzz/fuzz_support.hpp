#pragma once
// Helpers for the fuzz targets: inputs to a temporary file; engine errors are expected outcomes.
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <string>

namespace hotspot::fuzz {

inline std::string writeTemp(const uint8_t* data, size_t size, const char* suffix) {
    static const std::string dir = [] {
        char tmpl[] = "/tmp/hotspot-fuzz-XXXXXX";
        return std::string(::mkdtemp(tmpl));
    }();
    const std::string path = dir + "/input" + suffix;
    if (FILE* f = std::fopen(path.c_str(), "wb")) {
        std::fwrite(data, 1, size, f);
        std::fclose(f);
    }
    return path;
}

}  // namespace hotspot::fuzz
