// The header used from C++: it compiles cleanly as C++ and its declarations link (extern "C"), through both
// ways of building a policy.
#include <corsguard.h>

#include <cstdio>
#include <cstring>

static bool allowed(const corsguard_policy *policy, const corsguard_slice &origin) {
    corsguard_request request = {};
    request.method = corsguard_slice{reinterpret_cast<const uint8_t *>("GET"), 3};
    request.origin = origin;
    request.origin_count = 1;
    corsguard_decision decision;
    return corsguard_decide(policy, &request, &decision) == CORSGUARD_RESULT_OK &&
           corsguard_decision_verdict(&decision) == CORSGUARD_VERDICT_ALLOWED &&
           corsguard_decision_header_count(&decision) == 2;
}

int main() {
    static const corsguard_slice origins[] = {CORSGUARD_SLICE("https://app.example.com")};
    corsguard_config config = {};
    config.origins = origins;
    config.origin_count = 1;
    alignas(8) static unsigned char memory[8192];
    const corsguard_policy *in_memory = nullptr;
    bool ok = corsguard_policy_init(&config, memory, sizeof memory, &in_memory, nullptr) == CORSGUARD_RESULT_OK &&
              allowed(in_memory, origins[0]);

    corsguard_policy_builder *builder = nullptr;
    corsguard_policy *built = nullptr;
    const char origin[] = "https://app.example.com";
    if (corsguard_policy_builder_new(&builder) != CORSGUARD_RESULT_OK) {
        return 1;
    }
    corsguard_policy_builder_add_origin(builder, reinterpret_cast<const uint8_t *>(origin), sizeof origin - 1);
    corsguard_result result = corsguard_policy_builder_build(builder, &built, nullptr);
    corsguard_policy_builder_free(builder);
    ok = ok && result == CORSGUARD_RESULT_OK && allowed(built, origins[0]);
    corsguard_policy_free(built);
    std::printf("c++: %d passed, %d failed\n", ok ? 1 : 0, ok ? 0 : 1);
    return ok ? 0 : 1;
}
