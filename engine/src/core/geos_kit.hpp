#pragma once
// GEOS (its own GeosContext) for the few polygon operations the jobs need: buffers, differences,
// hulls, areas, prepared point-in-polygon. Geometries made through the kit live as long as the
// kit. Not thread-safe: one kit per thread.

#include <geos_c.h>

#include <utility>
#include <vector>

#include "core/geos_context.hpp"
#include "hotspot/grid.hpp"

namespace hotspot {

class GeosKit {
public:
    GeosKit() : m_ctx(m_context.handle()), m_reader(m_context.check(GEOSWKBReader_create_r(m_ctx), "WKB reader")) {}
    ~GeosKit() {
        for (auto* p : m_prepared) GEOSPreparedGeom_destroy_r(m_ctx, p);
        for (auto* g : m_owned) GEOSGeom_destroy_r(m_ctx, g);
        GEOSWKBReader_destroy_r(m_ctx, m_reader);
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
    std::vector<unsigned char> wkb(const GEOSGeometry* g) const { return m_context.toWkb(g); }
    const GEOSPreparedGeometry* prepare(const GEOSGeometry* g) {
        m_prepared.push_back(m_context.check(GEOSPrepare_r(m_ctx, g), "prepare"));
        return m_prepared.back();
    }
    bool covers(const GEOSPreparedGeometry* p, double x, double y) const {
        const GeosGeometryPtr pt = m_context.own(GEOSGeom_createPointFromXY_r(m_ctx, x, y), "point");
        return GEOSPreparedCovers_r(m_ctx, p, pt.get()) == 1;
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
        for (auto [x, y] : points) parts.push_back(m_context.check(GEOSGeom_createPointFromXY_r(m_ctx, x, y), "point"));
        // The collection takes the points (it frees them, also when it is freed after a failure).
        const GeosGeometryPtr multi = m_context.own(GEOSGeom_createCollection_r(m_ctx, GEOS_MULTIPOINT, parts.data(), static_cast<unsigned>(parts.size())), "multipoint");
        const GeosGeometryPtr hull = m_context.own(GEOSConvexHull_r(m_ctx, multi.get()), "convex hull");
        const GeosGeometryPtr area = m_context.own(GEOSBuffer_r(m_ctx, hull.get(), buffer, 8), "buffer");
        return m_context.toWkb(area.get());
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
        m_owned.push_back(m_context.check(g, "operation"));
        return g;
    }
    GeosContext m_context;
    GEOSContextHandle_t m_ctx;  // m_context's, for the many calls
    GEOSWKBReader* m_reader;
    std::vector<GEOSGeometry*> m_owned;
    std::vector<const GEOSPreparedGeometry*> m_prepared;
};

}  // namespace hotspot
