#pragma once
// Pieces shared by the sample generators: seeded random numbers, points, file writing, BNG -> WGS84.

#include <proj.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace sample {

namespace fs = std::filesystem;

// ---------------------------------------------------------------------------------------------
// Random numbers
struct Rng {
    uint64_t state;
    explicit Rng(uint64_t seed) : state(seed) {}
    uint64_t next() {
        uint64_t z = (state += 0x9E3779B97F4A7C15ull);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        return z ^ (z >> 31);
    }
    double uniform() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }
    size_t index(size_t n) { return static_cast<size_t>(uniform() * static_cast<double>(n)) % n; }
    double normal() {  // Box-Muller
        double u1 = std::max(uniform(), 1e-300), u2 = uniform();
        return std::sqrt(-2.0 * std::log(u1)) * std::cos(2.0 * M_PI * u2);
    }
    template <typename T>
    size_t weighted(const std::vector<T>& weights) {
        double total = 0;
        for (auto w : weights) total += w;
        double r = uniform() * total;
        for (size_t i = 0; i < weights.size(); ++i) {
            r -= weights[i];
            if (r < 0) return i;
        }
        return weights.size() - 1;
    }
};

struct Pt {
    double x, y;
};
using Ring = std::vector<Pt>;

inline std::string csvField(const std::string& s) {
    if (s.find_first_of(",\"\n") == std::string::npos) return s;
    std::string out = "\"";
    for (char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    return out + "\"";
}

inline void writeFile(const fs::path& path, const std::string& content) {
    fs::create_directories(path.parent_path());
    std::ofstream f(path, std::ios::binary);
    f << content;
    if (!f) throw std::runtime_error("cannot write " + path.string());
}

struct Wgs84 {
    PJ_CONTEXT* ctx;
    PJ* pj;
    Wgs84() {
        ctx = proj_context_create();
        PJ* raw = proj_create_crs_to_crs(ctx, "EPSG:27700", "EPSG:4326", nullptr);
        pj = proj_normalize_for_visualization(ctx, raw);
        proj_destroy(raw);
    }
    ~Wgs84() {
        proj_destroy(pj);
        proj_context_destroy(ctx);
    }
    Pt operator()(Pt p) const {
        PJ_COORD c = proj_trans(pj, PJ_FWD, proj_coord(p.x, p.y, 0, 0));
        return {c.xy.x, c.xy.y};
    }
};

}  // namespace sample
