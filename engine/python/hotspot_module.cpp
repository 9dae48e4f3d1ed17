// `import hotspot`: the engine for Python (pybind11). Surfaces come back as NumPy arrays with their
// GDAL geotransform; the jobs that write files take their options as keyword arguments; errors are
// hotspot.Error with the file, line and field; progress goes to a callable.

#include <pybind11/functional.h>
#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>

#include <algorithm>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "commands.hpp"
#include "hotspot/analysis_run.hpp"
#include "hotspot/area_layer.hpp"
#include "hotspot/category_map.hpp"
#include "hotspot/error.hpp"
#include "hotspot/forecast.hpp"
#include "hotspot/progress.hpp"
#include "hotspot/version.hpp"

namespace py = pybind11;
using namespace hotspot;

namespace {

const char* kindName(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::Usage: return "usage";
        case ErrorKind::Input: return "input";
        case ErrorKind::Output: return "output";
        case ErrorKind::NoData: return "no data";
        case ErrorKind::Internal: return "internal";
        case ErrorKind::Cancelled: return "cancelled";
    }
    return "internal";
}

std::vector<std::string> pathList(const py::object& inputs) {
    if (py::isinstance<py::str>(inputs)) return {inputs.cast<std::string>()};
    std::vector<std::string> out;
    for (const auto& item : inputs) out.push_back(py::str(item).cast<std::string>());  // str or pathlib.Path
    return out;
}

// A DataFrame or a dict of columns (not a path or a list of paths).
bool isTable(const py::object& inputs) { return py::isinstance<py::dict>(inputs) || py::hasattr(inputs, "columns"); }

bool hasColumn(const py::object& table, const char* name) {
    if (py::isinstance<py::dict>(table)) return table.cast<py::dict>().contains(name);
    return table.attr("columns").attr("__contains__")(name).cast<bool>();
}

// "YYYY-MM" (or "YYYY-MM-DD"): the month; anything else is an Error(Input) naming the row.
int32_t monthOf(const std::string& text, size_t row) {
    int year = 0, month = 0;
    if (text.size() >= 7 && text[4] == '-' && std::sscanf(text.c_str(), "%4d-%2d", &year, &month) == 2 && month >= 1 && month <= 12) return makeMonth(year, month);
    throw Error(ErrorKind::Input, "'" + text + "' is not a month (expected YYYY-MM)", {"(in memory)", static_cast<int64_t>(row + 1), "month"});
}

IncidentArrays arraysOf(const py::object& table) {
    IncidentArrays a;
    auto numbers = [&](const char* name) {
        const auto column = py::array_t<double, py::array::c_style | py::array::forcecast>::ensure(table[name]);
        if (!column) throw Error(ErrorKind::Input, std::string("column '") + name + "' is not numeric", {"(in memory)", 0, name});
        return std::vector<double>(column.data(), column.data() + column.size());
    };
    if (!hasColumn(table, "x") || !hasColumn(table, "y")) throw Error(ErrorKind::Usage, "incidents in memory need columns x and y (in the analysis CRS)", {"(in memory)", 0, "x"});
    a.x = numbers("x");
    a.y = numbers("y");
    if (hasColumn(table, "weight")) a.weight = numbers("weight");
    if (hasColumn(table, "month"))
        for (const auto& m : table["month"]) a.month.push_back(monthOf(py::str(m).cast<std::string>(), a.month.size()));
    if (hasColumn(table, "category"))
        for (const auto& c : table["category"]) a.category.push_back(py::str(c).cast<std::string>());
    return a;
}

// The options every job shares, as keyword arguments. Holds the category map the input points to.
struct Inputs {
    CategoryMap categories = CategoryMap::builtinDefault();
    AnalysisInput input;

