#include "cli/commands.hpp"
#include "cli/version.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <map>
#include <string>

namespace ferry::cli {

namespace {

int print_help(CLI::App& app, const std::string& topic) {
    if (topic.empty()) {
        std::fputs(app.help().c_str(), stdout);
        return 0;
    }
    for (CLI::App* sub : app.get_subcommands({})) {
        if (sub->get_name() == topic) {
            std::fputs(sub->help().c_str(), stdout);
            return 0;
        }
    }
    fmt::print(stderr, "ferry: no command named \"{}\"; `ferry help` lists them\n", topic);
    return 2;
}

} // namespace

int run_cli(const std::vector<Command>& table, int argc, char** argv) {
    CLI::App app{"ferry: check, plan and run Jenkins-declarative delivery pipelines", "ferry"};
    app.set_version_flag("--version", std::string("ferry ") + version);
    app.require_subcommand(0, 1);
    app.footer("Run `ferry help COMMAND` for a command's options. Docs: docs/cli.md");

    std::map<std::string, Runner, std::less<>> runners;
    for (const auto& command : table) {
        CLI::App* sub = app.add_subcommand(std::string(command.name), std::string(command.summary));
        runners.emplace(command.name, command.setup(*sub));
    }
    std::string help_topic;
    CLI::App* help = app.add_subcommand("help", "Show help for ferry or one of its commands");
    help->add_option("command", help_topic, "The command to explain");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }
    if (help->parsed()) {
        return print_help(app, help_topic);
    }
    for (CLI::App* sub : app.get_subcommands()) {
        if (auto it = runners.find(sub->get_name()); it != runners.end()) {
            return it->second();
        }
    }
    std::fputs(app.help().c_str(), stdout);
    return 0;
}

} // namespace ferry::cli
