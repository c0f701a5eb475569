// Writing a run record: the journal (each record one write(), synced from the first effect on,
// so a crash leaves at most a torn last line), step logs (one write() per line, no fsync: they are
// for people, and a step printing a gigabyte must not wait on the disk per line), artifacts and
// result.json.
#include "runtime/run_record.hpp"

#include "runtime/files.hpp"
#include "runtime/run_record_format.hpp"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fmt/format.h>
#include <map>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

namespace ferry::runtime {
namespace fs = std::filesystem;

namespace {

// Longest step log name we produce (NAME_MAX is 255; room for `.log`).
constexpr std::size_t max_log_name = 200;

std::uint64_t fnv1a(std::string_view text) {
    std::uint64_t hash = 1469598103934665603ull;
    for (const char c : text) {
        hash ^= static_cast<unsigned char>(c);
        hash *= 1099511628211ull;
    }
    return hash;
}

std::string errno_text() {
    return std::strerror(errno);
}

// Writes all of `data` to `fd` (a regular file takes it in one call; the loop covers signals).
bool write_all(int fd, std::string_view data) {
    while (!data.empty()) {
        const auto n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            return false;
        }
        data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
}

bool fsync_dir(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        return false;
    }
    const bool ok = ::fsync(fd) == 0;
    ::close(fd);
    return ok;
}

// Test hook (docs/testing.md): FERRY_FAULT_KILL_AFTER_RECORD=K makes this process SIGKILL itself
// right after the K-th journal record it appended (counted over every journal it writes, header
// lines excluded) is durable, so the crash test can stop a run at each journal point in turn.
// Read once; unset, empty or not a positive number means off.
long long kill_after_record() {
    static const long long k = [] {
        const char* value = std::getenv("FERRY_FAULT_KILL_AFTER_RECORD");
        if (value == nullptr || *value == '\0') {
            return 0LL;
        }
        char* end = nullptr;
        const long long parsed = std::strtoll(value, &end, 10);
        return end != nullptr && *end == '\0' && parsed > 0 ? parsed : 0LL;
    }();
    return k;
}

void fault_after_durable_append() {
    static std::atomic<long long> appended{0};
    const long long k = kill_after_record();
    if (k > 0 && ++appended == k) {
        ::raise(SIGKILL);
    }
}

/// Journal records that only tell how far the run got, or what it made without changing the
/// world (an image built into the store, a push that found everything in place or the digest
/// pushed: the tags it moves are journaled as effects of their own). See FileRunRecord::append.
bool is_progress_record(const nlohmann::json& line) {
    static constexpr std::array<std::string_view, 8> progress = {
        "run.started",  "stage.started", "stage.finished", "stage.skipped",
        "step.started", "step.finished", "image.built",    "image.pushed"};
    const auto type = line.find("type");
    return type != line.end() && type->is_string() &&
           std::find(progress.begin(), progress.end(), type->get_ref<const std::string&>()) !=
               progress.end();
}

class FileStepLog final : public StepLog {
public:
    FileStepLog(fs::path path, int fd) : path_(std::move(path)), fd_(fd) {}
    FileStepLog(const FileStepLog&) = delete;
    FileStepLog& operator=(const FileStepLog&) = delete;
    ~FileStepLog() override {
        if (fd_ >= 0) {
            ::close(fd_);
        }
    }

    void write_line(std::string_view stream, std::string_view line) override {
        (void)stream; // one file per step, in the order the lines came, as a console shows them
        std::string text(line);
        text += '\n';
        const std::lock_guard lock(mutex_);
        if (fd_ >= 0) {
            (void)write_all(fd_, text);
        }
    }

    [[nodiscard]] std::vector<std::string> tail(std::size_t lines) const override {
        const std::lock_guard lock(mutex_);
        return read_tail(lines);
    }

