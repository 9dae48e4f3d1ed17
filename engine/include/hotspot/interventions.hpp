#pragma once
// Interventions: CCTV cameras, street lights and projects (Safer Streets and others) as layers,
// their coverage geometry, the Weighted Displacement Quotient, and choosing new sites by maximal
// covering (greedy with lazy gains; an exact solver for small cases). See docs/methods.md.

#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "hotspot/grid.hpp"
#include "hotspot/incidents.hpp"
#include "hotspot/layer_source.hpp"

namespace hotspot {

// The area a camera sees or a lamp lights: a circle of `range` metres, or, with a bearing
// (degrees clockwise from grid north) and a field of view below 360 degrees, a wedge.
struct CoverageShape {
    double x = 0, y = 0;
    double range = 0;
    double bearing = std::numeric_limits<double>::quiet_NaN();
    double fieldOfView = 360;
    bool isWedge() const { return std::isfinite(bearing) && fieldOfView < 360; }
    // Inside: distance <= range and, for a wedge, the direction within fieldOfView / 2 of the bearing.
    bool contains(double px, double py) const;
    // Closed ring: the apex and an arc (wedge), or a polygon of the circle; `arcStep` degrees apart.
    std::vector<std::pair<double, double>> ring(double arcStep = 5) const;
    double area() const;  // exact (pi r^2 * fov / 360)
};

struct Camera {
    std::string id, name;
    CoverageShape view;
    int32_t installedMonth = kNoMonth;  // kNoMonth: before the data
    int64_t line = 0;                   // source row (CSV line or feature id)
};

struct Light {
    std::string id, lampType;
    CoverageShape lit;  // a circle
    int64_t line = 0;
};

struct Project {
    std::string id, name, category, round;
    double budget = std::numeric_limits<double>::quiet_NaN();  // GBP
    int32_t startMonth = kNoMonth;
    int startDay = 0;
    std::vector<unsigned char> wkb;  // point, line or polygon in the analysis CRS (ISO WKB)
    std::string geometryType;        // Point, LineString, Polygon, ...
    int64_t line = 0;
};

// CCTV: id (camera_id, id, ref), optional name/location, point; optional bearing, fov
// (field_of_view), range (range_m, radius). Without a bearing a camera sees a circle of
// `range` (default `defaultRange`). Optional installed (date). Throws Error(Input) naming file and
// field for a layer without an id or a position; bad rows go to `rejects`.
std::vector<Camera> readCameras(const InterventionSource& source, const std::string& analysisCrs, double defaultRange, LayerRejects& rejects);
// Lights: id, point, lamp_type (LED, SON, SOX, ...) and/or radius (lit_radius); the lit radius
// comes from the radius field, else the lamp type table in docs/cli/coverage.md, else `defaultRadius`.
std::vector<Light> readLights(const InterventionSource& source, const std::string& analysisCrs, double defaultRadius, LayerRejects& rejects);
double litRadiusOfLampType(const std::string& lampType);  // NaN when unknown
// Projects: id, name, category, round (funding_round), budget, start (start_date); any geometry.
std::vector<Project> readProjects(const InterventionSource& source, const std::string& analysisCrs, LayerRejects& rejects);

struct SiteCandidate;
// Candidate sites: id (id, site_id, ref, camera_id; else the row), point, cost from `costField`
// (default `defaultCost` when the field is absent; a row with a bad cost is rejected).
std::vector<SiteCandidate> readSiteCandidates(const InterventionSource& source, const std::string& analysisCrs, const std::string& costField,
                                              double defaultCost, LayerRejects& rejects);

// Before/after counts in the treated area (R), the buffer ring (B) and the control area (C).
struct DisplacementCounts {
    double rBefore = 0, rAfter = 0, bBefore = 0, bAfter = 0, cBefore = 0, cAfter = 0;
};
// Bowers & Johnson (2003): WDQ = (Ba/Ca - Bb/Cb) / (Ra/Ca - Rb/Cb). NaN when a control count is
// zero or the treated area did not change relative to the control (denominator 0).
double weightedDisplacementQuotient(const DisplacementCounts& c);
// Incidents expected in the treated area after the start had it followed the control's trend
// (Rb * Ca / Cb), minus those recorded (Ra): positive means fewer than expected. NaN when Cb is 0.
double incidentsPrevented(const DisplacementCounts& c);

// Maximal covering: demand on the cells of a square grid; a site covers the cells whose centre is
// within `radius` of it.
struct SiteCandidate {
    double x = 0, y = 0;
    double cost = 1;
    std::string id;
};
struct SitingOptions {
    double radius = 100;
    int maxSites = 10;
    double budget = std::numeric_limits<double>::infinity();
};
struct SitePick {
    size_t candidate = 0;
    double gain = 0;        // demand newly covered by this pick
    double cumulative = 0;  // demand covered by the picks so far
    double cost = 0, cumulativeCost = 0;
};
// Greedy with lazy gains (CELF, Leskovec et al. 2007): gains only fall as sites are picked, so a
// candidate whose re-evaluated gain still tops the queue is the best. With unequal costs and a
// budget, both the gain and the gain-per-cost greedy run and the better is kept. Stops at maxSites,
// when nothing fits the remaining budget, or when no candidate adds demand.
std::vector<SitePick> greedySites(const Grid& grid, const std::vector<double>& demand, const std::vector<SiteCandidate>& candidates,
                                  const SitingOptions& options);
// The optimum by enumerating every set of up to maxSites candidates within the budget; for tests
// and small cases. Throws Error(Usage) when there are more than 5 million sets.
std::vector<size_t> exactSites(const Grid& grid, const std::vector<double>& demand, const std::vector<SiteCandidate>& candidates,
                               const SitingOptions& options);
// Demand covered by a set of sites (each cell once).
double coveredDemand(const Grid& grid, const std::vector<double>& demand, const std::vector<SiteCandidate>& candidates,
                     const std::vector<size_t>& chosen, double radius);
// Sets to 0 the demand of the cells whose centre a camera sees (wedge or circle); returns the
// demand removed. Existing coverage is not demand for new sites.
double removeCoveredDemand(const Grid& grid, std::vector<double>& demand, const std::vector<Camera>& cameras);
// Candidate sites every `spacing` metres over the grid, kept where some demand lies within `radius`;
// ids "grid-X-Y".
std::vector<SiteCandidate> latticeCandidates(const Grid& grid, const std::vector<double>& demand, double spacing, double radius, double cost);
// Cells (row-major indexes) whose centre is within `radius` of (x, y).
void cellsWithin(const Grid& grid, double x, double y, double radius, std::vector<int64_t>& out);

}  // namespace hotspot
