// `input`, a stage's and the step: approved in advance (`--approve ID`, `*` for all, with
// parameter values as `--approve ID:NAME=VALUE,…`), by a prompt on a terminal, or else the run
// fails saying how to approve it. A refusal aborts, as in Jenkins. Approved parameters take
// the given values, else their defaults; a stage's become its variables, the step returns
// them as Jenkins does (none: null, one: its value, several: a map).
#include "runtime/executor_detail.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <fmt/format.h>
#include <grp.h>
#include <iostream>
#include <pwd.h>
#include <termios.h>
#include <unistd.h>

namespace ferry::runtime::detail {
namespace {

bool is_name(std::string_view text) {
    return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '-' || c == '.';
    });
}

/// Splits `NAME=VALUE,NAME=VALUE`: a comma followed by something that is not `NAME=` belongs
/// to the value, so values may hold commas.
void add_values(std::string_view text, std::map<std::string, std::string, std::less<>>& out) {
    std::vector<std::string_view> pairs;
    std::size_t start = 0;
    for (std::size_t comma = text.find(','); comma != std::string_view::npos;
         comma = text.find(',', comma + 1)) {
        const auto rest = text.substr(comma + 1);
        const auto eq = rest.find('=');
        if (eq != std::string_view::npos && is_name(rest.substr(0, eq))) {
            pairs.push_back(text.substr(start, comma - start));
            start = comma + 1;
        }
    }
    pairs.push_back(text.substr(start));
    for (const auto pair : pairs) {
        const auto eq = pair.find('=');
        if (eq != std::string_view::npos && eq > 0) {
            out[std::string(pair.substr(0, eq))] = std::string(pair.substr(eq + 1));
        } else if (!pair.empty()) {
            out[std::string(pair)] = ""; // `NAME` alone: an empty value, reported if unknown
        }
    }
}

std::string text_of(const nlohmann::json& value) {
    return value.is_string() ? value.get<std::string>() : value.is_null() ? "" : value.dump();
}

/// A parameter's type and arguments, from a stage input (`{type, params}`) or the step's
/// describables (`{$describable, name, …}`).
std::pair<std::string, nlohmann::json> parameter_of(const nlohmann::json& p) {
    if (p.contains("params")) {
        return {p.value("type", ""), p["params"]};
    }
    return {p.value("$describable", ""), p};
}

std::vector<std::string> choices_of(const nlohmann::json& params) {
    std::vector<std::string> out;
    const auto it = params.find("choices");
    if (it == params.end()) {
        return out;
    }
    if (it->is_array()) {
        for (const auto& c : *it) {
            out.push_back(text_of(c));
        }
        return out;
    }
    std::string all = text_of(*it); // Jenkins also takes choices one per line
    for (std::size_t start = 0; start <= all.size();) {
        auto end = all.find('\n', start);
        end = end == std::string::npos ? all.size() : end;
        if (end > start) {
            out.push_back(all.substr(start, end - start));
        }
        start = end + 1;
    }
    return out;
}

/// The question on stderr, then y/yes (approve) or anything else from stdin.
bool ask_on_terminal(const std::string& message, const std::string& ok, const std::string& id,
                     const std::string& submitter) {
    std::cerr << fmt::format("\n{}\n  [{}] proceed? (y = {}, anything else aborts; input id {}{}) ",
                             message, id, ok.empty() ? "Proceed" : ok, id,
                             submitter.empty() ? "" : "; submitter " + submitter)
              << std::flush;
    std::string answer;
    if (!std::getline(std::cin, answer)) {
        return false;
    }
    return answer == "y" || answer == "Y" || answer == "yes" || answer == "Yes";
}

/// One parameter's value from the terminal; empty keeps the default. Passwords are not echoed.
std::optional<std::string> read_on_terminal(const std::string& name, const std::string& shown,
                                            bool secret) {
    std::cerr << fmt::format("  {} [{}]: ", name, shown) << std::flush;
    termios saved{};
    const bool hide = secret && ::tcgetattr(STDIN_FILENO, &saved) == 0;
    if (hide) {
        termios quiet = saved;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string answer;
    const bool read = static_cast<bool>(std::getline(std::cin, answer));
    if (hide) {
        ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::cerr << '\n';
    }
    if (!read || answer.empty()) {
        return std::nullopt;
    }
    return answer;
}

} // namespace

namespace {

std::string lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
}

