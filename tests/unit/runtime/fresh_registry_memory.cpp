// Each test of the runtime starts with an empty registry memory (runtime/registry_client_pool.cpp):
// what one test's registry asked (Basic, a token, a manifest) is keyed by 127.0.0.1:<port>, and a
// later test's server may be given the same port.
#include "runtime/registry_client_impl.hpp"

#define CATCH_CONFIG_EXTERNAL_INTERFACES // the listener interface
#include <catch2/catch.hpp>

namespace {

struct FreshRegistryMemory : Catch::TestEventListenerBase {
    using TestEventListenerBase::TestEventListenerBase;
    void testCaseStarting(const Catch::TestCaseInfo& info) override {
        ferry::runtime::registry_http::RegistryMemory::process().forget_all();
        TestEventListenerBase::testCaseStarting(info);
    }
};

} // namespace

CATCH_REGISTER_LISTENER(FreshRegistryMemory)
