#include "io/wkb.hpp"

#include <algorithm>
#include <cmath>

namespace hotspot {

namespace {

class WkbScanner {
public:
    WkbScanner(const unsigned char* p, size_t size) : m_p(p), m_end(p + size) {}

    // Reads one geometry, growing the box; false when the bytes run out or the type is unknown.
    bool geometry(double box[4], bool& any) {
        if (!has(5)) return false;
        const bool little = *m_p++ == 1;
        const uint32_t type = u32(little);
        switch (type) {
            case 1: return points(1, little, box, any);
            case 2: return points(u32(little), little, box, any);
            case 3: {
                if (!has(4)) return false;
                const uint32_t rings = u32(little);
                for (uint32_t r = 0; r < rings; ++r) {
                    if (!has(4)) return false;
                    if (!points(u32(little), little, box, any)) return false;
                }
                return true;
            }
            case 4:
            case 5:
            case 6: {
                if (!has(4)) return false;
                const uint32_t parts = u32(little);
                for (uint32_t k = 0; k < parts; ++k)
                    if (!geometry(box, any)) return false;
                return true;
            }
            default: return false;
        }
    }

private:
    bool has(size_t n) const { return static_cast<size_t>(m_end - m_p) >= n; }
    uint32_t u32(bool little) {
        uint32_t v = little ? (uint32_t{m_p[0]} | uint32_t{m_p[1]} << 8 | uint32_t{m_p[2]} << 16 | uint32_t{m_p[3]} << 24)
                            : (uint32_t{m_p[3]} | uint32_t{m_p[2]} << 8 | uint32_t{m_p[1]} << 16 | uint32_t{m_p[0]} << 24);
        m_p += 4;
        return v;
    }
    double f64(bool little) {
        unsigned char b[8];
        for (int i = 0; i < 8; ++i) b[i] = little ? m_p[i] : m_p[7 - i];
        m_p += 8;
        double v;
        std::memcpy(&v, b, 8);
        return v;
    }
    bool points(uint32_t n, bool little, double box[4], bool& any) {
        if (!has(size_t{16} * n)) return false;
        for (uint32_t i = 0; i < n; ++i) {
            const double x = f64(little), y = f64(little);
            if (std::isnan(x) || std::isnan(y)) continue;  // POINT EMPTY is written as NaN NaN
            box[0] = std::min(box[0], x), box[1] = std::max(box[1], x);
            box[2] = std::min(box[2], y), box[3] = std::max(box[3], y);
            any = true;
        }
        return true;
    }
    const unsigned char* m_p;
    const unsigned char* m_end;
};

void putHeader(std::vector<unsigned char>& blob, int32_t srsId, const double* box) {
    blob.clear();
    blob.insert(blob.end(), {'G', 'P', 0, static_cast<unsigned char>(box ? 0x03 : 0x01)});  // little endian; envelope XY or none
    for (int k = 0; k < 4; ++k) blob.push_back(static_cast<unsigned char>(static_cast<uint32_t>(srsId) >> (8 * k)));
    if (box)
        for (int k = 0; k < 4; ++k) {
            unsigned char b[8];
            std::memcpy(b, &box[k], 8);
            blob.insert(blob.end(), b, b + 8);
        }
}

}  // namespace

bool wkbEnvelope(const unsigned char* wkb, size_t size, double box[4]) {
    box[0] = box[2] = INFINITY;
    box[1] = box[3] = -INFINITY;
    bool any = false;
    WkbScanner scanner(wkb, size);
    return scanner.geometry(box, any) && any;
}

bool geoPackageBlob(const unsigned char* wkb, size_t size, int32_t srsId, bool multiPolygon, std::vector<unsigned char>& blob, double box[4]) {
    if (size < 5 || !wkbEnvelope(wkb, size, box)) return false;
    putHeader(blob, srsId, box);
    const bool little = wkb[0] == 1;
    const uint32_t type = little ? wkb[1] : wkb[4];
    if (multiPolygon && type == 3) {  // Polygon -> MultiPolygon of one
        blob.insert(blob.end(), {1, 6, 0, 0, 0, 1, 0, 0, 0});
    }
    blob.insert(blob.end(), wkb, wkb + size);
    return true;
}

void geoPackagePointBlob(double x, double y, int32_t srsId, std::vector<unsigned char>& blob) {
    putHeader(blob, srsId, nullptr);
    blob.insert(blob.end(), {1, 1, 0, 0, 0});
    for (double d : {x, y}) {
        unsigned char b[8];
        std::memcpy(b, &d, 8);
        blob.insert(blob.end(), b, b + 8);
    }
}

}  // namespace hotspot
