// dockerfile_bases(): a line scanner for FROM and ARG, not a Dockerfile parser: buildah reads
// the file; ferry only needs to know which images the build starts from.
#include "runtime/dockerfile_bases.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <fstream>
#include <set>
#include <sstream>

namespace ferry::runtime {
namespace {

std::string upper(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return out;
}

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

std::vector<std::string> words(std::string_view line) {
    std::vector<std::string> out;
    std::istringstream in{std::string(line)};
    for (std::string w; in >> w;) {
        out.push_back(w);
    }
    return out;
}

// The words a line's heredocs end at, in order: `<<EOF`, `<<-EOF`, `<<"EOF"`, `<<'EOF'`.
std::vector<std::string> heredoc_ends(std::string_view line) {
    std::vector<std::string> out;
    for (auto at = line.find("<<"); at != std::string_view::npos; at = line.find("<<", at)) {
        at += 2;
        if (at < line.size() && line[at] == '-') {
            ++at;
        }
        const char quote = at < line.size() && (line[at] == '"' || line[at] == '\'') ? line[at] : 0;
        at += quote != 0 ? 1 : 0;
        std::size_t end = at;
        while (end < line.size() &&
               (std::isalnum(static_cast<unsigned char>(line[end])) != 0 || line[end] == '_')) {
            ++end;
        }
        if (end > at && (quote == 0 || (end < line.size() && line[end] == quote))) {
            out.emplace_back(line.substr(at, end - at));
        }
        at = end;
    }
    return out;
}

bool takes_heredocs(std::string_view line) {
    std::istringstream in{std::string(line)};
    std::string instruction;
    in >> instruction;
    for (auto& c : instruction) {
        c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    return instruction == "RUN" || instruction == "COPY" || instruction == "ADD";
}

// Logical lines: comments dropped, `\` continuations joined, heredoc bodies (RUN/COPY/ADD
// <<EOF … EOF) skipped: a `FROM` inside a script is not a stage.
std::vector<std::string> logical_lines(std::string_view text) {
    std::vector<std::string> out;
    std::string current;
    std::vector<std::string> pending; // heredoc terminators still to be met
    std::istringstream in{std::string(text)};
    for (std::string line; std::getline(in, line);) {
        if (!line.empty() && line.back() == '\r') {
            line.pop_back();
        }
        if (!pending.empty()) {
            const auto first = line.find_first_not_of('\t'); // `<<-` strips leading tabs
            if (line.substr(first == std::string::npos ? line.size() : first) == pending.front()) {
                pending.erase(pending.begin());
            }
            continue;
        }
        const auto first = line.find_first_not_of(" \t");
        if (first != std::string::npos && line[first] == '#') {
            continue;
        }
        const auto last = line.find_last_not_of(" \t");
        if (last != std::string::npos && line[last] == '\\') {
            current += line.substr(0, last) + " ";
            continue;
        }
        current += line;
        if (takes_heredocs(current)) {
            pending = heredoc_ends(current);
        }
        out.push_back(current);
        current.clear();
    }
    if (!current.empty()) {
        out.push_back(current);
    }
    return out;
}

// `$NAME` and `${NAME}` (with `${NAME:-default}`) from `args`; false when one has no value.
bool substitute(std::string& text, const std::map<std::string, std::string>& args,
                std::string& missing) {
    std::string out;
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] != '$' || i + 1 == text.size()) {
            out.push_back(text[i]);
            continue;
        }
        std::string name;
        std::optional<std::string> fallback;
        if (text[i + 1] == '{') {
            const auto close = text.find('}', i + 2);
            if (close == std::string::npos) {
                missing = text.substr(i);
                return false;
            }
            name = text.substr(i + 2, close - i - 2);
            if (const auto plus = name.find(":+"); plus != std::string::npos) {
                // `${NAME:+word}`: the word when NAME is set and not empty, else nothing
                const auto it = args.find(name.substr(0, plus));
                if (it != args.end() && !it->second.empty()) {
                    auto word = name.substr(plus + 2);
                    if (!substitute(word, args, missing)) {
                        return false;
                    }
                    out += word;
                }
                i = close;
                continue;
            }
            if (const auto dash = name.find(":-"); dash != std::string::npos) {
                fallback = name.substr(dash + 2);
                name.resize(dash);
            }
            i = close;
        } else {
            std::size_t end = i + 1;
            while (end < text.size() &&
                   (std::isalnum(static_cast<unsigned char>(text[end])) != 0 || text[end] == '_')) {
                ++end;
            }
            name = text.substr(i + 1, end - i - 1);
            i = end - 1;
        }
        const auto it = args.find(name);
        if (it != args.end() && !(fallback && it->second.empty())) {
            out += it->second; // a declared ARG may be empty; `:-` replaces an empty one
        } else if (fallback) {
            out += *fallback;
        } else {
            missing = name;
            return false;
        }
    }
    text = std::move(out);
    return true;
}

} // namespace

