// Network kernel density on lixels: the simple method (kernel of the shortest network distance) and
// the equal-split discontinuous method (Okabe & Sugihara 2012, spNetwork's "discontinuous").

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <limits>
#include <memory>
#include <numeric>

#include "core/thread_pool.hpp"
#include "hotspot/error.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/road_network.hpp"
#include "hotspot/strings.hpp"

namespace hotspot {

NetworkKernel parseNetworkKernel(const std::string& name) {
    const std::string n = toLowerAscii(name);
    if (n == "uniform") return NetworkKernel::Uniform;
    if (n == "triangular") return NetworkKernel::Triangular;
    if (n == "epanechnikov") return NetworkKernel::Epanechnikov;
    if (n == "quartic") return NetworkKernel::Quartic;
    if (n == "triweight") return NetworkKernel::Triweight;
    if (n == "gaussian")
        throwUsage("the Gaussian kernel has no finite support on a network; use quartic, triweight, epanechnikov, triangular or uniform",
                   {"", 0, "kernel"});
    throwUsage("unknown network kernel '" + name + "' (quartic, triweight, epanechnikov, triangular, uniform)", {"", 0, "kernel"});
}

const char* toString(NetworkKernel kernel) {
    switch (kernel) {
        case NetworkKernel::Uniform: return "uniform";
        case NetworkKernel::Triangular: return "triangular";
        case NetworkKernel::Epanechnikov: return "epanechnikov";
        case NetworkKernel::Quartic: return "quartic";
        case NetworkKernel::Triweight: return "triweight";
    }
    return "?";
}

NkdeMethod parseNkdeMethod(const std::string& name) {
    const std::string n = toLowerAscii(name);
    if (n == "simple") return NkdeMethod::Simple;
    if (n == "discontinuous") return NkdeMethod::Discontinuous;
    throwUsage("unknown network KDE method '" + name + "' (simple or discontinuous)", {"", 0, "method"});
}

const char* toString(NkdeMethod method) { return method == NkdeMethod::Simple ? "simple" : "discontinuous"; }

double networkKernel(NetworkKernel kernel, double distance, double h) {
    const double u = std::abs(distance) / h;
    if (u >= 1) return kernel == NetworkKernel::Uniform && u == 1 ? 0.5 / h : 0.0;
    const double v = 1 - u * u;
    switch (kernel) {
        case NetworkKernel::Uniform: return 0.5 / h;
        case NetworkKernel::Triangular: return (1 - u) / h;
        case NetworkKernel::Epanechnikov: return 0.75 * v / h;
        case NetworkKernel::Quartic: return 15.0 / 16.0 * v * v / h;
        case NetworkKernel::Triweight: return 35.0 / 32.0 * v * v * v / h;
    }
    return 0;
}

namespace {

// An event with W weights: one per density computed in the same walk of the network.
template <size_t W>
struct Event {
    uint32_t edge;
    double offset;
    std::array<double, W> weight;
};

// Identical positions are one kernel: sort by (edge, offset) and sum weights. An event whose
// weights are all zero adds nothing and is dropped.
template <size_t W>
std::vector<Event<W>> mergeEvents(const std::vector<Snap>& snaps, const std::array<const std::vector<double>*, W>& weights) {
    std::vector<Event<W>> events;
    events.reserve(snaps.size());
    for (size_t i = 0; i < snaps.size(); ++i) {
        if (snaps[i].edge < 0) continue;
        Event<W> ev{static_cast<uint32_t>(snaps[i].edge), snaps[i].offset, {}};
        bool any = false;
        for (size_t j = 0; j < W; ++j) {
            ev.weight[j] = weights[j]->empty() ? 1.0 : (*weights[j])[i];
            any = any || ev.weight[j] != 0;
        }
        if (any) events.push_back(ev);
    }
    std::sort(events.begin(), events.end(), [](const auto& a, const auto& b) { return a.edge != b.edge ? a.edge < b.edge : a.offset < b.offset; });
    size_t out = 0;
    for (size_t i = 0; i < events.size(); ++i) {
        if (out > 0 && events[out - 1].edge == events[i].edge && events[out - 1].offset == events[i].offset)
            for (size_t j = 0; j < W; ++j) events[out - 1].weight[j] += events[i].weight[j];
        else
            events[out++] = events[i];
    }
    events.resize(out);
    return events;
}

// The W densities are interleaved: lixel k's density j is density[k * W + j].
template <size_t W>
void addKernel(double* density, uint32_t lixel, const std::array<double, W>& factor, double kernel) {
    for (size_t j = 0; j < W; ++j) density[lixel * W + j] += factor[j] * kernel;
}

// Adds factor * K(entry + distance of the lixel centre from the node) to the lixels of `edge`,
// walking away from the node at its `atTo` end, until the bandwidth is passed.
template <size_t W>
void spreadAlongEdge(const RoadNetwork& net, const Lixels& lx, uint32_t edge, bool fromToEnd, double entry, const std::array<double, W>& factor,
                     const NkdeOptions& o, double* density) {
    const uint32_t first = lx.edgeStart[edge], last = lx.edgeStart[edge + 1];
    const double length = net.edges[edge].length;
    if (!fromToEnd) {
        for (uint32_t k = first; k < last; ++k) {
            const double d = entry + lx.centre(k);
            if (d >= o.bandwidth) break;
            addKernel<W>(density, k, factor, networkKernel(o.kernel, d, o.bandwidth));
        }
    } else {
        for (uint32_t k = last; k-- > first;) {
            const double d = entry + (length - lx.centre(k));
            if (d >= o.bandwidth) break;
            addKernel<W>(density, k, factor, networkKernel(o.kernel, d, o.bandwidth));
        }
    }
}

// Equal split: the kernel mass reaching a node of degree n continues into each of the other n - 1
// edges with weight 1 / (n - 1), along every path (not only the shortest) shorter than the bandwidth.
template <size_t W>
class DiscontinuousSpreader {
public:
    DiscontinuousSpreader(const RoadNetwork& net, const Lixels& lx, const NkdeOptions& o) : m_net(net), m_lx(lx), m_o(o) {
        m_linkOfEnd.resize(2 * net.edges.size());
        for (uint32_t l = 0; l < net.links.size(); ++l) m_linkOfEnd[2 * net.links[l].edge + net.links[l].atTo] = l;
    }

