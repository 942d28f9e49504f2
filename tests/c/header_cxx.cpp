// The header used from C++: it compiles cleanly as C++ and its declarations link (extern "C").
#include <corsguard.h>

#include <cstdio>
#include <cstring>

int main() {
    corsguard_policy_builder *builder = nullptr;
    corsguard_policy *policy = nullptr;
    const char origin[] = "https://app.example.com";
    if (corsguard_policy_builder_new(&builder) != CORSGUARD_RESULT_OK) {
        return 1;
    }
    corsguard_policy_builder_add_origin(builder, reinterpret_cast<const uint8_t *>(origin), sizeof origin - 1);
    corsguard_result result = corsguard_policy_builder_build(builder, &policy, nullptr);
    corsguard_policy_builder_free(builder);
    if (result != CORSGUARD_RESULT_OK) {
        return 1;
    }
    corsguard_slice line = {reinterpret_cast<const uint8_t *>(origin), sizeof origin - 1};
    corsguard_request request = {};
    request.method = corsguard_slice{reinterpret_cast<const uint8_t *>("GET"), 3};
    request.origin = &line;
    request.origin_count = 1;
    corsguard_decision decision;
    bool ok = corsguard_decide(policy, &request, &decision) == CORSGUARD_RESULT_OK &&
              decision.verdict == CORSGUARD_VERDICT_ALLOWED && decision.header_count == 2;
    corsguard_policy_free(policy);
    std::printf("c++: %d passed, %d failed\n", ok ? 1 : 0, ok ? 0 : 1);
    return ok ? 0 : 1;
}