    [[nodiscard]] const fs::path& path() const override { return path_; }

private:
    // Reads backwards in blocks until `lines` complete lines are seen (capped at 8 MiB).
    [[nodiscard]] std::vector<std::string> read_tail(std::size_t lines) const {
        if (lines == 0 || fd_ < 0) {
            return {};
        }
        struct stat st {};
        if (::fstat(fd_, &st) != 0 || st.st_size == 0) {
            return {};
        }
        constexpr off_t block = 64 * 1024;
        constexpr off_t cap = 8 * 1024 * 1024;
        off_t end = st.st_size;
        std::string buffer;
        while (end > 0 && static_cast<off_t>(buffer.size()) < cap &&
               static_cast<std::size_t>(std::count(buffer.begin(), buffer.end(), '\n')) <= lines) {
            const off_t start = std::max<off_t>(0, end - block);
            std::string chunk(static_cast<std::size_t>(end - start), '\0');
            const auto n = ::pread(fd_, chunk.data(), chunk.size(), start);
            if (n <= 0) {
                break;
            }
            chunk.resize(static_cast<std::size_t>(n));
            buffer.insert(0, chunk);
            end = start;
        }
        std::vector<std::string> out;
        std::size_t stop = buffer.size();
        if (stop > 0 && buffer[stop - 1] == '\n') {
            --stop;
        }
        while (out.size() < lines) {
            const auto newline = buffer.rfind('\n', stop == 0 ? 0 : stop - 1);
            const bool first = newline == std::string::npos || stop == 0;
            const std::size_t begin = first ? 0 : newline + 1;
            if (first && end > 0) {
                break; // the line starts before what was read: leave it out rather than cut it
            }
            out.push_back(buffer.substr(begin, stop - begin));
            if (first) {
                break;
            }
            stop = newline;
        }
        std::reverse(out.begin(), out.end());
        return out;
    }

    fs::path path_;
    int fd_ = -1;
    mutable std::mutex mutex_;
};

class FileRunRecord final : public RunRecord {
public:
    FileRunRecord(fs::path dir, RunHeader header, int journal_fd, long long seq)
        : dir_(std::move(dir)), header_(std::move(header)), journal_fd_(journal_fd), seq_(seq) {}
    FileRunRecord(const FileRunRecord&) = delete;
    FileRunRecord& operator=(const FileRunRecord&) = delete;
    ~FileRunRecord() override { ::close(journal_fd_); }

    [[nodiscard]] const fs::path& dir() const override { return dir_; }
    [[nodiscard]] const RunHeader& header() const override { return header_; }

    [[nodiscard]] std::string append(nlohmann::ordered_json record) override {
        if (!record.is_object() || !record.contains("type") || !record["type"].is_string()) {
            return "a journal record needs a string `type`";
        }
        const std::lock_guard lock(mutex_);
        nlohmann::ordered_json line;
        line["type"] = record["type"];
        line["seq"] = ++seq_;
        line["time"] = rfc3339_ms(std::chrono::system_clock::now());
        for (auto& [key, value] : record.items()) {
            if (key != "type" && key != "seq" && key != "time") {
                line[key] = std::move(value);
            }
        }
        const std::string text =
            line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
        // Progress records (the run, a stage or step started, finished, skipped; an image
        // built or pushed) are written but not
        // synced on their own: nothing is compensated from them, a killed process loses nothing
        // written (the page cache outlives it), and the next synced record (an effect, the
        // commit, a rollback, run.finished) makes them durable with it, since fsync flushes
        // the whole file. A power loss may lose the last few of them, never an effect.
        // Before the first effect nothing is synced at all: a journal without effects is never
        // unfinished (transaction.hpp), so no record of it guards a change; the first effect
        // makes the header, the directory entries and everything before it durable at once.
        has_effects_ = has_effects_ || line["type"] == "effect";
        if (!write_all(journal_fd_, text) ||
            (has_effects_ && !is_progress_record(line) && !make_durable())) {
            return fmt::format("{}: cannot append to the journal: {}",
                               (dir_ / detail::journal_file).string(), errno_text());
        }
        fault_after_durable_append();
        return {};
    }

    [[nodiscard]] StepLog& step_log(std::string_view step_id) override {
        const std::lock_guard lock(mutex_);
        const auto it = logs_.find(step_id);
        if (it != logs_.end()) {
            return *it->second;
        }
        auto path = step_log_path(dir_, step_id);
        std::error_code ec;
        fs::create_directories(path.parent_path(), ec);
        // A log that cannot be opened still accepts lines (and drops them): the step's output
        // reaches the events either way, and the run must not fail over its own bookkeeping.
        const int log_fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
        auto log = std::make_unique<FileStepLog>(std::move(path), log_fd);
        auto& ref = *log;
        logs_.emplace(std::string(step_id), std::move(log));
        return ref;
    }

    [[nodiscard]] fs::path artifacts_dir() const override { return dir_ / "artifacts"; }

    [[nodiscard]] std::string write_result(const RunResultRecord& result) override {
        const auto text = detail::result_json(result).dump(
                              2, ' ', false, nlohmann::json::error_handler_t::replace) +
                          "\n";
        auto error = write_atomically(dir_ / detail::result_file, text);
        const std::lock_guard lock(mutex_);
        if (error.empty() && has_effects_) { // a run that changed nothing needs no durable end
            (void)fsync_dir(dir_);
        }
        return error;
    }