    void spread(const Event<W>& ev, double* density) {
        const RoadEdge& e = m_net.edges[ev.edge];
        const double h = m_o.bandwidth;
        // The event's own edge, both directions.
        for (uint32_t k = m_lx.edgeStart[ev.edge]; k < m_lx.edgeStart[ev.edge + 1]; ++k) {
            const double d = std::abs(m_lx.centre(k) - ev.offset);
            if (d < h) addKernel<W>(density, k, ev.weight, networkKernel(m_o.kernel, d, h));
        }
        m_stack.clear();
        if (e.length - ev.offset < h) m_stack.push_back({e.to, m_linkOfEnd[2 * ev.edge + 1], e.length - ev.offset, ev.weight});
        if (ev.offset < h) m_stack.push_back({e.from, m_linkOfEnd[2 * ev.edge], ev.offset, ev.weight});
        while (!m_stack.empty()) {
            const Walk w = m_stack.back();
            m_stack.pop_back();
            const size_t degree = m_net.degree(w.node);
            if (degree <= 1) continue;  // dead end: the remaining mass leaves the network
            std::array<double, W> factor;
            for (size_t j = 0; j < W; ++j) factor[j] = w.factor[j] / static_cast<double>(degree - 1);
            for (uint32_t l = m_net.linkStart[w.node]; l < m_net.linkStart[w.node + 1]; ++l) {
                if (l == w.arrivedBy) continue;
                const NodeLink link = m_net.links[l];
                const RoadEdge& next = m_net.edges[link.edge];
                spreadAlongEdge<W>(m_net, m_lx, link.edge, link.atTo != 0, w.distance, factor, m_o, density);
                const double beyond = w.distance + next.length;
                if (beyond < h) {
                    const uint32_t farNode = link.atTo ? next.from : next.to;
                    m_stack.push_back({farNode, m_linkOfEnd[2 * link.edge + (link.atTo ? 0 : 1)], beyond, factor});
                }
            }
        }
    }

private:
    struct Walk {
        uint32_t node, arrivedBy;  // arrivedBy: the link index the walk entered the node through
        double distance;
        std::array<double, W> factor;
    };
    const RoadNetwork& m_net;
    const Lixels& m_lx;
    const NkdeOptions& m_o;
    std::vector<uint32_t> m_linkOfEnd;  // link index of each edge end (2 * edge + atTo)
    std::vector<Walk> m_stack;
};

// Simple: K(shortest network distance) at every lixel centre within the bandwidth.
template <size_t W>
class SimpleSpreader {
public:
    SimpleSpreader(const RoadNetwork& net, const Lixels& lx, const NkdeOptions& o)
        : m_net(net), m_lx(lx), m_o(o), m_reach(net), m_seen(net.edges.size(), 0) {}

