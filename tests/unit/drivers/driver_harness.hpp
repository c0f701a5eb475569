#pragma once
// A minimal, hand-built StepContext for unit tests of drivers: a temporary workspace, the
// step's parameters, an environment, captured output and a recording run record.

#include "runtime/driver.hpp"
#include "stdlib/drivers/drivers.hpp"

#include <fstream>
#include <map>
#include <sstream>
#include <stdlib.h>

namespace ferry::testing {

class ScratchDir {
public:
    ScratchDir() {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "ferry-drivers-XXXXXX").string();
        path_ = std::filesystem::canonical(::mkdtemp(pattern.data()));
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;
    ~ScratchDir() {
        std::error_code error;
        std::filesystem::remove_all(path_, error);
    }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

inline void put_file(const std::filesystem::path& path, const std::string& text) {
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path, std::ios::binary) << text;
}

inline std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

/// A run record that keeps everything in a directory and the journal in memory.
class RecordingRunRecord final : public runtime::RunRecord {
public:
    explicit RecordingRunRecord(std::filesystem::path dir) : dir_(std::move(dir)) {}
    const std::filesystem::path& dir() const override { return dir_; }
    const runtime::RunHeader& header() const override { return header_; }
    std::string append(nlohmann::ordered_json record) override {
        journal.push_back(std::move(record));
        return {};
    }
    runtime::StepLog& step_log(std::string_view /*step_id*/) override {
        throw std::logic_error("unused");
    }
    std::filesystem::path artifacts_dir() const override { return dir_ / "artifacts"; }
    std::string write_result(const runtime::RunResultRecord& /*result*/) override { return {}; }

    std::vector<nlohmann::ordered_json> journal;

private:
    std::filesystem::path dir_;
    runtime::RunHeader header_;
};

/// Runs one driver of builtin_drivers() in a scratch workspace.
class DriverHarness {
public:
    DriverHarness() : record_(scratch_.path() / ".ferry" / "run") {
        workspace = scratch_.path() / "ws";
        std::filesystem::create_directories(workspace);
        services.workspace = workspace;
        services.state_dir = scratch_.path() / ".ferry";
        services.record = &record_;
        services.masker = &masker;
        env = {{"PATH", "/usr/bin:/bin"}, {"HOME", scratch_.path().string()}};
    }

    runtime::StepOutcome run(const std::string& kind, nlohmann::json params,
                             const runtime::Cancellation* cancel = nullptr) {
        step.kind = kind;
        step.id = "Test/1";
        lines.clear();
        runtime::StepContext context{step,
                                     std::move(params),
                                     env,
                                     cwd.empty() ? workspace : cwd,
                                     cancel != nullptr ? *cancel : root,
                                     services,
                                     [this](runtime::OutputStream stream, std::string_view line) {
                                         lines.emplace_back(stream, std::string(line));
                                     }};
        const auto& table = drivers();
        auto it = table.find(kind);
        if (it == table.end()) {
            throw std::logic_error("no driver for " + kind);
        }
        return it->second(context);
    }

    /// The lines written to `stream`, in order.
    [[nodiscard]] std::vector<std::string>
    output(runtime::OutputStream stream = runtime::OutputStream::out) const {
        std::vector<std::string> out;
        for (const auto& [s, line] : lines) {
            if (s == stream) {
                out.push_back(line);
            }
        }
        return out;
    }

    static const runtime::DriverTable& drivers() {
        static const runtime::DriverTable table = stdlib::drivers::builtin_drivers();
        return table;
    }

    [[nodiscard]] const std::filesystem::path& scratch() const { return scratch_.path(); }
    [[nodiscard]] RecordingRunRecord& record() { return record_; }

    std::filesystem::path workspace;
    std::filesystem::path cwd; ///< empty: the workspace
    std::vector<std::pair<std::string, std::string>> env;
    runtime::Masker masker;
    runtime::RunServices services;
    compiler::PlanStep step;
    runtime::Cancellation root;
    std::vector<std::pair<runtime::OutputStream, std::string>> lines;

private:
    ScratchDir scratch_;
    RecordingRunRecord record_;
};

} // namespace ferry::testing
