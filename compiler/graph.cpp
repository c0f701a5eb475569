// to_dot(): the stage and step graph for Graphviz. Stages are clusters, steps are nodes, and
// edges follow execution order: sequences chain, parallel branches and matrix cells fan out
// from their stage's entry and join at its exit.
#include "compiler/ir.hpp"

#include <fmt/format.h>

namespace ferry::compiler::ir {
namespace {

std::string quoted(std::string_view text) {
    std::string out = "\"";
    for (char ch : text) {
        if (ch == '"' || ch == '\\') {
            out += '\\';
        }
        out += ch == '\n' ? ' ' : ch;
    }
    return out + "\"";
}

class Dot {
public:
    std::string out;

    /// Emits a stage; returns its entry and exit node names.
    std::pair<std::string, std::string> stage(const Stage& s, int depth) {
        const std::string pad(static_cast<std::size_t>(depth) * 2 + 2, ' ');
        const std::string entry = "stage:" + s.id;
        const std::string exit = "end:" + s.id;
        out += fmt::format("{}subgraph {} {{\n", pad, quoted("cluster_" + s.id));
        out += fmt::format("{}  label={};\n", pad, quoted(s.name + (s.when ? " (when)" : "")));
        out += fmt::format("{}  {} [label={}, shape=box];\n", pad, quoted(entry), quoted(s.name));
        out += fmt::format("{}  {} [label=\"\", shape=point];\n", pad, quoted(exit));
        if (s.kind == StageKind::steps) {
            std::string last = entry;
            chain(s.steps, last, pad + "  ");
            edge(last, exit);
        } else if (s.kind == StageKind::sequential) {
            std::string last = entry;
            for (const auto& child : s.children) {
                auto [in, end] = stage(child, depth + 1);
                edge(last, in);
                last = end;
            }
            edge(last, exit);
        } else {
            for (const auto& child : s.children) {
                auto [in, end] = stage(child, depth + 1);
                edge(entry, in);
                edge(end, exit);
            }
        }
        out += pad + "}\n";
        return {entry, exit};
    }

    void chain(const std::vector<Step>& steps, std::string& last, const std::string& pad) {
        for (const auto& step : steps) {
            const std::string node = "step:" + step.id;
            out += fmt::format("{}{} [label={}];\n", pad, quoted(node), quoted(step.kind));
            edge(last, node);
            last = node;
            chain(step.body, last, pad);
            std::vector<std::string> ends;
            for (const auto& branch : step.branches) {
                std::string branch_last = node;
                chain(branch.steps, branch_last, pad);
                ends.push_back(branch_last);
            }
            if (!ends.empty()) {
                const std::string join = "join:" + step.id;
                out += fmt::format("{}{} [label=\"\", shape=point];\n", pad, quoted(join));
                for (const auto& e : ends) {
                    edge(e, join);
                }
                last = join;
            }
        }
    }

    void edge(const std::string& from, const std::string& to) {
        edges_ += fmt::format("  {} -> {};\n", quoted(from), quoted(to));
    }

    std::string edges_;
};

} // namespace

std::string to_dot(const Pipeline& pipeline) {
    Dot dot;
    dot.out = "digraph pipeline {\n  rankdir=TB;\n  node [fontname=\"Helvetica\"];\n";
    dot.out += "  \"start\" [shape=circle, label=\"start\"];\n";
    std::string last = "start";
    for (const auto& s : pipeline.stages) {
        auto [in, end] = dot.stage(s, 0);
        dot.edge(last, in);
        last = end;
    }
    if (!pipeline.post.empty()) {
        dot.out += "  subgraph \"cluster_post\" {\n    label=\"post\";\n";
        for (const auto& block : pipeline.post) {
            std::string from = last;
            dot.chain(block.steps, from, "    ");
        }
        dot.out += "  }\n";
    }
    return dot.out + dot.edges_ + "}\n";
}

} // namespace ferry::compiler::ir