// The platform ARGs buildah defines without a declaration (this machine builds for itself).
std::map<std::string, std::string> platform_args() {
#if defined(__x86_64__)
    const std::string arch = "amd64";
#elif defined(__aarch64__)
    const std::string arch = "arm64";
#else
    const std::string arch = "unknown";
#endif
    std::map<std::string, std::string> args;
    for (const char* side : {"TARGET", "BUILD"}) {
        const std::string prefix(side);
        args[prefix + "PLATFORM"] = "linux/" + arch;
        args[prefix + "OS"] = "linux";
        args[prefix + "ARCH"] = arch;
        args[prefix + "VARIANT"] = arch == "arm64" ? "v8" : "";
    }
    return args;
}

DockerfileBases dockerfile_bases(std::string_view text,
                                 const std::map<std::string, std::string>& build_args) {
    DockerfileBases out;
    auto args = platform_args();  // and the ARGs declared before the first FROM
    std::set<std::string> stages; // lower case: buildah compares stage names so
    bool seen_from = false;
    for (const auto& line : logical_lines(text)) {
        const auto w = words(line);
        if (w.empty()) {
            continue;
        }
        const auto instruction = upper(w[0]);
        if (instruction == "ARG" && !seen_from && w.size() >= 2) {
            const auto eq = w[1].find('=');
            const auto name = w[1].substr(0, eq);
            std::string value = eq == std::string::npos ? "" : w[1].substr(eq + 1);
            if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') &&
                value.back() == value.front()) {
                value = value.substr(1, value.size() - 2);
            }
            const auto given = build_args.find(name);
            if (given != build_args.end()) {
                args[name] = given->second;
                continue;
            }
            std::string missing; // a default may use the ARGs before it
            if (!substitute(value, args, missing)) {
                out.error = fmt::format("ARG {}: ARG {} has no value (give it in buildArgs)", name,
                                        missing);
                return out;
            }
            args[name] = value;
            continue;
        }
        if (instruction != "FROM") {
            continue;
        }
        seen_from = true;
        std::size_t at = 1;
        while (at < w.size() && w[at].starts_with("--")) {
            ++at; // --platform=…
        }
        if (at >= w.size()) {
            out.error = fmt::format("a FROM line names no image: {}", line);
            return out;
        }
        std::string image = w[at];
        std::string missing;
        if (!substitute(image, args, missing)) {
            out.error =
                fmt::format("FROM {}: ARG {} has no value (give it in buildArgs)", w[at], missing);
            return out;
        }
        const bool external = image != "scratch" && stages.count(lower(image)) == 0;
        if (at + 2 < w.size() && upper(w[at + 1]) == "AS") {
            stages.insert(lower(w[at + 2])); // later FROMs may build on this stage
        }
        if (external &&
            std::find(out.images.begin(), out.images.end(), image) == out.images.end()) {
            out.images.push_back(image);
        }
    }
    return out;
}

bool names_its_registry(std::string_view reference) {
    const auto slash = reference.find('/');
    if (slash == std::string_view::npos) {
        return false;
    }
    // `localhost/name` is buildah's local storage, not a registry; `localhost:5000/…` is one.
    const auto host = reference.substr(0, slash);
    return host.find('.') != std::string_view::npos || host.find(':') != std::string_view::npos;
}

std::optional<std::string> dockerfile_base_digests(
    const std::string& dockerfile_path, const std::map<std::string, std::string>& build_args,
    const std::function<std::optional<std::string>(const std::string& image, std::string& error)>&
        resolve,
    std::string& error) {
    std::ifstream in(dockerfile_path, std::ios::binary);
    if (!in) {
        error = fmt::format("cannot read the Dockerfile {}", dockerfile_path);
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    const auto bases = dockerfile_bases(text.str(), build_args);
    if (!bases.error.empty()) {
        error = fmt::format("{}: {}", dockerfile_path, bases.error);
        return std::nullopt;
    }
    std::string out;
    for (const auto& image : bases.images) {
        if (!names_its_registry(image) || image.find('@') != std::string::npos) {
            out += image + "\n"; // a digest pins itself; a short name is what registries.conf says
            continue;
        }
        const auto digest = resolve(image, error);
        if (!digest) {
            return std::nullopt;
        }
        out += image + "@" + *digest + "\n";
    }
    return out;
}

} // namespace ferry::runtime