/// The Unix groups of local user `user` (primary and supplementary), lower case; none when
/// the name is not a local user.
std::vector<std::string> groups_of(const std::string& user) {
    std::vector<char> buffer(16384);
    passwd pw{};
    passwd* found = nullptr;
    int rc = 0;
    while ((rc = ::getpwnam_r(user.c_str(), &pw, buffer.data(), buffer.size(), &found)) == ERANGE &&
           buffer.size() < (std::size_t{1} << 24)) {
        buffer.resize(buffer.size() * 2); // large directory entries (LDAP, sssd)
    }
    if (rc != 0 || found == nullptr) {
        return {};
    }
    int count = 64;
    std::vector<gid_t> ids(static_cast<std::size_t>(count));
    if (::getgrouplist(user.c_str(), pw.pw_gid, ids.data(), &count) < 0) {
        ids.resize(static_cast<std::size_t>(count));
        if (::getgrouplist(user.c_str(), pw.pw_gid, ids.data(), &count) < 0) {
            return {};
        }
    }
    ids.resize(static_cast<std::size_t>(count));
    std::vector<std::string> names;
    for (const gid_t id : ids) {
        group gr{};
        group* g = nullptr;
        while ((rc = ::getgrgid_r(id, &gr, buffer.data(), buffer.size(), &g)) == ERANGE &&
               buffer.size() < (std::size_t{1} << 24)) {
            buffer.resize(buffer.size() * 2); // a group with many members
        }
        if (rc == 0 && g != nullptr) {
            names.push_back(lower(g->gr_name));
        }
    }
    return names;
}

} // namespace

bool may_submit(std::string_view approver, std::string_view submitters, bool local) {
    std::vector<std::string> names;
    std::size_t start = 0;
    while (start <= submitters.size()) {
        const auto comma = std::min(submitters.find(',', start), submitters.size());
        auto name = submitters.substr(start, comma - start);
        const auto first = name.find_first_not_of(" \t");
        const auto last = name.find_last_not_of(" \t");
        if (first != std::string_view::npos) {
            names.push_back(lower(name.substr(first, last - first + 1)));
        }
        start = comma + 1;
    }
    if (names.empty()) {
        return true;
    }
    const auto who = lower(approver);
    if (who.empty()) {
        return false;
    }
    if (std::find(names.begin(), names.end(), who) != names.end()) {
        return true;
    }
    if (!local) {
        return false;
    }
    const auto groups = groups_of(std::string(approver));
    return std::any_of(groups.begin(), groups.end(), [&](const std::string& g) {
        return std::find(names.begin(), names.end(), g) != names.end();
    });
}

InputAnswer approval_for(const std::vector<std::string>& approvals, std::string_view id) {
    InputAnswer answer;
    for (const auto& a : approvals) {
        const auto colon = a.find(':');
        const std::string_view named = std::string_view(a).substr(0, colon);
        if (named != id && named != "*") {
            continue;
        }
        answer.approved = true;
        if (colon != std::string::npos) {
            add_values(std::string_view(a).substr(colon + 1),
                       named == "*" ? answer.any_input_values : answer.values);
        }
    }
    return answer;
}

