// lower(): the declarative model to the IR's stage tree. Matrix cells are expanded here.
#include "compiler/lower_detail.hpp"

#include <fmt/format.h>
#include <iterator>

namespace ferry::compiler::ir {
namespace {

namespace model = grammar::model;
namespace syntax = grammar::syntax;
using detail::id_segment;

std::string agent_kind(const std::optional<model::Agent>& agent) {
    return agent ? agent->type : std::string();
}

std::vector<EnvEntry> lower_environment(const std::optional<model::Environment>& env) {
    std::vector<EnvEntry> out;
    if (!env) {
        return out;
    }
    out.reserve(env->vars.size());
    for (const auto& var : env->vars) {
        EnvEntry entry;
        entry.name = var.name;
        entry.span = var.span;
        if (var.credentials_id) {
            entry.credential = var.credentials_id;
            // The id's own span: the first argument of `credentials('id')`.
            entry.credential_span = var.value->span;
            if (var.value->kind == syntax::ExprKind::call && !var.value->args.empty()) {
                entry.credential_span = var.value->args[0].value->span;
            }
        } else {
            entry.value = detail::lower_value(*var.value);
        }
        out.push_back(std::move(entry));
    }
    return out;
}

Condition lower_condition(const model::WhenCondition& c) {
    Condition out;
    out.kind = c.call.name;
    out.span = c.call.span;
    out.params = detail::bind_arguments(c.call, stdlib::find(stdlib::Kind::condition, c.call.name));
    for (const auto& child : c.children) {
        out.children.push_back(lower_condition(child));
    }
    out.expression_text = c.expression_text;
    out.expression_span = c.expression_span;
    return out;
}

std::optional<When> lower_when(const std::optional<model::When>& when) {
    if (!when) {
        return std::nullopt;
    }
    When out;
    out.span = when->span;
    for (const auto& c : when->conditions) {
        out.conditions.push_back(lower_condition(c));
    }
    out.before_agent = when->before_agent.value_or(false);
    out.before_input = when->before_input.value_or(false);
    out.before_options = when->before_options.value_or(false);
    return out;
}

std::string literal_text(const syntax::Expr* e) {
    if (e == nullptr) {
        return {};
    }
    if (e->kind == syntax::ExprKind::string || e->kind == syntax::ExprKind::number ||
        e->kind == syntax::ExprKind::boolean) {
        return e->value;
    }
    return std::string();
}

std::optional<Input> lower_input(const std::optional<model::Input>& input) {
    if (!input) {
        return std::nullopt;
    }
    Input out;
    out.span = input->span;
    const auto field = [&](std::string_view name) {
        const auto* f = input->field(name);
        return f != nullptr ? literal_text(f->value) : std::string();
    };
    out.message = field("message");
    out.id = field("id");
    out.ok = field("ok");
    out.submitter = field("submitter");
    out.submitter_parameter = field("submitterParameter");
    out.parameters = detail::lower_options(input->parameters, stdlib::Kind::parameter);
    return out;
}

std::vector<PostBlock> lower_post(const std::optional<model::Post>& post,
                                  const std::string& prefix) {
    std::vector<PostBlock> out;
    if (!post) {
        return out;
    }
    for (const auto name : post_order()) {
        for (const auto& c : post->conditions) {
            if (c.name == name) {
                out.push_back({c.name, c.span,
                               detail::lower_steps(c.steps, prefix + "post:" + c.name + "/")});
            }
        }
    }
    return out;
}

class Lowerer {
public:
    explicit Lowerer(grammar::Diagnostics& out) : diagnostics_(out) {}

    std::vector<Stage> stages(const model::Stages* stages, const std::string& parent_id) {
        std::vector<Stage> out;
        if (stages == nullptr) {
            return out;
        }
        out.reserve(stages->stages.size());
        for (const auto& s : stages->stages) {
            out.push_back(stage(s, parent_id));
        }
        return out;
    }

private:
    Stage stage(const model::Stage& s, const std::string& parent_id) {
        Stage out;
        out.name = s.name;
        out.id = (parent_id.empty() ? "" : parent_id + "/") + id_segment(s.name);
        out.span = s.span;
        out.name_span = s.name_span;
        out.agent = agent_kind(s.agent);
        out.when = lower_when(s.when);
        out.environment = lower_environment(s.environment);
        out.options = detail::lower_options(s.options, stdlib::Kind::option);
        out.input = lower_input(s.input);
        const std::string prefix = out.id + "/";
        out.post = lower_post(s.post, prefix);
        out.fail_fast = s.fail_fast.value_or(false);
        if (s.steps) {
            out.kind = StageKind::steps;
            out.steps = detail::lower_steps(*s.steps, prefix);
        } else if (s.stages) {
            out.kind = StageKind::sequential;
            out.children = stages(s.stages.get(), out.id);
        } else if (s.parallel) {
            out.kind = StageKind::parallel;
            out.children = stages(s.parallel.get(), out.id);
        } else if (s.matrix) {
            out.kind = StageKind::matrix;
            out.children = cells(*s.matrix, out.id);
        }
        return out;
    }

    /// The literal values of an axis; a non-literal is reported and left out.
    std::vector<std::string> axis_values(const model::Axis& axis) {
        std::vector<std::string> values;
        for (const auto& v : axis.values) {
            if (!v.literal) {
                diagnostics_.error("E0706", v.span,
                                   "a matrix axis value must be a literal: ferry expands the "
                                   "matrix before running, without evaluating Groovy");
                continue;
            }
            values.push_back(v.text);
        }
        return values;
    }

