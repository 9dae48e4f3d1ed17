// hotspot-viewer: the map viewer. With --screenshot it renders the project headless and exits.

#include <cmath>
#include <cstdio>

#include <QApplication>
#include <QCommandLineParser>

#include "hotspot/error.hpp"
#include "main_window.hpp"
#include "session.hpp"

using namespace hotspot;
using namespace hotspot::viewer;

int main(int argc, char** argv) {
    bool headless = false;
    for (int i = 1; i < argc; ++i) headless |= std::string(argv[i]) == "--screenshot";
    if (headless && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM")) qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    QApplication::setApplicationName("hotspot-viewer");
    QCommandLineParser parser;
    parser.setApplicationDescription("Hotspot map viewer: results GeoPackages, projects and any OGR/GDAL layer");
    parser.addHelpOption();
    parser.addOption({"project", "Open a project file (JSON, see docs/viewer.md).", "file"});
    parser.addOption({"screenshot", "Render the map to this PNG or PDF and exit (no window).", "file"});
    parser.addOption({"size", "Size of the screenshot, WIDTHxHEIGHT (default 1600x1100).", "size", "1600x1100"});
    parser.addOption({"dpi", "Resolution of the screenshot (default 150).", "dpi", "150"});
    parser.addOption({"title", "Title of the screenshot (default: the project's).", "title"});
    parser.addOption({"group", "Analysis group (e.g. burglary, asb).", "group"});
    parser.addOption({"from", "First month (YYYY-MM).", "month"});
    parser.addOption({"to", "Last month (YYYY-MM).", "month"});
    parser.addOption({"method", "kde, gistar or counts.", "method"});
    parser.addOption({"extent", "Map extent MINX,MINY,MAXX,MAXY in the analysis CRS (default: the project's, else the priority areas).", "box"});
    parser.addOption({"fit", "Fit the map to the layer of this name.", "layer"});
    parser.addOption({"layout", "Print layout: a4-landscape, a4-portrait, a3-landscape or a3-portrait (sets the size at --dpi; adds an inset).", "paper"});
    parser.addOption({"basemap", "Basemap under the layers: an .mbtiles file, a tile folder 'tiles/{z}/{x}/{y}.png', or an XYZ URL (tiles cached on disk).", "source"});
    parser.addOption({"basemap-attribution", "The basemap publisher's credit for the source line.", "text"});
    parser.addOption({"subtitle", "Subtitle (default: the group, method and period drawn).", "text"});
    parser.addPositionalArgument("files", "Results GeoPackages or other layers to open", "[files...]");
    parser.process(app);
    try {
        ProjectFile project;
        if (parser.isSet("project")) project = ProjectFile::load(parser.value("project").toStdString());
        else {
            std::vector<std::string> files;
            for (const auto& f : parser.positionalArguments()) files.push_back(f.toStdString());
            project = ProjectFile::fromFiles(files);
        }
        if (parser.isSet("group")) project.group = parser.value("group").toStdString();
        if (parser.isSet("from")) project.from = parser.value("from").toStdString();
        if (parser.isSet("to")) project.to = parser.value("to").toStdString();
        if (parser.isSet("method")) project.method = parser.value("method").toStdString();
        const bool analysisChanged = parser.isSet("group") || parser.isSet("from") || parser.isSet("to") || parser.isSet("method");
        if (parser.isSet("fit")) project.fit = parser.value("fit").toStdString();
        if (parser.isSet("basemap")) {
            LayerEntry basemap;
            basemap.path = parser.value("basemap").toStdString();
            basemap.role = "basemap";
            basemap.name = "Basemap";
            basemap.attribution = parser.value("basemap-attribution").toStdString();
            project.layers.insert(project.layers.begin(), basemap);  // beneath everything
        }
        if (parser.isSet("extent")) {
            const QStringList box = parser.value("extent").split(',');
            std::vector<double> v;
            for (const auto& b : box) {
                bool ok = false;
                v.push_back(b.trimmed().toDouble(&ok));
                if (!ok || !std::isfinite(v.back())) v.back() = NAN;
            }
            if (v.size() != 4 || !(v[2] > v[0]) || !(v[3] > v[1]))
                throwUsage("--extent must be MINX,MINY,MAXX,MAXY (numbers, max > min), e.g. 470000,255000,482000,267000");
            project.extent = {v[0], v[1], v[2], v[3]};
        }
        auto session = Session::open(project);
        if (parser.isSet("screenshot")) {
            ExportOptions o;
            const QStringList size = parser.value("size").split('x');
            bool okW = false, okH = false, okD = false;
            o.width = size.size() == 2 ? size[0].toInt(&okW) : 0;
            o.height = size.size() == 2 ? size[1].toInt(&okH) : 0;
            o.dpi = parser.value("dpi").toInt(&okD);
            if (!okW || !okH || !okD || o.width < 200 || o.height < 150 || o.dpi < 30)
                throwUsage("--size must be WIDTHxHEIGHT (at least 200x150) and --dpi a number (at least 30)");
            // The title follows what is drawn: the project's own title describes its own analysis, so
            // another group, method or period on the command line gets a title of its own.
            std::string title = project.title;
            if (analysisChanged && session->surface) {
                const std::string place = project.title.substr(0, project.title.find(':'));
                title = (place == project.title ? std::string() : place + ": ") + describeSurface(session->surface->request, session->incidents.groups);
            }
            o.title = parser.isSet("title") ? parser.value("title") : QString::fromStdString(title);
            if (parser.isSet("subtitle")) o.subtitle = parser.value("subtitle");
            else if (session->surface) o.subtitle = QString::fromStdString(describeSurface(session->surface->request, session->incidents.groups));
            if (parser.isSet("layout")) {
                if (!applyPaper(parser.value("layout"), o)) throwUsage("--layout must be a4-landscape, a4-portrait, a3-landscape or a3-portrait");
                o.overview = session->fullExtent();
            }
            o.attribution = QString::fromStdString(project.mapAttribution());
            // A map of nothing is not written: an empty surface would read as "no hot spots here".
            if (session->surface)
                if (const std::string why = session->surface->emptyReason(); !why.empty())
                    throwInput("nothing to map: " + why + " (group '" + project.group + "', method " + project.method + ")", {project.path});
            const MapView view = session->initialView(o.width - 300, o.height - 66);
            QString error;
            if (!exportMap(parser.value("screenshot"), session->layers, view, o, error)) throwOutput(error.toStdString());
            for (const auto& n : session->notes) std::fprintf(stderr, "  %s\n", n.c_str());
            std::fprintf(stderr, "  wrote %s (%dx%d)\n", parser.value("screenshot").toStdString().c_str(), o.width, o.height);
            return 0;
        }
        MainWindow window(std::move(session));
        window.show();
        return QApplication::exec();
    } catch (const Error& e) {
        std::fprintf(stderr, "hotspot-viewer: error: %s\n", e.what());
        return e.kind() == ErrorKind::Internal ? 3 : exitCodeFor(e.kind());
    }
}
