// The viewer, headless (QT_QPA_PLATFORM=offscreen): the sample project renders with the right
// colours where the hot spots and the cameras are, layers toggle, identify answers, the period
// changes the surface, sites appear, and the screenshot command writes the image asked for.

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <numeric>
#include <set>

#include <sqlite3.h>

#include <QApplication>
#include <QBuffer>
#include <QCheckBox>
#include <QStatusBar>
#include <QComboBox>
#include <QElapsedTimer>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QTableWidget>
#include <QTest>
#include <QImage>
#include <QPainter>

#include "hotspot/area_layer.hpp"
#include "hotspot/error.hpp"
#include "hotspot/near_repeat.hpp"
#include "basemap.hpp"
#include "main_window.hpp"
#include "map_canvas.hpp"
#include "renderer.hpp"
#include "session.hpp"
#include "test_paths.hpp"
#include "test_support.hpp"

using namespace hotspot;
using namespace hotspot::viewer;
namespace fs = std::filesystem;

namespace {

std::string sampleProject() { return test::sourceDir() + "/data/viewer/sample_project.json"; }

// The sample session, opened once (reading 60,000 incidents and running `roads` take a moment).
Session& sample() {
    static std::unique_ptr<Session> session = Session::open(ProjectFile::load(sampleProject()));
    return *session;
}

QImage render(const Session& s, const MapView& view) {
    QImage image(view.width, view.height, QImage::Format_ARGB32);
    image.fill(Qt::white);
    QPainter p(&image);
    renderLayers(p, view, s.layers);
    p.end();
    return image;
}

// Shows only the layers named; restores the visibility when it goes out of scope.
class OnlyVisible {
public:
    OnlyVisible(Session& s, std::initializer_list<const char*> roles) : m_s(s) {
        for (const auto& l : s.layers) {
            m_saved.push_back(l->visible);
            l->visible = false;
            for (const char* r : roles) l->visible |= l->role == r;
        }
    }
    ~OnlyVisible() {
        for (size_t i = 0; i < m_saved.size() && i < m_s.layers.size(); ++i) m_s.layers[i]->visible = m_saved[i];
    }

private:
    Session& m_s;
    std::vector<bool> m_saved;
};

bool near(QColor a, QColor b, int tolerance = 6) {
    return std::abs(a.red() - b.red()) <= tolerance && std::abs(a.green() - b.green()) <= tolerance && std::abs(a.blue() - b.blue()) <= tolerance;
}

}  // namespace

TEST(Viewer, TheHottestCellIsDrawnInTheTopClassAndEmptyCellsStayClear) {
    Session& s = sample();
    ASSERT_TRUE(s.surface);
    auto surface = s.layerByRole("surface");
    ASSERT_TRUE(surface);
    const double opacity = surface->opacity;
    surface->opacity = 1;
    OnlyVisible only(s, {"surface"});
    // The cell with the highest burglary density of 2021, in the middle of a 20 m/pixel view.
    const Surface& kde = *s.surface;
    const auto top = static_cast<int64_t>(std::max_element(kde.values.begin(), kde.values.end()) - kde.values.begin());
    const double x = kde.grid.centreX(top / kde.grid.cols, top % kde.grid.cols), y = kde.grid.centreY(top / kde.grid.cols);
    MapView view;
    view.width = 900, view.height = 700, view.centreX = x, view.centreY = y, view.metresPerPixel = 20;
    const QImage image = render(s, view);
    const QPointF at = view.toScreen(x, y);
    EXPECT_TRUE(near(image.pixelColor(at.toPoint()), densityRamp().back())) << image.pixelColor(at.toPoint()).name().toStdString();
    // A cell without density (well inside it, away from its neighbours) keeps the background.
    bool checked = false;
    for (int64_t k = 0; k < kde.grid.cellCount() && !checked; ++k) {
        const int64_t row = k / kde.grid.cols, col = k % kde.grid.cols;
        if (row == 0 || col == 0 || row + 1 >= kde.grid.rows || col + 1 >= kde.grid.cols) continue;
        bool empty = true;
        for (int64_t dr = -1; dr <= 1; ++dr)
            for (int64_t dc = -1; dc <= 1; ++dc) empty &= kde.values[static_cast<size_t>((row + dr) * kde.grid.cols + col + dc)] == 0;
        const QPoint p = view.toScreen(kde.grid.centreX(row, col), kde.grid.centreY(row)).toPoint();
        if (!empty || !image.rect().contains(p)) continue;
        EXPECT_EQ(image.pixelColor(p), QColor(Qt::white));
        checked = true;
    }
    EXPECT_TRUE(checked);
    surface->opacity = opacity;
}

TEST(Viewer, CamerasAreDrawnWhereTheyAreAndTogglingTheLayerRemovesThem) {
    Session& s = sample();
    OnlyVisible only(s, {"cctv"});
    const auto cameras = s.cameras();
    ASSERT_EQ(cameras.size(), 44u);
    MapView view;
    view.width = 800, view.height = 600;
    view.centreX = cameras[0].view.x, view.centreY = cameras[0].view.y, view.metresPerPixel = 1;
    const QPointF at = view.toScreen(cameras[0].view.x, cameras[0].view.y);
    EXPECT_TRUE(near(render(s, view).pixelColor(at.toPoint()), CameraLayer::markerColour()));
    s.layerByRole("cctv")->visible = false;
    EXPECT_FALSE(near(render(s, view).pixelColor(at.toPoint()), CameraLayer::markerColour()));
}

