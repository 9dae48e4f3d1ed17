// The `hotspot` command: parse arguments, call the engine, map errors to exit codes.

#include <cstdio>
#include <map>
#include <system_error>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "hotspot/error.hpp"
#include "hotspot/options.hpp"
#include "hotspot/version.hpp"

namespace {

// The engine names options by their keys ("max_cells"); the command line says "--max-cells".
std::string cliMessage(const hotspot::Error& e) {
    const auto& c = e.context();
    const bool key = !c.field.empty() && c.field.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") == std::string::npos;
    const auto flags = hotspot::OptionNaming::cli();
    if (e.kind() == hotspot::ErrorKind::Usage && c.file.empty() && key)
        return "option " + flags(c.field) + ": " + hotspot::nameOptions(e.message(), flags);
    return hotspot::nameOptions(e.what(), flags);
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"hotspot: crime, anti-social behaviour and road problem hotspot mapping for community safety partnerships"};
    app.require_subcommand(1);
    hotspot::cli::GlobalOptions global;
    app.add_flag("-q,--quiet", global.quiet, "No progress or summary on stderr (errors are still printed)");
    app.set_version_flag("--version", std::string("hotspot ") + hotspot::versionString() + " (" + hotspot::libraryVersions() + ")");
    app.footer(
        "Exit codes: 0 success, 1 internal error, 2 usage error, 3 input error, 4 output error (disk full, folder in use),\n"
        "5 no usable input row (nothing written, previous outputs kept).\n"
        "Run 'hotspot COMMAND --help' for a command's options; docs/cli/ has a page per command.");

    std::map<CLI::App*, hotspot::cli::RunFunction> commands = hotspot::cli::registerCommands(app, global);
    for (auto& [sub, run] : commands) sub->fallthrough();  // "hotspot geocode -q ..." works too
    // Option errors look like every other error: the program, "error:", the option and why.
    app.failure_message([](const CLI::App* failed, const CLI::Error& e) {
        const auto parsed = failed->get_subcommands();
        const std::string command = parsed.empty() ? "COMMAND" : parsed.front()->get_name();
        return std::string("hotspot: error: ") + e.what() + "\nRun 'hotspot " + command + " --help' for the options and their ranges.\n";
    });

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    try {
        for (auto& [sub, run] : commands)
            if (sub->parsed()) return run();
    } catch (const hotspot::Error& e) {
        std::fprintf(stderr, "hotspot: error: %s\n", cliMessage(e).c_str());
        return hotspot::exitCodeFor(e.kind());
    } catch (const std::bad_alloc&) {
        std::fprintf(stderr,
                     "hotspot: error: out of memory (the run needs more memory than this process may use; see docs/scaling.md). "
                     "Nothing was written.\n");
        return 1;
    } catch (const std::system_error& e) {
        // A worker thread that cannot get its stack under an address-space limit is out of memory too.
        if (e.code() == std::errc::resource_unavailable_try_again || e.code() == std::errc::not_enough_memory) {
            std::fprintf(stderr, "hotspot: error: out of memory (%s: no room for another thread). Nothing was written.\n", e.what());
            return 1;
        }
        std::fprintf(stderr, "hotspot: internal error: %s\n", e.what());
        return 1;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "hotspot: internal error: %s\n", e.what());
        return 1;
    }
    return 1;
}
