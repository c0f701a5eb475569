// `junit`: reads JUnit XML reports (Boost.PropertyTree's XML parser), counts their test cases
// across <testsuites>/<testsuite> (nested suites included), and makes the step UNSTABLE when a
// case failed or erred, as the JUnit plugin does.

#include "stdlib/drivers/basic_support.hpp"

#include <boost/property_tree/ptree.hpp>
#include <boost/property_tree/xml_parser.hpp>
#include <fmt/format.h>

namespace ferry::stdlib::drivers::detail {

namespace {

namespace pt = boost::property_tree;

struct Counts {
    long long tests = 0;
    long long failures = 0;
    long long errors = 0;
    long long skipped = 0;
    std::vector<std::string> failed; ///< `suite.class.name` of each failed or erred case
};

std::string attribute(const pt::ptree& node, const std::string& name) {
    return node.get<std::string>("<xmlattr>." + name, "");
}

void count_case(const pt::ptree& testcase, const std::string& suite, Counts& counts) {
    ++counts.tests;
    const bool failed = testcase.count("failure") > 0;
    const bool erred = testcase.count("error") > 0;
    if (failed || erred) {
        failed ? ++counts.failures : ++counts.errors;
        auto class_name = attribute(testcase, "classname");
        if (class_name.empty()) {
            class_name = suite;
        }
        const auto name = attribute(testcase, "name");
        counts.failed.push_back(class_name.empty() ? name : class_name + "." + name);
    } else if (testcase.count("skipped") > 0) {
        ++counts.skipped;
    }
}

void count_suite(const pt::ptree& suite, Counts& counts) {
    const auto name = attribute(suite, "name");
    for (const auto& [tag, child] : suite) {
        if (tag == "testcase") {
            count_case(child, name, counts);
        } else if (tag == "testsuite") {
            count_suite(child, counts);
        }
    }
}

/// Adds one report's cases to `counts`; an error message when it is not a JUnit report.
std::string read_report(const std::filesystem::path& path, Counts& counts) {
    pt::ptree tree;
    try {
        pt::read_xml(path.string(), tree);
    } catch (const pt::xml_parser_error& error) {
        return fmt::format("Failed to read test report file {}: line {}: {}", path.string(),
                           error.line(), error.message());
    }
    bool found = false;
    for (const auto& [tag, root] : tree) {
        if (tag == "testsuites" || tag == "testsuite") {
            found = true;
            count_suite(root, counts);
        }
    }
    if (!found) {
        return fmt::format("Failed to read test report file {}: no <testsuites> or <testsuite> "
                           "element at its root",
                           path.string());
    }
    return {};
}

runtime::StepOutcome junit_step(runtime::StepContext& context) {
    FilePatterns patterns;
    if (auto results = string_param(context, "testResults")) {
        patterns.includes = *results;
    } else {
        return missing_param(context, "testResults");
    }
    context.log(runtime::OutputStream::out, "Recording test results");
    const bool allow_empty = bool_param(context, "allowEmptyResults", false);
    const auto files = find_files(context.cwd, patterns);
    if (files.empty()) {
        if (allow_empty) {
            context.log(runtime::OutputStream::out,
                        "None of the test reports contained any result");
        } else {
            return failure("No test report files were found. Configuration error?");
        }
    }
    Counts counts;
    for (const auto& file : files) {
        if (auto error = read_report(context.cwd / file, counts); !error.empty()) {
            return failure(error);
        }
    }
    if (counts.tests == 0 && !files.empty() && !allow_empty) {
        return failure("None of the test reports contained any result");
    }
    const long long failed = counts.failures + counts.errors;
    nlohmann::json value = {
        {"totalCount", counts.tests},  {"failCount", failed},
        {"skipCount", counts.skipped}, {"passCount", counts.tests - failed - counts.skipped},
        {"failures", counts.failures}, {"errors", counts.errors},
        {"failed", counts.failed},     {"files", files},
    };
    context.log(runtime::OutputStream::out,
                fmt::format("Tests: {} total, {} failed, {} skipped ({} report file{})",
                            counts.tests, failed, counts.skipped, files.size(),
                            files.size() == 1 ? "" : "s"));
    for (const auto& name : counts.failed) {
        context.log(runtime::OutputStream::out, "FAILED: " + name);
    }
    if (failed > 0 && !bool_param(context, "skipMarkingBuildUnstable", false)) {
        return {runtime::BuildResult::unstable,
                fmt::format("{} test{} failed", failed, failed == 1 ? "" : "s"), std::move(value)};
    }
    return succeeded(std::move(value));
}

} // namespace

void register_junit_step(runtime::DriverTable& table) {
    table["junit"] = junit_step;
}

} // namespace ferry::stdlib::drivers::detail
