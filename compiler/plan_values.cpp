// Step parameters as plan JSON, image references, and evaluation errors as diagnostics.
#include "compiler/plan_detail.hpp"

#include <fmt/format.h>

namespace ferry::compiler {
namespace detail {
namespace {} // namespace

void Planner::report(const EvalError& error, std::string_view stage_name) {
    std::string message = error.message;
    if (!stage_name.empty()) {
        message = fmt::format("stage '{}': {}", stage_name, message);
    }
    result.diagnostics.error(error.code, error.span, std::move(message));
}

Json Planner::value_json(const ir::Value& v, const Scope& scope, bool report_errors) {
    using K = ir::Value::Kind;
    switch (v.kind) {
    case K::null:
        return nullptr;
    case K::string:
        return v.text;
    case K::boolean:
        return v.boolean;
    case K::integer:
        return v.integer;
    case K::number:
        return v.number;
    case K::list: {
        Json out = Json::array();
        out.get_ref<Json::array_t&>().reserve(v.items.size());
        for (const auto& item : v.items) {
            out.push_back(value_json(item, scope, report_errors));
        }
        return out;
    }
    case K::map:
    case K::call: {
        Json out = Json::object();
        // Sized first: growing an ordered_json object copies its members (their keys are const).
        out.get_ref<Json::object_t&>().reserve(v.entries.size() + (v.kind == K::call ? 1 : 0));
        if (v.kind == K::call) {
            out["$describable"] = v.text;
        }
        for (const auto& [key, item] : v.entries) {
            out[key] = value_json(item, scope, report_errors);
        }
        return out;
    }
    case K::expression:
        break;
    }
    Evaluated e = evaluate(*v.expr, scope);
    if (e.error) {
        if (report_errors) {
            report(*e.error, "");
        }
        return nullptr;
    }
    if (e.value && !e.secret) {
        return to_json_value<Json>(*e.value);
    }
    // Known only at run time: the runtime interpolates the template with Jenkins' rules.
    const bool gstring = v.expr->kind == grammar::syntax::ExprKind::gstring;
    Json out = Json::object();
    out[gstring ? "$template" : "$expression"] =
        gstring ? template_text(*v.expr) : std::string(pipeline.source->slice(v.span));
    out["variables"] = e.deferred;
    if (e.secret) {
        out["secret"] = true;
    }
    return out;
}

} // namespace detail

namespace detail {

bool names_registry(std::string_view name) {
    const auto slash = name.find('/');
    if (slash == std::string_view::npos) {
        return false;
    }
    const auto first = name.substr(0, slash);
    return first == "localhost" || first.find('.') != std::string_view::npos ||
           first.find(':') != std::string_view::npos;
}

} // namespace detail

namespace {

bool has_tag_or_digest(std::string_view name) {
    if (name.find('@') != std::string_view::npos) {
        return true;
    }
    const auto slash = name.rfind('/');
    const auto last = slash == std::string_view::npos ? name : name.substr(slash + 1);
    return last.find(':') != std::string_view::npos;
}

} // namespace

std::string resolve_image(std::string_view name, const Registry* registry) {
    std::string ref;
    if (detail::names_registry(name) || registry == nullptr) {
        ref = std::string(name);
    } else {
        ref = registry->repository(name);
    }
    if (!has_tag_or_digest(ref)) {
        ref += ":latest";
    }
    return ref;
}

bool is_mutable_reference(std::string_view reference) {
    if (reference.find('@') != std::string_view::npos) {
        return false;
    }
    if (!has_tag_or_digest(reference)) {
        return true;
    }
    const auto colon = reference.rfind(':');
    return reference.substr(colon + 1) == "latest";
}

} // namespace ferry::compiler
