// The traced outline of a set of square cells against GEOS (through OGR): valid, equal to the
// union of the cells, and one polygon per edge-connected group of cells. The cases include the
// shapes that break naive tracing: cells touching only at a corner, a ring of cells whose hole
// touches the outside at a corner, holes touching each other, islands inside holes.

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <string>
#include <vector>

#include <ogr_api.h>
#include <ogr_geometry.h>

#include "density/cell_outline.hpp"

using namespace hotspot;

namespace {

Grid smallGrid(int64_t cols, int64_t rows) {
    Grid g;
    g.shape = GridShape::Square;
    g.cellSize = 10;
    g.originX = 1000;
    g.originY = 2000;
    g.cols = cols;
    g.rows = rows;
    return g;
}

std::unique_ptr<OGRGeometry> fromWkb(const std::vector<unsigned char>& wkb) {
    OGRGeometry* g = nullptr;
    EXPECT_EQ(OGRGeometryFactory::createFromWkb(wkb.data(), nullptr, &g, wkb.size()), OGRERR_NONE);
    return std::unique_ptr<OGRGeometry>(g);
}

// Number of edge-connected (rook) groups among the cells.
int rookGroups(const Grid& g, const std::set<int64_t>& cells) {
    std::set<int64_t> left = cells;
    int groups = 0;
    while (!left.empty()) {
        ++groups;
        std::vector<int64_t> stack = {*left.begin()};
        left.erase(left.begin());
        while (!stack.empty()) {
            const int64_t c = stack.back();
            stack.pop_back();
            const int64_t r = c / g.cols, k = c % g.cols;
            for (auto [dr, dk] : {std::pair{1, 0}, {-1, 0}, {0, 1}, {0, -1}}) {
                const int64_t rr = r + dr, kk = k + dk;
                if (rr < 0 || rr >= g.rows || kk < 0 || kk >= g.cols) continue;
                if (auto it = left.find(rr * g.cols + kk); it != left.end()) {
                    stack.push_back(*it);
                    left.erase(it);
                }
            }
        }
    }
    return groups;
}

void expectOutlineIsTheUnion(const Grid& g, const std::set<int64_t>& cells, const std::string& what) {
    auto outline = squareCellsOutline(g, std::vector<int64_t>(cells.begin(), cells.end()));
    ASSERT_TRUE(outline) << what;
    auto traced = fromWkb(*outline);
    ASSERT_TRUE(traced) << what;
    ASSERT_EQ(wkbFlatten(traced->getGeometryType()), wkbMultiPolygon) << what;
    EXPECT_TRUE(traced->IsValid()) << what;
    EXPECT_EQ(traced->toMultiPolygon()->getNumGeometries(), rookGroups(g, cells)) << what;
    OGRMultiPolygon pieces;
    for (int64_t c : cells) {
        auto* ring = new OGRLinearRing;
        for (auto [x, y] : g.cellRing(c / g.cols, c % g.cols)) ring->addPoint(x, y);
        auto* poly = new OGRPolygon;
        poly->addRingDirectly(ring);
        pieces.addGeometryDirectly(poly);
    }
    std::unique_ptr<OGRGeometry> unioned(pieces.UnionCascaded());
    std::unique_ptr<OGRGeometry> difference(unioned->SymDifference(traced.get()));
    const double leftOver = difference && !difference->IsEmpty() ? OGR_G_Area(OGRGeometry::ToHandle(difference.get())) : 0.0;
    EXPECT_LT(leftOver, 1e-6) << what;
    EXPECT_NEAR(traced->toMultiPolygon()->get_Area(), 100.0 * static_cast<double>(cells.size()), 1e-6) << what;
}

std::set<int64_t> fromPicture(const Grid& g, const std::vector<std::string>& rows) {
    std::set<int64_t> cells;
    for (size_t r = 0; r < rows.size(); ++r)
        for (size_t c = 0; c < rows[r].size(); ++c)
            if (rows[r][c] == '#') cells.insert(static_cast<int64_t>(r) * g.cols + static_cast<int64_t>(c));
    return cells;
}

}  // namespace

TEST(CellOutline, ShapesThatTouchAtCorners) {
    const Grid g = smallGrid(7, 7);
    const std::vector<std::pair<std::string, std::vector<std::string>>> cases = {
        {"one cell", {"#"}},
        {"two cells touching at a corner", {"#.", ".#"}},
        {"a ring whose hole reaches out through a corner", {"###..", "#.#..", "##.#.", "...##"}},
        {"a closed ring with a hole", {"###", "#.#", "###"}},
        {"holes touching at a corner", {"#####", "#.###", "##.##", "#####"}},
        {"an island in a hole", {"#####", "#...#", "#.#.#", "#...#", "#####"}},
        {"a chequerboard", {"#.#.#", ".#.#.", "#.#.#", ".#.#."}},
        {"a diagonal chain enclosing empty cells", {"..#..", ".#.#.", "#...#", ".#.#.", "..#.."}},
        {"the whole grid", {"#######", "#######", "#######", "#######", "#######", "#######", "#######"}},
    };
    for (const auto& [name, picture] : cases) expectOutlineIsTheUnion(g, fromPicture(g, picture), name);
}

TEST(CellOutline, RandomSetsEqualTheirUnion) {
    const Grid g = smallGrid(12, 9);
    std::mt19937_64 rng(20261130);
    for (int trial = 0; trial < 150; ++trial) {
        const double share = 0.2 + 0.6 * static_cast<double>(trial % 7) / 6.0;
        std::bernoulli_distribution pick(share);
        std::set<int64_t> cells;
        for (int64_t c = 0; c < g.cellCount(); ++c)
            if (pick(rng)) cells.insert(c);
        if (cells.empty()) continue;
        expectOutlineIsTheUnion(g, cells, "trial " + std::to_string(trial));
    }
}