    void spread(const Event<W>& ev, double* density) {
        const auto& reached = m_reach.run(ev.edge, ev.offset, m_o.bandwidth);
        ++m_stamp;
        auto visit = [&](uint32_t edge) {
            if (m_seen[edge] == m_stamp) return;
            m_seen[edge] = m_stamp;
            for (uint32_t k = m_lx.edgeStart[edge]; k < m_lx.edgeStart[edge + 1]; ++k) {
                const double d = m_reach.distanceTo(edge, m_lx.centre(k));
                if (d < m_o.bandwidth) addKernel<W>(density, k, ev.weight, networkKernel(m_o.kernel, d, m_o.bandwidth));
            }
        };
        visit(ev.edge);
        for (uint32_t node : reached)
            for (uint32_t l = m_net.linkStart[node]; l < m_net.linkStart[node + 1]; ++l) visit(m_net.links[l].edge);
    }

private:
    const RoadNetwork& m_net;
    const Lixels& m_lx;
    const NkdeOptions& m_o;
    NetworkReach m_reach;
    std::vector<uint32_t> m_seen;
    uint32_t m_stamp = 0;
};

void checkBandwidth(const Lixels& lixels, const NkdeOptions& options) {
    if (!(options.bandwidth > 0)) throwUsage("the network bandwidth must be positive", {"", 0, "bandwidth"});
    if (options.bandwidth < lixels.targetLength)
        throwUsage("the bandwidth is shorter than one lixel; the density would be a count per lixel", {"", 0, "bandwidth"});
}

// W densities in one walk per event, interleaved (see addKernel).
template <size_t W>
std::vector<double> interleavedDensities(const RoadNetwork& network, const Lixels& lixels, const std::vector<Snap>& events,
                                         const std::array<const std::vector<double>*, W>& weights, const NkdeOptions& options,
                                         Progress* progress) {
    checkBandwidth(lixels, options);
    const std::vector<Event<W>> merged = mergeEvents<W>(events, weights);
    const unsigned workers = workerCount();
    // The events are split into a fixed number of contiguous parts, each summed into its own
    // array by whichever worker takes it, and the parts are added in order: the sums (and so the
    // output, to the last bit) do not depend on the number of threads or on their timing.
    constexpr size_t kParts = 8;
    std::vector<std::vector<double>> partial(kParts);
    std::atomic<size_t> done{0};
    if (progress) progress->begin("Network density");
    std::vector<std::unique_ptr<DiscontinuousSpreader<W>>> discontinuous(workers);
    std::vector<std::unique_ptr<SimpleSpreader<W>>> simple(workers);
    parallelFor(kParts, [&](size_t part, unsigned worker) {
        const size_t first = merged.size() * part / kParts, last = merged.size() * (part + 1) / kParts;
        if (first == last) return;
        auto& density = partial[part];
        density.assign(lixels.size() * W, 0.0);
        for (size_t i = first; i < last; ++i) {
            if (options.method == NkdeMethod::Discontinuous) {
                if (!discontinuous[worker]) discontinuous[worker] = std::make_unique<DiscontinuousSpreader<W>>(network, lixels, options);
                discontinuous[worker]->spread(merged[i], density.data());
            } else {
                if (!simple[worker]) simple[worker] = std::make_unique<SimpleSpreader<W>>(network, lixels, options);
                simple[worker]->spread(merged[i], density.data());
            }
            if (progress && (i - first) % 256 == 255) progress->update(static_cast<double>(done += 256) / static_cast<double>(merged.size()));
        }
    });
    if (progress) progress->end();
    std::vector<double> density(lixels.size() * W, 0.0);
    for (const auto& p : partial)
        if (!p.empty())
            for (size_t k = 0; k < density.size(); ++k) density[k] += p[k];
    return density;
}

}  // namespace

std::vector<double> networkKernelDensity(const RoadNetwork& network, const Lixels& lixels, const std::vector<Snap>& events,
                                         const std::vector<double>& weight, const NkdeOptions& options, Progress* progress) {
    return interleavedDensities<1>(network, lixels, events, {&weight}, options, progress);
}

std::array<std::vector<double>, 2> networkKernelDensities(const RoadNetwork& network, const Lixels& lixels, const std::vector<Snap>& events,
                                                          const std::vector<double>& firstWeight, const std::vector<double>& secondWeight,
                                                          const NkdeOptions& options, Progress* progress) {
    const std::vector<double> both = interleavedDensities<2>(network, lixels, events, {&firstWeight, &secondWeight}, options, progress);
    std::array<std::vector<double>, 2> out{std::vector<double>(lixels.size()), std::vector<double>(lixels.size())};
    for (size_t k = 0; k < lixels.size(); ++k) {
        out[0][k] = both[2 * k];
        out[1][k] = both[2 * k + 1];
    }
    return out;
}

}  // namespace hotspot