TEST(Viewer, RoadCollisionsAndCasualtiesShowWithTheirLegendAndAFatalCollisionIsDrawnBlack) {
    Session& s = sample();
    auto collisions = std::dynamic_pointer_cast<VectorLayer>(s.layerByRole("road_collisions"));
    auto casualties = std::dynamic_pointer_cast<VectorLayer>(s.layerByRole("road_casualties"));
    ASSERT_TRUE(collisions);
    ASSERT_TRUE(casualties);  // the sample's casualty tables are found beside its collision files
    std::set<QString> groups;
    for (const auto& e : casualties->legend()) groups.insert(e.label);
    EXPECT_TRUE(groups.count("pedestrian") && groups.count("cyclist") && groups.count("motorcyclist"));
    // A fatal collision, alone on the map: a black dot at its position.
    const VectorData& d = collisions->data();
    const int severity = d.fieldIndex("severity");
    ASSERT_GE(severity, 0);
    const VectorFeature* fatal = nullptr;
    for (const auto& f : d.features)
        if (f.values[static_cast<size_t>(severity)] == "fatal") fatal = &f;
    ASSERT_NE(fatal, nullptr);
    OnlyVisible only(s, {"road_collisions"});
    MapView view;
    view.width = 400, view.height = 300;
    view.centreX = fatal->parts[0][0].first, view.centreY = fatal->parts[0][0].second, view.metresPerPixel = 0.5;
    const QPointF at = view.toScreen(view.centreX, view.centreY);
    EXPECT_TRUE(near(render(s, view).pixelColor(at.toPoint()), QColor(0, 0, 0)));
    collisions->visible = false;
    EXPECT_TRUE(near(render(s, view).pixelColor(at.toPoint()), Qt::white));
    // The road layer is labelled with the road's number and name.
    auto roads = std::dynamic_pointer_cast<VectorLayer>(s.layerByRole("roads"));
    ASSERT_TRUE(roads);
    std::set<QString> labels;
    for (size_t i = 0; i < roads->data().features.size(); ++i) labels.insert(roads->labelText(i));
    EXPECT_TRUE(labels.count("A45 Weedon Road")) << labels.size();
    EXPECT_TRUE(labels.count("A5 Watling Street"));
}

TEST(Viewer, LocalMoranClassesAreDrawnInTheirColoursWithALegend) {
    test::TempDir dir;
    const std::string s = test::sourceDir();
    auto r = test::runCli({"moran", "-q", s + "/data/police", "--group", "burglary", "--months", "2021", "--cell", "250", "-o", dir.file("moran")});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    test::writeFile(dir.file("project.json"), "{\"crs\": \"EPSG:27700\", \"layers\": [{\"path\": \"" + dir.file("moran/moran.gpkg") +
                                                  "\", \"layer\": \"moran_cells\", \"name\": \"Clusters and outliers\"}]}");
    auto session = Session::open(ProjectFile::load(dir.file("project.json")));
    ASSERT_EQ(session->layers.size(), 1u);
    auto layer = std::dynamic_pointer_cast<VectorLayer>(session->layers[0]);
    ASSERT_TRUE(layer);
    std::set<QString> legend;
    for (const auto& e : layer->legend()) legend.insert(e.label);
    EXPECT_TRUE(legend.count("high-high cluster") && legend.count("low-high outlier")) << legend.size();
    // A high-high cell, alone on the map, is drawn in the cluster red.
    const VectorData& d = layer->data();
    const int cls = d.fieldIndex("class");
    const VectorFeature* hh = nullptr;
    for (const auto& f : d.features)
        if (f.values[static_cast<size_t>(cls)] == "HH") hh = &f;
    ASSERT_NE(hh, nullptr);
    double cx = 0, cy = 0;
    for (size_t k = 0; k + 1 < hh->parts[0].size(); ++k) cx += hh->parts[0][k].first, cy += hh->parts[0][k].second;
    cx /= static_cast<double>(hh->parts[0].size() - 1), cy /= static_cast<double>(hh->parts[0].size() - 1);
    MapView view;
    view.width = 200, view.height = 200;
    view.centreX = cx, view.centreY = cy, view.metresPerPixel = 5;
    const QColor drawn = render(*session, view).pixelColor(view.toScreen(cx, cy).toPoint());
    EXPECT_GT(drawn.red(), 200);
    EXPECT_LT(drawn.blue(), 120);
}

TEST(Viewer, IdentifyReturnsTheCameraAndAPriorityAreasCountsMatchTheEngine) {
    Session& s = sample();
    OnlyVisible only(s, {"cctv", "priority"});
    const Camera& c = s.cameras()[3];
    auto hit = s.identify(c.view.x, c.view.y, 3);
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->layer, "CCTV cameras");
    EXPECT_EQ(hit->attributes[0].second.toStdString(), c.id);
    // Lings (PA04): the burglary count the viewer shows equals the engine's point-in-polygon count.
    const AreaLayer areas = AreaLayer::load(AreaLayerSpec::parse("priority=" + test::sourceDir() + "/shapes/priority_areas.geojson"), "EPSG:27700");
    size_t lings = 0;
    while (areas.code(lings) != "PA04") ++lings;
    const auto [px, py] = areas.centroid(lings);
    hit = s.identify(px, py, 1);
    ASSERT_TRUE(hit);
    EXPECT_EQ(hit->layer, "Priority areas");
    const auto& sel = *s.surface;
    std::vector<int32_t> where(sel.selectedX.size());
    areas.assign(sel.selectedX.data(), sel.selectedY.data(), sel.selectedX.size(), where.data());
    const auto expected = std::count(where.begin(), where.end(), static_cast<int32_t>(lings));
    QString shown, change;
    for (const auto& [field, value] : hit->attributes) {
        if (field.startsWith("incidents (burglary")) shown = value;
        if (field == "change %") change = value;
    }
    EXPECT_EQ(shown.toLongLong(), expected);
    EXPECT_GT(expected, 50);
    EXPECT_FALSE(change.isEmpty());
}