    // `inputs`: file paths (str, pathlib.Path or a list of them), or incidents in memory: a pandas
    // DataFrame or a dict with columns x, y (analysis CRS) and optionally month ("YYYY-MM"),
    // category and weight. `studyArea`: "LABEL=PATH", or polygons in memory: a list of WKT strings
    // or of geometries with a .wkt (shapely, a GeoSeries).
    Inputs(const py::object& inputs, const std::optional<std::vector<std::string>>& group, const std::optional<std::string>& months,
           const py::object& studyArea, const std::optional<std::string>& columns, const std::optional<std::string>& srs, const std::string& crs) {
        if (isTable(inputs)) input.points = std::make_shared<const IncidentArrays>(arraysOf(inputs));
        else input.inputs = pathList(inputs);
        input.ingest.categories = &categories;
        input.ingest.analysisCrs = crs;
        if (columns) input.ingest.mapping = ColumnMapping::parse(*columns);
        if (srs) input.ingest.mapping.srs = *srs;
        if (group) input.groups = *group;
        if (months) input.months = MonthRange::parse(*months, "months");
        if (py::isinstance<py::str>(studyArea)) {
            AreaLayerSpec spec = AreaLayerSpec::parse(studyArea.cast<std::string>());
            if (srs && spec.srs.empty()) spec.srs = *srs;
            input.studyArea = {spec};
        } else if (!studyArea.is_none()) {
            std::vector<AreaFeature> features;
            for (const auto& item : studyArea) {
                AreaFeature f;
                f.code = std::to_string(features.size() + 1);
                f.wkt = py::isinstance<py::str>(item) ? item.cast<std::string>() : py::str(item.attr("wkt")).cast<std::string>();
                features.push_back(std::move(f));
            }
            input.studyAreaLayer = std::make_shared<const AreaLayer>(AreaLayer::fromFeatures("study_area", features));
        }
    }
    Inputs(const Inputs&) = delete;
};

// "burglary" or ["burglary", "robbery"] -> a list.
std::optional<std::vector<std::string>> groupList(const py::object& group) {
    if (group.is_none()) return std::nullopt;
    if (py::isinstance<py::str>(group)) return std::vector<std::string>{group.cast<std::string>()};
    return group.cast<std::vector<std::string>>();
}

// Progress to a Python callable progress(stage, fraction), called with the GIL held from any thread.
Progress progressFor(const py::object& callback) {
    if (callback.is_none()) return Progress();
    // Returning False asks the engine to stop: hotspot.Error(kind="cancelled"), nothing written.
    return Progress(Progress::Callback([callback](const std::string& stage, double fraction) {
        py::gil_scoped_acquire gil;
        try {
            const py::object answer = callback(stage, fraction);
            return !(py::isinstance<py::bool_>(answer) && !answer.cast<bool>());
        } catch (py::error_already_set& e) {
            e.discard_as_unraisable("hotspot progress callback");
            return true;
        }
    }));
}

py::array_t<double> grid2d(const GridSurface& s) {
    py::array_t<double> a({static_cast<py::ssize_t>(s.grid.rows), static_cast<py::ssize_t>(s.grid.cols)});
    std::copy(s.values.begin(), s.values.end(), a.mutable_data());
    return a;
}

py::dict reportDict(const RunReport& r) {
    py::dict d;
    d["lines"] = r.lines;
    d["outputs"] = r.outputs;
    std::vector<std::string> ledgers;
    for (const auto& l : r.ledgers) ledgers.push_back(l.format());
    d["ledgers"] = ledgers;
    d["summary"] = r.format();
    return d;
}

// A progress callback for commands run without the GIL: the Python callable is held through a
// shared_ptr, so copies of the callback made while the engine runs never touch its reference count.
// The last reference is the caller's, released with the GIL held.
Progress::Callback callbackFor(const std::shared_ptr<py::object>& callable) {
    return [callable](const std::string& stage, double fraction) {
        py::gil_scoped_acquire gil;
        try {
            const py::object answer = (*callable)(stage, fraction);
            return !(py::isinstance<py::bool_>(answer) && !answer.cast<bool>());
        } catch (py::error_already_set& e) {
            e.discard_as_unraisable("hotspot progress callback");
            return true;
        }
    };
}

