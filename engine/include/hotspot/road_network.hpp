#pragma once
// A road network with topology built by the engine, incident snapping, lixels and network kernel
// density (Xie & Yan 2008; Okabe & Sugihara's equal-split discontinuous kernel). See docs/methods.md.

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace hotspot {

class Progress;

// One input line feature (already in the analysis CRS).
struct RoadLine {
    std::vector<double> x, y;
    std::string name, roadClass, number;  // number: the road number ("A45"), when the layer has one
    std::string startNode, endNode;       // node ids of the line's ends (OS Open Roads), when the layer has them
    int64_t feature = -1;                 // OGR feature id, for tracing an edge back to its source
};

// Reading the road lines of any OGR line layer (OSM export, OS Open Roads, a council's network).
struct RoadLayerOptions {
    std::string path, layer;  // layer: first if empty
    std::string nameField;    // auto: name, road_name, roadname, name1, street (with OSM `ref` prefixed)
    std::string classField;   // auto: highway, road_class, class, roadclassification, road_classification, fclass
    std::string numberField;  // auto: ref (OSM), road_number, roadnumber; its value also prefixes an auto name
    // Topology from node ids at the line ends (auto: start_node/end_node, startnode/endnode,
    // from_node/to_node). When every line has both, lines meet only where their ids say (a bridge
    // over a road does not join it); otherwise the topology comes from shared coordinates.
    std::string startNodeField, endNodeField;
    std::string srs;  // only for layers without a CRS
    // Classes that are not roads for vehicles. Default (when the class field is OSM `highway`):
    // footway, cycleway, steps, path, pedestrian, bridleway, corridor, track, proposed, construction,
    // platform; and OSM lines without a highway tag (waterways, barriers) are not roads either.
    std::vector<std::string> excludeClasses;
    bool defaultExclusions = true;
    // "name=name_1,class=road_classification,number=road_number,start=start_node,end=end_node"
    // (any subset). Throws Error(Usage) for an unknown role or a role without a field.
    void setFields(const std::string& spec);
};

struct RoadLayerRead {
    std::vector<RoadLine> lines;
    int64_t features = 0, excluded = 0, notLines = 0, empty = 0;
    std::string nameField, classField, numberField, startNodeField, endNodeField, sourceCrs;
    std::vector<std::string> notes;  // what was skipped and why
};

// Throws Error(Input) when the layer holds no lines at all or has no CRS (and no srs).
RoadLayerRead readRoadLayer(const RoadLayerOptions& options, const std::string& analysisCrs);

struct RoadEdge {
    uint32_t from = 0, to = 0;                     // node indexes
    double length = 0;                             // metres along the polyline
    uint32_t firstVertex = 0;                      // into RoadNetwork::vx/vy/along
    uint32_t vertexCount = 0;                      // >= 2
    uint32_t name = 0, roadClass = 0, number = 0;  // into RoadNetwork::strings ("" is 0)
    int64_t feature = -1;
};

// An edge end as seen from a node: the edge and which of its ends touches the node.
struct NodeLink {
    uint32_t edge;
    uint8_t atTo;  // 0: the node is the edge's `from` end, 1: its `to` end
};

struct RoadNetwork {
    std::vector<double> nodeX, nodeY;
    std::vector<RoadEdge> edges;
    std::vector<double> vx, vy, along;  // vertices of all edges; along = distance from the edge start
    std::vector<std::string> strings{""};
    std::vector<uint32_t> linkStart;  // CSR: links of node n are links[linkStart[n] .. linkStart[n+1])
    std::vector<NodeLink> links;
    double nodeTolerance = 0;
    bool nodesFromIds = false;  // topology from the lines' start/end node ids

    size_t degree(uint32_t node) const { return linkStart[node + 1] - linkStart[node]; }
    // The point at distance `offset` from the edge's start, following its polyline.
    void pointAt(uint32_t edge, double offset, double& x, double& y) const;
    const std::string& name(uint32_t edge) const { return strings[edges[edge].name]; }
    const std::string& roadClass(uint32_t edge) const { return strings[edges[edge].roadClass]; }
    const std::string& number(uint32_t edge) const { return strings[edges[edge].number]; }
    double totalLength() const;
};

// Builds the topology. When every line has start and end node ids, each line is one edge between
// the nodes its ids name (a node sits where the first line end with its id was seen). Otherwise:
// vertices closer than `nodeTolerance` metres are one vertex; a vertex shared by two or more lines
// (or met twice by one line) and every line end becomes a node; lines are split at nodes into
// edges. Lines that cross without a shared vertex (bridges, tunnels) stay unconnected.
RoadNetwork buildRoadNetwork(const std::vector<RoadLine>& lines, double nodeTolerance);

// Where an incident lies on the network.
struct Snap {
    int64_t edge = -1;    // -1: no segment within the tolerance
    double offset = 0;    // metres from the edge start
    double distance = 0;  // planar distance from the incident to the snapped point
    double x = 0, y = 0;  // the snapped point
};

// A segment index for nearest-segment queries (Boost.Geometry R-tree, built once, read-only after).
class SnapIndex {
public:
    explicit SnapIndex(const RoadNetwork& network);
    ~SnapIndex();
    SnapIndex(const SnapIndex&) = delete;
    SnapIndex& operator=(const SnapIndex&) = delete;
    // The nearest point on any edge within `tolerance`; ties go to the lower edge index.
    Snap snap(double x, double y, double tolerance) const;

private:
    struct Impl;
    const RoadNetwork& m_network;
    Impl* m_impl;
};

// Snaps every point on all cores (NaN points get edge -1 and distance NaN).
std::vector<Snap> snapPoints(const RoadNetwork& network, const SnapIndex& index, const std::vector<double>& x,
                             const std::vector<double>& y, double tolerance);

// Lixels: each edge cut into n = max(1, round(length / target)) equal pieces.
struct Lixels {
    double targetLength = 0;
    std::vector<uint32_t> edgeStart;  // CSR: lixels of edge e are edgeStart[e] .. edgeStart[e+1]
    std::vector<uint32_t> edge;       // per lixel
    std::vector<double> start, end;   // offsets along the edge
    size_t size() const { return edge.size(); }
    double centre(size_t lixel) const { return 0.5 * (start[lixel] + end[lixel]); }
    // The lixel of edge `e` that contains `offset`.
    uint32_t at(uint32_t e, double offset) const;
};
Lixels makeLixels(const RoadNetwork& network, double targetLength);

enum class NetworkKernel { Uniform,
                           Triangular,
                           Epanechnikov,
                           Quartic,
                           Triweight };
NetworkKernel parseNetworkKernel(const std::string& name);  // throws Error(Usage)
const char* toString(NetworkKernel kernel);
// The one-dimensional kernel, normalised so it integrates to 1 over [-h, h] (per metre).
double networkKernel(NetworkKernel kernel, double distance, double bandwidth);

enum class NkdeMethod {
    Simple,         // K(shortest network distance): mass is multiplied at junctions, lost at dead ends
    Discontinuous,  // equal split at junctions (Okabe & Sugihara): mass conserved except at dead ends
};
NkdeMethod parseNkdeMethod(const std::string& name);  // throws Error(Usage)
const char* toString(NkdeMethod method);

struct NkdeOptions {
    NetworkKernel kernel = NetworkKernel::Quartic;
    double bandwidth = 300;  // metres of network distance
    NkdeMethod method = NkdeMethod::Discontinuous;
};

// Density per metre of road at every lixel centre: sum of w_i * kernel(network distance). Events
// with edge -1 are skipped. Runs on all cores; the events are summed in 8 fixed parts added in
// order, so the result is the same to the last bit whatever the number of threads.
std::vector<double> networkKernelDensity(const RoadNetwork& network, const Lixels& lixels, const std::vector<Snap>& events,
                                         const std::vector<double>& weight, const NkdeOptions& options, Progress* progress = nullptr);
// Two densities of the same events with different weights (e.g. collisions only, and weighted by
// severity) in one walk of the network per event: the same values as two calls, for little more
// than the cost of one.
std::array<std::vector<double>, 2> networkKernelDensities(const RoadNetwork& network, const Lixels& lixels, const std::vector<Snap>& events,
                                                          const std::vector<double>& firstWeight, const std::vector<double>& secondWeight,
                                                          const NkdeOptions& options, Progress* progress = nullptr);

// Shortest network distances from a point on the network, up to a limit: the distance to each
// reached node (others stay infinite). Reusable: one instance per thread.
class NetworkReach {
public:
    explicit NetworkReach(const RoadNetwork& network);
    // Runs Dijkstra from (edge, offset) up to `limit` metres; returns the reached nodes.
    const std::vector<uint32_t>& run(uint32_t edge, double offset, double limit);
    double nodeDistance(uint32_t node) const { return m_distance[node]; }
    // Network distance from the source to (edge, offset), or infinity if beyond the limit's reach.
    double distanceTo(uint32_t edge, double offset) const;

private:
    const RoadNetwork& m_net;
    std::vector<double> m_distance;
    std::vector<uint32_t> m_reached;
    uint32_t m_sourceEdge = 0;
    double m_sourceOffset = 0;
};

}  // namespace hotspot