Flow Executor::answer_input(const nlohmann::json& input, const std::string& id,
                            const std::function<Event(const std::string&)>& event,
                            const Variables& vars, const Cancellation& cancel,
                            std::vector<InputValue>& values) {
    const std::string message = text_of(input.value("message", nlohmann::json("")));
    const std::string submitter = text_of(input.value("submitter", nlohmann::json("")));
    Event waiting = event("input.waiting");
    waiting.message = message;
    waiting.data["id"] = id;
    if (!submitter.empty()) {
        waiting.data["submitter"] = submitter;
    }
    report(waiting);
    if (!may_submit(options.approver, submitter, options.approver_is_local)) {
        Event refused = event("input.answered");
        refused.data["id"] = id;
        refused.data["approved"] = false;
        refused.data["by"] = "submitter";
        refused.message = fmt::format(
            "input '{}' may be answered only by {} (its submitter), and the approver here is {}: "
            "run as one of them, or name one with --approver",
            id, submitter,
            options.approver.empty() ? "nobody known" : "'" + options.approver + "'");
        report(refused);
        return Flow::error(refused.message);
    }
    InputAnswer given = approval_for(options.approvals, id);
    bool approved = given.approved;
    std::string how = "--approve";
    const bool terminal = !approved && !options.ask && options.prompt;
    if (!approved && (options.ask || options.prompt) && !cancel.cancelled()) {
        approved = options.ask
                       ? options.ask(message, id)
                       : ask_on_terminal(message, text_of(input.value("ok", nlohmann::json(""))),
                                         id, submitter);
        how = "prompt";
    }
    Event answer = event("input.answered");
    answer.data["id"] = id;
    answer.data["approved"] = approved;
    answer.data["by"] = how;
    if (!approved && how == "--approve") {
        answer.message = fmt::format("input '{}' needs approval and nobody can answer here: rerun "
                                     "with --approve {} (or --approve '*')",
                                     id, id);
        report(answer);
        return Flow::error(answer.message);
    }
    if (!approved) {
        answer.message = fmt::format("input '{}' was refused: {}", id, message);
        report(answer);
        return {Flow::End::interrupted, fmt::format("Rejected: input '{}'", id),
                CancelReason::interrupted};
    }
    std::vector<std::string> declared;
    std::vector<std::string> shown;
    for (const auto& p : input.value("parameters", Json::array())) {
        auto [type, params] = parameter_of(p);
        if (!params.is_object()) {
            continue;
        }
        const std::string name = text_of(params.value("name", nlohmann::json("")));
        if (name.empty()) {
            continue;
        }
        declared.push_back(name);
        const bool secret = type == "password";
        const auto choices = choices_of(params);
        nlohmann::json value = type == "booleanParam" ? nlohmann::json(false) : nlohmann::json("");
        if (type == "choice" && !choices.empty()) {
            value = choices.front();
        }
        if (params.contains("defaultValue")) {
            auto d = compiler::resolve_value(params["defaultValue"], scope_of(vars));
            value = type == "booleanParam" && d.value.is_boolean()
                        ? d.value
                        : nlohmann::json(text_of(d.value));
        }
        std::optional<std::string> typed;
        if (const auto it = given.values.find(name); it != given.values.end()) {
            typed = it->second;
        } else if (const auto any = given.any_input_values.find(name);
                   any != given.any_input_values.end()) {
            typed = any->second;
        } else if (terminal) {
            typed = read_on_terminal(name, secret ? "****" : text_of(value), secret);
        }
        if (typed) {
            if (type == "booleanParam" && *typed != "true" && *typed != "false") {
                return Flow::error(fmt::format(
                    "input '{}': parameter {} is a booleanParam: give true or false", id, name));
            }
            if (type == "choice" &&
                std::find(choices.begin(), choices.end(), *typed) == choices.end()) {
                return Flow::error(fmt::format("input '{}': parameter {} takes one of: {}", id,
                                               name, fmt::join(choices, ", ")));
            }
            value =
                type == "booleanParam" ? nlohmann::json(*typed == "true") : nlohmann::json(*typed);
        }
        if (secret) {
            services.masker->add(Secret(text_of(value)));
        }
        shown.push_back(fmt::format("{}={}", name, secret ? "****" : text_of(value)));
        values.push_back({name, std::move(value), secret});
    }
    for (const auto& [name, value] : given.values) {
        if (std::find(declared.begin(), declared.end(), name) == declared.end()) {
            return Flow::error(
                declared.empty()
                    ? fmt::format("input '{}' has no parameters, but --approve gives {}", id, name)
                    : fmt::format("input '{}' has no parameter '{}' (it has: {})", id, name,
                                  fmt::join(declared, ", ")));
        }
    }
    answer.message = fmt::format("input '{}' approved ({}){}{}", id, how, shown.empty() ? "" : ": ",
                                 fmt::join(shown, ", "));
    report(answer);
    // The submitter is the approver: --approver, the CI's user, else whoever runs ferry.
    if (const std::string who = text_of(input.value("submitterParameter", nlohmann::json("")));
        !who.empty()) {
        values.push_back(
            {who, options.approver.empty() ? vars.get("USER").value_or("ferry") : options.approver,
             false});
    }
    return {};
}

Flow Executor::ask_input(const Json& node, const Json& input, Variables& vars,
                         const Cancellation& cancel) {
    // Jenkins derives a default id from the message; ferry uses the stage's id, which people
    // can read and type.
    std::string id = text_of(input.value("id", nlohmann::json("")));
    if (id.empty()) {
        id = node.value("id", "");
    }
    std::vector<InputValue> values;
    const auto event = [&](const std::string& type) { return stage_event(type, node); };
    if (Flow f = answer_input(input, id, event, vars, cancel, values); !f.ok()) {
        return f;
    }
    for (const auto& v : values) {
        vars.set(v.name, text_of(v.value), v.secret);
    }
    return {};
}

Flow Executor::input_step(const compiler::PlanStep& step, const nlohmann::json& params,
                          const Frame& frame) {
    std::string id = text_of(params.value("id", nlohmann::json("")));
    if (id.empty()) {
        id = step.id; // readable and unique, like the stage's id for a stage's input
    }
    std::vector<InputValue> values;
    const auto event = [&](const std::string& type) { return step_event(type, step); };
    Flow flow = answer_input(params, id, event, *frame.vars, *frame.cancel, values);
    if (!flow.ok()) {
        return flow;
    }
    if (values.size() == 1) {
        flow.value = values.front().value;
    } else if (!values.empty()) {
        flow.value = nlohmann::json::object();
        for (const auto& v : values) {
            flow.value[v.name] = v.value;
        }
    }
    return flow;
}

} // namespace ferry::runtime::detail
