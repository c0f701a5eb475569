// Manifest parsing and image pinning with yaml-cpp.
#include "runtime/deploy_manifest.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

namespace ferry::runtime {
namespace {

constexpr std::string_view container_lists[] = {"containers", "initContainers",
                                                "ephemeralContainers"};

bool is_container_list(const std::string& key) {
    for (const auto name : container_lists) {
        if (key == name) {
            return true;
        }
    }
    return false;
}

void pin_containers(YAML::Node list, const ImagePins& pins, std::vector<std::string>& rewritten) {
    for (auto container : list) {
        if (!container.IsMap() || !container["image"] || !container["image"].IsScalar()) {
            continue;
        }
        const auto image = container["image"].as<std::string>();
        if (const std::string* pinned = pins.find(image); pinned != nullptr && *pinned != image) {
            container["image"] = *pinned;
            rewritten.push_back(fmt::format("{} -> {}", image, *pinned));
        }
    }
}

// Walks every map of the document: pod specs sit at different depths in Pods, Deployments,
// CronJobs and Lists, and CRDs embed them too.
void pin_images(YAML::Node node, const ImagePins& pins, std::vector<std::string>& rewritten) {
    if (node.IsSequence()) {
        for (auto child : node) {
            pin_images(child, pins, rewritten);
        }
        return;
    }
    if (!node.IsMap()) {
        return;
    }
    for (auto entry : node) {
        const auto key = entry.first.IsScalar() ? entry.first.as<std::string>() : std::string();
        if (is_container_list(key) && entry.second.IsSequence()) {
            pin_containers(entry.second, pins, rewritten);
        } else {
            pin_images(entry.second, pins, rewritten);
        }
    }
}

std::string scalar(const YAML::Node& node, const char* key) {
    const auto child = node[key];
    return child && child.IsScalar() ? child.as<std::string>() : std::string();
}

void list_objects(const YAML::Node& doc, std::vector<ManifestObject>& out) {
    if (!doc.IsMap()) {
        return;
    }
    const auto kind = scalar(doc, "kind");
    if (kind.ends_with("List") && doc["items"] && doc["items"].IsSequence()) {
        for (const auto& item : doc["items"]) {
            list_objects(item, out);
        }
        return;
    }
    ManifestObject object;
    object.api_version = scalar(doc, "apiVersion");
    object.kind = kind;
    if (const auto meta = doc["metadata"]; meta && meta.IsMap()) {
        object.name = scalar(meta, "name");
        object.namespace_ = scalar(meta, "namespace");
    }
    out.push_back(std::move(object));
}

} // namespace

const std::string* ImagePins::find(std::string_view reference) const {
    const auto it = pinned.find(reference);
    return it == pinned.end() ? nullptr : &it->second;
}

std::string image_tag(std::string_view reference) {
    const std::string_view base = reference.substr(0, reference.find('@'));
    const auto repo = image_repository(base);
    return repo.size() < base.size() ? std::string(base.substr(repo.size() + 1)) : std::string();
}

std::string pinned_reference(const RunImage& image) {
    const std::string& from = image.pushed.empty() ? image.reference : image.pushed.front();
    return image_repository(from) + "@" + image.digest;
}

ImagePins image_pins(const std::map<std::string, RunImage, std::less<>>& images) {
    ImagePins pins;
    for (const auto& [name, image] : images) {
        if (image.digest.empty()) {
            continue;
        }
        const auto pinned = pinned_reference(image);
        std::vector<std::string> names{name, image.reference};
        names.insert(names.end(), image.pushed.begin(), image.pushed.end());
        for (const auto& n : names) {
            if (n.empty() || n.find('@') != std::string::npos) {
                continue;
            }
            pins.pinned.emplace(n, pinned);
            if (image_tag(n).empty()) {
                pins.pinned.emplace(n + ":latest", pinned);
            }
        }
    }
    return pins;
}

ManifestRewrite rewrite_manifests(std::string_view text, std::string_view source,
                                  const ImagePins& pins) {
    ManifestRewrite result;
    std::vector<YAML::Node> docs;
    try {
        docs = YAML::LoadAll(std::string(text));
    } catch (const YAML::Exception& e) {
        result.error = fmt::format("{}:{}:{}: not valid YAML: {}", source, e.mark.line + 1,
                                   e.mark.column + 1, e.msg);
        return result;
    }
    YAML::Emitter out;
    std::size_t index = 0;
    for (auto& doc : docs) {
        ++index;
        if (doc.IsNull()) {
            continue; // an empty document between two `---`
        }
        if (!doc.IsMap()) {
            result.error = fmt::format("{}: document {} is not a Kubernetes object (a mapping "
                                       "with apiVersion and kind)",
                                       source, index);
            return result;
        }
        if (scalar(doc, "kind").empty() || scalar(doc, "apiVersion").empty()) {
            result.error =
                fmt::format("{}: document {} has no kind or no apiVersion", source, index);
            return result;
        }
        pin_images(doc, pins, result.rewritten);
        list_objects(doc, result.objects);
        out << YAML::BeginDoc << doc;
    }
    result.yaml = out.c_str();
    result.yaml.push_back('\n');
    return result;
}

} // namespace ferry::runtime