// hotspot.run(command, *inputs, **options): the command parsed and run as the `hotspot` program
// does (same flags, same validation, same outputs), in this process. Keywords are flags:
// cell=100 -> --cell 100, all_cells=True -> --all-cells, False or None -> left out, a list ->
// the flag once per item.
py::dict runCommand(const std::string& command, const py::args& inputs, const py::kwargs& options) {
    std::vector<std::string> argv = {"hotspot", command};
    for (const auto& input : inputs) argv.push_back(py::str(input).cast<std::string>());
    std::shared_ptr<py::object> progress;
    for (const auto& [key, value] : options) {
        std::string name = py::str(key).cast<std::string>();
        if (name == "progress") {
            if (!value.is_none()) progress = std::make_shared<py::object>(py::reinterpret_borrow<py::object>(value));
            continue;
        }
        std::string flag = "--";
        for (char c : name) flag += c == '_' ? '-' : c;
        if (value.is_none() || (py::isinstance<py::bool_>(value) && !value.cast<bool>())) continue;
        if (py::isinstance<py::bool_>(value)) {
            argv.push_back(flag);
        } else if (py::isinstance<py::list>(value) || py::isinstance<py::tuple>(value)) {
            for (const auto& item : value) argv.insert(argv.end(), {flag, py::str(item).cast<std::string>()});
        } else {
            argv.insert(argv.end(), {flag, py::str(value).cast<std::string>()});
        }
    }
    RunReport report;
    int code = 0;
    {
        cli::GlobalOptions global;
        global.quiet = true;
        global.report = &report;
        if (progress) global.progress = callbackFor(progress);
        CLI::App app{"hotspot"};
        app.require_subcommand(1);
        auto commands = cli::registerCommands(app, global);
        std::vector<const char*> args;
        for (const auto& a : argv) args.push_back(a.c_str());
        try {
            app.parse(static_cast<int>(args.size()), args.data());
        } catch (const CLI::ParseError& e) {
            // The CLI's own words for a bad flag or value; the field is the option it names
            // ("--cell: must be ..." -> "cell"), else the command.
            if (app.get_subcommands().empty()) {
                std::string names;
                for (const auto& [sub, run] : commands) names += (names.empty() ? "" : ", ") + sub->get_name();
                throw Error(ErrorKind::Usage, "unknown command '" + command + "'; the commands are " + names, {"", 0, "command"});
            }
            const std::string message = e.what();
            std::string field = command;
            if (message.rfind("--", 0) == 0 && message.find(':') != std::string::npos) {
                field = message.substr(2, message.find(':') - 2);
                std::replace(field.begin(), field.end(), '-', '_');
            }
            throw Error(ErrorKind::Usage, message, {"", 0, field});
        }
        {
            py::gil_scoped_release release;
            for (auto& [sub, run] : commands)
                if (sub->parsed()) code = run();
        }
        global.progress = nullptr;  // the last reference to the callable goes with the GIL held
    }
    if (code != 0) throw Error(ErrorKind::Internal, fmt::format("hotspot {} ended with exit code {}", command, code));
    return reportDict(report);
}

// Runs a job that writes files, without the GIL (progress callables take it back), and returns
// its summary as a dict.
template <class Options, class Job>
py::dict runReported(const Options& options, const py::object& progress, Job job) {
    Progress p = progressFor(progress);
    RunReport r;
    {
        py::gil_scoped_release release;
        r = job(options, p);
    }
    return reportDict(r);
}

GridChoice gridOf(double cell, bool clip) {
    GridChoice g;
    g.cellSize = cell;
    g.clip = clip;
    return g;
}

DensityOptions densityOptions(Inputs& in, double cell, double bandwidth, const std::string& kernel, const std::string& output, bool clip) {
    DensityOptions o;
    o.input = in.input;
    o.grid = gridOf(cell, clip);
    o.kde.kernel = parseKernel(kernel);
    o.kde.bandwidth = bandwidth;
    KdeOptions::kOutput.check(output, OptionNaming::keys());
    o.kde.output = output == "raw" ? KdeOutput::Raw : KdeOutput::Scaled;
    return o;
}