    /// Whether the journal holds an effect already (an opened journal: any of its records).
    void set_has_effects(bool value) { has_effects_ = value; }

private:
    // Syncs the journal; the first time, also the directory entries that make it findable.
    bool make_durable() {
        if (::fsync(journal_fd_) != 0) {
            return false;
        }
        if (!entries_durable_) {
            if (!fsync_dir(dir_) || !fsync_dir(dir_.parent_path())) {
                return false;
            }
            entries_durable_ = true;
        }
        return true;
    }

    fs::path dir_;
    RunHeader header_;
    int journal_fd_;
    long long seq_;
    bool has_effects_ = false;
    bool entries_durable_ = false;
    std::mutex mutex_;
    std::map<std::string, std::unique_ptr<FileStepLog>, std::less<>> logs_;
};

} // namespace

fs::path runs_dir(const fs::path& state_dir, std::string_view pipeline) {
    return state_dir / "runs" / path_segment(pipeline);
}

fs::path step_log_path(const fs::path& run_dir, std::string_view step_id) {
    std::string name;
    for (const char c : step_id) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '/') {
            name += '~';
        } else if (c == '%' || c == '~' || u < 0x20 || u == 0x7f || (c == '.' && name.empty())) {
            name += fmt::format("%{:02X}", u);
        } else {
            name += c;
        }
    }
    if (name.empty()) {
        name = "_";
    }
    if (name.size() > max_log_name) {
        name = fmt::format("{}-{:016x}", name.substr(0, max_log_name - 17), fnv1a(step_id));
    }
    return run_dir / "steps" / (name + ".log");
}

std::unique_ptr<RunRecord> RunRecord::create(const fs::path& state_dir, const RunHeader& header,
                                             std::string& error) {
    const auto parent = runs_dir(state_dir, header.pipeline);
    const auto dir = parent / std::to_string(header.number);
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) {
        error = fmt::format("cannot create {}: {}", parent.string(), ec.message());
        return nullptr;
    }
    if (!fs::create_directory(dir, ec)) {
        error = ec ? fmt::format("cannot create {}: {}", dir.string(), ec.message())
                   : fmt::format("{}: a run record with this number exists already", dir.string());
        return nullptr;
    }
    fs::create_directory(dir / "steps", ec);
    fs::create_directory(dir / "artifacts", ec);
    const auto journal = dir / detail::journal_file;
    const int fd =
        ::open(journal.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_APPEND | O_CLOEXEC, 0644);
    if (fd < 0) {
        error = fmt::format("cannot create {}: {}", journal.string(), errno_text());
        return nullptr;
    }
    const auto line =
        detail::header_json(header).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
        "\n";
    // Not synced here: the first effect syncs the header and the directories with it (append).
    if (!write_all(fd, line)) {
        error = fmt::format("cannot write {}: {}", journal.string(), errno_text());
        ::close(fd);
        return nullptr;
    }
    return std::make_unique<FileRunRecord>(dir, header, fd, 0);
}

std::unique_ptr<RunRecord> RunRecord::open(const fs::path& dir, std::string& error) {
    const auto read = read_journal(dir);
    if (!read.header) {
        error = read.error.empty() ? fmt::format("{}: no run journal header",
                                                 (dir / detail::journal_file).string())
                                   : read.error;
        return nullptr;
    }
    if (!read.error.empty()) {
        error = read.error; // appending after a damaged record would bury it
        return nullptr;
    }
    const auto journal = dir / detail::journal_file;
    const int fd = ::open(journal.c_str(), O_RDWR | O_APPEND | O_CLOEXEC);
    if (fd < 0) {
        error = fmt::format("cannot open {}: {}", journal.string(), errno_text());
        return nullptr;
    }
    if (read.torn_tail) {
        // Cut the torn line off, so the next record starts on a line of its own.
        if (::ftruncate(fd, static_cast<off_t>(read.complete_bytes)) != 0 || ::fsync(fd) != 0) {
            error = fmt::format("cannot repair the torn last line of {}: {}", journal.string(),
                                errno_text());
            ::close(fd);
            return nullptr;
        }
    }
    long long seq = 0;
    bool effects = false;
    for (const auto& record : read.records) {
        if (const auto s = record.find("seq"); s != record.end() && s->is_number_integer()) {
            seq = std::max(seq, s->get<long long>());
        }
        const auto type = record.find("type");
        effects = effects || (type != record.end() && *type == "effect");
    }
    auto opened = std::make_unique<FileRunRecord>(dir, *read.header, fd, seq);
    opened->set_has_effects(effects);
    return opened;
}

} // namespace ferry::runtime
