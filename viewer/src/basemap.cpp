#include "basemap.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <vector>

#include <sqlite3.h>

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QPainter>
#include <QPolygonF>
#include <QTimer>
#include <QTransform>

#include "hotspot/crs.hpp"
#include "hotspot/error.hpp"

namespace fs = std::filesystem;

namespace hotspot::viewer {

namespace {

constexpr double kHalfWorld = 20037508.342789244;  // web mercator: pi * 6378137 m

QString fill(const std::string& pattern, int z, int x, int y) {
    QString s = QString::fromStdString(pattern);
    return s.replace("{z}", QString::number(z)).replace("{x}", QString::number(x)).replace("{y}", QString::number(y));
}

// MBTiles 1.3: a SQLite file; tile_row counts from the south (TMS).
class MbTiles : public TileSource {
public:
    explicit MbTiles(const std::string& path) : m_path(path) {
        if (sqlite3_open_v2(path.c_str(), &m_db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK ||
            sqlite3_prepare_v2(m_db, "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?", -1, &m_query, nullptr) != SQLITE_OK) {
            const std::string why = m_db ? sqlite3_errmsg(m_db) : "cannot open";
            close();
            throwInput("not an MBTiles file (" + why + ")", {path, 0, "basemap"});
        }
        sqlite3_stmt* zooms = nullptr;
        if (sqlite3_prepare_v2(m_db, "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles", -1, &zooms, nullptr) == SQLITE_OK && sqlite3_step(zooms) == SQLITE_ROW)
            m_min = sqlite3_column_int(zooms, 0), m_max = sqlite3_column_int(zooms, 1);
        sqlite3_finalize(zooms);
    }
    ~MbTiles() override { close(); }
    QImage tile(int z, int x, int y) override {
        sqlite3_reset(m_query);
        sqlite3_bind_int(m_query, 1, z);
        sqlite3_bind_int(m_query, 2, x);
        sqlite3_bind_int(m_query, 3, (1 << z) - 1 - y);
        if (sqlite3_step(m_query) != SQLITE_ROW) return {};
        const auto* bytes = static_cast<const uchar*>(sqlite3_column_blob(m_query, 0));
        return QImage::fromData(bytes, sqlite3_column_bytes(m_query, 0));
    }
    int minZoom() const override { return m_min; }
    int maxZoom() const override { return m_max; }

private:
    void close() {
        sqlite3_finalize(m_query);
        sqlite3_close(m_db);
        m_query = nullptr, m_db = nullptr;
    }
    std::string m_path;
    sqlite3* m_db = nullptr;
    sqlite3_stmt* m_query = nullptr;
    int m_min = 0, m_max = 19;
};

// A folder of tiles, "tiles/{z}/{x}/{y}.png".
class XyzFolder : public TileSource {
public:
    explicit XyzFolder(std::string pattern) : m_pattern(std::move(pattern)) {
        // The zoom levels present: the numbered folders where {z} stands.
        const fs::path root = fs::path(m_pattern.substr(0, m_pattern.find("{z}")));
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(root, ec)) {
            const std::string name = entry.path().filename().string();
            if (entry.is_directory() && !name.empty() && name.find_first_not_of("0123456789") == std::string::npos && name.size() < 3) {
                const int z = std::stoi(name);
                m_min = std::min(m_min, z), m_max = std::max(m_max, z);
            }
        }
        if (m_min > m_max) throwInput("no tile folders (0, 1, ... 19) where {z} stands", {m_pattern, 0, "basemap"});
    }
    QImage tile(int z, int x, int y) override { return QImage(fill(m_pattern, z, x, y)); }
    int minZoom() const override { return m_min; }
    int maxZoom() const override { return m_max; }

private:
    std::string m_pattern;
    int m_min = 99, m_max = -1;
};

// An XYZ URL: each tile is downloaded once into the cache folder and read from there after, so a
// user who was online once has the basemap offline. After a failed download (offline, blocked)
// no further download is tried this session: the map draws from the cache alone.
class XyzUrl : public TileSource {
public:
    XyzUrl(std::string pattern, std::string cacheDir) : m_pattern(std::move(pattern)), m_cache(std::move(cacheDir)) {}
    QImage tile(int z, int x, int y) override {
        const QString cached = QString::fromStdString((fs::path(m_cache) / std::to_string(z) / std::to_string(x) / (std::to_string(y) + ".png")).string());
        QImage image(cached);
        if (!image.isNull() || m_offline) return image;
        QNetworkAccessManager network;
        QNetworkRequest request(QUrl(fill(m_pattern, z, x, y)));
        request.setHeader(QNetworkRequest::UserAgentHeader, "hotspot-viewer (https://github.com/hotspot)");
        QNetworkReply* reply = network.get(request);
        QEventLoop loop;
        QTimer::singleShot(5000, &loop, &QEventLoop::quit);
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        if (!reply->isFinished() || reply->error() != QNetworkReply::NoError) {
            m_offline = true;
            reply->abort();
            reply->deleteLater();
            return {};
        }
        const QByteArray bytes = reply->readAll();
        reply->deleteLater();
        image = QImage::fromData(bytes);
        if (!image.isNull()) {
            QDir().mkpath(QFileInfo(cached).path());
            QFile out(cached + ".part");
            if (out.open(QIODevice::WriteOnly) && out.write(bytes) == bytes.size() && out.flush()) {
                out.close();
                QFile::remove(cached);
                QFile::rename(cached + ".part", cached);
            }
        }
        return image;
    }

private:
    std::string m_pattern, m_cache;
    bool m_offline = false;
};

}  // namespace

std::unique_ptr<TileSource> TileSource::open(const std::string& spec, const std::string& cacheDir) {
    if (spec.rfind("http://", 0) == 0 || spec.rfind("https://", 0) == 0) {
        std::string cache = cacheDir;
        if (cache.empty()) {
            const char* home = std::getenv("HOME");
            const QString host = QUrl(QString::fromStdString(spec).replace("{", "").replace("}", "")).host();
            cache = (fs::path(home ? home : "/tmp") / ".cache" / "hotspot" / "tiles" / host.toStdString()).string();
        }
        return std::make_unique<XyzUrl>(spec, cache);
    }
    if (spec.find("{z}") != std::string::npos) return std::make_unique<XyzFolder>(spec);
    if (!fs::exists(spec)) throwInput("no such basemap file", {spec, 0, "basemap"});
    return std::make_unique<MbTiles>(spec);
}

TileLayer::TileLayer(std::unique_ptr<TileSource> source, const std::string& analysisCrs)
    : m_source(std::move(source)),
      m_toMercator(std::make_unique<CoordinateTransformer>(analysisCrs, "EPSG:3857")),
      m_fromMercator(std::make_unique<CoordinateTransformer>("EPSG:3857", analysisCrs)) {}

TileLayer::~TileLayer() = default;

void TileLayer::paint(QPainter& p, const MapView& view) const {
    // The view in web mercator, and the zoom whose tiles are about one tile pixel per map pixel.
    const Extent v = view.visible();
    double xs[4] = {v.minX, v.maxX, v.minX, v.maxX}, ys[4] = {v.minY, v.minY, v.maxY, v.maxY};
    for (int i = 0; i < 4; ++i) m_toMercator->transformPoint(xs[i], ys[i]);
    const double minX = std::min(xs[0], xs[2]), maxX = std::max(xs[1], xs[3]), minY = std::min(ys[0], ys[1]), maxY = std::max(ys[2], ys[3]);
    if (!std::isfinite(minX) || !std::isfinite(maxY) || view.width <= 0) return;
    const double metresPerPixel = (maxX - minX) / view.width;
    int z = static_cast<int>(std::lround(std::log2(2 * kHalfWorld / (256 * metresPerPixel))));
    z = std::clamp(z, m_source->minZoom(), m_source->maxZoom());
    const double tileMetres = 2 * kHalfWorld / (1 << z);
    const int x0 = std::max(0, static_cast<int>(std::floor((minX + kHalfWorld) / tileMetres)));
    const int x1 = std::min((1 << z) - 1, static_cast<int>(std::floor((maxX + kHalfWorld) / tileMetres)));
    const int y0 = std::max(0, static_cast<int>(std::floor((kHalfWorld - maxY) / tileMetres)));
    const int y1 = std::min((1 << z) - 1, static_cast<int>(std::floor((kHalfWorld - minY) / tileMetres)));
    m_lastZoom = z, m_lastTiles = 0;
    if ((x1 - x0 + 1) * (y1 - y0 + 1) > 400) return;  // a view far wider than the basemap is meant for
    const uint64_t paint = ++m_paints;
    p.save();
    p.setRenderHint(QPainter::SmoothPixmapTransform, true);
    const QTransform base = p.transform();  // the composition's own offset (the map frame)
    for (int x = x0; x <= x1; ++x)
        for (int y = y0; y <= y1; ++y) {
            auto it = m_cache.find({z, x, y});
            if (it == m_cache.end()) it = m_cache.emplace(std::tuple{z, x, y}, CachedTile{m_source->tile(z, x, y), 0}).first;
            it->second.lastDrawn = paint;
            const QImage& image = it->second.image;
            if (image.isNull()) continue;
            // The tile's corners on the map: an affine map from three of them (exact in mercator,
            // within a fraction of a pixel in the analysis CRS at tile scale).
            const double left = -kHalfWorld + x * tileMetres, top = kHalfWorld - y * tileMetres;
            double cx[3] = {left, left + tileMetres, left}, cy[3] = {top, top, top - tileMetres};
            for (int i = 0; i < 3; ++i) m_fromMercator->transformPoint(cx[i], cy[i]);
            const QPointF a = view.toScreen(cx[0], cy[0]), b = view.toScreen(cx[1], cy[1]), c = view.toScreen(cx[2], cy[2]);
            const double w = image.width(), h = image.height();
            const QTransform t((b.x() - a.x()) / w, (b.y() - a.y()) / w, (c.x() - a.x()) / h, (c.y() - a.y()) / h, a.x(), a.y());
            p.setTransform(t * base, false);
            p.drawImage(QPointF(0, 0), image);
            p.setTransform(base, false);
            ++m_lastTiles;
        }
    p.restore();
    evictLeastRecentlyDrawn();
}

// A long session of panning and zooming would otherwise keep every tile it ever drew.
void TileLayer::evictLeastRecentlyDrawn() const {
    if (m_cache.size() <= kMaxCachedTiles) return;
    std::vector<std::pair<uint64_t, std::tuple<int, int, int>>> byAge;
    byAge.reserve(m_cache.size());
    for (const auto& [key, tile] : m_cache) byAge.emplace_back(tile.lastDrawn, key);
    const size_t excess = m_cache.size() - kMaxCachedTiles;
    std::nth_element(byAge.begin(), byAge.begin() + static_cast<std::ptrdiff_t>(excess), byAge.end());
    for (size_t k = 0; k < excess; ++k) m_cache.erase(byAge[k].second);
}

}  // namespace hotspot::viewer
