#pragma once
// A raster basemap under the analysis layers: web-mercator tiles from an MBTiles file, an XYZ
// folder ("tiles/{z}/{x}/{y}.png") or an XYZ URL with an on-disk cache, warped onto the map's CRS
// tile by tile (each tile's corners are transformed; inside a tile the error is far below a pixel).

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <tuple>

#include <QImage>

#include "map_layers.hpp"

namespace hotspot {
class CoordinateTransformer;
}

namespace hotspot::viewer {

// Where tiles come from. tile() returns a null image for a tile the source does not have.
class TileSource {
public:
    virtual ~TileSource() = default;
    virtual QImage tile(int z, int x, int y) = 0;
    virtual int maxZoom() const { return 19; }
    virtual int minZoom() const { return 0; }
    // "x.mbtiles", a folder pattern with {z}/{x}/{y}, or an http(s) URL pattern (cacheDir: where
    // downloaded tiles are kept, default ~/.cache/hotspot/tiles/<host>). Throws Error(Input).
    static std::unique_ptr<TileSource> open(const std::string& spec, const std::string& cacheDir);
};

class TileLayer : public MapLayer {
public:
    TileLayer(std::unique_ptr<TileSource> source, const std::string& analysisCrs);
    ~TileLayer() override;
    Extent extent() const override { return {0, 0, -1, -1}; }  // the world: never sets the map's extent
    void paint(QPainter& p, const MapView& view) const override;
    std::optional<Attributes> identify(double, double, double) const override { return std::nullopt; }
    std::vector<LegendEntry> legend() const override { return {}; }
    // Tiles drawn by the last paint (zoom level, count), for the status bar and tests.
    int lastZoom() const { return m_lastZoom; }
    int lastTiles() const { return m_lastTiles; }
    // Tiles held in memory: at most kMaxCachedTiles, the least recently drawn go first.
    size_t cachedTiles() const { return m_cache.size(); }
    // Above the most one view draws (400), so a view's own tiles are never evicted while it paints;
    // 256 x 256 RGBA tiles: at most about 200 MB.
    static constexpr size_t kMaxCachedTiles = 800;

private:
    void evictLeastRecentlyDrawn() const;
    struct CachedTile {
        QImage image;
        uint64_t lastDrawn = 0;  // the paint that last used it
    };
    std::unique_ptr<TileSource> m_source;
    std::unique_ptr<CoordinateTransformer> m_toMercator, m_fromMercator;
    mutable std::map<std::tuple<int, int, int>, CachedTile> m_cache;
    mutable uint64_t m_paints = 0;
    mutable int m_lastZoom = -1, m_lastTiles = 0;
};

}  // namespace hotspot::viewer
