#pragma once
// A GEOS geometry as little-endian ISO WKB (what the output writers take).

#include <geos_c.h>

#include <vector>

namespace hotspot {

inline std::vector<unsigned char> geosToWkb(GEOSContextHandle_t ctx, const GEOSGeometry* g) {
    GEOSWKBWriter* writer = GEOSWKBWriter_create_r(ctx);
    GEOSWKBWriter_setByteOrder_r(ctx, writer, GEOS_WKB_NDR);
    size_t size = 0;
    unsigned char* bytes = GEOSWKBWriter_write_r(ctx, writer, g, &size);
    std::vector<unsigned char> out(bytes, bytes + size);
    GEOSFree_r(ctx, bytes);
    GEOSWKBWriter_destroy_r(ctx, writer);
    return out;
}

}  // namespace hotspot
