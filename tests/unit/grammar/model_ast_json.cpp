// The model against the plugin's own AST serialisation: for the 49 valid corpus files that have an
// ast-json twin, the outline of the model (sections, stages, steps, conditions, axes) must match
// the outline of the JSON the plugin produced from the same file.

#include "grammar/frontend.hpp"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;
using namespace ferry::grammar;
using nlohmann::json;

const fs::path corpus = fs::path(FERRY_SHARED_DIR) / "conformance" / "jenkins-declarative";

std::string read(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

/// An indented outline, one line per node.
class Outline {
public:
    void line(int depth, const std::string& text) {
        out_ += std::string(static_cast<std::size_t>(depth) * 2, ' ') + text + '\n';
    }
    [[nodiscard]] const std::string& str() const { return out_; }

private:
    std::string out_;
};

// ---------------------------------------------------------------- the model side

void outline_steps(Outline& o, int depth, const model::Steps& steps) {
    for (const auto& st : steps.steps) {
        o.line(depth, "step " + st.call.name);
        if (st.body) {
            outline_steps(o, depth + 1, *st.body);
        }
    }
}

void outline_when(Outline& o, int depth, const model::WhenCondition& c) {
    o.line(depth, "when " + c.call.name);
    for (const auto& child : c.children) {
        outline_when(o, depth + 1, child);
    }
}

void outline_stages(Outline& o, int depth, const model::Stages& stages);

void outline_stage(Outline& o, int depth, const model::Stage& st) {
    o.line(depth, "stage " + st.name);
    if (st.agent) {
        o.line(depth + 1, "agent " + st.agent->type);
    }
    if (st.environment) {
        for (const auto& v : st.environment->vars) {
            o.line(depth + 1, "env " + v.name);
        }
    }
    if (st.when) {
        for (const auto& c : st.when->conditions) {
            outline_when(o, depth + 1, c);
        }
    }
    std::optional<bool> fail_fast = st.fail_fast;
    if (st.steps) {
        const auto& steps = st.steps->steps;
        if (steps.size() == 1 && !steps[0].branches.empty()) {
            for (const auto& b : steps[0].branches) {
                o.line(depth + 1, "branch " + b.name);
                outline_steps(o, depth + 2, *b.steps);
            }
            fail_fast = fail_fast ? fail_fast : steps[0].branches_fail_fast;
        } else {
            outline_steps(o, depth + 1, *st.steps);
        }
    }
    if (fail_fast) {
        o.line(depth + 1, std::string("failFast ") + (*fail_fast ? "true" : "false"));
    }
    if (st.stages) {
        o.line(depth + 1, "stages");
        outline_stages(o, depth + 2, *st.stages);
    }
    if (st.parallel) {
        o.line(depth + 1, "parallel");
        outline_stages(o, depth + 2, *st.parallel);
    }
    if (st.matrix) {
        for (const auto& axis : st.matrix->axes) {
            std::string values;
            for (const auto& v : axis.values) {
                values += " " + v.text;
            }
            o.line(depth + 1, "axis " + (axis.name ? axis.name->text : "?") + values);
        }
        o.line(depth + 1, "excludes " + std::to_string(st.matrix->excludes.size()));
        if (st.matrix->stages) {
            o.line(depth + 1, "stages");
            outline_stages(o, depth + 2, *st.matrix->stages);
        }
    }
    if (st.post) {
        for (const auto& c : st.post->conditions) {
            o.line(depth + 1, "post " + c.name);
            outline_steps(o, depth + 2, c.steps);
        }
    }
}

void outline_stages(Outline& o, int depth, const model::Stages& stages) {
    for (const auto& st : stages.stages) {
        outline_stage(o, depth, st);
    }
}

std::string outline_model(const model::Pipeline& p) {
    Outline o;
    if (p.agent) {
        o.line(0, "agent " + p.agent->type);
    }
    if (p.environment) {
        for (const auto& v : p.environment->vars) {
            o.line(0, "env " + v.name);
        }
    }
    for (const auto* list : {&p.options, &p.parameters, &p.triggers}) {
        if (*list) {
            for (const auto& item : (*list)->items) {
                o.line(0, "item " + item.name);
            }
        }
    }
    if (p.tools) {
        for (const auto& t : p.tools->tools) {
            o.line(0, "tool " + t.type);
        }
    }
    if (p.stages) {
        outline_stages(o, 0, *p.stages);
    }
    if (p.post) {
        for (const auto& c : p.post->conditions) {
            o.line(0, "post " + c.name);
            outline_steps(o, 1, c.steps);
        }
    }
    return o.str();
}

// ---------------------------------------------------------------- the JSON side

void json_steps(Outline& o, int depth, const json& steps) {
    for (const auto& st : steps) {
        o.line(depth, "step " + st.value("name", std::string("?")));
        if (st.contains("children")) {
            json_steps(o, depth + 1, st["children"]);
        }
    }
}

void json_when(Outline& o, int depth, const json& c) {
    o.line(depth, "when " + c.value("name", std::string("?")));
    if (c.contains("children")) {
        for (const auto& child : c["children"]) {
            json_when(o, depth + 1, child);
        }
    }
}

std::string literal_text(const json& v) {
    const json& value = v.contains("value") ? v["value"] : v;
    return value.is_string() ? value.get<std::string>() : value.dump();
}

void json_stages(Outline& o, int depth, const json& stages);

void json_stage(Outline& o, int depth, const json& st) {
    o.line(depth, "stage " + st.value("name", std::string("?")));
    if (st.contains("agent")) {
        o.line(depth + 1, "agent " + st["agent"].value("type", std::string("?")));
    }
    if (st.contains("environment")) {
        for (const auto& v : st["environment"]) {
            o.line(depth + 1, "env " + v.value("key", std::string("?")));
        }
    }
    if (st.contains("when")) {
        for (const auto& c : st["when"]["conditions"]) {
            json_when(o, depth + 1, c);
        }
    }
    if (st.contains("branches")) {
        const auto& branches = st["branches"];
        if (branches.size() == 1 && branches[0].value("name", std::string()) == "default") {
            json_steps(o, depth + 1, branches[0]["steps"]);
        } else {
            for (const auto& b : branches) {
                o.line(depth + 1, "branch " + b.value("name", std::string("?")));
                json_steps(o, depth + 2, b["steps"]);
            }
        }
    }
    if (st.contains("failFast")) {
        o.line(depth + 1,
               std::string("failFast ") + (st["failFast"].get<bool>() ? "true" : "false"));
    }
    if (st.contains("stages")) {
        o.line(depth + 1, "stages");
        json_stages(o, depth + 2, st["stages"]);
    }
    if (st.contains("parallel")) {
        o.line(depth + 1, "parallel");
        json_stages(o, depth + 2, st["parallel"]);
    }
    if (st.contains("matrix")) {
        const auto& m = st["matrix"];
        for (const auto& axis : m["axes"]) {
            std::string values;
            for (const auto& v : axis["values"]) {
                values += " " + literal_text(v);
            }
            o.line(depth + 1, "axis " + axis.value("name", std::string("?")) + values);
        }
        o.line(depth + 1,
               "excludes " + std::to_string(m.contains("excludes") ? m["excludes"].size() : 0));
        if (m.contains("stages")) {
            o.line(depth + 1, "stages");
            json_stages(o, depth + 2, m["stages"]);
        }
    }
    if (st.contains("post")) {
        for (const auto& c : st["post"]["conditions"]) {
            o.line(depth + 1, "post " + c.value("condition", std::string("?")));
            json_steps(o, depth + 2, c["branch"]["steps"]);
        }
    }
}

void json_stages(Outline& o, int depth, const json& stages) {
    for (const auto& st : stages) {
        json_stage(o, depth, st);
    }
}

std::string outline_json(const json& p) {
    Outline o;
    if (p.contains("agent")) {
        o.line(0, "agent " + p["agent"].value("type", std::string("?")));
    }
    if (p.contains("environment")) {
        for (const auto& v : p["environment"]) {
            o.line(0, "env " + v.value("key", std::string("?")));
        }
    }
    for (const char* section : {"options", "parameters", "triggers"}) {
        if (p.contains(section)) {
            for (const auto& item : p[section][section]) {
                o.line(0, "item " + item.value("name", std::string("?")));
            }
        }
    }
    if (p.contains("tools")) {
        for (const auto& t : p["tools"]) {
            o.line(0, "tool " + t.value("key", std::string("?")));
        }
    }
    if (p.contains("stages")) {
        json_stages(o, 0, p["stages"]);
    }
    if (p.contains("post")) {
        for (const auto& c : p["post"]["conditions"]) {
            o.line(0, "post " + c.value("condition", std::string("?")));
            json_steps(o, 1, c["branch"]["steps"]);
        }
    }
    return o.str();
}

} // namespace

TEST_CASE("the model outlines the same pipeline as the plugin's AST JSON", "[model][corpus]") {
    int compared = 0;
    for (const auto& entry : fs::directory_iterator(corpus / "ast-json")) {
        const std::string stem = entry.path().stem().string();
        const fs::path groovy = corpus / "valid" / (stem + ".groovy");
        if (!fs::exists(groovy)) {
            continue;
        }
        ++compared;
        const json tree = json::parse(read(entry.path()));
        const Frontend fe = load(std::make_shared<SourceFile>(groovy.string(), read(groovy)));
        INFO(stem);
        REQUIRE(fe.document.pipeline);
        CHECK(outline_model(*fe.document.pipeline) == outline_json(tree["pipeline"]));
    }
    CHECK(compared == 49);
}
