#pragma once
// ISO WKB (little endian) for the simple shapes the engine writes itself: cell rings, lixels.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <utility>
#include <vector>

namespace hotspot {

namespace wkb_detail {
inline void put32(std::vector<unsigned char>& out, uint32_t v) {
    for (int k = 0; k < 4; ++k) out.push_back(static_cast<unsigned char>(v >> (8 * k)));
}
inline void putPoints(std::vector<unsigned char>& out, const std::vector<std::pair<double, double>>& points) {
    put32(out, static_cast<uint32_t>(points.size()));
    for (auto [x, y] : points)
        for (double d : {x, y}) {
            uint64_t u;
            std::memcpy(&u, &d, 8);
            for (int k = 0; k < 8; ++k) out.push_back(static_cast<unsigned char>(u >> (8 * k)));
        }
}
}  // namespace wkb_detail

// A polygon with one (closed) ring.
inline std::vector<unsigned char> polygonWkb(const std::vector<std::pair<double, double>>& ring) {
    std::vector<unsigned char> out{1};
    wkb_detail::put32(out, 3);
    wkb_detail::put32(out, 1);
    wkb_detail::putPoints(out, ring);
    return out;
}

// Polygons, each a list of closed rings (shell first, then its holes), as one MultiPolygon.
inline std::vector<unsigned char> multiPolygonWkb(const std::vector<std::vector<std::vector<std::pair<double, double>>>>& polygons) {
    std::vector<unsigned char> out{1};
    wkb_detail::put32(out, 6);
    wkb_detail::put32(out, static_cast<uint32_t>(polygons.size()));
    for (const auto& rings : polygons) {
        out.push_back(1);
        wkb_detail::put32(out, 3);
        wkb_detail::put32(out, static_cast<uint32_t>(rings.size()));
        for (const auto& ring : rings) wkb_detail::putPoints(out, ring);
    }
    return out;
}

inline std::vector<unsigned char> lineStringWkb(const std::vector<std::pair<double, double>>& points) {
    std::vector<unsigned char> out{1};
    wkb_detail::put32(out, 2);
    wkb_detail::putPoints(out, points);
    return out;
}

// The 2D envelope (minX, maxX, minY, maxY) of ISO/OGC WKB points, lines, polygons and their
// multi forms (either byte order). False for other types, empty geometries and short buffers.
bool wkbEnvelope(const unsigned char* wkb, size_t size, double box[4]);

// A GeoPackage geometry blob: the "GP" header (version 0, little endian, srs id, an XY envelope
// unless the geometry is a point) followed by the WKB, polygons wrapped as multipolygons when
// `multiPolygon` is set (the layers declare MultiPolygon). Sets `box` to the envelope.
// Returns false when the WKB cannot be read.
bool geoPackageBlob(const unsigned char* wkb, size_t size, int32_t srsId, bool multiPolygon, std::vector<unsigned char>& blob, double box[4]);
// The same for a point (21 bytes of WKB, no envelope).
void geoPackagePointBlob(double x, double y, int32_t srsId, std::vector<unsigned char>& blob);

}  // namespace hotspot