GiStarRunOptions giStarOptions(Inputs& in, double cell, int rings, int permutations, uint64_t seed, bool fdr, bool clip) {
    GiStarRunOptions o;
    o.input = in.input;
    o.grid = gridOf(cell, clip);
    o.rings = rings;
    o.gi.permutations = permutations;
    o.gi.seed = seed;
    o.gi.fdr = fdr;
    return o;
}

}  // namespace

PYBIND11_MODULE(hotspot, m) {
    m.doc() = "hotspot: crime, anti-social behaviour and road problem hot spot mapping (the engine of the hotspot command)";
    m.attr("__version__") = versionString();

    static py::exception<Error> error(m, "Error", PyExc_RuntimeError);
    error.doc() = "A hotspot error: .kind (usage, input, output, no data, internal, cancelled), .file, .line, .field, .message";
    py::register_exception_translator([](std::exception_ptr p) {
        try {
            if (p) std::rethrow_exception(p);
        } catch (const Error& e) {
            py::object instance = py::handle(error.ptr())(e.what());
            instance.attr("kind") = kindName(e.kind());
            instance.attr("file") = e.context().file;
            instance.attr("line") = e.context().line;
            instance.attr("field") = e.context().field;
            instance.attr("message") = e.message();
            PyErr_SetObject(error.ptr(), instance.ptr());
        }
    });

    m.def(
        "load_incidents",
        [](const py::object& inputs, const py::object& group, std::optional<std::string> months, const py::object& studyArea,
           std::optional<std::string> columns, std::optional<std::string> srs, const std::string& crs, const py::object& progress) {
            Inputs in(inputs, groupList(group), months, studyArea, columns, srs, crs);
            Progress p = progressFor(progress);
            SelectedIncidents sel;
            {
                py::gil_scoped_release release;
                sel = loadIncidents(in.input, p);
            }
            py::dict d;
            d["x"] = py::array_t<double>(static_cast<py::ssize_t>(sel.x.size()), sel.x.data());
            d["y"] = py::array_t<double>(static_cast<py::ssize_t>(sel.y.size()), sel.y.data());
            d["weight"] = py::array_t<double>(static_cast<py::ssize_t>(sel.weight.size()), sel.weight.data());
            std::vector<std::string> months2;
            for (int32_t mo : sel.month) months2.push_back(formatMonth(mo));
            d["month"] = months2;
            std::vector<std::string> groups;
            for (uint16_t g : sel.group) groups.push_back(in.categories.groups().at(g));
            d["group"] = groups;
            d["crs"] = crs;
            d["summary"] = sel.describe();
            return d;
        },
        py::arg("inputs"), py::kw_only(), py::arg("group") = py::none(), py::arg("months") = py::none(), py::arg("study_area") = py::none(),
        py::arg("columns") = py::none(), py::arg("srs") = py::none(), py::arg("crs") = "EPSG:27700", py::arg("progress") = py::none(),
        "Reads incidents (police.uk files or folders, STATS19, mapped CSVs, OGR layers, an incidents.gpkg) and selects them by group, "
        "months and study area. Returns a dict of NumPy arrays x, y, weight (analysis CRS) and lists month, group.");

    m.def(
        "density",
        [](const py::object& inputs, const py::object& group, std::optional<std::string> months, double cell, double bandwidth,
           const std::string& kernel, const std::string& output, const py::object& studyArea, bool clip, std::optional<std::string> columns,
           std::optional<std::string> srs, const std::string& crs, const py::object& progress) {
            Inputs in(inputs, groupList(group), months, studyArea, columns, srs, crs);
            const DensityOptions o = densityOptions(in, cell, bandwidth, kernel, output, clip);
            Progress p = progressFor(progress);
            DensityResult r;
            {
                py::gil_scoped_release release;
                r = computeDensity(o, p);
            }
            py::dict d;
            d["density"] = grid2d(r.density);
            d["counts"] = grid2d(r.counts);
            d["geotransform"] = py::make_tuple(r.density.geotransform()[0], r.density.geotransform()[1], r.density.geotransform()[2],
                                               r.density.geotransform()[3], r.density.geotransform()[4], r.density.geotransform()[5]);
            d["crs"] = crs;
            d["cell"] = r.density.grid.cellSize;
            d["bandwidth"] = r.bandwidth;
            d["units"] = output == "raw" ? "raw kernel sum" : "incidents per km2";
            d["ledger"] = r.ledger.format();
            return d;
        },
        py::arg("inputs"), py::kw_only(), py::arg("group") = py::none(), py::arg("months") = py::none(), py::arg("cell") = 0.0,
        py::arg("bandwidth") = 0.0, py::arg("kernel") = "quartic", py::arg("output") = "scaled", py::arg("study_area") = py::none(),
        py::arg("clip") = false, py::arg("columns") = py::none(), py::arg("srs") = py::none(), py::arg("crs") = "EPSG:27700",
        py::arg("progress") = py::none(),
        "Kernel density as `hotspot density` computes it, in memory: a dict with 'density' and 'counts' (2-D arrays, row 0 north), "
        "'geotransform' (GDAL order), 'crs', 'cell', 'bandwidth' and the accounting 'ledger'.");

    m.def(
        "gistar",
        [](const py::object& inputs, const py::object& group, std::optional<std::string> months, double cell, int rings, int permutations,
           uint64_t seed, bool fdr, const py::object& studyArea, bool clip, std::optional<std::string> columns, std::optional<std::string> srs,
           const std::string& crs, const py::object& progress) {
            Inputs in(inputs, groupList(group), months, studyArea, columns, srs, crs);
            const GiStarRunOptions o = giStarOptions(in, cell, rings, permutations, seed, fdr, clip);
            Progress p = progressFor(progress);
            GiStarGridResult r;
            {
                py::gil_scoped_release release;
                r = computeGiStar(o, p);
            }
            py::dict d;
            d["counts"] = grid2d(r.counts);
            d["z"] = grid2d(r.z);
            d["p"] = grid2d(r.p);
            py::array_t<int8_t> bins({static_cast<py::ssize_t>(r.z.grid.rows), static_cast<py::ssize_t>(r.z.grid.cols)});
            std::copy(r.bin.begin(), r.bin.end(), bins.mutable_data());
            d["bin"] = bins;
            const auto gt = r.z.geotransform();
            d["geotransform"] = py::make_tuple(gt[0], gt[1], gt[2], gt[3], gt[4], gt[5]);
            d["crs"] = crs;
            d["cell"] = r.z.grid.cellSize;
            d["ledger"] = r.ledger.format();
            return d;
        },
        py::arg("inputs"), py::kw_only(), py::arg("group") = py::none(), py::arg("months") = py::none(), py::arg("cell") = 0.0, py::arg("rings") = 1,
        py::arg("permutations") = 0, py::arg("seed") = 12345, py::arg("fdr") = true, py::arg("study_area") = py::none(), py::arg("clip") = false,
        py::arg("columns") = py::none(), py::arg("srs") = py::none(), py::arg("crs") = "EPSG:27700", py::arg("progress") = py::none(),
        "Getis-Ord Gi* on grid cells as `hotspot gistar` computes it, in memory: 'counts', 'z', 'p' (2-D arrays, NaN where undefined), "
        "'bin' (FDR bins -3..3), 'geotransform', 'crs', 'cell' and the 'ledger'.");

    m.def(
        "run_density",
        [](const py::object& inputs, const std::string& out, const py::object& group, std::optional<std::string> months, double cell,
           double bandwidth, const std::string& kernel, const std::string& output, const py::object& studyArea, bool clip,
           std::optional<std::string> columns, std::optional<std::string> srs, const std::string& crs, const py::object& progress) {
            Inputs in(inputs, groupList(group), months, studyArea, columns, srs, crs);
            DensityOptions o = densityOptions(in, cell, bandwidth, kernel, output, clip);
            o.outDir = out;
            return runReported(o, progress, runDensity);
        },
        py::arg("inputs"), py::kw_only(), py::arg("out"), py::arg("group") = py::none(), py::arg("months") = py::none(), py::arg("cell") = 0.0,
        py::arg("bandwidth") = 0.0, py::arg("kernel") = "quartic", py::arg("output") = "scaled", py::arg("study_area") = py::none(),
        py::arg("clip") = false, py::arg("columns") = py::none(), py::arg("srs") = py::none(), py::arg("crs") = "EPSG:27700",
        py::arg("progress") = py::none(), "`hotspot density` writing its outputs into `out`; returns the run's summary, outputs and ledgers.");

    m.def(
        "run_gistar",
        [](const py::object& inputs, const std::string& out, const py::object& group, std::optional<std::string> months, double cell, int rings,
           int permutations, uint64_t seed, bool fdr, bool allCells, const py::object& studyArea, bool clip, std::optional<std::string> columns,
           std::optional<std::string> srs, const std::string& crs, const py::object& progress) {
            Inputs in(inputs, groupList(group), months, studyArea, columns, srs, crs);
            GiStarRunOptions o = giStarOptions(in, cell, rings, permutations, seed, fdr, clip);
            o.allCells = allCells;
            o.outDir = out;
            return runReported(o, progress, runGiStar);
        },
        py::arg("inputs"), py::kw_only(), py::arg("out"), py::arg("group") = py::none(), py::arg("months") = py::none(), py::arg("cell") = 0.0,
        py::arg("rings") = 1, py::arg("permutations") = 0, py::arg("seed") = 12345, py::arg("fdr") = true, py::arg("all_cells") = false,
        py::arg("study_area") = py::none(), py::arg("clip") = false, py::arg("columns") = py::none(), py::arg("srs") = py::none(),
        py::arg("crs") = "EPSG:27700", py::arg("progress") = py::none(),
        "`hotspot gistar` writing its outputs (rasters, hotspots.gpkg with zones) into `out`; returns the run's summary.");

    m.def(
        "run_forecast_evaluate",
        [](const py::object& inputs, const std::string& out, const py::object& group, std::optional<std::string> months, double cell,
           double bandwidth, const std::vector<double>& coverage, int history, const py::object& studyArea, std::optional<std::string> columns,
           std::optional<std::string> srs, const std::string& crs, const py::object& progress) {
            Inputs in(inputs, groupList(group), months, studyArea, columns, srs, crs);
            ForecastEvaluateOptions o;
            o.input = in.input;
            o.grid.cellSize = cell;
            o.bandwidth = bandwidth;
            o.coverage.clear();
            for (double c : coverage) o.coverage.push_back(c / 100);
            o.history = history;
            o.outDir = out;
            return runReported(o, progress, runForecastEvaluate);
        },
        py::arg("inputs"), py::kw_only(), py::arg("out"), py::arg("group") = py::none(), py::arg("months") = py::none(), py::arg("cell") = 0.0,
        py::arg("bandwidth") = 250.0, py::arg("coverage") = std::vector<double>{1, 5, 10}, py::arg("history") = 12, py::arg("study_area") = py::none(),
        py::arg("columns") = py::none(), py::arg("srs") = py::none(), py::arg("crs") = "EPSG:27700", py::arg("progress") = py::none(),
        "`hotspot forecast-evaluate` writing its outputs into `out` (coverage in % of the study area); returns the run's summary.");

    m.def("run", &runCommand, py::arg("command"),
          "Any `hotspot` command, in this process, with its flags as keyword arguments: "
          "run('roads', collisions='c.csv', network='roads.pbf', out='out/roads'), run('geocode', 'data/police', areas=['ward=wards.gpkg']). "
          "Positional arguments are the command's inputs; True is a bare flag, a list repeats the flag, progress= takes a callable. "
          "Returns the run's summary, outputs and ledgers; errors are hotspot.Error.");
    m.attr("commands") = [] {
        CLI::App app;
        cli::GlobalOptions global;
        std::vector<std::string> names;
        for (const auto& [sub, run] : cli::registerCommands(app, global)) names.push_back(sub->get_name());
        std::sort(names.begin(), names.end());
        return names;
    }();
}
