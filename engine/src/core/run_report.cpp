#include "hotspot/run_report.hpp"

#include <fmt/format.h>

#include "hotspot/error.hpp"

namespace hotspot {

namespace {

int64_t sum(const std::vector<std::pair<std::string, int64_t>>& parts) {
    int64_t total = 0;
    for (const auto& [reason, n] : parts) total += n;
    return total;
}

std::string terms(const std::vector<std::pair<std::string, int64_t>>& parts) {
    std::string out;
    for (const auto& [reason, n] : parts) out += fmt::format(" + {} {}", n, reason);
    return out;
}

}  // namespace

bool IncidentLedger::balances() const {
    return read == sum(notSelected) + selected && selected == counted + sum(excluded) && counted >= 0;
}

std::string IncidentLedger::format() const {
    std::string notSelectedText = terms(notSelected);
    if (!notSelectedText.empty()) notSelectedText = notSelectedText.substr(3) + " + ";
    return fmt::format("accounting, {}: {} read = {}{} selected; {} selected = {} counted{}; {}", scope, read, notSelectedText, selected,
                       selected, counted, terms(excluded), balances() ? "balanced" : "DOES NOT BALANCE");
}

void RunReport::account(IncidentLedger ledger) {
    if (!ledger.balances())
        throw Error(ErrorKind::Internal, "counting fault, nothing written: " + ledger.format() +
                                             " (please report this with the command line and the input)");
    ledgers.push_back(std::move(ledger));
}

std::string RunReport::format() const {
    std::string out;
    for (const auto& l : lines) out += "  " + l + "\n";
    for (const auto& l : ledgers) out += "  " + l.format() + "\n";
    for (const auto& o : outputs) out += "  wrote " + o + "\n";
    return out;
}

}  // namespace hotspot
