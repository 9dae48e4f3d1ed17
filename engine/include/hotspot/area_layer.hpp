#pragma once
// Point -> polygon: assigns incidents to the polygons of an area layer (priority areas, wards,
// LSOAs, districts) through an R-tree of polygon boxes and GEOS prepared geometries.
//
// Boundary rule: a point covered by several polygons (on a shared edge or vertex, or where
// polygons overlap) goes to the first of them in layer order (lowest feature index), so it is
// counted exactly once.

#include <cstdint>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "hotspot/ons_geography.hpp"

namespace hotspot {

struct AreaLayerSpec {
    std::string label;  // short name used in output columns, e.g. "priority"
    std::string path;
    std::string layer;       // OGR layer, first if empty
    std::string codeField;   // auto-detected when empty (code, *CD, *_code, id)
    std::string nameField;   // auto-detected when empty (name, *NM, *_name)
    std::string srs;         // only for layers without a CRS
    std::string valueField;  // optional numeric attribute kept per polygon (e.g. households)

    // "label=path[:layer]"; label defaults to the layer or file name.
    static AreaLayerSpec parse(const std::string& spec);
};

// Specs that share a label are parts of one layer (e.g. one LSOA file per district), in the order
// their labels first appear.
std::vector<std::vector<AreaLayerSpec>> groupByLabel(const std::vector<AreaLayerSpec>& specs);

// An area given in memory: its polygon as WKB (ISO or EWKB, either byte order) or WKT, in the
// analysis CRS (no transformation is made).
struct AreaFeature {
    std::string code, name;  // code "": its 1-based position; name "": the code
    std::vector<unsigned char> wkb;
    std::string wkt;                                          // when wkb is empty
    double value = std::numeric_limits<double>::quiet_NaN();  // like AreaLayerSpec::valueField
};

class AreaLayer {
public:
    // Loads polygons, transforms them to the analysis CRS, repairs invalid ones (GEOS MakeValid).
    // Throws Error(Input) when the layer is not polygons or has no CRS (and no spec.srs).
    static AreaLayer load(const AreaLayerSpec& spec, const std::string& analysisCrs);
    // Several files (e.g. one LSOA file per district) merged into one layer. The parts must share
    // one label: layers with different labels are never merged (throws Error(Usage)).
    static AreaLayer load(const std::vector<AreaLayerSpec>& parts, const std::string& analysisCrs);
    // Every layer of a list of specs, one per label (parts with the same label merged), in the
    // order their labels first appear. What every command taking `-a` uses.
    static std::vector<AreaLayer> loadEach(const std::vector<AreaLayerSpec>& specs, const std::string& analysisCrs);
    // Specs whose labels are all replaced by one: for inputs that are one mask by meaning (the
    // study area, the control areas), whatever the files are called.
    // Areas given in memory (a GeoDataFrame's geometries, a database query): repaired and indexed as
    // load() does. Throws Error(Input) naming the area (1-based) that is not a polygon.
    static AreaLayer fromFeatures(const std::string& label, const std::vector<AreaFeature>& features);
    static std::vector<AreaLayerSpec> asOneLayer(std::vector<AreaLayerSpec> specs, const std::string& label);
    AreaLayer(AreaLayer&&) noexcept;
    AreaLayer& operator=(AreaLayer&&) noexcept;
    ~AreaLayer();

    const std::string& label() const;
    const std::string& codeField() const;
    const std::string& nameField() const;
    size_t size() const;
    const std::string& code(size_t i) const;
    const std::string& name(size_t i) const;
    double areaSquareMetres(size_t i) const;
    double value(size_t i) const;  // the spec's valueField (NaN when missing or not numeric)
    // Bounding box of all polygons.
    void bounds(double& minX, double& minY, double& maxX, double& maxY) const;
    std::vector<unsigned char> wkb(size_t i) const;  // ISO WKB in the analysis CRS
    // What was repaired or skipped while loading (one line each).
    const std::vector<std::string>& notes() const;

    // The ONS geography of the codes (from an ONS code field name, else the codes' prefixes).
    const OnsGeography& geography() const;
    // Metres (analysis CRS units) from a point to polygon i; 0 inside.
    double distanceTo(size_t i, double x, double y) const;
    // The same on the GEOS state of `worker` (an index from parallelFor): safe on several threads.
    double distanceTo(size_t i, double x, double y, unsigned worker) const;
    // Every pair of polygons (this layer's i, other's j) whose intersection has an area, with it.
    struct Overlap {
        uint32_t self, other;
        double area;
    };
    std::vector<Overlap> overlaps(const AreaLayer& other) const;

    // Polygon contiguity: for each polygon, the others sharing a boundary point (queen) or a
    // boundary line (rook). Self not included.
    std::vector<std::vector<uint32_t>> contiguity(bool rook) const;
    // A point inside each polygon (GEOS point on surface) and the centroid, in the analysis CRS.
    std::pair<double, double> centroid(size_t i) const;

    // out[i] = polygon index for (x[i], y[i]), or -1 when no polygon covers it (NaN points too).
    void assign(const double* x, const double* y, size_t n, int32_t* out) const;
    int32_t assignPoint(double x, double y) const;
    // Whether a closed ring (a grid cell) shares any point with a polygon of the layer.
    bool intersectsRing(const std::vector<std::pair<double, double>>& ring) const;

private:
    AreaLayer();
    struct Impl;
    static void reportDuplicatesAndOverlaps(Impl& impl, const std::string& path);
    std::unique_ptr<Impl> m_impl;
};

}  // namespace hotspot
