// String (and List) methods of the safe evaluator, and GString templates.
#include "compiler/evaluate_detail.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <fmt/format.h>
#include <regex>

namespace ferry::compiler {
namespace detail {
namespace {

namespace syntax = grammar::syntax;
using K = EvalValue::Kind;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

std::string upper(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    return s;
}

std::string trim(std::string_view s) {
    const auto blank = [](unsigned char c) { return c <= ' '; };
    while (!s.empty() && blank(static_cast<unsigned char>(s.front()))) {
        s.remove_prefix(1);
    }
    while (!s.empty() && blank(static_cast<unsigned char>(s.back()))) {
        s.remove_suffix(1);
    }
    return std::string(s);
}

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    if (from.empty()) {
        return s;
    }
    for (std::size_t at = s.find(from); at != std::string::npos;
         at = s.find(from, at + to.size())) {
        s.replace(at, from.size(), to);
    }
    return s;
}

/// Java's String.split: a regex separator, trailing empty strings dropped.
std::optional<EvalValue> split(const std::string& s, const std::string& pattern) {
    std::regex re;
    try {
        re = std::regex(pattern, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
        return std::nullopt;
    }
    EvalValue out;
    out.kind = K::list;
    std::sregex_token_iterator it(s.begin(), s.end(), re, -1);
    for (; it != std::sregex_token_iterator(); ++it) {
        out.items.push_back(EvalValue::of(it->str()));
    }
    while (!out.items.empty() && out.items.back().text.empty()) {
        out.items.pop_back();
    }
    return out;
}

struct Call {
    const syntax::Expr& e;
    const EvalValue& self;
    const std::vector<EvalValue>& args;
};

Evaluated arity_error(const Call& c, std::size_t n) {
    return fail("E0706", c.e.span,
                fmt::format("`{}` takes {} argument{}", c.e.name, n, n == 1 ? "" : "s"));
}

std::optional<std::string> text_arg(const Call& c, std::size_t i) {
    if (i < c.args.size() && c.args[i].kind == K::string) {
        return c.args[i].text;
    }
    return std::nullopt;
}

Evaluated string_method(const Call& c) {
    const std::string& s = c.self.text;
    const std::string& name = c.e.name;
    if (name == "trim" || name == "toLowerCase" || name == "toUpperCase" || name == "size" ||
        name == "length" || name == "isEmpty" || name == "toInteger" || name == "toBoolean" ||
        name == "toString") {
        if (!c.args.empty()) {
            return arity_error(c, 0);
        }
        if (name == "trim") {
            return known(EvalValue::of(trim(s)));
        }
        if (name == "toLowerCase") {
            return known(EvalValue::of(lower(s)));
        }
        if (name == "toUpperCase") {
            return known(EvalValue::of(upper(s)));
        }
        if (name == "size" || name == "length") {
            return known(EvalValue::of(static_cast<long long>(s.size())));
        }
        if (name == "isEmpty") {
            return known(EvalValue::of(s.empty()));
        }
        if (name == "toString") {
            return known(c.self);
        }
        if (name == "toBoolean") {
            const std::string t = lower(trim(s));
            return known(EvalValue::of(t == "true" || t == "y" || t == "1"));
        }
        long long i = 0;
        const std::string t = trim(s);
        const auto [ptr, ec] = std::from_chars(t.data(), t.data() + t.size(), i);
        if (t.empty() || ec != std::errc{} || ptr != t.data() + t.size()) {
            return fail("E0706", c.e.span, fmt::format("'{}' is not an integer", s));
        }
        return known(EvalValue::of(i));
    }
    if (name == "startsWith" || name == "endsWith" || name == "contains" || name == "matches" ||
        name == "equals" || name == "equalsIgnoreCase" || name == "split") {
        const auto arg = text_arg(c, 0);
        if (c.args.size() != 1 || !arg) {
            return arity_error(c, 1);
        }
        if (name == "startsWith") {
            return known(EvalValue::of(s.rfind(*arg, 0) == 0));
        }
        if (name == "endsWith") {
            return known(EvalValue::of(s.size() >= arg->size() &&
                                       s.compare(s.size() - arg->size(), arg->size(), *arg) == 0));
        }
        if (name == "contains") {
            return known(EvalValue::of(s.find(*arg) != std::string::npos));
        }
        if (name == "equals") {
            return known(EvalValue::of(s == *arg));
        }
        if (name == "equalsIgnoreCase") {
            return known(EvalValue::of(lower(s) == lower(*arg)));
        }
        if (name == "split") {
            if (auto list = split(s, *arg)) {
                return known(std::move(*list));
            }
        } else {
            try {
                return known(EvalValue::of(std::regex_match(s, std::regex(*arg))));
            } catch (const std::regex_error&) {
            }
        }
        return fail("E0706", c.e.span, fmt::format("`{}` is not a valid regular expression", *arg));
    }
    if (name == "replace") {
        const auto from = text_arg(c, 0);
        const auto to = text_arg(c, 1);
        if (c.args.size() != 2 || !from || !to) {
            return arity_error(c, 2);
        }
        return known(EvalValue::of(replace_all(s, *from, *to)));
    }
    if (name == "substring") {
        if (c.args.empty() || c.args.size() > 2 ||
            std::any_of(c.args.begin(), c.args.end(),
                        [](const auto& a) { return a.kind != K::integer; })) {
            return fail("E0706", c.e.span, "`substring` takes one or two integers");
        }
        const long long size = static_cast<long long>(s.size());
        const long long from = c.args[0].integer;
        const long long to = c.args.size() == 2 ? c.args[1].integer : size;
        if (from < 0 || to > size || from > to) {
            return fail(
                "E0706", c.e.span,
                fmt::format("substring({}, {}) is outside a string of length {}", from, to, size));
        }
        return known(EvalValue::of(
            s.substr(static_cast<std::size_t>(from), static_cast<std::size_t>(to - from))));
    }
    return fail("E0706", c.e.name_span,
                fmt::format("the method `{}` is outside the safe subset; ferry evaluates trim, "
                            "toLowerCase, toUpperCase, startsWith, endsWith, contains, replace, "
                            "split, size, length, isEmpty, toInteger, toBoolean, matches, "
                            "substring, equals and equalsIgnoreCase",
                            name));
}

Evaluated list_method(const Call& c) {
    const auto& items = c.self.items;
    if ((c.e.name == "size" || c.e.name == "isEmpty") && c.args.empty()) {
        return known(c.e.name == "size" ? EvalValue::of(static_cast<long long>(items.size()))
                                        : EvalValue::of(items.empty()));
    }
    if (c.e.name == "contains" && c.args.size() == 1) {
        return known(EvalValue::of(std::any_of(items.begin(), items.end(), [&](const auto& x) {
            return groovy_equals(x, c.args[0]);
        })));
    }
    return fail("E0706", c.e.name_span,
                fmt::format("the list method `{}` is outside the safe subset (size, isEmpty, "
                            "contains)",
                            c.e.name));
}

} // namespace

Evaluated method_call(const syntax::Expr& e, const Scope& scope) {
    if (!e.target || e.has_block || e.op == "*.") {
        return fail(
            "E0706", e.span,
            fmt::format("calling `{}` is outside the safe subset: ferry evaluates no Groovy "
                        "functions, only a few String methods",
                        e.name));
    }
    Evaluated self = evaluate(*e.target, scope);
    if (self.error) {
        return self;
    }
    std::vector<EvalValue> args;
    Evaluated out;
    merge_deferred(out, self);
    for (const auto& arg : e.args) {
        if (arg.name) {
            return fail("E0706", arg.name_span, "named arguments are outside the safe subset");
        }
        Evaluated a = evaluate(*arg.value, scope);
        if (a.error) {
            return a;
        }
        merge_deferred(out, a);
        if (a.value) {
            args.push_back(*a.value);
        }
    }
    if (!out.deferred.empty()) {
        return out;
    }
    if (self.value->kind == K::null && e.op == "?.") {
        return known(EvalValue{});
    }
    const Call call{e, *self.value, args};
    if (self.value->kind == K::list) {
        return list_method(call);
    }
    if (self.value->kind == K::string) {
        return string_method(call);
    }
    if (e.name == "toString" && args.empty()) {
        return known(EvalValue::of(to_text(*self.value)));
    }
    return fail("E0706", e.span,
                fmt::format("`{}` is called on {}, which has no such method in the safe subset",
                            e.name, self.value->kind == K::null ? "null" : to_text(*self.value)));
}

} // namespace detail

namespace {

void collect_names(const grammar::syntax::Expr& e, std::vector<std::string>& out) {
    using grammar::syntax::ExprKind;
    const auto add = [&](std::string name) {
        if (std::find(out.begin(), out.end(), name) == out.end()) {
            out.push_back(std::move(name));
        }
    };
    if (e.kind == ExprKind::ident && e.value != "env" && e.value != "params") {
        add(e.value);
    } else if (e.kind == ExprKind::property && e.target && e.target->kind == ExprKind::ident &&
               (e.target->value == "env" || e.target->value == "params")) {
        add(e.target->value == "env" ? e.value : "params." + e.value);
        return;
    }
    for (const auto& part : e.parts) {
        if (part.expr) {
            collect_names(*part.expr, out);
        }
    }
    for (const auto* child : {e.target.get(), e.lhs.get(), e.rhs.get()}) {
        if (child != nullptr) {
            collect_names(*child, out);
        }
    }
    for (const auto& arg : e.args) {
        collect_names(*arg.value, out);
    }
}

} // namespace

std::vector<std::string> referenced_names(const grammar::syntax::Expr& expr) {
    std::vector<std::string> out;
    collect_names(expr, out);
    return out;
}

std::string template_text(const grammar::syntax::Expr& gstring) {
    std::string out;
    for (const auto& part : gstring.parts) {
        if (part.is_expr) {
            out += part.braced ? "${" + part.text + "}" : "$" + part.text;
            continue;
        }
        for (char ch : part.text) {
            if (ch == '$' || ch == '\\') {
                out += '\\';
            }
            out += ch;
        }
    }
    return out;
}

} // namespace ferry::compiler
