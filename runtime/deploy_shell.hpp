#pragma once
// How deploys talk to a cluster: kubectl and helm, each call naming the kubeconfig and the
// context explicitly (the kubeconfig's current-context is never used). The process behind it is
// an interface so that unit tests record the calls instead of reaching a cluster.

#include "runtime/cancel.hpp"
#include "runtime/cluster_probe.hpp"

#include <chrono>
#include <filesystem>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ferry::runtime {

/// What one tool call did: its exit, both streams whole.
struct ToolRun {
    bool started = false;
    bool cancelled = false;
    int exit_code = -1;
    std::string out;
    std::string err;
    std::string error; ///< why it did not start
    [[nodiscard]] bool ok() const { return started && !cancelled && exit_code == 0; }
};

/// Runs a program to its end, capturing its output; stdin is `input` or /dev/null.
class DeployShell {
public:
    virtual ~DeployShell() = default;
    [[nodiscard]] virtual ToolRun run(const std::filesystem::path& program,
                                      const std::vector<std::string>& args,
                                      const std::optional<std::string>& input) = 0;
};

/// The real shell: runtime/process.hpp's run_process with the step's environment and
/// cancellation, so a cancelled run ends the tool's whole process group.
class ProcessDeployShell final : public DeployShell {
public:
    ProcessDeployShell(std::vector<std::pair<std::string, std::string>> env,
                       std::filesystem::path cwd, const Cancellation& cancel)
        : env_(std::move(env)), cwd_(std::move(cwd)), cancel_(cancel) {}
    [[nodiscard]] ToolRun run(const std::filesystem::path& program,
                              const std::vector<std::string>& args,
                              const std::optional<std::string>& input) override;

private:
    std::vector<std::pair<std::string, std::string>> env_;
    std::filesystem::path cwd_;
    const Cancellation& cancel_;
};

/// The probes' shell: read-only calls with stdin closed, each ended after `timeout`. A call
/// that needs input is refused (probes never write).
class CapturedDeployShell final : public DeployShell {
public:
    explicit CapturedDeployShell(std::chrono::milliseconds timeout) : timeout_(timeout) {}
    [[nodiscard]] ToolRun run(const std::filesystem::path& program,
                              const std::vector<std::string>& args,
                              const std::optional<std::string>& input) override;

private:
    std::chrono::milliseconds timeout_;
};

/// kubectl and helm bound to one cluster target.
class KubeTools {
public:
    KubeTools(DeployShell& shell, ClusterTarget target, std::filesystem::path kubectl,
              std::filesystem::path helm)
        : shell_(shell), target_(std::move(target)), kubectl_(std::move(kubectl)),
          helm_(std::move(helm)) {}

    /// `kubectl --kubeconfig K --context C args…`, `input` on stdin.
    [[nodiscard]] ToolRun kubectl(std::vector<std::string> args,
                                  const std::optional<std::string>& input = std::nullopt) const;
    /// `helm --kubeconfig K --kube-context C args…`.
    [[nodiscard]] ToolRun helm(std::vector<std::string> args) const;

    [[nodiscard]] const ClusterTarget& target() const { return target_; }
    /// "context C of K", for messages.
    [[nodiscard]] std::string where() const;

private:
    DeployShell& shell_;
    ClusterTarget target_;
    std::filesystem::path kubectl_;
    std::filesystem::path helm_;
};

/// Why a call failed, for people: "`what` failed (exit code N): <first error line>".
[[nodiscard]] std::string tool_failure(std::string_view what, const ToolRun& run);

/// Whether a kubectl error says the object does not exist.
[[nodiscard]] bool is_not_found(const ToolRun& run);

} // namespace ferry::runtime