TEST(Viewer, ThePeriodChangesTheSurfaceAndSitesAppearOnTheMap) {
    Session& s = sample();
    AnalysisRequest first = s.surface->request, second = first;
    first.from = makeMonth(2021, 1), first.to = makeMonth(2021, 6);
    second.from = makeMonth(2021, 7), second.to = makeMonth(2021, 12);
    const Surface a = computeSurface(s.incidents, first), b = computeSurface(s.incidents, second);
    EXPECT_NE(a.selectedX.size(), b.selectedX.size());
    EXPECT_EQ(a.values.size(), b.values.size());  // the same grid: periods line up cell for cell
    EXPECT_NE(a.values, b.values);
    // The viewer's accounting: both halves of the year read the same rows; each balances, and the
    // counts surface holds exactly the incidents it says it counted.
    for (const Surface* half : {&a, &b}) {
        EXPECT_TRUE(half->ledger.balances()) << half->ledger.format();
        EXPECT_EQ(half->ledger.read, a.ledger.read);
        EXPECT_EQ(half->ledger.counted, static_cast<int64_t>(half->selectedX.size()));
    }
    AnalysisRequest counting = second;
    counting.method = SurfaceMethod::Counts;
    const Surface c = computeSurface(s.incidents, counting);
    EXPECT_DOUBLE_EQ(std::accumulate(c.values.begin(), c.values.end(), 0.0), static_cast<double>(c.ledger.counted));
    EXPECT_EQ(c.ledger.counted, b.ledger.counted);
    OnlyVisible only(s, {"surface"});
    const MapView view = s.initialView(600, 450);
    s.setSurface(a);
    const QImage imageA = render(s, view);
    s.setSurface(b);
    const QImage imageB = render(s, view);
    EXPECT_NE(imageA, imageB);
    // Gi* on the same selection gives hot spot bins.
    AnalysisRequest gi = second;
    gi.method = SurfaceMethod::GiStar;
    gi.cell = 250;
    const Surface g = computeSurface(s.incidents, gi);
    EXPECT_GT(std::count_if(g.bins.begin(), g.bins.end(), [](int8_t b) { return b >= 2; }), 0);
    // Sites on the KDE, avoiding what the cameras see.
    const SiteRecommendation rec = recommendSites(b, 5, 100, s.cameras());
    ASSERT_EQ(rec.picks.size(), 5u);
    s.setSites(rec, 100);
    ASSERT_TRUE(s.layerByRole("sites"));
    EXPECT_EQ(std::dynamic_pointer_cast<VectorLayer>(s.layerByRole("sites"))->data().features.size(), 5u);
}

