// run_captured through Boost.Process v1: the only cluster-probe file that includes it.
#include "runtime/cluster_probe.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/process.hpp>
#include <future>

namespace ferry::runtime {

namespace bp = boost::process;

ProcessOutput run_captured(const std::filesystem::path& program,
                           const std::vector<std::string>& args,
                           std::chrono::milliseconds timeout) {
    ProcessOutput result;
    boost::asio::io_context io;
    std::future<std::string> out;
    std::future<std::string> err;
    std::error_code ec;
    bp::child child(program.string(), bp::args(args), bp::std_in<bp::null, bp::std_out> out,
                    bp::std_err > err, io, ec);
    if (ec) {
        result.error = ec.message();
        return result;
    }
    result.started = true;
    io.run_for(timeout);
    if (!io.stopped()) {
        result.timed_out = true;
        child.terminate(ec);
        child.wait(ec);
        return result;
    }
    child.wait(ec);
    result.exit_code = child.exit_code();
    result.out = out.get();
    result.err = err.get();
    return result;
}

} // namespace ferry::runtime
