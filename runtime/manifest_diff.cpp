// diff_manifests(): both streams parsed with yaml-cpp, each object flattened to its leaf paths
// (`spec.template.spec.containers[0].image`), the paths compared.
#include "runtime/manifest_diff.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <map>
#include <yaml-cpp/yaml.h>

namespace ferry::runtime {
namespace {

constexpr std::size_t max_fields = 20;

struct Object {
    compiler::ObjectChange identity;
    std::map<std::string, std::string> leaves; ///< path → scalar text
};

std::string scalar(const YAML::Node& node, const char* key) {
    const auto child = node[key];
    return child && child.IsScalar() ? child.Scalar() : std::string();
}

std::string key_path(const std::string& parent, const std::string& key) {
    // Keys with dots or slashes (labels, annotations) are bracketed so paths stay readable.
    if (key.find_first_of("./[]\" ") != std::string::npos || key.empty()) {
        return fmt::format("{}[\"{}\"]", parent, key);
    }
    return parent.empty() ? key : parent + "." + key;
}

void flatten(const YAML::Node& node, const std::string& path,
             std::map<std::string, std::string>& out) {
    switch (node.Type()) {
    case YAML::NodeType::Map:
        if (node.size() == 0) {
            out[path] = "{}";
        }
        for (const auto& entry : node) {
            // A key is a scalar in every Kubernetes object; anything else is shown as `?`.
            flatten(entry.second,
                    key_path(path, entry.first.IsScalar() ? entry.first.Scalar() : "?"), out);
        }
        break;
    case YAML::NodeType::Sequence:
        if (node.size() == 0) {
            out[path] = "[]";
        }
        for (std::size_t i = 0; i < node.size(); ++i) {
            flatten(node[i], fmt::format("{}[{}]", path, i), out);
        }
        break;
    case YAML::NodeType::Scalar:
        out[path] = node.Scalar();
        break;
    default:
        out[path] = "null";
        break;
    }
}

std::string group_of(std::string_view api_version) {
    const auto slash = api_version.find('/');
    return slash == std::string_view::npos ? std::string()
                                           : std::string(api_version.substr(0, slash));
}

std::string identity_key(const compiler::ObjectChange& o) {
    return fmt::format("{}\n{}\n{}\n{}", group_of(o.api_version), o.kind, o.namespace_, o.name);
}

// The objects of one stream, in order; `error` names the stream and the line.
std::vector<Object> objects_of(std::string_view text, std::string_view what, std::string_view ns,
                               std::string& error) {
    std::vector<Object> out;
    std::vector<YAML::Node> docs;
    try {
        docs = YAML::LoadAll(std::string(text));
    } catch (const YAML::Exception& e) {
        error = fmt::format("{}: line {}, column {}: not valid YAML: {}", what, e.mark.line + 1,
                            e.mark.column + 1, e.msg);
        return out;
    }
    for (const auto& doc : docs) {
        if (!doc.IsMap() || scalar(doc, "kind").empty()) {
            continue; // an empty document, or a template that rendered to a comment
        }
        // A `List` is one object here, compared path by path like any other.
        Object o;
        o.identity.api_version = scalar(doc, "apiVersion");
        o.identity.kind = scalar(doc, "kind");
        const auto metadata = doc["metadata"];
        if (metadata && metadata.IsMap()) {
            o.identity.name = scalar(metadata, "name");
            o.identity.namespace_ = scalar(metadata, "namespace");
        }
        if (o.identity.namespace_.empty()) {
            o.identity.namespace_ = ns;
        }
        flatten(doc, "", o.leaves);
        out.push_back(std::move(o));
    }
    return out;
}

} // namespace

ManifestDiff diff_manifests(std::string_view live, std::string_view rendered, std::string_view ns) {
    ManifestDiff diff;
    const auto before =
        objects_of(live, "the release's manifest (helm get manifest)", ns, diff.error);
    if (!diff.ok()) {
        return diff;
    }
    const auto after = objects_of(rendered, "the chart rendered (helm template)", ns, diff.error);
    if (!diff.ok()) {
        return diff;
    }
    std::map<std::string, const Object*> old;
    for (const auto& o : before) {
        old.emplace(identity_key(o.identity), &o);
    }
    std::map<std::string, bool> matched;
    for (const auto& o : after) {
        const auto key = identity_key(o.identity);
        const auto it = old.find(key);
        auto change = o.identity;
        if (it == old.end()) {
            change.change = "added";
            diff.changes.push_back(std::move(change));
            continue;
        }
        matched[key] = true;
        std::vector<std::string> fields;
        const auto& a = it->second->leaves;
        const auto& b = o.leaves;
        auto ia = a.begin();
        auto ib = b.begin();
        while (ia != a.end() || ib != b.end()) {
            if (ib == b.end() || (ia != a.end() && ia->first < ib->first)) {
                fields.push_back(ia++->first);
            } else if (ia == a.end() || ib->first < ia->first) {
                fields.push_back(ib++->first);
            } else {
                if (ia->second != ib->second) {
                    fields.push_back(ia->first);
                }
                ++ia;
                ++ib;
            }
        }
        if (fields.empty()) {
            ++diff.unchanged;
            continue;
        }
        change.change = "changed";
        if (fields.size() > max_fields) {
            change.more_fields = static_cast<int>(fields.size() - max_fields);
            fields.resize(max_fields);
        }
        change.fields = std::move(fields);
        diff.changes.push_back(std::move(change));
    }
    for (const auto& o : before) {
        if (matched.count(identity_key(o.identity)) == 0) {
            auto change = o.identity;
            change.change = "removed";
            diff.changes.push_back(std::move(change));
        }
    }
    return diff;
}

} // namespace ferry::runtime
