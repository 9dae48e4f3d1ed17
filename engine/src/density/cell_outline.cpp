#include "density/cell_outline.hpp"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <unordered_map>

#include "io/wkb.hpp"

namespace hotspot {

namespace {

// Grid-line vertices: column line i (0..cols, west to east) and row line j (0..rows, north to
// south), so cell (row, col) has corners (col, row) .. (col + 1, row + 1).
struct Vertex {
    int64_t i, j;
    bool operator==(const Vertex&) const = default;
};

struct Edge {
    int64_t from, to;  // vertex ids j * (cols + 1) + i
};

// Twice the signed area in a y-up frame (j grows southwards): > 0 for counter-clockwise rings.
int64_t twiceSignedArea(const std::vector<Vertex>& ring) {
    int64_t sum = 0;
    for (size_t k = 0; k < ring.size(); ++k) {
        const Vertex& a = ring[k];
        const Vertex& b = ring[(k + 1) % ring.size()];
        sum += a.i * (-b.j) - b.i * (-a.j);
    }
    return sum;
}

// Drops vertices where the ring goes straight on (the cell corners along a straight side).
std::vector<Vertex> withoutStraightVertices(const std::vector<Vertex>& ring) {
    std::vector<Vertex> out;
    const size_t n = ring.size();
    for (size_t k = 0; k < n; ++k) {
        const Vertex& p = ring[(k + n - 1) % n];
        const Vertex& v = ring[k];
        const Vertex& q = ring[(k + 1) % n];
        const int64_t cross = (v.i - p.i) * (q.j - v.j) - (v.j - p.j) * (q.i - v.i);
        if (cross != 0) out.push_back(v);
    }
    return out;
}

// Point-in-ring by crossings, in doubled coordinates; the point is never on the ring (see caller).
bool inside(const std::vector<Vertex>& ring, int64_t px2, int64_t py2) {
    bool in = false;
    for (size_t k = 0, n = ring.size(); k < n; ++k) {
        const Vertex& a = ring[k];
        const Vertex& b = ring[(k + 1) % n];
        if (a.i != b.i) continue;  // only the vertical sides cross a horizontal ray
        const int64_t x2 = 2 * a.i, ya = 2 * a.j, yb = 2 * b.j;
        if ((ya > py2) != (yb > py2) && px2 < x2) in = !in;
    }
    return in;
}

struct Box {
    int64_t minI, maxI, minJ, maxJ;
    bool holds(const Box& o) const { return minI <= o.minI && o.maxI <= maxI && minJ <= o.minJ && o.maxJ <= maxJ; }
};

Box boxOf(const std::vector<Vertex>& ring) {
    Box b{ring[0].i, ring[0].i, ring[0].j, ring[0].j};
    for (const Vertex& v : ring) b = {std::min(b.minI, v.i), std::max(b.maxI, v.i), std::min(b.minJ, v.j), std::max(b.maxJ, v.j)};
    return b;
}

}  // namespace

std::optional<std::vector<unsigned char>> squareCellsOutline(const Grid& grid, std::vector<int64_t> cells) {
    std::sort(cells.begin(), cells.end());
    cells.erase(std::unique(cells.begin(), cells.end()), cells.end());
    const int64_t cols = grid.cols, rows = grid.rows, stride = cols + 1;
    auto inSet = [&](int64_t row, int64_t col) {
        return row >= 0 && row < rows && col >= 0 && col < cols && std::binary_search(cells.begin(), cells.end(), row * cols + col);
    };
    auto id = [&](int64_t i, int64_t j) { return j * stride + i; };

    // Boundary edges, each with the set on its left: the cell's sides counter-clockwise.
    std::vector<Edge> edges;
    for (int64_t c : cells) {
        const int64_t row = c / cols, col = c % cols;
        if (!inSet(row + 1, col)) edges.push_back({id(col, row + 1), id(col + 1, row + 1)});  // south side, eastwards
        if (!inSet(row, col + 1)) edges.push_back({id(col + 1, row + 1), id(col + 1, row)});  // east side, northwards
        if (!inSet(row - 1, col)) edges.push_back({id(col + 1, row), id(col, row)});          // north side, westwards
        if (!inSet(row, col - 1)) edges.push_back({id(col, row), id(col, row + 1)});          // west side, southwards
    }
    std::sort(edges.begin(), edges.end(), [](const Edge& a, const Edge& b) { return a.from < b.from; });
    std::vector<char> used(edges.size(), 0);
    auto vertexOf = [&](int64_t v) { return Vertex{v % stride, v / stride}; };

    // Chain the edges into closed rings. Where two cells of the set touch only at a corner, four
    // edges meet; each incoming edge continues with the outgoing one that turns left, keeping to
    // its own cell, so a ring never crosses between cells joined only at a corner and each shell
    // holds one edge-connected group of cells (a polygon whose interior is connected).
    auto nextEdge = [&](size_t e) {
        const int64_t v = edges[e].to;
        auto it = std::lower_bound(edges.begin(), edges.end(), v, [](const Edge& a, int64_t key) { return a.from < key; });
        const auto first = static_cast<size_t>(it - edges.begin());
        if (first + 1 >= edges.size() || edges[first + 1].from != v) return first;
        const Vertex a = vertexOf(edges[e].from), b = vertexOf(v);
        const int64_t di = b.i - a.i, dj = b.j - a.j;
        const Vertex left{b.i + dj, b.j - di};  // (di, dj) turned a quarter anticlockwise (j grows southwards)
        return vertexOf(edges[first].to) == left ? first : first + 1;
    };
    std::vector<std::vector<Vertex>> rings;
    std::vector<int64_t> walk, stack;
    std::unordered_map<int64_t, size_t> onStack;
    for (size_t first = 0; first < edges.size(); ++first) {
        if (used[first]) continue;
        walk.clear();
        for (size_t e = first; !used[e]; e = nextEdge(e)) {
            used[e] = 1;
            walk.push_back(edges[e].from);
        }
        const int64_t start = walk.front();
        walk.push_back(start);
        stack.clear();
        onStack.clear();
        for (int64_t v : walk) {
            auto found = onStack.find(v);
            if (found == onStack.end()) {
                onStack.emplace(v, stack.size());
                stack.push_back(v);
                continue;
            }
            std::vector<Vertex> loop;
            for (size_t k = found->second; k < stack.size(); ++k) loop.push_back(vertexOf(stack[k]));
            for (size_t k = found->second + 1; k < stack.size(); ++k) onStack.erase(stack[k]);
            stack.resize(found->second + 1);
            rings.push_back(withoutStraightVertices(loop));
        }
    }

    // Counter-clockwise rings are shells, clockwise ones holes; a hole belongs to the smallest
    // shell around it.
    struct Shell {
        std::vector<Vertex> ring;
        int64_t area2;
        Box box;
        std::vector<size_t> holes;
    };
    std::vector<Shell> shells;
    std::vector<std::vector<Vertex>> holes;
    for (auto& r : rings) {
        const int64_t a = twiceSignedArea(r);
        if (a > 0) shells.push_back({std::move(r), a, {}, {}});
        else holes.push_back(std::move(r));
    }
    if (holes.size() * shells.size() > 4'000'000) return std::nullopt;
    std::sort(shells.begin(), shells.end(), [](const Shell& a, const Shell& b) { return a.area2 < b.area2; });
    for (Shell& s : shells) s.box = boxOf(s.ring);
    for (size_t h = 0; h < holes.size(); ++h) {
        // The middle of the hole's first side: on no other ring, since rings meet only at corners.
        const Vertex& a = holes[h][0];
        const Vertex& b = holes[h][1];
        const int64_t px2 = a.i + b.i, py2 = a.j + b.j;
        const Box hb = boxOf(holes[h]);
        bool placed = false;
        for (Shell& s : shells)
            if (s.box.holds(hb) && inside(s.ring, px2, py2)) {
                s.holes.push_back(h);
                placed = true;
                break;
            }
        if (!placed) return std::nullopt;  // cannot happen for cells of one grid; the overlay union is the safe answer
    }

    auto coordinates = [&](const std::vector<Vertex>& ring) {
        std::vector<std::pair<double, double>> out;
        out.reserve(ring.size() + 1);
        for (const Vertex& v : ring)
            out.emplace_back(grid.originX + static_cast<double>(v.i) * grid.cellSize, grid.originY + static_cast<double>(rows - v.j) * grid.cellSize);
        out.push_back(out.front());
        return out;
    };
    std::vector<std::vector<std::vector<std::pair<double, double>>>> polygons;
    for (const Shell& s : shells) {
        std::vector<std::vector<std::pair<double, double>>> polygon = {coordinates(s.ring)};
        for (size_t h : s.holes) polygon.push_back(coordinates(holes[h]));
        polygons.push_back(std::move(polygon));
    }
    return multiPolygonWkb(polygons);
}

}  // namespace hotspot
