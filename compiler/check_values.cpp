// How the Jenkins plugin sees a literal: the Java class Groovy gives it and how Java prints it.
// The type checks compare against these, and the messages quote them.

#include "compiler/check_context.hpp"
#include "grammar/diagnostic.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cstdlib>
#include <limits>

namespace ferry::compiler::detail {

namespace {

using grammar::syntax::Expr;
using grammar::syntax::ExprKind;

/// Groovy's integer literal rules: Integer when it fits, else Long, else BigInteger;
/// a suffix (`L`, `G`, `I`) picks the class.
std::optional<Literal> integer_literal(std::string digits, char suffix, bool negative) {
    int base = 10;
    if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'x' || digits[1] == 'X')) {
        base = 16;
        digits.erase(0, 2);
    } else if (digits.size() > 2 && digits[0] == '0' && (digits[1] == 'b' || digits[1] == 'B')) {
        base = 2;
        digits.erase(0, 2);
    } else if (digits.size() > 1 && digits[0] == '0') {
        base = 8;
    }
    unsigned long long magnitude = 0;
    const auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), magnitude, base);
    if (error == std::errc::invalid_argument ||
        (error == std::errc{} && end != digits.data() + digits.size())) {
        return std::nullopt;
    }
    Literal literal{Literal::Kind::integer, {}, {}};
    const bool too_big =
        error == std::errc::result_out_of_range ||
        magnitude > static_cast<unsigned long long>(std::numeric_limits<long long>::max()) +
                        (negative ? 1 : 0);
    if (too_big || suffix == 'g') {
        literal.kind = Literal::Kind::big_integer;
        literal.text = (negative ? "-" : "") + digits;
        return literal;
    }
    const long long value =
        negative ? static_cast<long long>(0ULL - magnitude) : static_cast<long long>(magnitude);
    const bool fits_int =
        value >= std::numeric_limits<int>::min() && value <= std::numeric_limits<int>::max();
    literal.kind = suffix == 'l' || !fits_int ? Literal::Kind::long_ : Literal::Kind::integer;
    literal.as_integer = value;
    literal.text = std::to_string(value);
    return literal;
}

std::optional<Literal> number_literal(std::string_view written, bool negative) {
    std::string text;
    std::copy_if(written.begin(), written.end(), std::back_inserter(text),
                 [](char c) { return c != '_'; });
    if (text.empty()) {
        return std::nullopt;
    }
    const bool hex = text.size() > 1 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X');
    char suffix = 0;
    const char last = static_cast<char>(std::tolower(static_cast<unsigned char>(text.back())));
    if (last == 'l' || last == 'g' || last == 'i' || (!hex && (last == 'd' || last == 'f'))) {
        suffix = last;
        text.pop_back();
    }
    const bool decimal =
        !hex && (text.find_first_of(".eE") != std::string::npos || suffix == 'd' || suffix == 'f');
    if (!decimal) {
        return integer_literal(text, suffix, negative);
    }
    // Declarative turns BigDecimal constants into doubles; Java prints those its own way.
    Literal literal{Literal::Kind::decimal, {}, {}};
    char* end = nullptr;
    const double value = std::strtod(text.c_str(), &end);
    std::string printed = std::to_string(negative ? -value : value);
    printed.erase(printed.find_last_not_of('0') + 1);
    if (!printed.empty() && printed.back() == '.') {
        printed.push_back('0');
    }
    literal.text = printed;
    return literal;
}

} // namespace

std::optional<Literal> literal_of(const Expr& expr) {
    switch (expr.kind) {
    case ExprKind::string:
        return Literal{Literal::Kind::string, expr.value, {}};
    case ExprKind::boolean:
        return Literal{Literal::Kind::boolean, expr.value, {}};
    case ExprKind::null:
        return Literal{Literal::Kind::null, "null", {}};
    case ExprKind::number:
        return number_literal(expr.value, false);
    case ExprKind::paren:
        return expr.target ? literal_of(*expr.target) : std::nullopt;
    case ExprKind::unary:
        if (!expr.postfix && (expr.op == "-" || expr.op == "+") && expr.target &&
            expr.target->kind == ExprKind::number) {
            return number_literal(expr.target->value, expr.op == "-");
        }
        return std::nullopt;
    default:
        return std::nullopt;
    }
}

std::string_view java_class(Literal::Kind kind) {
    switch (kind) {
    case Literal::Kind::string:
        return "class java.lang.String";
    case Literal::Kind::integer:
        return "class java.lang.Integer";
    case Literal::Kind::long_:
        return "class java.lang.Long";
    case Literal::Kind::big_integer:
        return "class java.math.BigInteger";
    case Literal::Kind::decimal:
        return "class java.lang.Double";
    case Literal::Kind::boolean:
        return "class java.lang.Boolean";
    case Literal::Kind::null:
        return "null";
    }
    return "null";
}

std::optional<std::string> string_literal(const Expr& expr) {
    if (expr.kind == ExprKind::string) {
        return expr.value;
    }
    if (expr.kind == ExprKind::paren && expr.target) {
        return string_literal(*expr.target);
    }
    return std::nullopt;
}

std::string java_list(const std::vector<std::string_view>& items) {
    std::string out = "[";
    for (std::size_t i = 0; i < items.size(); ++i) {
        if (i > 0) {
            out += ", ";
        }
        out += items[i];
    }
    out += "]";
    return out;
}

bool valid_env_identifier(std::string_view name) {
    if (name.empty()) {
        return false;
    }
    const auto first = static_cast<unsigned char>(name.front());
    if (!(std::isalpha(first) || first == '_')) {
        return false;
    }
    return std::all_of(name.begin() + 1, name.end(),
                       [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

std::optional<std::string_view> nearest(std::string_view name,
                                        const std::vector<std::string_view>& candidates) {
    std::optional<std::string_view> best;
    std::size_t best_distance = 0;
    for (const auto candidate : candidates) {
        const std::size_t distance = grammar::edit_distance(name, candidate);
        if (!best || distance < best_distance) {
            best = candidate;
            best_distance = distance;
        }
    }
    return best;
}

} // namespace ferry::compiler::detail