TEST(Viewer, TheScreenshotCommandWritesThePngOfTheRequestedSizeAndPdfWorks) {
    test::TempDir dir;
    const std::string viewer = HOTSPOT_BINARY_DIR "/viewer/hotspot-viewer";
    auto r = test::runProgram(viewer, {"--project", sampleProject(), "--screenshot", dir.file("map.png"), "--size", "800x600", "--group", "asb"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    QImage image(QString::fromStdString(dir.file("map.png")));
    ASSERT_FALSE(image.isNull());
    EXPECT_EQ(image.size(), QSize(800, 600));
    int coloured = 0;
    for (int y = 0; y < image.height(); y += 4)
        for (int x = 0; x < image.width(); x += 4) coloured += image.pixelColor(x, y) != QColor(Qt::white);
    EXPECT_GT(coloured, 5000);
    r = test::runProgram(viewer, {"--project", sampleProject(), "--screenshot", dir.file("map.pdf"), "--size", "1200x800"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(test::readFile(dir.file("map.pdf")).substr(0, 4), "%PDF");
    r = test::runProgram(viewer, {"--project", dir.file("missing.json"), "--screenshot", dir.file("x.png")});
    EXPECT_EQ(r.exitCode, 3);
    r = test::runProgram(viewer, {"--project", sampleProject(), "--screenshot", dir.file("x.png"), "--size", "tiny"});
    EXPECT_EQ(r.exitCode, 2);
    // A period with no incident: no blank map written as if it showed no hot spots.
    r = test::runProgram(viewer, {"--project", sampleProject(), "--screenshot", dir.file("empty.png"), "--from", "2030-01", "--to", "2030-12"});
    EXPECT_EQ(r.exitCode, 3) << r.err;
    EXPECT_NE(r.err.find("nothing to map"), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(dir.file("empty.png")));
}

TEST(ViewerWindow, ChangingTheGroupRecomputesOffTheUiThreadAndAClickIdentifies) {
    MainWindow window(Session::open(ProjectFile::load(sampleProject())));
    window.resize(1400, 900);
    window.show();
    QApplication::processEvents();
    auto* group = window.findChild<QComboBox*>("group");
    auto* timing = window.findChild<QLabel*>("timing");
    auto* canvas = window.findChild<MapCanvas*>("map");
    ASSERT_TRUE(group && timing && canvas);
    EXPECT_EQ(group->currentText(), "burglary");
    group->setCurrentText("asb");
    QElapsedTimer clock;
    clock.start();
    while (!timing->text().contains("incidents") && clock.elapsed() < 20000) QTest::qWait(20);
    EXPECT_TRUE(timing->text().startsWith("kde: ")) << timing->text().toStdString();
    // The map shows the new surface: a grab of the canvas has the density colours.
    const QImage shot = canvas->grab().toImage();
    int hot = 0;
    for (int y = 0; y < shot.height(); y += 3)
        for (int x = 0; x < shot.width(); x += 3) hot += shot.pixelColor(x, y).red() > 200 && shot.pixelColor(x, y).blue() < 120;
    EXPECT_GT(hot, 100);
    // A click on a camera fills the identify table with its id.
    auto* identify = window.findChild<QTableWidget*>("identify");
    const MapView& view = canvas->view();
    std::vector<Camera> cams;
    for (const auto& c : Session::open(ProjectFile::load(sampleProject()))->cameras()) cams.push_back(c);
    const QPoint at = view.toScreen(cams[10].view.x, cams[10].view.y).toPoint();
    QTest::mouseClick(canvas, Qt::LeftButton, {}, at);
    ASSERT_GT(identify->rowCount(), 1);
    EXPECT_EQ(identify->item(0, 1)->text(), "CCTV cameras");
}

TEST(ViewerProject, RelativePathsMayNotLeaveTheProjectFolderUnlessGivenOnPurpose) {
    test::TempDir dir;
    test::writeFile(dir.file("p/escape.json"), R"({"layers": [{"path": "../../etc/passwd"}]})");
    try {
        ProjectFile::load(dir.file("p/escape.json"));
        ADD_FAILURE() << "a path leaving the project folder was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::Input);
        EXPECT_NE(std::string(e.what()).find("leaves the project folder"), std::string::npos) << e.what();
    }
    // Inside the folder, an absolute path, or inside a declared base: accepted.
    test::writeFile(dir.file("p/ok.json"), R"({"layers": [{"path": "shapes/a.geojson"}, {"path": "/data/b.gpkg"}]})");
    const ProjectFile ok = ProjectFile::load(dir.file("p/ok.json"));
    EXPECT_EQ(ok.layers[0].path, fs::path(dir.file("p/shapes/a.geojson")).lexically_normal().string());
    EXPECT_EQ(ok.layers[1].path, "/data/b.gpkg");
    test::writeFile(dir.file("p/q/based.json"), R"({"base": "..", "incidents": ["police"]})");
    EXPECT_EQ(ProjectFile::load(dir.file("p/q/based.json")).incidents[0], fs::path(dir.file("p/police")).lexically_normal().string());
    test::writeFile(dir.file("p/bad.json"), "{ not json");
    EXPECT_THROW(ProjectFile::load(dir.file("p/bad.json")), Error);
}

// The hostile project files a tester wrote: each is refused naming the file and the key.
TEST(ViewerProject, HostileProjectFilesAreRefusedNamingTheKey) {
    test::TempDir dir;
    auto refused = [&](const std::string& json, const std::string& mentions) {
        test::writeFile(dir.file("p/hostile.json"), json);
        try {
            ProjectFile::load(dir.file("p/hostile.json"));
            ADD_FAILURE() << "accepted: " << json.substr(0, 200);
        } catch (const Error& e) {
            EXPECT_NE(std::string(e.what()).find(mentions), std::string::npos) << e.what();
            EXPECT_NE(std::string(e.what()).find("hostile.json"), std::string::npos) << e.what();
        }
    };
    refused(R"({"analysis": {"cell": 1e-320}})", "analysis.cell");
    refused(R"({"analysis": {"cell": 0}})", "analysis.cell");
    refused(R"({"analysis": {"bandwidth": 1e308}})", "analysis.bandwidth");
    refused(R"({"analysis": {"bandwidth": 20, "cell": 50}})", "analysis.bandwidth");
    refused(R"({"analysis": {"method": "idw"}})", "idw");
    refused(R"({"layers": [{"path": "a.geojson", "role": "cameras"}]})", "unknown layer role 'cameras'");
    refused(std::string(200000, '[') + std::string(200000, ']'), "nested deeper than 64");
    refused(R"({"base": "../../../../../../../../../..", "incidents": ["etc/passwd"]})", "filesystem root");
    // A symlink inside the folder that points outside it is followed no more.
    fs::create_directories(dir.file("p"));
    fs::create_directories(dir.file("outside"));
    test::writeFile(dir.file("outside/secret.csv"), "x\n");
    fs::create_directory_symlink(dir.file("outside"), dir.file("p/link"));
    refused(R"({"incidents": ["link/secret.csv"]})", "leaves the project folder");
    // Strings may hold brackets: the depth check counts structure, not text.
    test::writeFile(dir.file("p/fine.json"), R"({"title": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["})");
    EXPECT_NO_THROW(ProjectFile::load(dir.file("p/fine.json")));
}

TEST(ViewerProject, AnUnknownGroupIsRefusedListingTheGroups) {
    ProjectFile pf = ProjectFile::load(sampleProject());
    pf.group = "burglarly";
    try {
        Session::open(pf);
        ADD_FAILURE() << "a misspelt group mapped something";
    } catch (const Error& e) {
        EXPECT_EQ(e.context().field, "analysis.group");
        EXPECT_NE(std::string(e.what()).find("burglary"), std::string::npos) << e.what();
    }
}

int main(int argc, char** argv) {
    qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    ::testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}

namespace {

// The later incidents of the selection within `distance` and `months` of incident `i`, by brute force.
size_t followersByHand(const Session& s, size_t i, double distance, int months) {
    const AnalysisRequest& r = s.surface->request;
    size_t n = 0;
    for (size_t j = 0; j < s.incidents.x.size(); ++j) {
        if (j == i || (r.group >= 0 && s.incidents.group[j] != r.group) || s.incidents.month[j] < r.from || s.incidents.month[j] > r.to) continue;
        if (s.incidents.month[j] < s.incidents.month[i] || s.incidents.month[j] > s.incidents.month[i] + months) continue;
        n += std::hypot(s.incidents.x[j] - s.incidents.x[i], s.incidents.y[j] - s.incidents.y[i]) <= distance;
    }
    return n;
}

size_t firstSelected(const Session& s) {
    const AnalysisRequest& r = s.surface->request;
    for (size_t i = 0; i < s.incidents.x.size(); ++i)
        if (s.incidents.group[i] == r.group && s.incidents.month[i] >= r.from && s.incidents.month[i] <= r.to) return i;
    return s.incidents.x.size();
}

}  // namespace

// The zone of the project's near_repeat.csv (written by `hotspot near-repeat`) drawn around a
// clicked incident: a circle of the zone's reach and the later incidents inside it; then the Knox
// test of the selection itself when the project names no table.
TEST(Viewer, TheNearRepeatZoneIsDrawnAroundAChosenIncident) {
    test::TempDir dir;
    test::writeFile(dir.file("near_repeat.csv"),
                    "distance_band,time_band,observed_pairs,expected_pairs,expected_exact,knox_ratio,p,significant,in_zone\n"
                    "same location,0 months,10,5,5,2,0.01,yes,yes\n1-100 m,0 months,10,5,5,2,0.01,yes,yes\n101-200 m,1 month,8,5,5,1.6,0.02,yes,yes\n"
                    "201-300 m,2 months,5,5,5,1,0.5,no,no\n");
    ProjectFile pf = ProjectFile::load(sampleProject());
    pf.nearRepeat = dir.file("near_repeat.csv");
    auto session = Session::open(pf);
    const size_t i = firstSelected(*session);
    ASSERT_LT(i, session->incidents.x.size());
    EXPECT_FALSE(session->showNearRepeatZone(-1e7, -1e7, 10).has_value());  // no incident there: nothing chosen, nothing drawn
    EXPECT_EQ(session->layerByRole("near_repeat"), nullptr);
    const auto view = session->showNearRepeatZone(session->incidents.x[i] + 1, session->incidents.y[i], 3);
    ASSERT_TRUE(view.has_value());
    EXPECT_EQ(view->distance, 200);
    EXPECT_EQ(view->months, 1);
    EXPECT_NE(view->source.find("near_repeat.csv"), std::string::npos);
    EXPECT_EQ(view->followers.size(), followersByHand(*session, i, 200, 1));
    const auto zone = session->layerByName("Near-repeat zone");
    ASSERT_NE(zone, nullptr);
    EXPECT_NEAR(zone->extent().width(), 400, 1);
    EXPECT_NEAR((zone->extent().minX + zone->extent().maxX) / 2, session->incidents.x[i], 1e-6);
    // The zone is drawn: orange at the circle's edge, on a render of that layer alone.
    {
        OnlyVisible only(*session, {"near_repeat"});
        MapView v;
        v.width = 200;
        v.height = 200;
        v.zoomTo(zone->extent(), 0.1);
        const QImage image = render(*session, v);
        int orange = 0;
        for (int y = 0; y < image.height(); ++y)
            for (int x = 0; x < image.width(); ++x) orange += near(image.pixelColor(x, y), QColor(230, 85, 13), 30);
        EXPECT_GT(orange, 100);
    }
    EXPECT_NE(view->describe().find("within 200 m, in the same month or up to 1 month(s) after"), std::string::npos) << view->describe();

    // Without the table: the Knox test of the selection, as the engine computes it.
    session->project.nearRepeat.clear();
    const auto knox = session->showNearRepeatZone(session->incidents.x[i], session->incidents.y[i], 3);
    ASSERT_TRUE(knox.has_value());
    std::vector<double> x, y;
    std::vector<int32_t> t;
    const AnalysisRequest& r = session->surface->request;
    for (size_t j = 0; j < session->incidents.x.size(); ++j)
        if (session->incidents.group[j] == r.group && session->incidents.month[j] >= r.from && session->incidents.month[j] <= r.to)
            x.push_back(session->incidents.x[j]), y.push_back(session->incidents.y[j]), t.push_back(session->incidents.month[j]);
    KnoxBands bands;
    bands.distanceEdges = {100, 200, 300, 400};
    bands.timeEdges = {0, 1, 2, 3};
    const NearRepeatZone expected = nearRepeatZone(knoxTest(x, y, t, bands, 99, 12345), bands);
    EXPECT_EQ(knox->distance, expected.distance);
    EXPECT_EQ(knox->months, expected.time);
    EXPECT_NE(knox->source.find(std::to_string(x.size()) + " selected incidents"), std::string::npos) << knox->source;
    if (expected.empty()) {
        EXPECT_EQ(session->layerByName("Near-repeat zone"), nullptr);  // no zone: nothing drawn, and said so
        EXPECT_NE(knox->describe().find("no near-repeat zone"), std::string::npos);
    } else {
        EXPECT_EQ(knox->followers.size(), followersByHand(*session, i, std::max(expected.distance, 0.0), expected.time));
    }
}

TEST(ViewerWindow, WithTheNearRepeatBoxTickedAClickDrawsTheZone) {
    test::TempDir dir;
    test::writeFile(dir.file("near_repeat.csv"),
                    "distance_band,time_band,observed_pairs,expected_pairs,expected_exact,knox_ratio,p,significant,in_zone\n"
                    "1-100 m,0 months,10,5,5,2,0.01,yes,yes\n");
    ProjectFile pf = ProjectFile::load(sampleProject());
    pf.nearRepeat = dir.file("near_repeat.csv");
    auto session = Session::open(pf);
    const size_t i = firstSelected(*session);
    const double ix = session->incidents.x[i], iy = session->incidents.y[i];
    MainWindow window(std::move(session));
    window.resize(1400, 900);
    window.show();
    QApplication::processEvents();
    auto* box = window.findChild<QCheckBox*>("nearRepeat");
    auto* canvas = window.findChild<MapCanvas*>("map");
    ASSERT_TRUE(box && canvas);
    box->setChecked(true);
    canvas->view().zoomTo({ix - 300, iy - 300, ix + 300, iy + 300}, 0);
    canvas->refresh();
    QTest::mouseClick(canvas, Qt::LeftButton, {}, canvas->view().toScreen(ix, iy).toPoint());
    const QString message = window.statusBar()->currentMessage();
    EXPECT_TRUE(message.contains("near-repeat zone of the incident")) << message.toStdString();
    EXPECT_TRUE(message.contains("within 100 m")) << message.toStdString();
}

TEST(ViewerWindow, OpeningAProjectFollowsTheEngineProgressAndCancelKeepsThePreviousProject) {
    MainWindow window(Session::open(ProjectFile::load(sampleProject())));
    window.resize(1200, 800);
    window.show();
    QApplication::processEvents();
    auto* bar = window.findChild<QProgressBar*>("openProgress");
    auto* cancel = window.findChild<QPushButton*>("cancelOpen");
    ASSERT_TRUE(bar && cancel);
    EXPECT_FALSE(bar->isVisible());
    const Session* first = &window.session();

    // Cancelled at once: the engine stops at its next progress report, the first project stays.
    window.openProject(ProjectFile::load(sampleProject()));
    EXPECT_TRUE(bar->isVisible());
    EXPECT_TRUE(cancel->isVisible());
    cancel->click();
    QElapsedTimer clock;
    clock.start();
    while (window.opening() && clock.elapsed() < 60000) QTest::qWait(10);
    QApplication::processEvents();
    EXPECT_EQ(&window.session(), first);
    EXPECT_TRUE(window.statusBar()->currentMessage().contains("cancelled")) << window.statusBar()->currentMessage().toStdString();
    EXPECT_FALSE(bar->isVisible());

    // Left to run: the bar moves with the engine's stages, and the new project replaces the first.
    window.openProject(ProjectFile::load(sampleProject()));
    int highest = 0;
    QString stage;
    clock.restart();
    while (window.opening() && clock.elapsed() < 60000) {
        QTest::qWait(5);
        if (bar->value() > highest) highest = bar->value(), stage = bar->format();
    }
    QApplication::processEvents();
    EXPECT_GT(highest, 0) << "the bar never moved";
    EXPECT_FALSE(stage.startsWith("Opening")) << "the bar never named an engine stage";
    EXPECT_NE(&window.session(), first);
    EXPECT_FALSE(window.session().incidents.x.empty());
    EXPECT_FALSE(bar->isVisible());
    EXPECT_FALSE(cancel->isVisible());
}

TEST(Viewer, StrayIncidentsDoNotSetTheExtentAndTheLegendAndTitleNameWhatIsDrawn) {
    // 1,000 incidents in a 1 km square and three recorded 200 km away (police.uk has such rows).
    std::vector<double> x, y;
    for (int i = 0; i < 1000; ++i) x.push_back(470000 + i % 40 * 25), y.push_back(260000 + i / 40 * 40);
    for (int i = 0; i < 3; ++i) x.push_back(270000 + i), y.push_back(230000);
    const Extent e = robustExtent(x, y).extent;  // what Session::fullExtent uses for the incidents
    EXPECT_LT(e.width(), 1500);
    EXPECT_GT(e.minX, 469000);
    EXPECT_TRUE(e.contains(470500, 260500));

    ProjectFile pf = ProjectFile::load(sampleProject());
    pf.group = "asb";
    pf.method = "gistar";
    auto s = Session::open(pf);
    std::string surfaceName;
    for (const auto& l : s->layers)
        if (l->role == "surface") surfaceName = l->name.toStdString();
    EXPECT_EQ(surfaceName, "asb Gi* hot spots, 2021-01 to 2021-12");
    // fit: the map shows the named layer; an unknown name is refused.
    pf.group = "burglary", pf.method = "kde";
    pf.fit = "Districts";
    auto fitted = Session::open(pf);
    Extent districts{0, 0, -1, -1};
    for (const auto& l : fitted->layers)
        if (l->name == "Districts") districts = l->extent();
    const Extent shown = fitted->initialView(800, 600).visible();
    EXPECT_LE(shown.minX, districts.minX);
    EXPECT_GE(shown.maxX, districts.maxX);
    EXPECT_LT(shown.width(), 1.3 * std::max(districts.width(), districts.height() * 800 / 600));
    pf.fit = "No such layer";
    EXPECT_THROW(Session::open(pf)->initialView(800, 600), Error);

    // The screenshot's title follows --group; a bad --extent is a usage error.
    test::TempDir dir;
    const std::string viewer = HOTSPOT_BINARY_DIR "/viewer/hotspot-viewer";
    auto r = test::runProgram(viewer, {"--project", sampleProject(), "--screenshot", dir.file("map.pdf"), "--group", "asb", "--method", "gistar"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    // The PDF's title (its document information) is the map's title.
    if (fs::exists("/usr/bin/pdfinfo")) {
        const auto info = test::runProgram("/usr/bin/pdfinfo", {dir.file("map.pdf")});
        EXPECT_NE(info.out.find("West Northamptonshire: asb Gi* hot spots, 2021-01 to 2021-12"), std::string::npos) << info.out;
    }
    r = test::runProgram(viewer, {"--project", sampleProject(), "--screenshot", dir.file("x.png"), "--extent", "5,5,1,1"});
    EXPECT_EQ(r.exitCode, 2) << r.err;
    r = test::runProgram(viewer, {"--project", sampleProject(), "--screenshot", dir.file("e.png"), "--extent", "474000,258000,478000,262000", "--size", "800x600"});
    EXPECT_EQ(r.exitCode, 0) << r.err;
}

TEST(Viewer, LabelsArePlacedAboveTheLayersWithoutOverlapPriorityAreasFirst) {
    QImage image(400, 200, QImage::Format_ARGB32_Premultiplied);
    image.fill(Qt::white);
    QPainter p(&image);
    // Twenty labels asked for at nearly the same place, the first an area's.
    std::vector<LabelRequest> requests = {{"Semilong", QPointF(200, 100), LabelRequest::Area}};
    for (int i = 0; i < 20; ++i) requests.push_back({QString("site %1").arg(i), QPointF(40 + 16 * i, 40 + 60 * (i % 3)), LabelRequest::Point});
    requests.push_back({"outside", QPointF(395, 5), LabelRequest::Area});  // would leave the frame
    const std::vector<QRectF> placed = placeLabels(p, requests, QRectF(0, 0, 400, 200));
    p.end();
    ASSERT_GE(placed.size(), 3u);
    EXPECT_LT(placed.size(), requests.size());
    // The area's label is first and centred on its anchor, whole: not cut to "Semilo...".
    EXPECT_NEAR(placed[0].center().x(), 200, 1);
    EXPECT_GT(placed[0].width(), 30);
    for (size_t a = 0; a < placed.size(); ++a) {
        EXPECT_TRUE(QRectF(0, 0, 400, 200).contains(placed[a]));
        for (size_t b = a + 1; b < placed.size(); ++b) EXPECT_FALSE(placed[a].intersects(placed[b])) << a << " " << b;
    }
    // Something was drawn: dark text pixels inside the first box.
    int dark = 0;
    for (int y = static_cast<int>(placed[0].top()); y < placed[0].bottom(); ++y)
        for (int x = static_cast<int>(placed[0].left()); x < placed[0].right(); ++x) dark += qGray(image.pixel(x, y)) < 100;
    EXPECT_GT(dark, 20);
}

TEST(Viewer, PrintLayoutsAtA4AndA3ToPngPdfAndSvgWithSubtitleAndInset) {
    test::TempDir dir;
    const std::string viewer = HOTSPOT_BINARY_DIR "/viewer/hotspot-viewer";
    auto r = test::runProgram(viewer, {"--project", sampleProject(), "--screenshot", dir.file("a4.png"), "--layout", "a4-landscape", "--dpi", "100"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    QImage a4(QString::fromStdString(dir.file("a4.png")));
    EXPECT_EQ(a4.size(), QSize(1169, 827));  // 297 x 210 mm at 100 dpi
    // The inset's red frame of the main map, in the map's lower right corner.
    int red = 0;
    for (int y = a4.height() / 2; y < a4.height(); ++y)
        for (int x = a4.width() / 2; x < a4.width() - 300; ++x) {
            const QColor c = a4.pixelColor(x, y);
            red += c.red() > 180 && c.green() < 40 && c.blue() < 40;
        }
    EXPECT_GT(red, 40);
    r = test::runProgram(viewer, {"--project", sampleProject(), "--screenshot", dir.file("a3.png"), "--layout", "a3-portrait", "--dpi", "50"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(QImage(QString::fromStdString(dir.file("a3.png"))).size(), QSize(585, 827));  // 297 x 420 mm at 50 dpi
    r = test::runProgram(viewer, {"--project", sampleProject(), "--screenshot", dir.file("map.svg"), "--layout", "a4-landscape", "--subtitle", "Burglary, 2021"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string svg = test::readFile(dir.file("map.svg"));
    EXPECT_NE(svg.find("<svg width=\"297"), std::string::npos) << svg.substr(0, 300);
    EXPECT_NE(svg.find("mm\" height=\"209"), std::string::npos);
    EXPECT_NE(svg.find("</svg>"), std::string::npos);
    EXPECT_FALSE(fs::exists(dir.file("map.svg.part.svg")));
    r = test::runProgram(viewer, {"--project", sampleProject(), "--screenshot", dir.file("map.pdf"), "--layout", "a4-portrait"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    if (fs::exists("/usr/bin/pdfinfo")) {
        const auto info = test::runProgram("/usr/bin/pdfinfo", {dir.file("map.pdf")});
        EXPECT_NE(info.out.find("595 x 842 pts (A4)"), std::string::npos) << info.out;
    }
    r = test::runProgram(viewer, {"--project", sampleProject(), "--screenshot", dir.file("x.png"), "--layout", "letter"});
    EXPECT_EQ(r.exitCode, 2);
}

namespace {

// Solid magenta tiles at zoom 12 around Northampton, as an MBTiles file and as an XYZ folder.
void writeTestTiles(const std::string& mbtiles, const std::string& folder) {
    QImage tile(256, 256, QImage::Format_RGB32);
    tile.fill(QColor(255, 0, 255));
    QByteArray png;
    QBuffer buffer(&png);
    buffer.open(QIODevice::WriteOnly);
    tile.save(&buffer, "PNG");
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(mbtiles.c_str(), &db), SQLITE_OK);
    sqlite3_exec(db, "CREATE TABLE metadata (name TEXT, value TEXT); CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt* insert = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO tiles VALUES (12, ?, ?, ?)", -1, &insert, nullptr);
    for (int x = 2030; x <= 2046; ++x)
        for (int y = 1340; y <= 1360; ++y) {
            sqlite3_bind_int(insert, 1, x);
            sqlite3_bind_int(insert, 2, (1 << 12) - 1 - y);  // TMS rows count from the south
            sqlite3_bind_blob(insert, 3, png.constData(), static_cast<int>(png.size()), SQLITE_TRANSIENT);
            sqlite3_step(insert);
            sqlite3_reset(insert);
            fs::create_directories(folder + "/12/" + std::to_string(x));
            tile.save(QString::fromStdString(folder + "/12/" + std::to_string(x) + "/" + std::to_string(y) + ".png"));
        }
    sqlite3_finalize(insert);
    sqlite3_close(db);
}

int magentaPixels(const std::string& png) {
    QImage image(QString::fromStdString(png));
    int n = 0;
    for (int y = 0; y < image.height(); y += 2)
        for (int x = 0; x < image.width(); x += 2) {
            const QColor c = image.pixelColor(x, y);
            n += c.red() > 200 && c.green() < 90 && c.blue() > 200;
        }
    return n;
}

}  // namespace

namespace {

// A tile source that draws every tile and counts what it was asked for.
class CountingTiles : public TileSource {
public:
    int reads = 0;
    QImage tile(int, int, int) override {
        ++reads;
        QImage image(256, 256, QImage::Format_RGB32);
        image.fill(Qt::gray);
        return image;
    }
};

}  // namespace

// A long session of panning keeps the most recently drawn tiles only; the current view stays cached.
TEST(Viewer, TheBasemapKeepsABoundedCacheOfTheMostRecentlyDrawnTiles) {
    auto source = std::make_unique<CountingTiles>();
    CountingTiles& counting = *source;
    TileLayer layer(std::move(source), "EPSG:27700");
    QImage canvas(1600, 1000, QImage::Format_RGB32);
    QPainter painter(&canvas);
    MapView view;
    view.width = 1600, view.height = 1000, view.metresPerPixel = 2.0;
    view.centreX = 475'000, view.centreY = 260'000;  // Northampton
    auto paintAt = [&](double x) {
        view.centreX = x;
        layer.paint(painter, view);
        return layer.lastTiles();
    };
    const int perView = paintAt(475'000);
    ASSERT_GT(perView, 20);
    // Pan east one view width at a time, far enough to draw several times the cache's size.
    int drawn = perView;
    double x = 475'000;
    while (drawn < 4 * static_cast<int>(TileLayer::kMaxCachedTiles)) {
        x += 1600 * 2.0;
        drawn += paintAt(x);
        EXPECT_LE(layer.cachedTiles(), TileLayer::kMaxCachedTiles);
    }
    // The view just drawn is still in memory: drawing it again reads nothing.
    const int readsBefore = counting.reads;
    paintAt(x);
    EXPECT_EQ(counting.reads, readsBefore);
    // The first view was evicted long ago: it is read again.
    paintAt(475'000);
    EXPECT_GE(counting.reads, readsBefore + perView);
    painter.end();
}

TEST(Viewer, BasemapTilesFromMbTilesAFolderOrACachedUrlAreDrawnBeneathTheLayers) {
    test::TempDir dir;
    writeTestTiles(dir.file("base.mbtiles"), dir.file("tiles"));
    const std::string viewer = HOTSPOT_BINARY_DIR "/viewer/hotspot-viewer";
    auto r = test::runProgram(viewer, {"--project", sampleProject(), "--screenshot", dir.file("none.png"), "--size", "800x600"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_LT(magentaPixels(dir.file("none.png")), 50);
    r = test::runProgram(viewer, {"--project", sampleProject(), "--screenshot", dir.file("mb.png"), "--size", "800x600", "--basemap", dir.file("base.mbtiles"),
                                  "--basemap-attribution", "Test tiles"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const int fromMbTiles = magentaPixels(dir.file("mb.png"));
    EXPECT_GT(fromMbTiles, 20000);  // the map's background: most of its 400 x 300 samples
    r = test::runProgram(viewer, {"--project", sampleProject(), "--screenshot", dir.file("xyz.png"), "--size", "800x600", "--basemap", dir.file("tiles") + "/{z}/{x}/{y}.png"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NEAR(magentaPixels(dir.file("xyz.png")), fromMbTiles, fromMbTiles / 50);
    // A URL: tiles come from the cache (here filled beforehand); the host cannot be reached, so
    // nothing is downloaded and the map still draws.
    const std::string project = dir.file("project.json");
    std::string json = test::readFile(sampleProject());
    const std::string layersKey = "\"layers\": [";
    json.replace(json.find(layersKey), layersKey.size(),
                 layersKey + "{\"path\": \"http://127.0.0.1:9/{z}/{x}/{y}.png\", \"role\": \"basemap\", \"cache\": \"" + dir.file("tiles") +
                     "\", \"attribution\": \"Cached test tiles\"},");
    json.replace(json.find("\"base\": \"../..\""), std::string("\"base\": \"../..\"").size(), "\"base\": \"" + test::sourceDir() + "\"");
    test::writeFile(project, json);
    r = test::runProgram(viewer, {"--project", project, "--screenshot", dir.file("url.png"), "--size", "800x600"});
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NEAR(magentaPixels(dir.file("url.png")), fromMbTiles, fromMbTiles / 50);
    // A missing basemap file is an input error.
    r = test::runProgram(viewer, {"--project", sampleProject(), "--screenshot", dir.file("x.png"), "--basemap", dir.file("missing.mbtiles")});
    EXPECT_EQ(r.exitCode, 3) << r.err;
}
