// kubectlApply: manifests parsed, images of this run pinned by digest, applied server-side
// with ferry's field manager into the target namespace, each object's previous state journaled.
#include "runtime/deploy_manifest.hpp"
#include "stdlib/drivers/deploy_common.hpp"

#include <algorithm>
#include <fcntl.h>
#include <fmt/format.h>
#include <fstream>
#include <sstream>
#include <unistd.h>

namespace ferry::stdlib::drivers::detail {
namespace {

using runtime::StepContext;
using runtime::StepOutcome;

// Files as kubectl -f takes them: a directory means its .yaml, .yml and .json files, sorted.
std::optional<std::vector<std::filesystem::path>> manifest_files(const StepContext& context,
                                                                 std::string& error) {
    std::vector<std::string> given;
    const auto files = context.params.value("files", nlohmann::json());
    if (files.is_string()) {
        given.push_back(files.get<std::string>());
    } else if (files.is_array()) {
        for (const auto& f : files) {
            if (f.is_string()) {
                given.push_back(f.get<std::string>());
            }
        }
    }
    if (given.empty()) {
        error = "kubectlApply needs files: (manifest files or directories)";
        return std::nullopt;
    }
    std::vector<std::filesystem::path> out;
    for (const auto& g : given) {
        const auto path = resolve(context, g);
        std::error_code ec;
        if (std::filesystem::is_directory(path, ec)) {
            std::vector<std::filesystem::path> inside;
            for (const auto& entry : std::filesystem::directory_iterator(path, ec)) {
                const auto ext = entry.path().extension();
                if (entry.is_regular_file() &&
                    (ext == ".yaml" || ext == ".yml" || ext == ".json")) {
                    inside.push_back(entry.path());
                }
            }
            std::sort(inside.begin(), inside.end());
            out.insert(out.end(), inside.begin(), inside.end());
        } else if (std::filesystem::is_regular_file(path, ec)) {
            out.push_back(path);
        } else {
            error = fmt::format("manifest {} does not exist", path.string());
            return std::nullopt;
        }
    }
    return out;
}

// `Deployment.v1.apps` for kubectl get: the kind alone would be ambiguous between API groups.
std::string resource_of(const runtime::ManifestObject& object) {
    const auto slash = object.api_version.find('/');
    if (slash == std::string::npos) {
        return object.kind;
    }
    return fmt::format("{}.{}.{}", object.kind, object.api_version.substr(slash + 1),
                       object.api_version.substr(0, slash));
}

// The object as it is now, sealed (manifests may hold Secrets), or that it does not exist.
std::optional<nlohmann::ordered_json>
previous_state(const runtime::KubeTools& kube, const runtime::ManifestObject& object,
               const std::string& ns, const runtime::SealKey& key, std::string& error) {
    nlohmann::ordered_json entry{{"apiVersion", object.api_version},
                                 {"kind", object.kind},
                                 {"namespace", object.namespace_.empty() ? ns : object.namespace_},
                                 {"name", object.name}};
    const auto get = kube.kubectl({"get", resource_of(object), object.name, "-n",
                                   entry["namespace"].get<std::string>(), "-o", "json"});
    if (runtime::is_not_found(get)) {
        entry["existed"] = false;
        return entry;
    }
    if (!get.ok()) {
        error = runtime::tool_failure(
            fmt::format("kubectl get {} {} ({})", resource_of(object), object.name, kube.where()),
            get);
        return std::nullopt;
    }
    auto current = nlohmann::json::parse(get.out, nullptr, false);
    if (!current.is_object()) {
        error = fmt::format("kubectl get {} {}: the answer is not JSON", object.kind, object.name);
        return std::nullopt;
    }
    entry["existed"] = true;
    entry["resourceVersion"] = current["metadata"].value("resourceVersion", "");
    current.erase("status");
    current["metadata"].erase("managedFields");
    entry["previous"] = runtime::seal(key, current.dump());
    return entry;
}

// The rewritten stream in a private file that lives only as long as the apply.
class PrivateFile {
public:
    explicit PrivateFile(const std::string& text) {
        std::error_code ec;
        auto pattern =
            (std::filesystem::temp_directory_path(ec) / "ferry-apply-XXXXXX.yaml").string();
        const int fd = ::mkstemps(pattern.data(), 5); // 0600
        if (fd < 0) {
            return;
        }
        path_ = pattern;
        ok_ = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
        ::close(fd);
    }
    PrivateFile(const PrivateFile&) = delete;
    PrivateFile& operator=(const PrivateFile&) = delete;
    ~PrivateFile() {
        std::error_code ec;
        if (!path_.empty()) {
            std::filesystem::remove(path_, ec);
        }
    }
    [[nodiscard]] bool ok() const { return ok_; }
    [[nodiscard]] const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
    bool ok_ = false;
};

StepOutcome apply(StepContext& context, const runtime::KubeTools& kube, const std::string& ns) {
    std::string error;
    const auto files = manifest_files(context, error);
    if (!files) {
        return failure(error);
    }
    runtime::ImagePins pins;
    {
        std::lock_guard lock(context.services.images_mutex);
        pins = runtime::image_pins(context.services.images);
    }
    std::string stream;
    std::vector<runtime::ManifestObject> objects;
    for (const auto& file : *files) {
        std::ifstream in(file, std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        if (!in) {
            return failure(fmt::format("cannot read manifest {}", file.string()));
        }
        auto rewrite = runtime::rewrite_manifests(text.str(), file.string(), pins);
        if (!rewrite.ok()) {
            return failure(rewrite.error);
        }
        for (const auto& line : rewrite.rewritten) {
            context.log(runtime::OutputStream::out,
                        fmt::format("{}: {}", file.filename().string(), line));
        }
        stream += rewrite.yaml;
        objects.insert(objects.end(), rewrite.objects.begin(), rewrite.objects.end());
    }
    const auto& env = *context.services.environment;
    for (const auto& object : objects) {
        if (!object.namespace_.empty() && !env.allows_namespace(object.namespace_)) {
            return failure(fmt::format("{} {} names namespace '{}', outside environment "
                                       "'{}''s allowedNamespaces",
                                       object.kind, object.name, object.namespace_, env.name));
        }
    }
    runtime::DeployJournal journal(context.services.record, context.step.id, kube.target());
    if (error = prepare_namespace(context, kube, journal, ns); !error.empty()) {
        return failure(error);
    }
    const auto key = journal_key(context, error);
    if (!key) {
        return failure(error);
    }
    nlohmann::ordered_json before = nlohmann::ordered_json::array();
    for (const auto& object : objects) {
        auto entry = previous_state(kube, object, ns, *key, error);
        if (!entry) {
            return failure(error);
        }
        before.push_back(std::move(*entry));
    }
    const PrivateFile file(stream);
    if (!file.ok()) {
        return failure("cannot write the rewritten manifests to a temporary file");
    }
    const auto id = journal.begin("manifests", ns,
                                  {{"namespace", ns}, {"before", {{"objects", before}}}}, error);
    if (!id) {
        return failure(error);
    }
    std::vector<std::string> args{"apply", "-n", ns, "-f", file.path().string()};
    const auto manager = context.params.value("fieldManager", std::string("ferry"));
    args.insert(args.end(), {"--field-manager", manager});
    if (context.params.value("serverSide", true)) {
        args.insert(args.end(), {"--server-side", "--force-conflicts"});
    }
    const auto run = kube.kubectl(args);
    for (const auto* text : {&run.out, &run.err}) {
        std::istringstream lines(*text);
        for (std::string line; std::getline(lines, line);) {
            context.log(text == &run.out ? runtime::OutputStream::out : runtime::OutputStream::err,
                        line);
        }
    }
    const auto journaled = journal.done(*id, {{"ok", run.ok()}});
    if (!run.ok()) {
        return failure(runtime::tool_failure(
            fmt::format("kubectl apply into {}/{}", kube.target().context, ns), run));
    }
    if (!journaled.empty()) {
        return failure("cannot write the journal: " + journaled);
    }
    nlohmann::json applied = nlohmann::json::array();
    for (const auto& object : objects) {
        applied.push_back(fmt::format("{}/{}", object.kind, object.name));
    }
    return {runtime::BuildResult::success,
            {},
            {{"namespace", ns}, {"context", kube.target().context}, {"objects", applied}}};
}

} // namespace

StepOutcome kubectl_apply(StepContext& context, runtime::DeployShell& shell) {
    std::string error;
    const auto target = resolve_deploy_target(context, false, error);
    if (!target) {
        return failure(error);
    }
    const runtime::KubeTools kube(shell, target->cluster, target->kubectl, {});
    return apply(context, kube, target->namespace_);
}

} // namespace ferry::stdlib::drivers::detail
