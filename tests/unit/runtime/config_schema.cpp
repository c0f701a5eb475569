// docs/config.md's examples load without diagnostics and validate against docs/ferry.schema.json
// (with Python's jsonschema, the one validator at hand; see the message when it is missing).
#include "runtime/config.hpp"

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

namespace {

using namespace ferry;
namespace fs = std::filesystem;

const fs::path source_dir = FERRY_SOURCE_DIR;

std::string read(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

// Every ```yaml block of a markdown file.
std::vector<std::string> yaml_blocks(const std::string& markdown) {
    std::vector<std::string> blocks;
    std::istringstream in(markdown);
    std::string line;
    std::string block;
    bool inside = false;
    while (std::getline(in, line)) {
        if (!inside && line == "```yaml") {
            inside = true;
            block.clear();
        } else if (inside && line == "```") {
            inside = false;
            blocks.push_back(block);
        } else if (inside) {
            block += line + "\n";
        }
    }
    return blocks;
}

// YAML → JSON with YAML 1.2 core types for plain scalars, as a schema-aware editor sees it.
nlohmann::json to_json(const YAML::Node& node) {
    switch (node.Type()) {
    case YAML::NodeType::Map: {
        auto object = nlohmann::json::object();
        for (const auto& pair : node) {
            object[pair.first.Scalar()] = to_json(pair.second);
        }
        return object;
    }
    case YAML::NodeType::Sequence: {
        auto array = nlohmann::json::array();
        for (const auto& item : node) {
            array.push_back(to_json(item));
        }
        return array;
    }
    case YAML::NodeType::Scalar: {
        const std::string& text = node.Scalar();
        if (node.Tag() == "?") {
            if (text == "true" || text == "false") {
                return text == "true";
            }
            if (!text.empty() && text.find_first_not_of("-0123456789") == std::string::npos) {
                return std::stoll(text);
            }
        }
        return text;
    }
    default:
        return nullptr;
    }
}

// Debian's python3-jsonschema (scripts/install-deps) lives beside /usr/bin/python3; another
// python3 earlier on PATH may lack it.
std::string python_with_jsonschema() {
    for (const char* python : {"/usr/bin/python3", "python3"}) {
        const std::string probe = std::string(python) + " -c 'import jsonschema' >/dev/null 2>&1";
        if (std::system(probe.c_str()) == 0) {
            return python;
        }
    }
    return {};
}

bool have_jsonschema() {
    if (!python_with_jsonschema().empty()) {
        return true;
    }
    FAIL("Python's jsonschema is missing: run scripts/install-deps (it installs "
         "python3-jsonschema), or pip install jsonschema");
    return false;
}

// Runs jsonschema over each document; returns how many validated.
int validate(const std::vector<nlohmann::json>& documents, const fs::path& dir, bool show) {
    const auto list = dir / "documents.json";
    std::ofstream(list) << nlohmann::json(documents).dump();
    const auto script = dir / "validate.py";
    std::ofstream(script) << "import json, sys, jsonschema\n"
                             "schema = json.load(open(sys.argv[1]))\n"
                             "validator = jsonschema.Draft202012Validator(schema)\n"
                             "ok = 0\n"
                             "for i, doc in enumerate(json.load(open(sys.argv[2]))):\n"
                             "    errors = list(validator.iter_errors(doc))\n"
                             "    if sys.argv[4] == 'show':\n"
                             "        for e in errors: print(i, e.json_path, e.message)\n"
                             "    ok += not errors\n"
                             "open(sys.argv[3], 'w').write(str(ok))\n";
    const auto result = dir / "result";
    const std::string command = python_with_jsonschema() + " '" + script.string() + "' '" +
                                (source_dir / "docs/ferry.schema.json").string() + "' '" +
                                list.string() + "' '" + result.string() + "' " +
                                (show ? "show" : "quiet");
    if (std::system(command.c_str()) != 0) {
        return -1;
    }
    return std::stoi(read(result));
}

struct TempDir {
    fs::path path = fs::temp_directory_path() / ("ferry-schema-" + std::to_string(::getpid()));
    TempDir() { fs::create_directories(path); }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path, ec);
    }
};

std::vector<std::string> examples() {
    auto blocks = yaml_blocks(read(source_dir / "docs/config.md"));
    blocks.push_back(read(source_dir / "tests/data/config/ferry.yaml"));
    return blocks;
}

} // namespace

TEST_CASE("the documented examples load without diagnostics", "[config][schema]") {
    const auto blocks = examples();
    REQUIRE(blocks.size() >= 4);
    for (const auto& block : blocks) {
        auto source = std::make_shared<const grammar::SourceFile>("ferry.yaml", block);
        const auto loaded = runtime::parse_config(source, {"/p", "/home/u"});
        INFO(block);
        CHECK(loaded.ok());
        CHECK(loaded.diagnostics.empty());
    }
}

TEST_CASE("the documented examples validate against ferry.schema.json", "[config][schema]") {
    REQUIRE(have_jsonschema());
    std::vector<nlohmann::json> documents;
    for (const auto& block : examples()) {
        documents.push_back(to_json(YAML::Load(block)));
    }
    TempDir dir;
    CHECK(validate(documents, dir.path, true) == static_cast<int>(documents.size()));
}

TEST_CASE("the schema rejects what the loader rejects", "[config][schema]") {
    REQUIRE(have_jsonschema());
    const std::vector<std::string> wrong = {
        "registrys: {}\n",
        "registries: { r: { servr: x } }\n",
        "clusters: { lab: { kubeconfig: k } }\n",
        "environments: { t: { cluster: c, namespace: Bad_NS } }\n",
        "credentials: { d: { type: usernamePassword, username: u, password: hunter2 } }\n",
        "credentials: { t: { type: string, env: A, file: b } }\n",
        "credentials: { t: { type: strin, env: A } }\n",
        "registries: { r: { server: x, tls: { ca: c, insecure: true } } }\n",
        "version: 2\n",
    };
    std::vector<nlohmann::json> documents;
    for (const auto& text : wrong) {
        auto source = std::make_shared<const grammar::SourceFile>("ferry.yaml", text);
        INFO(text);
        CHECK_FALSE(runtime::parse_config(source, {"/p", "/home/u"}).ok());
        documents.push_back(to_json(YAML::Load(text)));
    }
    TempDir dir;
    CHECK(validate(documents, dir.path, false) == 0);
}
