#pragma once
// GEOS (C API, one context per kit) for the few polygon operations the jobs need: buffers,
// differences, hulls, areas, prepared point-in-polygon. Geometries made through the kit live as
// long as the kit. Not thread-safe: one kit per thread.

#include <geos_c.h>

#include <utility>
#include <vector>

#include "core/geos_wkb.hpp"
#include "hotspot/error.hpp"
#include "hotspot/grid.hpp"

namespace hotspot {

class GeosKit {
public:
    GeosKit() : m_ctx(GEOS_init_r()) { m_reader = GEOSWKBReader_create_r(m_ctx); }
    ~GeosKit() {
        for (auto* p : m_prepared) GEOSPreparedGeom_destroy_r(m_ctx, p);
        for (auto* g : m_owned) GEOSGeom_destroy_r(m_ctx, g);
        GEOSWKBReader_destroy_r(m_ctx, m_reader);
        GEOS_finish_r(m_ctx);
    }
    GeosKit(const GeosKit&) = delete;
    GeosKit& operator=(const GeosKit&) = delete;

    const GEOSGeometry* read(const std::vector<unsigned char>& wkb) { return own(GEOSWKBReader_read_r(m_ctx, m_reader, wkb.data(), wkb.size())); }
    const GEOSGeometry* buffer(const GEOSGeometry* g, double d) { return own(GEOSBuffer_r(m_ctx, g, d, 8)); }
    const GEOSGeometry* difference(const GEOSGeometry* a, const GEOSGeometry* b) { return own(GEOSDifference_r(m_ctx, a, b)); }
    bool isPolygonal(const GEOSGeometry* g) const {
        const int t = GEOSGeomTypeId_r(m_ctx, g);
        return t == GEOS_POLYGON || t == GEOS_MULTIPOLYGON;
    }
    double area(const GEOSGeometry* g) const {
        double a = 0;
        GEOSArea_r(m_ctx, g, &a);
        return a;
    }
    std::vector<unsigned char> wkb(const GEOSGeometry* g) const { return geosToWkb(m_ctx, g); }
    const GEOSPreparedGeometry* prepare(const GEOSGeometry* g) {
        m_prepared.push_back(GEOSPrepare_r(m_ctx, g));
        return m_prepared.back();
    }
    bool covers(const GEOSPreparedGeometry* p, double x, double y) const {
        GEOSGeometry* pt = GEOSGeom_createPointFromXY_r(m_ctx, x, y);
        const bool inside = GEOSPreparedCovers_r(m_ctx, p, pt) == 1;
        GEOSGeom_destroy_r(m_ctx, pt);
        return inside;
    }
    void bounds(const GEOSGeometry* g, Extent& e) const {
        GEOSGeom_getXMin_r(m_ctx, g, &e.minX);
        GEOSGeom_getYMin_r(m_ctx, g, &e.minY);
        GEOSGeom_getXMax_r(m_ctx, g, &e.maxX);
        GEOSGeom_getYMax_r(m_ctx, g, &e.maxY);
    }
    // The convex hull of the points, grown by `buffer`, as WKB; nothing is kept.
    std::vector<unsigned char> convexHullBufferWkb(const std::vector<std::pair<double, double>>& points, double buffer) {
        std::vector<GEOSGeometry*> parts;
        for (auto [x, y] : points) parts.push_back(GEOSGeom_createPointFromXY_r(m_ctx, x, y));
        GEOSGeometry* multi = GEOSGeom_createCollection_r(m_ctx, GEOS_MULTIPOINT, parts.data(), static_cast<unsigned>(parts.size()));
        GEOSGeometry* hull = GEOSConvexHull_r(m_ctx, multi);
        GEOSGeometry* area = GEOSBuffer_r(m_ctx, hull, buffer, 8);
        std::vector<unsigned char> out = geosToWkb(m_ctx, area);
        GEOSGeom_destroy_r(m_ctx, area);
        GEOSGeom_destroy_r(m_ctx, hull);
        GEOSGeom_destroy_r(m_ctx, multi);
        return out;
    }
    std::pair<double, double> pointOnSurface(const GEOSGeometry* g) {
        const GEOSGeometry* p = own(GEOSPointOnSurface_r(m_ctx, g));
        double x = 0, y = 0;
        GEOSGeomGetX_r(m_ctx, p, &x);
        GEOSGeomGetY_r(m_ctx, p, &y);
        return {x, y};
    }

private:
    const GEOSGeometry* own(GEOSGeometry* g) {
        if (!g) throw Error(ErrorKind::Internal, "a GEOS operation failed");
        m_owned.push_back(g);
        return g;
    }
    GEOSContextHandle_t m_ctx;
    GEOSWKBReader* m_reader;
    std::vector<GEOSGeometry*> m_owned;
    std::vector<const GEOSPreparedGeometry*> m_prepared;
};

}  // namespace hotspot