    using Cell = std::vector<std::pair<std::string, std::string>>;

    bool excluded(const model::Matrix& matrix, const Cell& cell) {
        for (const auto& exclude : matrix.excludes) {
            bool all = !exclude.axes.empty();
            for (const auto& axis : exclude.axes) {
                const std::string name = axis.name ? axis.name->text : std::string();
                const auto it = std::find_if(cell.begin(), cell.end(),
                                             [&](const auto& kv) { return kv.first == name; });
                if (it == cell.end()) {
                    all = false;
                    break;
                }
                bool listed = false;
                for (const auto& v : axis.values) {
                    listed = listed || v.text == it->second;
                }
                if (listed == axis.has_not_values) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    std::vector<Stage> cells(const model::Matrix& matrix, const std::string& parent_id) {
        std::vector<Cell> combos{{}};
        for (const auto& axis : matrix.axes) {
            const std::string name = axis.name ? axis.name->text : std::string();
            std::vector<Cell> next;
            for (const auto& combo : combos) {
                for (const auto& value : axis_values(axis)) {
                    Cell c = combo;
                    c.emplace_back(name, value);
                    next.push_back(std::move(c));
                }
            }
            combos = std::move(next);
        }
        std::vector<Stage> out;
        for (const auto& cell : combos) {
            if (!cell.empty() && !excluded(matrix, cell)) {
                out.push_back(matrix_cell(matrix, cell, parent_id));
            }
        }
        return out;
    }

    Stage matrix_cell(const model::Matrix& matrix, const Cell& cell, const std::string& parent_id) {
        Stage out;
        std::string label;
        std::string key;
        for (const auto& [name, value] : cell) {
            label += fmt::format("{}{} = '{}'", label.empty() ? "" : ", ", name, value);
            key += fmt::format("{}{}={}", key.empty() ? "" : ",", name, value);
        }
        out.name = label;
        out.id = parent_id + "/" + id_segment(key);
        out.span = matrix.span;
        out.name_span = matrix.span;
        out.agent = agent_kind(matrix.agent);
        out.when = lower_when(matrix.when);
        for (const auto& [name, value] : cell) {
            EnvEntry e;
            e.name = name;
            e.span = matrix.axes_span.value_or(matrix.span);
            e.value.kind = Value::Kind::string;
            e.value.text = value;
            e.axis = true;
            out.environment.push_back(std::move(e));
        }
        auto own = lower_environment(matrix.environment);
        out.environment.insert(out.environment.end(), std::make_move_iterator(own.begin()),
                               std::make_move_iterator(own.end()));
        out.options = detail::lower_options(matrix.options, stdlib::Kind::option);
        out.input = lower_input(matrix.input);
        out.post = lower_post(matrix.post, out.id + "/");
        out.kind = StageKind::sequential;
        out.axis_values = cell;
        out.children = stages(matrix.stages.get(), out.id);
        return out;
    }

    grammar::Diagnostics& diagnostics_;
};

void visit_stages(const std::vector<Stage>& stages,
                  const std::function<void(const Stage&)>& visit) {
    for (const auto& s : stages) {
        visit(s);
        visit_stages(s.children, visit);
    }
}

Parameter lower_parameter(const model::Invocation& call) {
    Parameter p;
    p.type = call.name;
    p.span = call.span;
    auto params = detail::bind_arguments(call, stdlib::find(stdlib::Kind::parameter, call.name));
    for (auto& param : params) {
        if (param.name == "name" && param.value.kind == Value::Kind::string) {
            p.name = param.value.text;
        } else if (param.name == "defaultValue" || param.name == "value") {
            p.default_value = std::move(param.value);
        } else if (param.name == "description" && param.value.kind == Value::Kind::string) {
            p.description = param.value.text;
        } else if (param.name == "choices") {
            if (param.value.kind == Value::Kind::list) {
                for (const auto& item : param.value.items) {
                    p.choices.push_back(item.text);
                }
            } else if (param.value.kind == Value::Kind::string) {
                std::string line;
                for (char ch : param.value.text + "\n") {
                    if (ch == '\n') {
                        p.choices.push_back(line);
                        line.clear();
                    } else {
                        line += ch;
                    }
                }
            }
        }
    }
    p.secret = call.name == "password";
    return p;
}

} // namespace

std::optional<Pipeline> lower(const grammar::model::Document& document, grammar::Diagnostics& out) {
    if (!document.pipeline) {
        return std::nullopt;
    }
    const auto& p = *document.pipeline;
    Pipeline ir;
    ir.source = document.source;
    ir.span = p.span;
    ir.agent = agent_kind(p.agent);
    ir.environment = lower_environment(p.environment);
    ir.options = detail::lower_options(p.options, stdlib::Kind::option);
    ir.triggers = detail::lower_options(p.triggers, stdlib::Kind::trigger);
    if (p.parameters) {
        for (const auto& item : p.parameters->items) {
            ir.parameters.push_back(lower_parameter(item));
        }
    }
    Lowerer lowerer(out);
    ir.stages = lowerer.stages(p.stages.get(), "");
    ir.post = lower_post(p.post, "");
    return ir;
}

void for_each_stage(const Pipeline& pipeline, const std::function<void(const Stage&)>& visit) {
    visit_stages(pipeline.stages, visit);
}

} // namespace ferry::compiler::ir
