// ferry_push_tool: runtime::push_image and the registry client's write calls, for the push
// integration tests and the push benchmark. Prints one JSON object.
//
//   ferry_push_tool push --store DIR (--layout OCI_DIR [--ref NAME] | --digest D)
//                        --server HOST:PORT --repository REPO [--tag T]... [--ca FILE]
//                        [--user U --password-file F] [--chunk-threshold BYTES]
//                        [--chunk-size BYTES] [--attempts N] [--timeout-ms MS] [--backoff-ms MS]
//   ferry_push_tool delete-tag|delete-manifest --server … --repository REPO --reference R …
//
// `--layout` imports an OCI image layout into the store first (skopeo/umoci make them).
#include "runtime/image_build.hpp"
#include "runtime/image_push.hpp"

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <vector>

namespace {

using namespace ferry;

struct Args {
    std::string command;
    std::string store, layout, ref, digest, server, repository, reference, ca, user, password_file;
    std::vector<std::string> tags;
    runtime::RegistryEndpoint endpoint;
};

bool parse(int argc, char** argv, Args& a, std::string& error) {
    if (argc < 2) {
        error = "usage: ferry_push_tool push|delete-tag|delete-manifest [options]";
        return false;
    }
    a.command = argv[1];
    for (int i = 2; i < argc; ++i) {
        const std::string flag = argv[i];
        if (i + 1 >= argc) {
            error = flag + " needs a value";
            return false;
        }
        const std::string value = argv[++i];
        if (flag == "--store") {
            a.store = value;
        } else if (flag == "--layout") {
            a.layout = value;
        } else if (flag == "--ref") {
            a.ref = value;
        } else if (flag == "--digest") {
            a.digest = value;
        } else if (flag == "--server") {
            a.server = value;
        } else if (flag == "--repository") {
            a.repository = value;
        } else if (flag == "--reference") {
            a.reference = value;
        } else if (flag == "--tag") {
            a.tags.push_back(value);
        } else if (flag == "--ca") {
            a.ca = value;
        } else if (flag == "--user") {
            a.user = value;
        } else if (flag == "--password-file") {
            a.password_file = value;
        } else if (flag == "--chunk-threshold") {
            a.endpoint.chunk_threshold = std::stoull(value);
        } else if (flag == "--chunk-size") {
            a.endpoint.chunk_size = std::stoull(value);
        } else if (flag == "--attempts") {
            a.endpoint.max_attempts = std::stoi(value);
        } else if (flag == "--timeout-ms") {
            a.endpoint.timeout = std::chrono::milliseconds(std::stoll(value));
        } else if (flag == "--backoff-ms") {
            a.endpoint.backoff = std::chrono::milliseconds(std::stoll(value));
        } else {
            error = "unknown option " + flag;
            return false;
        }
    }
    return true;
}

bool make_endpoint(Args& a, std::string& error) {
    a.endpoint.server = a.server;
    if (!a.ca.empty()) {
        a.endpoint.tls.ca = a.ca;
    }
    if (!a.user.empty()) {
        std::ifstream in(a.password_file);
        std::stringstream text;
        text << in.rdbuf();
        auto password = text.str();
        while (!password.empty() && (password.back() == '\n' || password.back() == '\r')) {
            password.pop_back();
        }
        if (!in) {
            error = "cannot read " + a.password_file;
            return false;
        }
        runtime::RegistryAuth auth;
        auth.username = runtime::Secret(a.user);
        auth.password = runtime::Secret(password);
        auth.source = "the password file " + a.password_file;
        a.endpoint.auth = std::move(auth);
    }
    return true;
}

nlohmann::ordered_json push(Args& a) {
    runtime::ImageStore store(a.store);
    std::string error;
    auto digest = a.digest;
    if (!a.layout.empty()) {
        auto imported = runtime::import_layout(store, a.layout, a.ref, error);
        if (!imported) {
            return {{"ok", false}, {"error", error}};
        }
        digest = *imported;
    }
    runtime::RegistryClient client(a.endpoint);
    runtime::PushOptions options;
    std::vector<nlohmann::ordered_json> journal;
    options.before_tag_move = [&](const runtime::TagMove& move) {
        journal.push_back({{"target", move.reference}, {"before", move.before}});
        return std::string();
    };
    options.log = [](std::string_view line) { std::cerr << line << "\n"; };
    const auto r =
        runtime::push_image(store, digest, client, a.server, a.repository, a.tags, options);
    return {{"ok", r.ok()},
            {"error", r.error},
            {"digest", r.digest},
            {"uploaded", r.uploaded},
            {"mounted", r.mounted},
            {"skipped", r.skipped},
            {"uploaded_bytes", r.uploaded_bytes},
            {"skipped_bytes", r.skipped_bytes},
            {"size", r.size},
            {"moved", r.moved.size()},
            {"journal", journal}};
}

} // namespace

int main(int argc, char** argv) {
    Args a;
    std::string error;
    if (!parse(argc, argv, a, error) || !make_endpoint(a, error)) {
        std::cerr << "ferry_push_tool: " << error << "\n";
        return 2;
    }
    nlohmann::ordered_json out;
    if (a.command == "push") {
        out = push(a);
    } else if (a.command == "delete-tag" || a.command == "delete-manifest") {
        runtime::RegistryClient client(a.endpoint);
        const auto r = a.command == "delete-tag"
                           ? client.delete_tag(a.repository, a.reference)
                           : client.delete_manifest(a.repository, a.reference);
        out = {{"ok", r.ok},
               {"error", r.error},
               {"unsupported", r.unsupported},
               {"not_found", r.not_found}};
    } else {
        std::cerr << "ferry_push_tool: unknown command " << a.command << "\n";
        return 2;
    }
    std::cout << out.dump() << "\n";
    return out.value("ok", false) ? 0 : 1;
}
